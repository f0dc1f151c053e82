package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestLogHandler(t *testing.T) {
	for _, newHandler := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(LogHandler(newHandler(&buf))).With("session_id", "S1", "url", "/x?access_token=S2")
		err := errors.New(`Post "https://e.test/ovirt-engine/sso/oauth/token?password=S3": dial tcp: refused`)
		log.WithGroup("g").Warn("upstream http://u:S4@e.test/ failed", "error", err, "password", "S5",
			slog.Group("req", "query", "a=1&token=S6"), "status", 502)
		out := buf.String()
		for _, s := range []string{"S1", "S2", "S3", "S4", "S5", "S6"} {
			if strings.Contains(out, s) {
				t.Errorf("the log holds %s: %s", s, out)
			}
		}
		if !strings.Contains(out, "502") || !strings.Contains(out, "dial tcp: refused") {
			t.Errorf("the log lost what is not secret: %s", out)
		}
	}
	h := LogHandler(slog.NewTextHandler(&bytes.Buffer{}, nil))
	if LogHandler(h) != h {
		t.Error("LogHandler wraps a handler twice")
	}
}
