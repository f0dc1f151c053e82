package replay

import (
	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/verdict"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/scenario"
)

// CheckRecorded checks a scenario's recordings offline, without a target:
// each step's request (its variables given their recorded values) and its
// recorded response go through the checker, as if the engine had answered
// them now. Steps without a recorded response are skipped; a variable
// whose recorded value is unknown is a harness error of its step. This is
// how recorded traffic of engines whose ids exist only there is checked.
func CheckRecorded(c *rules.Checker, sc *scenario.Scenario) reports.Scenario {
	out := scenarioHead(sc)
	vars := scenario.Vars{}
	for i, st := range allSteps(sc) {
		rs := stepHead(sc, i, st)
		resp := st.Response
		if resp == nil {
			rs.Outcome, rs.SkipReason = reports.Skip, "no recorded response"
			out.Steps = append(out.Steps, rs)
			continue
		}
		root, _ := scenario.ParseBody([]byte(resp.Body))
		header := scenario.HTTPHeader(resp.Header)
		for _, cp := range st.Captures {
			if v, err := cp.Value(header, root); err == nil {
				vars[cp.Var] = v
			}
		}
		req, err := st.Request.Expand(vars)
		if err != nil {
			rs.Error = err.Error()
			rs.Outcome = reports.Error
			out.Steps = append(out.Steps, rs)
			continue
		}
		ex := &har.Exchange{Method: req.Method, Path: req.Path, RawQuery: queryString(req.Query),
			RequestHeader: scenario.HTTPHeader(req.Header), RequestBody: []byte(req.Body),
			Status: resp.Status, ResponseHeader: header, ResponseBody: []byte(resp.Body)}
		res := c.Check(ex)
		if res.Route != nil {
			rs.Route = res.Route.Path
		}
		rs.Status, rs.RecordedStatus = resp.Status, resp.Status
		for _, v := range res.Violations {
			rs.Violations = append(rs.Violations, verdict.Violation(v))
		}
		if res.Skipped != "" {
			rs.Outcome, rs.SkipReason = reports.Skip, res.Skipped
		} else {
			rs.Outcome = reports.Judge(rs.Violations, nil, "")
		}
		out.Steps = append(out.Steps, rs)
	}
	out.Outcome = worst(out.Steps)
	return out
}
