package schema

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
)

// HistoryFormat is the version of the History layout this package reads.
const HistoryFormat = 1

// History is every release of the v4 API model in one value: each type,
// member, enum value, global element, route (service and method),
// parameter, header, signature, link rel and action carries the set of
// releases it exists in and the set in which it is deprecated. The File of
// one release is a projection of it (Project), built into a Model like any
// other File. `make schema` generates it from the model's sources; the
// package embeds it (Embedded).
type History struct {
	Format   int    `json:"format"`
	API      int    `json:"api"`
	BasePath string `json:"base_path"`
	// Credit names where the model comes from; each release's File says
	// "oVirt API model <release> (<credit>)".
	Credit string `json:"credit"`
	// Releases are the model versions the history holds, oldest first
	// ("4.0.40", ..., "4.6.1"): bit i of a Set stands for Releases[i].
	Releases []string `json:"releases"`
	// Signatures says, per release, where its signatures (what a request
	// body must hold) come from: SignaturesModel or SignaturesRSDL.
	Signatures []string         `json:"signatures,omitempty"`
	Types      []HistoryType    `json:"types"`
	Elements   []HistoryElement `json:"elements"`
	Routes     []HistoryRoute   `json:"routes"`
}

// Set is a set of a History's releases: bit i stands for Releases[i]. In
// JSON it is written one character per release, oldest first, up to the
// newest it holds: "..xxx" holds the third to the fifth.
type Set uint32

// MaxReleases is how many releases a History can hold.
const MaxReleases = 32

// Has reports whether release i is in the set.
func (s Set) Has(i int) bool { return i >= 0 && i < MaxReleases && s&(1<<uint(i)) != 0 }

// First returns the oldest release in the set, or -1 when it is empty.
func (s Set) First() int {
	if s == 0 {
		return -1
	}
	return bits.TrailingZeros32(uint32(s))
}

// Last returns the newest release in the set, or -1 when it is empty.
func (s Set) Last() int { return 31 - bits.LeadingZeros32(uint32(s)) }

