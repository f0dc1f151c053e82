package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// jsonSchemaCache holds the JSON Schema generated from a model and the
// schemas compiled from it, built on first use and safe for concurrent use.
type jsonSchemaCache struct {
	once sync.Once
	c    *jsonSchemas
	err  error
}

// jsonSchemas is a model's JSON Schema: the $defs key of each type, the
// validators compiled from it on demand, and the document JSONSchema
// exports.
//
// The validators are compiled from one resource per type, the same schema
// as the type's $defs entry with absolute references, rather than from the
// one exported document: jsonschema/v5 compiles each 2020-12 subschema by
// scanning every subschema of its document, which made the first
// validation take a second with the whole model in one document.
type jsonSchemas struct {
	base  string // a type's resource is base + its key
	keys  map[*Type]string
	byKey map[string]*Type

	mu       sync.Mutex // guards compiler, which is not safe for concurrent use
	compiler *jsonschema.Compiler
	compiled sync.Map // *Type -> *jsonschema.Schema

	docOnce sync.Once
	doc     []byte
	docErr  error
}

// jsonSchemas returns the model's JSON Schema, building it once.
func (m *Model) jsonSchemas() (*jsonSchemas, error) {
	if m.jsonSch == nil { // a Model not made by Build: nothing to cache in
		return newJSONSchemas(m)
	}
	m.jsonSch.once.Do(func() { m.jsonSch.c, m.jsonSch.err = newJSONSchemas(m) })
	return m.jsonSch.c, m.jsonSch.err
}

func newJSONSchemas(m *Model) (*jsonSchemas, error) {
	keys := m.jsonDefKeys()
	c := &jsonSchemas{base: m.jsonSchemaID() + ":type:", keys: keys, byKey: make(map[string]*Type, len(keys))}
	c.compiler = jsonschema.NewCompiler()
	c.compiler.Draft = jsonschema.Draft2020
	c.compiler.AssertFormat = true
	ref := func(t *Type) *jsDef { return &jsDef{Ref: c.base + keys[t]} }
	type resource struct {
		Schema string `json:"$schema"`
		ID     string `json:"$id"`
		*jsDef
	}
	for t, k := range keys {
		c.byKey[k] = t
		data, err := json.Marshal(resource{JSONSchemaDraft, c.base + k, typeDef(t, ref)})
		if err == nil {
			err = c.compiler.AddResource(c.base+k, bytes.NewReader(data))
		}
		if err != nil {
			return nil, fmt.Errorf("schema: json schema of %s in the %s model: %w", t.Name, m.label(), err)
		}
	}
	return c, nil
}

// schemaFor returns the compiled validator of type t.
func (c *jsonSchemas) schemaFor(t *Type) (*jsonschema.Schema, error) {
	if s, ok := c.compiled.Load(t); ok {
		return s.(*jsonschema.Schema), nil
	}
	key, ok := c.keys[t]
	if !ok {
		return nil, fmt.Errorf("schema: type %s is not in the model's json schema", t.Name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.compiled.Load(t); ok {
		return s.(*jsonschema.Schema), nil
	}
	s, err := c.compiler.Compile(c.base + key)
	if err != nil {
		return nil, fmt.Errorf("schema: compile the json schema of %s: %w", t.Name, err)
	}
	c.compiled.Store(t, s)
	return s, nil
}

// validateJSON validates a decoded JSON body (as DecodeJSON returns it)
// against the target, with the same semantics and rule IDs as the XML
// validator: the route's input or output decides the type (the engine's
// JSON does not name its root), an error status expects a fault, an action
// request may only hold that action's parameters. The body's structure and
// scalars are checked by the JSON Schema generated from the model; the
// hypermedia (links, actions, hrefs) by a walk over the value.
func (m *Model) validateJSON(v any, t Target, lim Limits) Result {
	return m.validateJSONBy(v, t, lim, (*jsonCheck).checkTree)
}

// validateJSONBy is validateJSON with the given way of running the JSON
// Schema over the value (checkTree; check, whole, is its tests' reference).
func (m *Model) validateJSONBy(v any, t Target, lim Limits, by func(*jsonCheck, any, *Type, jsonSpot)) Result {
	lim = lim.withDefaults()
	name, typ, body := m.jsonRoot(v, t)
	res := Result{Root: name, Type: typ, Facts: jsonFacts(v)}
	if typ == nil {
		if t.Route == nil && t.Type == nil && !(t.Status >= 400 && t.Direction == Response) {
			res.Violations = []Violation{Finding(RuleWrongRoot, "/",
				"a JSON body does not name its type: it was not checked (give its route or its type)")}
		}
		return res
	}
	c, err := m.jsonSchemas()
	if err != nil {
		res.Violations = []Violation{Finding(RuleLimit, "/",
			"the model's JSON Schema could not be built, so the body was not checked")}
		return res
	}
	jc := &jsonCheck{m: m, c: c, lenient: t.Direction == Request, action: body, max: lim.MaxViolations, by: by}
	root := jsonSpot{t: typ, path: "/" + safeName(name), name: name, root: true}
	if !jc.rootShape(v, &root, t) {
		res.Violations = jc.finish()
		return res
	}
	v = jc.hugeNumbers(v, root)
	v = jc.actionParams(v, root)
	root.v = v
	jc.by(jc, v, typ, root)
	jc.walk(v, root)
	res.Violations = jc.finish()
	return res
}

// jsonFacts reads the facts of a decoded JSON body: its top-level id and
// href, and whether it holds a fault.
func jsonFacts(v any) Facts {
	obj, ok := v.(map[string]any)
	if !ok {
		return Facts{}
	}
	var f Facts
	f.ID, f.HasID = obj["id"].(string)
	f.Href, f.HasHref = obj["href"].(string)
	_, f.Fault = obj["fault"]
	return f
}
