package generate

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// crud builds the scenario of a collection with an Add: a malformed body
// and one without its mandatory members are refused, then an object is
// created with a minimal valid body, read, listed, searched by name,
// updated, put through every action of its own (polling until it
// settles), and removed; a cleanup step removes it whatever happened.
// Actions of impact infrastructure go to a scenario of their own (infra
// true): the object is created, put through them, and removed.
func (g *generator) crud(add *schema.Route, infra bool) (*scenario.Scenario, error) {
	f := newFlow(g.ix)
	f.infra = infra
	coll := add.Path
	cpath, err := f.path(coll)
	if err != nil {
		return nil, fmt.Errorf("%s: its parents: %w", add, err)
	}
	if _, err := f.body(add, objectName(coll)); err != nil {
		return nil, err // before any step: the scenario could not make one
	}
	elem := add.Input.Element
	f.step(add, scenario.Step{Name: "a malformed body is refused: 400 with a fault",
		Request: f.request(http.MethodPost, cpath, "<"+elem+"><name>"), Response: faultAnswer(syntaxReason)})
	if mandatory(add) {
		f.step(add, scenario.Step{Name: "a body without its mandatory members is refused: 400 Incomplete parameters",
			Request: f.request(http.MethodPost, cpath, "<"+elem+"/>"), Response: faultAnswer(incompleteReason)})
	}
	item := g.ix.item(coll)
	v, err := f.create(coll, "create (POST "+coll+")")
	if err != nil {
		return nil, err
	}
	name := f.named[v]
	features := []string{"crud", "negative"}
	if item != "" {
		ipath := cpath + "/{{" + v + "}}"
		if g.itemSteps(f, coll, item, ipath, name, infra, infra && !infrastructure(add)) {
			features = append(features, "actions")
		}
	}
	labels := scenario.Labels{Resource: []string{resourceOf(coll)}, Feature: features}
	sname := "gen-" + slug(coll)
	if infra && !infrastructure(add) {
		sname += "-infrastructure"
	}
	return f.scenario(sname, "Generated from the model: "+describe(add, elem), labels), nil
}

// itemSteps adds the steps on the created object; it reports whether
// actions were among them. With infra, the actions are those of impact
// infrastructure, else the others; onlyActions leaves out reading,
// listing, searching and updating (another scenario does them).
func (g *generator) itemSteps(f *flow, coll, item, ipath, name string, infra, onlyActions bool) bool {
	get := g.ix.get(http.MethodGet, item)
	if !onlyActions {
		g.readSteps(f, coll, item, ipath, name, get)
	}
	return g.actionSteps(f, item, ipath, name, infra, get)
}

// readSteps reads, lists, searches and updates the created object.
func (g *generator) readSteps(f *flow, coll, item, ipath, name string, get *schema.Route) {
	if get != nil {
		f.step(get, settle(get, scenario.Step{Name: "read it (GET " + item + ")", Request: f.request(http.MethodGet, ipath, "")}))
	}
	if list := g.ix.get(http.MethodGet, coll); list != nil {
		cpath := strings.TrimSuffix(ipath, "/"+segments(ipath)[len(segments(ipath))-1])
		f.step(list, scenario.Step{Name: "list (GET " + coll + ")", Request: f.request(http.MethodGet, cpath, "")})
		if list.Param("search") != nil {
			req := f.request(http.MethodGet, cpath, "")
			req.Query = []scenario.Pair{{Name: "search", Value: "name=" + name}}
			f.step(list, scenario.Step{Name: "search it by name", Request: req})
		}
	}
	if up := g.ix.get(http.MethodPut, item); up != nil {
		if body, err := f.updateBody(up, name); err == nil {
			f.step(up, scenario.Step{Name: "update it (PUT " + item + ")", Request: f.request(http.MethodPut, ipath, body),
				Response: &scenario.Response{Status: http.StatusOK}})
			f.step(up, scenario.Step{Name: "a malformed update is refused: 400 with a fault",
				Request: f.request(http.MethodPut, ipath, "<"+up.Input.Element+"><description>"), Response: faultAnswer(syntaxReason)})
		} else {
			g.gap(up, err.Error())
		}
	}
}

// actionSteps puts the created object through its actions, polling until
// it settles after each, then removes it (at rest first).
func (g *generator) actionSteps(f *flow, item, ipath, name string, infra bool, get *schema.Route) bool {
	acted := false
	for _, a := range g.ix.actions(item) {
		if infrastructure(a) != infra {
			continue
		}
		body, err := f.body(a, name)
		if err != nil {
			g.gap(a, err.Error())
			continue
		}
		f.step(a, scenario.Step{Name: "action " + actionName(a), Request: f.request(http.MethodPost, ipath+"/"+actionName(a), body)})
		if get != nil && settles(get) {
			f.step(get, settle(get, scenario.Step{Name: "wait until it settles after " + actionName(a), Request: f.request(http.MethodGet, ipath, "")}))
		}
		acted = true
	}
	if rm := g.ix.get(http.MethodDelete, item); rm != nil {
		for _, a := range g.ix.actions(item) {
			if slices.Contains(restActions(), actionName(a)) && acted {
				f.step(a, scenario.Step{Name: "bring it to rest before removing it: " + actionName(a),
					Request: f.request(http.MethodPost, ipath+"/"+actionName(a), "<action/>")})
				if get != nil && settles(get) {
					f.step(get, settle(get, scenario.Step{Name: "wait until it rests", Request: f.request(http.MethodGet, ipath, "")}))
				}
			}
		}
		f.step(rm, scenario.Step{Name: "remove it (DELETE " + item + ")", Request: f.request(http.MethodDelete, ipath, ""),
			Response: &scenario.Response{Status: http.StatusOK}})
	}
	return acted
}

