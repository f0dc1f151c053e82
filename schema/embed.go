package schema

import (
	_ "embed"
	"sync"
)

//go:embed v4/model.json
var v4JSON []byte

// v4 builds the embedded model on first use; the result never changes.
var v4 = sync.OnceValues(func() (*Model, error) { return Load(v4JSON) })

// V4 returns the embedded oVirt v4 API model (version 4.6), compiled by
// `make schema` from the oVirt API model. Every call returns the same
// immutable value.
func V4() (*Model, error) { return v4() }

// LoadV4 builds a fresh copy of the embedded v4 model; V4 is cheaper.
func LoadV4() (*Model, error) { return Load(v4JSON) }

// EmbeddedV4 returns the compiled v4 model as embedded (the File's JSON).
func EmbeddedV4() []byte { return v4JSON }
