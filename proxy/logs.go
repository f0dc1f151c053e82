package proxy

import (
	"log/slog"
	"slices"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// violationMsg is the msg of every violation line, so a log pipeline that
// reads the proxy's slog lines reads the violation lines alike.
const violationMsg = "violation"

// levelOf returns the slog level name a violation's line carries: ERROR,
// WARN or INFO, as the severity says.
func levelOf(s schema.Severity) string {
	switch s {
	case schema.Info:
		return slog.LevelInfo.String()
	case schema.Warning:
		return slog.LevelWarn.String()
	}
	return slog.LevelError.String()
}

// logRejection logs an exchange that enforce mode answered itself: which
// direction, the status the client got, and the error rules that decided it.
func (p *Proxy) logRejection(x *exchange, direction string, status int, res rules.Result, vs []schema.Violation) {
	var ruleIDs []string
	first := ""
	for _, v := range vs {
		if v.Severity != schema.Error {
			continue
		}
		if first == "" {
			first = v.Rule + " at " + schema.ASCIISafe(v.Location, 512)
		}
		if !slices.Contains(ruleIDs, v.Rule) {
			ruleIDs = append(ruleIDs, v.Rule)
		}
	}
	p.log.Warn(direction+" rejected", "correlation_id", schema.ASCIISafe(x.id, 128), "method", schema.ASCIISafe(x.method, 16),
		"path", schema.ASCIISafe(redact.Path(x.path), 512), "route", res.RouteName(), "status", status,
		"rules", ruleIDs, "first", first)
}
