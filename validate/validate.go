// Package validate checks recorded bodies and exchanges offline: XML and
// JSON files, and HAR archives, one record per document or HAR entry.
package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// Config says what to validate and how.
type Config struct {
	// Paths are files or folders (searched for .xml, .json and .har).
	Paths []string
	// Checker checks HAR exchanges; its models validate bare bodies.
	Checker *rules.Checker
	// Type, when set, is the expected type of bare bodies ("Vm" or "vm").
	Type string
	// Route, when set, is "METHOD PATH" for bare bodies: a template
	// ("GET /vms/{vm_id}") or a concrete path.
	Route string
	// Request validates bare bodies as the route's request body.
	Request bool
	// Status is the response status bare bodies are validated for.
	Status int
	// Limits bound each body.
	Limits schema.Limits
}

// Record is the verdict on one file or HAR entry. Its JSON form is the
// line `validate --format json` prints.
type Record struct {
	File       string             `json:"file"`
	Entry      *int               `json:"entry"`
	Method     string             `json:"method,omitempty"`
	Path       string             `json:"path,omitempty"`
	Route      string             `json:"route,omitempty"`
	OK         bool               `json:"ok"`
	Skipped    string             `json:"skipped"`
	Violations []schema.Violation `json:"violations"`
}

// ErrUsage marks errors in how validate was called (exit code 2).
var ErrUsage = errors.New("usage")

// Run validates every path, calling emit for each record in order. It
// returns an error only for problems that stop the run: unreadable paths
// and bad flags. A broken document is a record, not an error.
func Run(ctx context.Context, cfg Config, emit func(Record)) error {
	if len(cfg.Paths) == 0 {
		return fmt.Errorf("%w: give at least one .xml, .json or .har file or folder", ErrUsage)
	}
	target, err := cfg.target()
	if err != nil {
		return err
	}
	files, err := expand(cfg.Paths)
	if err != nil {
		return err
	}
	var fr fileReader
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(f)) {
		case ".har":
			if err := cfg.harFile(ctx, f, emit); err != nil {
				return err
			}
		case ".json":
			if target.Route == nil && target.Type == nil {
				return fmt.Errorf("%w: %s: a JSON body has no root element to identify it; give --type (e.g. Vm) or --route", ErrUsage, f)
			}
			fallthrough
		default:
			rec, err := cfg.bodyFile(&fr, f, target)
			if err != nil {
				return err
			}
			emit(rec)
		}
	}
	return nil
}

