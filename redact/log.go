package redact

import (
	"context"
	"log/slog"
)

// LogHandler wraps h so that no record it handles holds a secret: the
// message and every string, error or other value are redacted as Text,
// and the value of an attribute named like a secret is masked whole.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(logHandler); ok {
		return h
	}
	return logHandler{h}
}

type logHandler struct{ h slog.Handler }

func (l logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Text(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(attr(a))
		return true
	})
	return l.h.Handle(ctx, out)
}

func (l logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = attr(a)
	}
	return logHandler{l.h.WithAttrs(red)}
}

func (l logHandler) WithGroup(name string) slog.Handler {
	return logHandler{l.h.WithGroup(name)}
}

// attr redacts one attribute.
func attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch {
	case IsSecretName(a.Key):
		return slog.String(a.Key, Mask)
	case v.Kind() == slog.KindGroup:
		as := v.Group()
		red := make([]slog.Attr, len(as))
		for i, g := range as {
			red[i] = attr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	case v.Kind() == slog.KindString:
		return slog.String(a.Key, Text(v.String()))
	case v.Kind() == slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Text(err.Error()))
		}
		if s := v.String(); Text(s) != s {
			return slog.String(a.Key, Text(s))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
