package rules

import (
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// answersAction reports whether the engine's REST layer answers r as
// BackendResource.performAction does, whatever the model's operation
// returns (restneeds.AnswersAction: an iSCSI bond's Add and Remove of
// networks and storage connections): 200 and an <action> whose status is
// complete, or 202 and no body when the client does not wait.
func answersAction(r *schema.Route) bool {
	return r != nil && restneeds.AnswersAction(r.Service, r.Operation, r.Path)
}

// ResponseRoute is the route a response to r is validated against: r, or
// where the REST layer answers r with an <action> (answersAction) and the
// model has it return something else (an Add's object), r returning an
// action. A Remove returns nothing in the model, and its answer may be
// any document of the model, an <action> too.
func ResponseRoute(m *schema.Model, r *schema.Route) *schema.Route {
	at := m.Type("Action")
	if !answersAction(r) || at == nil || r.Output == nil || r.Output.Type == at {
		return r
	}
	c := *r
	c.Output = &schema.Body{Element: m.ElementOf(at), Type: at}
	return &c
}
