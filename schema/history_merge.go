package schema

import (
	"fmt"
	"slices"
	"sort"
)

// NewHistory merges the Files of releases (model versions, oldest first)
// into one History whose projection of each release is that release's
// File again: the same types, elements and routes with the same members,
// values, parameters and signatures. Elements of a type's sequence,
// attributes, routes and signatures keep each release's order; what Build
// does not order by (types, global elements, enum values, link rels,
// actions, URL parameters, headers, action parameters) comes out sorted.
func NewHistory(releases []string, files []*File) (*History, error) {
	if len(releases) != len(files) || len(releases) == 0 || len(releases) > MaxReleases {
		return nil, fmt.Errorf("schema: a history of %d releases from %d files (want 1 to %d): %w", len(releases), len(files), MaxReleases, ErrModel)
	}
	h := &History{Format: HistoryFormat, API: files[0].API, BasePath: files[0].BasePath, Releases: slices.Clone(releases)}
	types := map[string][]int{} // name -> entries in h.Types
	for i, f := range files {
		if f.API != h.API || f.BasePath != h.BasePath {
			return nil, fmt.Errorf("schema: release %s is API v%d at %s, release %s v%d at %s: %w",
				releases[i], f.API, f.BasePath, releases[0], h.API, h.BasePath, ErrModel)
		}
		bit := Set(1) << uint(i)
		for k := range f.Types {
			h.mergeType(types, &f.Types[k], bit)
		}
		for _, e := range f.Elements {
			h.mergeElement(e, bit)
		}
		h.Routes = mergeSeq(h.Routes, f.Routes, sameRoute,
			func(e *HistoryRoute, d *RouteDef) { e.merge(d, bit) },
			func(d *RouteDef) HistoryRoute {
				e := HistoryRoute{Method: d.Method, Path: d.Path, Service: d.Service, Operation: d.Operation,
					Kind: d.Kind, Item: d.Item, Input: newBody(d.Input), Output: newBody(d.Output)}
				e.merge(d, bit)
				return e
			})
	}
	sort.SliceStable(h.Types, func(i, j int) bool { return h.Types[i].Name < h.Types[j].Name })
	sort.SliceStable(h.Elements, func(i, j int) bool { return h.Elements[i].Name < h.Elements[j].Name })
	return h, nil
}

func deprecatedIn(deprecated bool, bit Set) Set {
	if deprecated {
		return bit
	}
	return 0
}

func (h *History) mergeType(byName map[string][]int, d *TypeDef, bit Set) {
	var t *HistoryType
	for _, k := range byName[d.Name] {
		c := &h.Types[k]
		if c.Model == d.Model && c.Base == d.Base && c.Anonymous == d.Anonymous && c.Simple == d.Simple &&
			c.Scalar == d.Scalar && c.Text == d.Text && c.Item == d.Item {
			t = c
		}
	}
	if t == nil {
		byName[d.Name] = append(byName[d.Name], len(h.Types))
		h.Types = append(h.Types, HistoryType{Name: d.Name, Model: d.Model, Base: d.Base, Anonymous: d.Anonymous,
			Simple: d.Simple, Scalar: d.Scalar, Text: d.Text, Item: d.Item})
		t = &h.Types[len(h.Types)-1]
	}
	t.In |= bit
	t.Deprecated |= deprecatedIn(d.Deprecated, bit)
	t.Enum = mergeValues(t.Enum, d.Enum, d.DeprecatedValues, bit)
	t.Rels = mergeValues(t.Rels, d.Rels, nil, bit)
	t.Actions = mergeValues(t.Actions, d.Actions, nil, bit)
	t.Attrs = mergeSeq(t.Attrs, d.Attrs,
		func(e *HistoryAttr, a *AttrDef) bool { return e.AttrDef == *a },
		func(e *HistoryAttr, _ *AttrDef) { e.In |= bit },
		func(a *AttrDef) HistoryAttr { return HistoryAttr{AttrDef: *a, In: bit} })
	t.Elems = mergeSeq(t.Elems, d.Elems,
		func(e *HistoryElem, x *ElemDef) bool {
			return e.Name == x.Name && e.Type == x.Type && e.Min == x.Min && e.Max == x.Max && e.Link == x.Link
		},
		func(e *HistoryElem, x *ElemDef) {
			e.In |= bit
			e.Deprecated |= deprecatedIn(x.Deprecated, bit)
		},
		func(x *ElemDef) HistoryElem {
			return HistoryElem{Name: x.Name, Type: x.Type, Min: x.Min, Max: x.Max, Link: x.Link, In: bit,
				Deprecated: deprecatedIn(x.Deprecated, bit)}
		})
}

