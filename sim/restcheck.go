package sim

import (
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// restCheck is a body member the engine's REST layer requires of a route
// beyond its signatures (Backend*Resource.validateParameters where the
// RSDL lists nothing): the simulator asks for it as the engine does, and
// the tests that drive every route fill it in from here.
type restCheck struct {
	// service and name say which route: the route's service and the last
	// segment of its path (an action's name).
	service, name string
	// path is what is required, written as a signature writes it.
	path string
	// evidence is the engine's line that requires it.
	evidence string
}

// restChecks are the REST layer's requirements beyond the signatures.
func restChecks() []restCheck {
	const copyMove = "BackendStorageDomainDiskResource delegates to BackendDiskResource, whose copy and move begin " +
		`validateParameters(action, "storageDomain.id|name"); rsdl_metadata lists no signature for this route`
	return []restCheck{
		{"StorageDomainDiskService", "copy", "action.storage_domain.id|name", copyMove},
		{"StorageDomainDiskService", "move", "action.storage_domain.id|name", copyMove},
	}
}

// restMissing answers 400 "Incomplete parameters" when body root lacks
// what the REST layer requires of route beyond its signatures.
func restMissing(route *schema.Route, root *etree.Element) *reply {
	_, last := splitLast(route.Path)
	var missing []string
	for _, c := range restChecks() {
		if c.service != route.Service || c.name != last {
			continue
		}
		if segs, ok := route.SignaturePath(c.path); ok && (root == nil || !schema.HasSignaturePath(root, segs)) {
			_, rest, _ := strings.Cut(c.path, ".")
			missing = append(missing, rest)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return faultReply(http.StatusBadRequest, "Incomplete parameters",
		typeName(route.Input.Type)+" ["+strings.Join(missing, ", ")+"] required for "+strings.ToLower(route.Operation))
}
