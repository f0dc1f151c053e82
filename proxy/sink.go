package proxy

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// Line is one violation as the proxy logs it: the shared violation shape
// with its exchange. Violations are written one JSON object per line, with
// the level and msg every slog line of the proxy has (level from the
// severity: ERROR, WARN, INFO; msg "violation").
type Line struct {
	Time          time.Time `json:"time"`
	Level         string    `json:"level"`
	Msg           string    `json:"msg"`
	CorrelationID string    `json:"correlation_id"`
	Method        string    `json:"method"`
	Path          string    `json:"path"`
	Route         string    `json:"route"`
	Rule          string    `json:"rule"`
	Severity      string    `json:"severity"`
	Location      string    `json:"location"`
	Reason        string    `json:"reason"`
}

// violationSink writes Lines.
type violationSink struct {
	mu  sync.Mutex
	w   *bufio.Writer
	enc *json.Encoder
	err error
}

func newViolationSink(w io.Writer) *violationSink {
	if w == nil {
		return nil
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &violationSink{w: bw, enc: enc}
}

// write writes one exchange's lines and flushes them. It returns the
// first write error once.
func (s *violationSink) write(lines []Line) error {
	if s == nil || len(lines) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	failed := s.err != nil
	for i := range lines {
		if err := s.enc.Encode(&lines[i]); err != nil && s.err == nil {
			s.err = err
		}
	}
	if err := s.w.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if failed {
		return nil // said once already
	}
	return s.err
}

// emit sends an exchange's verdict to every output: metrics, the JSON
// lines, the live report.
func (p *Proxy) emit(x *exchange, res rules.Result) {
	if len(res.Violations) == 0 {
		return
	}
	// The exchange's part of every line.
	head := Line{Time: x.end.UTC(), Msg: violationMsg, CorrelationID: schema.ASCIISafe(x.id, 128), Method: schema.ASCIISafe(x.method, 16),
		Path: schema.ASCIISafe(redact.Path(x.path), 512), Route: res.RouteName()}
	lines := make([]Line, 0, len(res.Violations))
	for _, v := range res.Violations {
		l := head
		l.Rule, l.Severity, l.Level = v.Rule, v.Severity.String(), levelOf(v.Severity)
		l.Location, l.Reason = schema.ASCIISafe(v.Location, 512), schema.ASCIISafe(v.Reason, 512)
		p.met.violations.WithLabelValues(l.Rule, l.Severity).Inc()
		lines = append(lines, l)
	}
	if err := p.sink.write(lines); err != nil {
		p.log.Error("writing violations failed", "error", err)
	}
	p.live.add(x, res)
}
