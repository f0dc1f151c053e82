package schema

import (
	"errors"
	"fmt"
)

// ErrNeedRSDL is returned by LoadEngine for a v3 XSD without an RSDL: v3
// routes are known only from the engine's RSDL.
var ErrNeedRSDL = errors.New("a v3 schema needs the engine's RSDL for its routes")

// LoadEngine builds the Model of what an engine publishes: its XSD
// (`?schema`) and its RSDL (`?rsdl`). The API version is the one the
// documents describe (see ImportXSD and ImportRSDL).
//
// Either may be nil. Without an RSDL, a v4 XSD takes its routes and
// hypermedia from the embedded v4 model, keeping the routes whose types the
// XSD has (an older engine lacks the newer services); a v3 XSD is
// ErrNeedRSDL. Without an XSD, a v4 RSDL's routes take the embedded
// model's types. source names the documents in reports ("engine 4.5.4 at
// https://...").
func LoadEngine(xsd, rsdl []byte, source string) (*Model, error) {
	var types *File
	var err error
	switch {
	case xsd != nil:
		types, err = ImportXSD(xsd)
	case rsdl != nil:
		types, err = EmbeddedV4File()
		if err == nil {
			types.Routes, types.Hypermedia, types.API = nil, false, 0
		}
	default:
		err = fmt.Errorf("schema: no XSD and no RSDL to load: %w", ErrModel)
	}
	if err != nil {
		return nil, err
	}
	var routes *File
	switch {
	case rsdl != nil:
		if routes, err = ImportRSDL(rsdl); err != nil {
			return nil, err
		}
	case types.API == 4:
		if routes, err = EmbeddedV4File(); err != nil {
			return nil, err
		}
		routes.Routes = routesWithTypes(routes.Routes, types)
		routes.Version = "" // the engine's, which its XSD does not say
	case types.API == 3:
		return nil, fmt.Errorf("schema: %w (give --rsdl, or --schema-from to fetch both)", ErrNeedRSDL)
	default:
		return nil, fmt.Errorf("schema: the XSD has no <api> element of type API (v3) or Api (v4), so its API version is unknown; give the RSDL too: %w", ErrModel)
	}
	if xsd == nil && routes.API != 4 {
		return nil, fmt.Errorf("schema: the RSDL describes API v%d: its types come from the engine's XSD (give --schema too): %w", routes.API, ErrModel)
	}
	f, err := Join(types, routes)
	if err != nil {
		return nil, err
	}
	if f.API == 3 {
		if err := addV4Hypermedia(f); err != nil {
			return nil, err
		}
	}
	f.Source = source
	return Build(f)
}

// addV4Hypermedia gives each v3 type the link rels and actions of the v4
// type of the same element. Engines 4.0 to 4.2 serve v3 by converting
// their v4 answers, and the v4 links come along (a v3 <cluster> from such
// an engine links its "networkfilters", which no v3 RSDL knows); the
// union keeps real answers free of false unknown-rel findings, while a rel
// that neither version knows is still reported.
func addV4Hypermedia(f *File) error {
	v4, err := V4()
	if err != nil {
		return err
	}
	byName := make(map[string]*TypeDef, len(f.Types))
	for i := range f.Types {
		byName[f.Types[i].Name] = &f.Types[i]
	}
	for _, e := range f.Elements {
		t4, d := v4.Element(e.Name), byName[e.Type]
		if t4 == nil || d == nil {
			continue
		}
		d.Rels = union(d.Rels, t4.Rels)
		d.Actions = union(d.Actions, t4.Actions)
	}
	return nil
}

// union returns the sorted union of two string sets.
func union(a, b []string) []string {
	set := make(map[string]bool, len(a)+len(b))
	for _, x := range a {
		set[x] = true
	}
	for _, x := range b {
		set[x] = true
	}
	return setKeys(set)
}

// routesWithTypes keeps the routes whose body types the XSD defines.
func routesWithTypes(rs []RouteDef, types *File) []RouteDef {
	have := make(map[string]bool, len(types.Types))
	for _, t := range types.Types {
		have[t.Name] = true
	}
	out := rs[:0]
	for _, r := range rs {
		if (r.Input == nil || have[r.Input.Type]) && (r.Output == nil || have[r.Output.Type]) {
			out = append(out, r)
		}
	}
	return out
}
