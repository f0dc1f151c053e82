package schema

import "fmt"

// SourceOf is what the File of a release of h says it comes from.
func (h *History) SourceOf(release string) string {
	return "oVirt API model " + release + " (" + h.Credit + ")"
}

// Project returns the File of release i (an index into Releases): every
// entry the release has, marked deprecated where the release deprecates
// it. Build turns it into the release's Model.
func (h *History) Project(i int) (*File, error) {
	if i < 0 || i >= len(h.Releases) {
		return nil, fmt.Errorf("schema: release %d of a history of %d: %w", i, len(h.Releases), ErrModel)
	}
	f := &File{Format: FileFormat, API: h.API, Version: h.Releases[i], BasePath: h.BasePath,
		Source: h.SourceOf(h.Releases[i]), Hypermedia: true}
	for k := range h.Types {
		if t := &h.Types[k]; t.In.Has(i) {
			f.Types = append(f.Types, t.project(i))
		}
	}
	for _, e := range h.Elements {
		if e.In.Has(i) {
			f.Elements = append(f.Elements, e.ElementDecl)
		}
	}
	for k := range h.Routes {
		if r := &h.Routes[k]; r.In.Has(i) {
			f.Routes = append(f.Routes, r.project(i))
		}
	}
	return f, nil
}

// values returns the values of vs in release i, and those deprecated.
func values(vs []HistoryValue, i int) (in, deprecated []string) {
	for _, v := range vs {
		if v.In.Has(i) {
			in = append(in, v.V)
			if v.Deprecated.Has(i) {
				deprecated = append(deprecated, v.V)
			}
		}
	}
	return in, deprecated
}

func (t *HistoryType) project(i int) TypeDef {
	d := TypeDef{Name: t.Name, Model: t.Model, Base: t.Base, Anonymous: t.Anonymous, Simple: t.Simple,
		Scalar: t.Scalar, Text: t.Text, Item: t.Item, Deprecated: t.Deprecated.Has(i)}
	d.Enum, d.DeprecatedValues = values(t.Enum, i)
	d.Rels, _ = values(t.Rels, i)
	d.Actions, _ = values(t.Actions, i)
	for _, a := range t.Attrs {
		if a.In.Has(i) {
			d.Attrs = append(d.Attrs, a.AttrDef)
		}
	}
	for _, e := range t.Elems {
		if e.In.Has(i) {
			d.Elems = append(d.Elems, ElemDef{Name: e.Name, Type: e.Type, Min: e.Min, Max: e.Max, Link: e.Link,
				Deprecated: e.Deprecated.Has(i)})
		}
	}
	return d
}

func (r *HistoryRoute) project(i int) RouteDef {
	d := RouteDef{Method: r.Method, Path: r.Path, Service: r.Service, Operation: r.Operation, Kind: r.Kind,
		Item: r.Item, Input: r.Input.project(i), Output: r.Output.project(i), Deprecated: r.Deprecated.Has(i)}
	for _, p := range r.Params {
		if p.In.Has(i) {
			d.Params = append(d.Params, ParamDef{Name: p.Name, Context: p.Context, Type: p.Type,
				Required: p.Required, Deprecated: p.Deprecated.Has(i)})
		}
	}
	for _, hd := range r.Headers {
		if hd.In.Has(i) {
			d.Headers = append(d.Headers, hd.Header)
		}
	}
	for _, s := range r.Signatures {
		if s.In.Has(i) {
			d.Signatures = append(d.Signatures, SignatureDef{Mandatory: append([]string(nil), s.Mandatory...),
				Optional: append([]string(nil), s.Optional...)})
		}
	}
	return d
}

func (b *HistoryBody) project(i int) *BodyDef {
	if b == nil {
		return nil
	}
	d := &BodyDef{Element: b.Element, Type: b.Type}
	d.Params, d.DeprecatedParams = values(b.Params, i)
	return d
}