func (h *History) mergeElement(e ElementDecl, bit Set) {
	for i := range h.Elements {
		if h.Elements[i].ElementDecl == e {
			h.Elements[i].In |= bit
			return
		}
	}
	h.Elements = append(h.Elements, HistoryElement{ElementDecl: e, In: bit})
}

// mergeValues adds the values of one release to a sorted set.
func mergeValues(vs []HistoryValue, add, deprecated []string, bit Set) []HistoryValue {
	for _, v := range add {
		i := sort.Search(len(vs), func(i int) bool { return vs[i].V >= v })
		if i == len(vs) || vs[i].V != v {
			vs = slices.Insert(vs, i, HistoryValue{V: v})
		}
		vs[i].In |= bit
		vs[i].Deprecated |= deprecatedIn(slices.Contains(deprecated, v), bit)
	}
	return vs
}

func sameBody(e *HistoryBody, d *BodyDef) bool {
	if e == nil || d == nil {
		return e == nil && d == nil
	}
	return e.Element == d.Element && e.Type == d.Type
}

func newBody(d *BodyDef) *HistoryBody {
	if d == nil {
		return nil
	}
	return &HistoryBody{Element: d.Element, Type: d.Type}
}

func sameRoute(e *HistoryRoute, d *RouteDef) bool {
	return e.Method == d.Method && e.Path == d.Path && e.Service == d.Service && e.Operation == d.Operation &&
		e.Kind == d.Kind && e.Item == d.Item && sameBody(e.Input, d.Input) && sameBody(e.Output, d.Output)
}

// merge adds one release's parameters, headers and signatures to a route.
func (e *HistoryRoute) merge(d *RouteDef, bit Set) {
	e.In |= bit
	e.Deprecated |= deprecatedIn(d.Deprecated, bit)
	if e.Input != nil {
		e.Input.Params = mergeValues(e.Input.Params, d.Input.Params, d.Input.DeprecatedParams, bit)
	}
	for _, p := range d.Params {
		i := slices.IndexFunc(e.Params, func(x HistoryParam) bool {
			return x.Name == p.Name && x.Context == p.Context && x.Type == p.Type && x.Required == p.Required
		})
		if i < 0 {
			i = len(e.Params)
			e.Params = append(e.Params, HistoryParam{Name: p.Name, Context: p.Context, Type: p.Type, Required: p.Required})
		}
		e.Params[i].In |= bit
		e.Params[i].Deprecated |= deprecatedIn(p.Deprecated, bit)
	}
	sort.SliceStable(e.Params, func(i, j int) bool { return e.Params[i].Name < e.Params[j].Name })
	for _, hd := range d.Headers {
		i := slices.IndexFunc(e.Headers, func(x HistoryHeader) bool { return x.Header == hd })
		if i < 0 {
			i = len(e.Headers)
			e.Headers = append(e.Headers, HistoryHeader{Header: hd})
		}
		e.Headers[i].In |= bit
	}
	sort.SliceStable(e.Headers, func(i, j int) bool { return e.Headers[i].Name < e.Headers[j].Name })
	e.Signatures = mergeSeq(e.Signatures, d.Signatures,
		func(x *HistorySignature, s *SignatureDef) bool {
			return slices.Equal(x.Mandatory, s.Mandatory) && slices.Equal(x.Optional, s.Optional)
		},
		func(x *HistorySignature, _ *SignatureDef) { x.In |= bit },
		func(s *SignatureDef) HistorySignature {
			return HistorySignature{SignatureDef: SignatureDef{Mandatory: slices.Clone(s.Mandatory),
				Optional: slices.Clone(s.Optional)}, In: bit}
		})
}

// mergeSeq merges the items of one release into a sequence of versioned
// entries, keeping the order of every release: the longest common
// subsequence of entries and items (by same) is matched (mark), every
// other item becomes a new entry (fresh) between its matched neighbours.
// So the entries of any one release, in sequence order, are that
// release's items in their order.
func mergeSeq[E, T any](seq []E, items []T, same func(*E, *T) bool, mark func(*E, *T), fresh func(*T) E) []E {
	n, m := len(seq), len(items)
	w := m + 1
	lcs := make([]int32, (n+1)*w) // lcs[i*w+j]: of seq[i:] and items[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if same(&seq[i], &items[j]) {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	out := make([]E, 0, n+m)
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && same(&seq[i], &items[j]):
			e := seq[i]
			mark(&e, &items[j])
			out = append(out, e)
			i++
			j++
		case i < n && (j == m || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			out = append(out, seq[i])
			i++
		default:
			out = append(out, fresh(&items[j]))
			j++
		}
	}
	return out
}