// MarshalJSON writes the set as "x" and "." per release.
func (s Set) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i <= s.Last(); i++ {
		if s.Has(i) {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	b.WriteByte('"')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Set) UnmarshalJSON(data []byte) error {
	var str string
	if err := json.Unmarshal(data, &str); err != nil {
		return err
	}
	if len(str) > MaxReleases {
		return fmt.Errorf("schema: release set %q: more than %d releases", str, MaxReleases)
	}
	*s = 0
	for i, c := range str {
		switch c {
		case 'x':
			*s |= 1 << uint(i)
		case '.':
		default:
			return fmt.Errorf("schema: release set %q: want only 'x' and '.'", str)
		}
	}
	return nil
}

// HistoryType is a type of the history. A type whose shape (base, kind,
// item) changed between releases has one entry per shape.
type HistoryType struct {
	Name      string `json:"name"`
	Model     string `json:"model,omitempty"`
	Base      string `json:"base,omitempty"`
	Anonymous bool   `json:"anonymous,omitempty"`
	Simple    bool   `json:"simple,omitempty"`
	Scalar    string `json:"scalar,omitempty"`
	Text      bool   `json:"text,omitempty"`
	Item      string `json:"item,omitempty"`
	// In is the releases the type has this shape in; empty in JSON: all.
	In         Set            `json:"in,omitempty"`
	Deprecated Set            `json:"deprecated,omitempty"`
	Enum       []HistoryValue `json:"enum,omitempty"`
	Attrs      []HistoryAttr  `json:"attrs,omitempty"`
	Elems      []HistoryElem  `json:"elems,omitempty"`
	Rels       []HistoryValue `json:"rels,omitempty"`
	Actions    []HistoryValue `json:"actions,omitempty"`
}

// HistoryValue is a versioned string: an enum value, a link rel, an
// action, an action's parameter.
type HistoryValue struct {
	V          string `json:"v"`
	In         Set    `json:"in,omitempty"`
	Deprecated Set    `json:"deprecated,omitempty"`
}

// HistoryElem is a versioned element particle; a member whose type or
// bounds changed has one entry per form.
type HistoryElem struct {
	Name       string `json:"name"`
	Type       string `json:"type,omitempty"`
	Min        int    `json:"min,omitempty"`
	Max        int    `json:"max"`
	Link       bool   `json:"link,omitempty"`
	In         Set    `json:"in,omitempty"`
	Deprecated Set    `json:"deprecated,omitempty"`
}

// HistoryAttr is a versioned attribute.
type HistoryAttr struct {
	AttrDef
	In Set `json:"in,omitempty"`
}

// HistoryElement is a versioned global element.
type HistoryElement struct {
	ElementDecl
	In Set `json:"in,omitempty"`
}

// HistoryRoute is a versioned route: a method of a service at a path. A
// route whose bodies changed has one entry per form.
type HistoryRoute struct {
	Method     string             `json:"method"`
	Path       string             `json:"path"`
	Service    string             `json:"service,omitempty"`
	Operation  string             `json:"operation"`
	Kind       string             `json:"kind"`
	Item       string             `json:"item,omitempty"`
	Input      *HistoryBody       `json:"input,omitempty"`
	Output     *HistoryBody       `json:"output,omitempty"`
	In         Set                `json:"in,omitempty"`
	Deprecated Set                `json:"deprecated,omitempty"`
	Params     []HistoryParam     `json:"params,omitempty"`
	Headers    []HistoryHeader    `json:"headers,omitempty"`
	Signatures []HistorySignature `json:"signatures,omitempty"`
}

// HistoryBody is a route's body; an action's parameters are versioned.
type HistoryBody struct {
	Element string         `json:"element"`
	Type    string         `json:"type"`
	Params  []HistoryValue `json:"params,omitempty"`
}

// HistoryParam is a versioned URL parameter.
type HistoryParam struct {
	Name       string `json:"name"`
	Context    string `json:"context"`
	Type       string `json:"type"`
	Required   bool   `json:"required,omitempty"`
	In         Set    `json:"in,omitempty"`
	Deprecated Set    `json:"deprecated,omitempty"`
}

// HistoryHeader is a versioned request header.
type HistoryHeader struct {
	Header
	In Set `json:"in,omitempty"`
}

// HistorySignature is a versioned signature: where the model has none
// (4.0, 4.1) the RSDL metadata's, else the model's @InputDetail.
type HistorySignature struct {
	SignatureDef
	In Set `json:"in,omitempty"`
}

// Where a release's signatures come from (History.Signatures).
const (
	// SignaturesModel: the model's @InputDetail (4.2 and later).
	SignaturesModel = "model"
	// SignaturesRSDL: the engine's rsdl_metadata.yaml (4.0 and 4.1).
	SignaturesRSDL = "rsdl"
)

// SignatureSource returns where the signatures of a model version of the
// history come from, or "" for a version it does not hold.
func (h *History) SignatureSource(version string) string {
	if i := h.Index(version); i >= 0 && i < len(h.Signatures) {
		return h.Signatures[i]
	}
	return ""
}

// DecodeHistory reads a History from JSON and checks that it is whole.
func DecodeHistory(data []byte) (*History, error) {
	var h History
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("schema: decode history: %w", err)
	}
	if h.Format != HistoryFormat {
		return nil, fmt.Errorf("schema: history format %d, this build reads %d: regenerate it with `make schema`", h.Format, HistoryFormat)
	}
	if len(h.Releases) == 0 || len(h.Releases) > MaxReleases {
		return nil, fmt.Errorf("schema: history of %d releases (want 1 to %d): %w", len(h.Releases), MaxReleases, ErrModel)
	}
	if len(h.Signatures) != 0 && len(h.Signatures) != len(h.Releases) {
		return nil, fmt.Errorf("schema: history of %d releases names the signatures of %d: %w", len(h.Releases), len(h.Signatures), ErrModel)
	}
	h.fillAll()
	return &h, nil
}

// All returns the set of every release of the history.
func (h *History) All() Set { return Set(1)<<uint(len(h.Releases)) - 1 }

// Index returns the position of a model version in Releases, or -1.
func (h *History) Index(version string) int {
	for i, r := range h.Releases {
		if r == version {
			return i
		}
	}
	return -1
}

// fillAll gives every entry written without "in" (JSON's way of saying
// every release) the set of every release.
func (h *History) fillAll() {
	all := h.All()
	h.eachIn(func(s *Set) {
		if *s == 0 {
			*s = all
		}
	})
}

// Compact clears every "in" set that holds every release, so that JSON
// leaves it out; DecodeHistory fills them in again. For writers of the
// history only: a compacted History must be decoded before use.
func (h *History) Compact() {
	all := h.All()
	h.eachIn(func(s *Set) {
		if *s == all {
			*s = 0
		}
	})
}

// eachIn calls f with every entry's set of releases.
func (h *History) eachIn(f func(*Set)) {
	values := func(vs []HistoryValue) {
		for i := range vs {
			f(&vs[i].In)
		}
	}
	for i := range h.Types {
		t := &h.Types[i]
		f(&t.In)
		values(t.Enum)
		values(t.Rels)
		values(t.Actions)
		for j := range t.Attrs {
			f(&t.Attrs[j].In)
		}
		for j := range t.Elems {
			f(&t.Elems[j].In)
		}
	}
	for i := range h.Elements {
		f(&h.Elements[i].In)
	}
	for i := range h.Routes {
		r := &h.Routes[i]
		f(&r.In)
		if r.Input != nil {
			values(r.Input.Params)
		}
		for j := range r.Params {
			f(&r.Params[j].In)
		}
		for j := range r.Headers {
			f(&r.Headers[j].In)
		}
		for j := range r.Signatures {
			f(&r.Signatures[j].In)
		}
	}
}
