package sim

import (
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// restMissing answers 400 "Incomplete parameters" when body root lacks a
// member the REST layer validates for route beyond its signatures
// (restneeds.Validated).
func restMissing(route *schema.Route, root *etree.Element) *reply {
	var missing []string
	for _, n := range restneeds.At(route.Service, route.Operation, route.Path) {
		if n.Check != restneeds.Validated {
			continue
		}
		if segs, ok := route.SignaturePath(n.Path); ok && (root == nil || !schema.HasSignaturePath(root, segs)) {
			_, rest, _ := strings.Cut(n.Path, ".")
			missing = append(missing, rest)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return faultReply(http.StatusBadRequest, "Incomplete parameters",
		typeName(route.Input.Type)+" ["+strings.Join(missing, ", ")+"] required for "+strings.ToLower(route.Operation))
}

// uncheckedBy returns whether a signature path of route is one the REST
// layer never asks for (restneeds.Unchecked).
func uncheckedBy(route *schema.Route) func(path string) bool {
	needs := restneeds.At(route.Service, route.Operation, route.Path)
	return func(path string) bool {
		for _, n := range needs {
			if n.Check == restneeds.Unchecked && n.Path == path {
				return true
			}
		}
		return false
	}
}