// settles reports whether objects of a Get route carry a status that
// passes through intermediate values (Vm, Host, Disk, Template...).
func settles(get *schema.Route) bool {
	if get.Output == nil || get.Output.Type == nil {
		return false
	}
	if !slices.Contains(settling(), get.Output.Type.Name) {
		return false
	}
	st := get.Output.Type.Elem("status")
	return st != nil && st.Type.IsEnum()
}

// settle makes a GET step poll until the object's status is one that
// lasts, when it has such a status.
func settle(get *schema.Route, st scenario.Step) scenario.Step {
	if !settles(get) {
		return st
	}
	var stable []string
	for _, v := range get.Output.Type.Elem("status").Type.Enum {
		if !transitional(v) {
			stable = append(stable, v)
		}
	}
	st.Poll = &scenario.Poll{Path: "status", Values: stable, Interval: scenario.DefaultPollInterval, Timeout: scenario.DefaultPollTimeout}
	return st
}

// updateBody is the members an update must carry (its signatures') and a
// change of the description, or else the comment.
func (f *flow) updateBody(up *schema.Route, name string) (string, error) {
	if up.Input == nil || up.Input.Type == nil {
		return "", fmt.Errorf("%s takes no body", up)
	}
	var member string
	for _, m := range []string{"description", "comment"} {
		if e := up.Input.Type.Elem(m); e != nil && e.Type.Simple {
			member = m
			break
		}
	}
	if member == "" {
		return "", fmt.Errorf("%s: no description or comment to change", up)
	}
	body, err := f.body(up, name)
	if err != nil {
		return "", err
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromString(body); err != nil {
		return "", fmt.Errorf("%s: %w", up, err)
	}
	ensure(doc.Root(), member).SetText("updated by ovcompat generate")
	return doc.WriteToString()
}

// The fault reasons of an engine's REST layer: a body that does not
// parse, and one that lacks mandatory members (validateParameters).
const (
	syntaxReason     = "Request syntactically incorrect."
	incompleteReason = "Incomplete parameters"
)

// faultAnswer is a 400 with a fault giving reason.
func faultAnswer(reason string) *scenario.Response {
	return &scenario.Response{Status: http.StatusBadRequest, Header: []scenario.Pair{{Name: "Content-Type", Value: "application/xml"}},
		Body: "<fault><reason>" + reason + "</reason></fault>"}
}

// mandatory reports whether every signature of r has a mandatory member
// the model enforces, and the engine's REST layer checks them there (not
// where a resource of its own answers the route: restneeds.Overridden).
func mandatory(r *schema.Route) bool {
	if len(r.Signatures) == 0 || restneeds.Overridden(r.Service, r.Operation, r.Path) {
		return false
	}
	for _, s := range r.Signatures {
		enforced := false
		for _, p := range s.Mandatory {
			if _, ok := r.SignaturePath(p); ok {
				enforced = true
			}
		}
		if !enforced {
			return false
		}
	}
	return true
}

func actionName(a *schema.Route) string { return a.Path[strings.LastIndexByte(a.Path, '/')+1:] }

// objectName is a name for an object the scenario creates, unique per
// collection, short enough for any engine's limits.
func objectName(coll string) string {
	s := "ovc-" + slug(coll)
	if len(s) > 40 {
		s = s[:40]
	}
	return strings.TrimRight(s, "-")
}

func resourceOf(tmpl string) string {
	if segs := segments(tmpl); len(segs) > 0 {
		return segs[0]
	}
	return "api"
}

func describe(add *schema.Route, elem string) string {
	return fmt.Sprintf("create a %s at %s with its mandatory members, read it, list, search by name, update it, run its actions and remove it; a malformed body and one without its mandatory members are refused.",
		elem, add.Path)
}

// collectionActions builds the scenario of the actions of a resource that
// act on no one object (POST /events/undelete, /reloadconfigurations):
// each sent with a minimal valid body, once.
func (g *generator) collectionActions(resource string) *scenario.Scenario {
	f := newFlow(g.ix)
	for _, tmpl := range g.ix.order {
		a := g.ix.get(http.MethodPost, tmpl)
		if resourceOf(tmpl) != resource || a == nil || a.Kind != schema.Action || isParam(lastSegment(parentOf(tmpl))) {
			continue
		}
		path, err := f.path(tmpl)
		if err == nil {
			var body string
			if body, err = f.body(a, objectName(tmpl)); err == nil {
				f.step(a, scenario.Step{Name: "action " + actionName(a) + " (POST " + tmpl + ")", Request: f.request(http.MethodPost, path, body)})
				continue
			}
		}
		g.gap(a, err.Error())
	}
	if len(f.steps) == 0 {
		return nil
	}
	return f.scenario("gen-"+resource+"-actions", "Generated from the model: the actions below /"+resource+" that act on no one object, each with its mandatory members.",
		scenario.Labels{Resource: []string{resource}, Feature: []string{"actions"}})
}

// lastSegment is a template's last segment.
func lastSegment(tmpl string) string { return tmpl[strings.LastIndexByte(tmpl, '/')+1:] }
