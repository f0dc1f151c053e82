package reports

import "sort"

// NewCoverage computes route coverage per resource from every route of the
// model and the routes a run exercised, both as "METHOD template" (see
// Step.RouteKey; route.String() of the schema package has that form).
// Exercised routes the model does not have are left out; repeats count
// once. Producers call it as
//
//	all := make([]string, 0, len(routes))
//	for _, rt := range model.Routes().All() { all = append(all, rt.String()) }
//	r.Coverage = reports.NewCoverage(all, r.Exercised())
func NewCoverage(model, exercised []string) *Coverage {
	known := make(map[string]bool, len(model))
	byRes := map[string]*ResourceCoverage{}
	for _, rt := range model {
		if known[rt] {
			continue
		}
		known[rt] = true
		res := ResourceOf(rt)
		rc := byRes[res]
		if rc == nil {
			rc = &ResourceCoverage{Resource: res}
			byRes[res] = rc
		}
		rc.Routes++
	}
	done := map[string]bool{}
	for _, rt := range exercised {
		if !known[rt] || done[rt] {
			continue
		}
		done[rt] = true
		rc := byRes[ResourceOf(rt)]
		rc.Exercised = append(rc.Exercised, rt)
	}
	c := &Coverage{Resources: make([]ResourceCoverage, 0, len(byRes))}
	for _, rc := range byRes {
		sort.Strings(rc.Exercised)
		c.Resources = append(c.Resources, *rc)
	}
	sort.Slice(c.Resources, func(a, b int) bool { return c.Resources[a].Resource < c.Resources[b].Resource })
	return c
}

// Exercised lists the routes ("METHOD template") of the steps that ran
// (outcome other than skip) and whose route is known, sorted, each once.
func (r *Results) Exercised() []string {
	seen := map[string]bool{}
	var out []string
	for i := range r.Scenarios {
		for j := range r.Scenarios[i].Steps {
			st := &r.Scenarios[i].Steps[j]
			if st.Route == "" || st.Outcome == Skip {
				continue
			}
			if k := st.RouteKey(); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Reached counts the GET routes a crawl reached, and those it reports on
// (zero and zero for runs that are no crawl).
func (c *Coverage) Reached() (reached, total int) {
	if c == nil {
		return 0, 0
	}
	for _, rc := range c.Resources {
		for _, r := range rc.Reach {
			total++
			if r.Reached {
				reached++
			}
		}
	}
	return reached, total
}