// expand turns folders into the .xml, .json and .har files they hold,
// sorted, and checks that plain files exist.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".xml", ".json", ".har":
				if !d.IsDir() {
					found = append(found, path)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// model returns the model bare bodies are checked with: a v3 model when one
// was loaded (only --schema brings one), else the v4 model.
func (cfg Config) model() *schema.Model {
	if m := cfg.Checker.Model(3); m != nil {
		return m
	}
	return cfg.Checker.Model(4)
}

func (cfg Config) target() (schema.Target, error) {
	m := cfg.model()
	t := schema.Target{Status: cfg.Status}
	if cfg.Request {
		t.Direction = schema.Request
	}
	if cfg.Type != "" {
		t.Type = m.Type(cfg.Type)
		if t.Type == nil {
			t.Type = m.Element(cfg.Type)
		}
		if t.Type == nil {
			return t, fmt.Errorf("%w: --type %q is neither a type nor an element of the model; `ovcompat schema types` lists them", ErrUsage, cfg.Type)
		}
	}
	if cfg.Route != "" {
		method, path, ok := strings.Cut(strings.TrimSpace(cfg.Route), " ")
		if !ok {
			return t, fmt.Errorf("%w: --route %q: want 'METHOD PATH', e.g. 'GET /vms/{vm_id}'", ErrUsage, cfg.Route)
		}
		method, path = strings.ToUpper(method), strings.TrimSpace(path)
		if _, _, rel, ok := rules.Locate(path, ""); ok {
			path = rel
		}
		r := m.Routes().Find(method, path)
		if r == nil {
			r = m.Routes().Lookup(method, path).Route
		}
		if r == nil {
			return t, fmt.Errorf("%w: --route %q matches no route; `ovcompat schema routes` lists them", ErrUsage, cfg.Route)
		}
		t.Route = r
		if !cfg.Request {
			t.Route = rules.ResponseRoute(m, r) // an <action> where the engine answers one
		}
	}
	return t, nil
}

func (cfg Config) bodyFile(fr *fileReader, name string, t schema.Target) (Record, error) {
	rec := Record{File: name}
	if t.Route != nil {
		rec.Route = t.Route.String()
		rec.Method = t.Route.Method
	}
	data, rest, err := fr.read(name, cfg.Limits)
	if err != nil {
		return rec, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if rest != nil {
		defer rest.Close()
	}
	m := cfg.model()
	var res schema.Result
	switch rep := media.Sniff(data); {
	case rep == rules.XML && rest != nil:
		// Larger than --max-body: not held, validated as it streams.
		res, err = streamXML(m, t, cfg.Limits, data, rest)
		if err != nil {
			return rec, fmt.Errorf("%w: %v", ErrUsage, err)
		}
	case rep == rules.XML:
		res = m.ValidateXML(data, t, cfg.Limits)
	case rep == rules.JSON && t.Route == nil && t.Type == nil:
		return rec, fmt.Errorf("%w: %s holds JSON; give --type or --route", ErrUsage, name)
	case rep == rules.JSON && rest != nil:
		rec.Violations = []schema.Violation{schema.Finding(schema.RuleLimit, "/", fmt.Sprintf("%s is a JSON body larger than the limit of %d bytes, which it must hold whole to validate (raise it with --max-body)", name, fr.max))}
		return rec, nil
	case rep == rules.JSON:
		res = m.ValidateJSON(data, t, cfg.Limits)
	case rep == rules.HTML:
		rec.Skipped = "HTML page, not an API document"
		rec.OK = true
		return rec, nil
	default:
		res = schema.Result{Violations: []schema.Violation{schema.Finding(schema.RuleMalformed, "/", "the file is neither XML nor JSON (empty, binary or text)")}}
	}
	rec.Violations = cfg.Checker.Overrides().Apply(res.Violations)
	rec.OK = !schema.HasErrors(rec.Violations)
	return rec, nil
}

// streamXML validates an XML body too large to hold, head first, then the
// rest as it is read.
func streamXML(m *schema.Model, t schema.Target, lim schema.Limits, head []byte, rest io.Reader) (schema.Result, error) {
	v := m.NewXMLStream(t, lim)
	v.Write(head)
	buf := make([]byte, 64<<10)
	for !v.Failed() {
		n, err := rest.Read(buf)
		v.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			v.Close()
			return schema.Result{}, err
		}
	}
	return v.Close(), nil
}

// fileReader reads bodies into one buffer, reused from file to file: each
// is validated and dropped before the next is read, so a run over
// thousands of files allocates for the largest only.
type fileReader struct {
	buf []byte
	max int64
}

// read reads a file whole when it is within the body limit (rest nil);
// beyond, it reads the first 4 KiB and returns the open file for the rest.
func (fr *fileReader) read(name string, lim schema.Limits) (data []byte, rest io.ReadCloser, err error) {
	fr.max = lim.MaxBytes
	if fr.max <= 0 {
		fr.max = schema.DefaultMaxBytes
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	size := st.Size()
	if size > fr.max {
		size = 4 << 10
		rest = f
	} else {
		defer f.Close()
	}
	if need := int(size) + 1; cap(fr.buf) < need {
		fr.buf = make([]byte, 0, need)
	}
	buf := fr.buf[:0]
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || rest != nil && int64(len(buf)) >= size {
			break
		}
		if err != nil {
			if rest != nil {
				rest.Close()
			}
			return nil, nil, err
		}
		if len(buf) == cap(buf) {
			return nil, nil, fmt.Errorf("%s changed as it was read", name)
		}
	}
	fr.buf = buf
	return buf, rest, nil
}

func (cfg Config) harFile(ctx context.Context, name string, emit func(Record)) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	defer f.Close()
	h, err := har.Read(f)
	if err != nil {
		zero := 0
		emit(Record{File: name, Entry: &zero, Violations: []schema.Violation{schema.Finding(schema.RuleMalformed, "/", schema.ASCIISafe(err.Error(), 200))}})
		return nil
	}
	for i, e := range h.Log.Entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		emit(cfg.harEntry(name, i, e))
	}
	return nil
}

func (cfg Config) harEntry(name string, i int, e har.Entry) Record {
	idx := i
	rec := Record{File: name, Entry: &idx, Method: e.Request.Method}
	ex, err := e.Exchange()
	switch {
	case errors.Is(err, har.ErrURL):
		rec.Violations = []schema.Violation{schema.Finding(schema.RuleMalformed, "request:url", har.ErrURL.Error())}
		return rec
	case err != nil:
		rec.Violations = []schema.Violation{schema.Finding(schema.RuleMalformed, "/", har.ErrBody.Error())}
		return rec
	}
	rec.Path = ex.Path
	res := cfg.Checker.Check(&ex)
	rec.Route = res.RouteName()
	rec.Skipped = res.Skipped
	rec.Violations = res.Violations
	rec.OK = res.OK()
	return rec
}
