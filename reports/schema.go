package reports

import _ "embed" // results.schema.json

//go:embed results.schema.json
var resultsSchema string

// JSONSchema returns the JSON Schema (draft 2020-12) of results.json,
// version 1: the format's documentation.
func JSONSchema() string { return resultsSchema }
