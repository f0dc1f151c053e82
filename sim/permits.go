package sim

import (
	_ "embed" // the action group table
	"fmt"
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// actionGroupsTSV is the engine's action groups (ActionGroup.java), as the
// REST layer writes them as permits.
//
//go:embed actiongroups.tsv
var actionGroupsTSV string

// actionGroup is one thing a role may permit: a permit of /roles/{id}/permits.
type actionGroup struct {
	id, name string
	admin    bool
}

// actionGroups indexes the engine's action groups by id and by name.
type actionGroups struct {
	byID, byName map[string]actionGroup
	// order lists the names in the table's order.
	order []string
}

// names returns every action group's name, in the table's order.
func (g actionGroups) names() []string { return g.order }

// readActionGroups parses the table.
func readActionGroups(tsv string) (actionGroups, error) {
	g := actionGroups{byID: map[string]actionGroup{}, byName: map[string]actionGroup{}}
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[2] != "true" && cols[2] != "false") {
			return g, fmt.Errorf("sim: actiongroups.tsv line %d: want id, name, true|false", n+1)
		}
		a := actionGroup{id: cols[0], name: cols[1], admin: cols[2] == "true"}
		g.byID[a.id], g.byName[a.name] = a, a
		g.order = append(g.order, a.name)
	}
	return g, nil
}

// find returns the action group a permit names: by name when it has one
// (PermitMapper: "if (model.isSetName()) entity = ActionGroup.valueOf(
// model.getName().toUpperCase())" wins over the id), else by id.
func (g actionGroups) find(id, name string) (actionGroup, bool) {
	if name != "" {
		a, ok := g.byName[strings.ToLower(name)]
		return a, ok
	}
	a, ok := g.byID[id]
	return a, ok
}

// permitData is a permit as PermitMapper writes it.
func (a actionGroup) permitData() *etree.Element {
	return x("permit", "name", a.name, "administrative", fmt.Sprint(a.admin))
}

// grant gives role the action groups named, each a permit record of its
// own; a name that is no action group fails the seed.
func (s *seeder) grant(role *record, names ...string) {
	for _, n := range names {
		a, ok := s.e.meta.groups.byName[n]
		if !ok {
			s.err = fmt.Errorf("no action group %s (actiongroups.tsv)", n)
		}
		if s.err != nil || role == nil {
			return
		}
		s.e.addChild(role, "permits", a.id, a.permitData())
	}
}

// roleReadOnly is the fault of a change to a predefined role:
// RolesCommandBase.checkIfRoleIsReadOnly adds ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY
// ("Cannot ${action} ${type}. The Role is Read-Only.") to VAR__TYPE__ROLE
// ("$type Role") and the command's action: VAR__ACTION__REMOVE ("$action
// remove", RemoveRoleCommand), VAR__ACTION__ATTACH_ACTION_TO ("$action
// attach", AttachActionGroupsToRoleCommand), VAR__ACTION__DETACH_ACTION_TO
// ("$action detach", DetachActionGroupsFromRoleCommand).
func roleReadOnly(role *record, action string) *reply {
	if role == nil || textOf(role.data, "mutable") != "false" {
		return nil
	}
	return conflict("Cannot " + action + " Role. The Role is Read-Only.")
}

// permitPrepare attaches an action group to a role, as
// AttachActionGroupsToRoleCommand.validate does: not to a read-only role,
// not twice ("Cannot attach action group to Role. This action group is
// already attached to Role."), and no administrator's group to a user role
// (CANNOT_ADD_ACTION_GROUPS_TO_ROLE_TYPE). The permit is the role's own
// record, whose id is the group's (BackendPermitsResource's PermitIdResolver).
func (e *Engine) permitPrepare(o *op) *reply {
	role := o.coll.owner
	if rp := roleReadOnly(role, "attach"); rp != nil {
		return rp
	}
	a, ok := e.meta.groups.find(o.given, textOf(o.in, "name"))
	if !ok {
		// ActionGroup.valueOf / forValue find nothing: the engine fails in
		// PermitMapper, before any command.
		return faultReply(http.StatusBadRequest, "Operation Failed", "[Cannot attach action group to Role. The action group is invalid.]")
	}
	if o.coll.items[a.id] != nil {
		return conflict("Cannot attach action group to Role. This action group is already attached to Role.")
	}
	if a.admin && role != nil && textOf(role.data, "administrative") != "true" {
		return conflict("Cannot add administrator's action group to a User Role.")
	}
	o.rec.id = a.id
	for _, c := range a.permitData().ChildElements() {
		setText(o.rec.data, o.rec.typ, c.Tag, c.Text())
	}
	return nil
}

// permitRemove detaches an action group from a role
// (DetachActionGroupsFromRoleCommand), never from a read-only one.
func (e *Engine) permitRemove(o *op) *reply {
	if o.rec.home == nil {
		return nil
	}
	return roleReadOnly(o.rec.home.owner, "detach")
}

// rolePrepare refuses a new role naming a permit id that is no action group,
// as BackendRolesResource.validatePermitId does ("throw new
// WebApplicationException(Response.status(Response.Status.BAD_REQUEST)
// .entity(permit.getId() + " is not a valid permit ID."))"; the engine's body
// is that text, the simulator's a fault holding it).
func (e *Engine) rolePrepare(o *op) *reply {
	for _, list := range o.nested {
		for _, p := range list.ChildElements() {
			if id := p.SelectAttrValue("id", ""); list.Tag == "permits" && id != "" {
				if _, ok := e.meta.groups.byID[id]; !ok {
					return faultReply(http.StatusBadRequest, "Operation Failed", schema.ASCIISafe(id, 40)+" is not a valid permit ID.")
				}
			}
		}
	}
	return nil
}
