package generate

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// flow builds one scenario's steps. Objects the steps need and the
// scenario does not make are found at run time: a step lists their
// collection and captures the id of the one every engine has (wellKnown)
// or of the first.
type flow struct {
	ix      *index
	base    string // the API's base path
	steps   []scenario.Step
	cleanup []scenario.Step // run in this order
	// objects maps an item template to the variable holding the id of
	// one of its objects the scenario made or found.
	objects map[string]string
	making  map[string]bool // collections being made, against cycles
	used    map[string]int  // variable bases taken, for unique names
	// offline flows change nothing and find nothing: ids in bodies are
	// ids no engine has.
	offline bool
	// adding is the collection whose body is being built.
	adding string
	names  map[string]int    // object names given, for unique ones
	named  map[string]string // variable of a made object -> its name
	// exercised lists the routes the steps send to, "METHOD template".
	exercised map[string]bool
	infra     bool
}

func newFlow(ix *index) *flow {
	return &flow{ix: ix, base: ix.m.BasePath, objects: map[string]string{}, making: map[string]bool{}, used: map[string]int{},
		exercised: map[string]bool{}, names: map[string]int{}, named: map[string]string{}}
}

// newVar returns a variable name not used yet in the scenario.
func (f *flow) newVar(base string) string {
	base = strings.ReplaceAll(base, "_", "-")
	f.used[base]++
	if n := f.used[base]; n > 1 {
		return base + strconv.Itoa(n) + ".id"
	}
	return base + ".id"
}

// name returns a name for an object the scenario makes in a collection,
// unique in the scenario.
func (f *flow) name(coll string) string {
	n := objectName(coll)
	f.names[n]++
	if k := f.names[n]; k > 1 {
		n += "-" + strconv.Itoa(k)
	}
	return n
}

// step adds a step that sends r (nil for a request no route serves, such
// as a method the path lacks).
func (f *flow) step(r *schema.Route, st scenario.Step) {
	if r != nil {
		f.exercised[r.String()] = true
		f.infra = f.infra || infrastructure(r)
	}
	f.steps = append(f.steps, st)
}

// request makes a request of method to a concrete path below the base.
func (f *flow) request(method, path, body string) scenario.Request {
	req := scenario.Request{Method: method, Path: f.base + path, Header: []scenario.Pair{{Name: "Accept", Value: "application/xml"}}}
	if body != "" {
		req.Body = body
		req.Header = append(req.Header, scenario.Pair{Name: "Content-Type", Value: "application/xml"})
	}
	return req
}

// path returns a concrete path for a template to write below: every
// parameter is the id of an object the scenario made or found
// ({{vm.id}}), as parent chooses.
func (f *flow) path(tmpl string) (string, error) { return f.concrete(tmpl, f.parent) }

// readPath is path for reading: below a well-known object even when
// objects below it must not change.
func (f *flow) readPath(tmpl string) (string, error) {
	return f.concrete(tmpl, func(item string) (string, error) {
		if _, known := wellKnown()[parentOf(item)]; known {
			return f.find(item)
		}
		return f.parent(item)
	})
}

// concrete replaces every parameter of a template with the variable
// object gives for its item template.
func (f *flow) concrete(tmpl string, object func(item string) (string, error)) (string, error) {
	segs := segments(tmpl)
	out := ""
	for i, s := range segs {
		if isParam(s) {
			v, err := object("/" + strings.Join(segs[:i+1], "/"))
			if err != nil {
				return "", err
			}
			s = "{{" + v + "}}"
		}
		out += "/" + s
	}
	return out, nil
}

// parent returns the variable of the id of an object of an item template
// for the scenario to work below: the one every engine has by a known
// name, unless objects below it must not change; else one the scenario
// makes when it can; else the first it finds.
func (f *flow) parent(item string) (string, error) {
	if v, ok := f.objects[item]; ok {
		return v, nil
	}
	coll := parentOf(item)
	if _, known := wellKnown()[coll]; known && !slices.Contains(unchangeable(), coll) {
		return f.find(item)
	}
	if a, ok := assigned()[coll]; ok {
		return f.assign(item, a)
	}
	if add := f.ix.get(http.MethodPost, coll); add != nil && add.Kind == schema.Add && !infrastructure(add) {
		return f.create(coll, "make a "+add.Input.Element+" to work with (POST "+coll+")")
	}
	return f.find(item)
}

// find returns the variable of the id of an object of an item template
// found at run time: the one every engine has by a known name, else the
// first of its list. The step that finds it is added the first time.
func (f *flow) find(item string) (string, error) {
	if v, ok := f.objects[item]; ok {
		return v, nil
	}
	coll := parentOf(item)
	list := f.ix.get(http.MethodGet, coll)
	if list == nil || list.Kind != schema.List || itemType(list) == nil {
		return "", fmt.Errorf("no list of %s to find one in", item)
	}
	cpath, err := f.readPath(coll)
	if err != nil {
		return "", err
	}
	elem := list.Output.Type.Item.Name
	which, what := "[1]", "the first "+elem
	if name, ok := wellKnown()[coll]; ok {
		which, what = `[name="`+name+`"]`, elem+" "+name
	}
	v := f.newVar(varBase(segments(item)[len(segments(item))-1]))
	f.step(list, scenario.Step{Name: "find " + what + " (GET " + coll + ")", Request: f.request(http.MethodGet, cpath, ""),
		Captures: []scenario.Capture{{Var: v, From: scenario.FromPath, Arg: elem + which + "/@id"}}})
	f.objects[item] = v
	return v, nil
}

// create adds a step making an object of a collection with a minimal
// valid body, a cleanup step removing it, and a poll until it settles,
// and returns the variable of its id.
func (f *flow) create(coll, title string) (string, error) {
	if f.making[coll] {
		return "", fmt.Errorf("making %s needs one already", coll)
	}
	f.making[coll] = true
	defer delete(f.making, coll)
	add := f.ix.get(http.MethodPost, coll)
	cpath, err := f.path(coll)
	if err != nil {
		return "", err
	}
	name := f.name(coll)
	body, err := f.body(add, name)
	if err != nil {
		return "", err
	}
	if n := bodyName(body); n != "" {
		name = n // the body names an existing object (ovirtmgmt listed in an iSCSI bond)
	}
	return f.created(add, cpath, title, name, body), nil
}

// bodyName is the <name> of a body's root element, or "".
func bodyName(body string) string {
	doc := etree.NewDocument()
	if doc.ReadFromString(body) != nil || doc.Root() == nil {
		return ""
	}
	if n := doc.Root().SelectElement("name"); n != nil {
		return n.Text()
	}
	return ""
}

// created adds the step that makes an object of add's collection at cpath
// with body, its cleanup and its poll until it settles, and returns the
// variable of its id.
func (f *flow) created(add *schema.Route, cpath, title, name, body string) string {
	coll := add.Path
	v := f.newVar(strings.ReplaceAll(add.Input.Element, "_", "-"))
	f.named[v] = name
	if restneeds.AnswersAction(add.Service, add.Operation, add.Path) {
		f.performed(add, cpath, title, name, body, v)
	} else {
		f.step(add, scenario.Step{Name: title, Request: f.request(http.MethodPost, cpath, body),
			Response: &scenario.Response{Status: http.StatusCreated, Header: []scenario.Pair{{Name: "Location", Value: f.base + coll + "/{id}"}}},
			Captures: []scenario.Capture{{Var: v, From: scenario.FromLocation}}})
	}
	item := f.ix.item(coll)
	if item == "" {
		return v
	}
	f.objects[item] = v
	ipath := cpath + "/{{" + v + "}}"
	if f.ix.get(http.MethodDelete, item) != nil {
		f.cleanup = append([]scenario.Step{{Name: "remove the " + add.Input.Element + " the scenario made",
			Request: f.request(http.MethodDelete, ipath, "")}}, f.cleanup...)
	}
	if get := f.ix.get(http.MethodGet, item); get != nil && settles(get) {
		f.step(get, settle(get, scenario.Step{Name: "wait until the " + add.Input.Element + " settles", Request: f.request(http.MethodGet, ipath, "")}))
	}
	return v
}

// performed adds the steps of an Add the engine answers with an <action>
// and no Location (restneeds.AnswersAction: an object listed in an iSCSI
// bond): 200, then the collection, from which v takes the id of the
// object the body named.
func (f *flow) performed(add *schema.Route, cpath, title, name, body, v string) {
	f.step(add, scenario.Step{Name: title, Request: f.request(http.MethodPost, cpath, body),
		Response: &scenario.Response{Status: http.StatusOK}})
	which := "[1]"
	if name != "" {
		which = `[name="` + name + `"]`
	}
	list := f.ix.get(http.MethodGet, add.Path)
	if list == nil || list.Output == nil || list.Output.Type.Item == nil {
		return
	}
	f.step(list, scenario.Step{Name: "the collection lists it (GET " + add.Path + ")", Request: f.request(http.MethodGet, cpath, ""),
		Captures: []scenario.Capture{{Var: v, From: scenario.FromPath, Arg: list.Output.Type.Item.Name + which + "/@id"}}})
}

// assign returns the variable of an object of an item template whose
// collection lists what an assignment puts there (assigned): the scenario
// makes an object of the item's type where such objects are made, and
// assigns it to the parent object. The item has the made object's id.
func (f *flow) assign(item string, a assignment) (string, error) {
	list := f.ix.get(http.MethodGet, parentOf(item))
	add := f.ix.get(http.MethodPost, a.through)
	t := itemType(list)
	if t == nil || add == nil || add.Kind != schema.Add || len(f.ix.lists[t]) == 0 {
		return "", fmt.Errorf("no way to assign to %s through %s", item, a.through)
	}
	home := f.ix.lists[t][0]
	owner := parentOf(parentOf(item))
	pv, err := f.parent(owner)
	if err != nil {
		return "", err
	}
	v, err := f.create(home, "make a "+list.Output.Type.Item.Name+" to assign (POST "+home+")")
	if err != nil {
		return "", err
	}
	doc := etree.NewDocument()
	root := doc.CreateElement(add.Input.Element)
	root.CreateElement(list.Output.Type.Item.Name).CreateAttr("id", "{{"+v+"}}")
	root.CreateElement(a.principal).CreateAttr("id", "{{"+pv+"}}")
	if err := f.check(add, doc); err != nil {
		return "", fmt.Errorf("assigning to %s: %w", item, err)
	}
	body, err := doc.WriteToString()
	if err != nil {
		return "", err
	}
	f.created(add, a.through, "assign it to the "+a.principal+" (POST "+a.through+")", "", body)
	lpath, err := f.path(parentOf(item))
	if err != nil {
		return "", err
	}
	f.step(list, scenario.Step{Name: "the " + a.principal + " lists it (GET " + parentOf(item) + ")", Request: f.request(http.MethodGet, lpath, "")})
	f.objects[item] = v
	return v, nil
}

// reference returns a way to name an existing object of type t in a body:
// by name when every engine has one (wellKnown) and the body may name it;
// a new one when the type is one a scenario makes; else one found at run
// time. Offline (negative checks, which change nothing), an id no engine
// has.
func (f *flow) reference(t *schema.Type, byName bool) (name, id string, err error) {
	lists := f.ix.lists[t]
	if len(lists) == 0 {
		return "", "", fmt.Errorf("no list holds %s objects to refer to", t.Name)
	}
	if lists[0] == f.adding {
		return "", "", fmt.Errorf("it would refer to an object of the collection it adds to")
	}
	if n, ok := wellKnown()[lists[0]]; ok && byName {
		return n, "", nil
	}
	if f.offline {
		return "", unknownID, nil
	}
	var v string
	if slices.Contains(made(), t.Name) || f.infra && slices.Contains(madeInInfrastructure(), t.Name) {
		v, err = f.create(lists[0], "make a "+f.ix.get(http.MethodGet, lists[0]).Output.Type.Item.Name+" to refer to (POST "+lists[0]+")")
	} else if item := f.ix.item(lists[0]); item != "" {
		v, err = f.find(item)
	} else {
		err = fmt.Errorf("%s has no item route", lists[0])
	}
	if err != nil {
		return "", "", err
	}
	return "", "{{" + v + "}}", nil
}

// scenario returns the flow as a scenario.
func (f *flow) scenario(name, description string, labels scenario.Labels) *scenario.Scenario {
	labels.Source, labels.API = scenario.SourceGenerated, "v4"
	if f.infra {
		labels.Impact = scenario.ImpactInfrastructure
	}
	return &scenario.Scenario{Name: name, Description: description, Labels: labels, Steps: f.steps, Cleanup: f.cleanup}
}
