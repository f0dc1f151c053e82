package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/schema"
)

// autoRelease is the --engine-version that asks the engine its version.
const autoRelease = "auto"

const releaseUsage = "release of the oVirt API to judge traffic as: an engine release (`4.4.10`, 4.4 for the newest 4.4), " +
	"model:X for a model version, auto to ask the engine (its product_info), empty for the newest model; " +
	"`ovcompat schema versions` lists them. --schema-from wins"

// releaseModel returns the embedded model of --engine-version's release,
// after saying on warn what the resolution assumed.
func (f *schemaFlags) releaseModel(ctx context.Context) (*schema.Model, error) {
	r, err := resolveRelease(ctx, f.release, f.product)
	if err != nil {
		return nil, usageError("--engine-version: %v", err)
	}
	if r.Warning != "" {
		f.warnf("%s", r.Warning)
	}
	return schema.ModelFor(r)
}

// resolveRelease resolves a release name, "auto" through product (the
// engine's product version; nil when there is no engine to ask). Crawl,
// replay, proxy and validate share it; errors are the name's.
func resolveRelease(ctx context.Context, name string, product func(context.Context) (string, error)) (schema.Release, error) {
	if name != autoRelease {
		return schema.ResolveRelease(name)
	}
	if product == nil {
		r, err := schema.ResolveProduct("")
		r.Warning = "--engine-version auto: no engine answer to read product_info from; checked with the newest model, " + r.Model
		return r, err
	}
	v, err := product(ctx)
	if err != nil {
		r, rerr := schema.ResolveProduct("")
		r.Warning = fmt.Sprintf("--engine-version auto: %v; checked with the newest model, %s", err, r.Model)
		return r, rerr
	}
	return schema.ResolveProduct(v)
}

func (f *schemaFlags) warnf(format string, args ...any) {
	line := "ovcompat: warning: " + fmt.Sprintf(format, args...) + "\n"
	if f.warn == nil {
		f.held = append(f.held, line)
		return
	}
	io.WriteString(f.warn, line)
}

// flushWarnings writes the warnings held back (see schemaFlags.warn).
func (f *schemaFlags) flushWarnings(w io.Writer) {
	for _, line := range f.held {
		io.WriteString(w, line)
	}
	f.held = nil
}

// onceProduct asks the engine its product version once, however often
// the answer is wanted (the model's release, the results' engine version).
func onceProduct(product func(context.Context) (string, error)) func(context.Context) (string, error) {
	if product == nil {
		return nil
	}
	var once sync.Once
	var v string
	var err error
	return func(ctx context.Context) (string, error) {
		once.Do(func() { v, err = product(ctx) })
		return v, err
	}
}

// recordedProduct reads, for validate's --engine-version auto, the product
// version from the first recorded answer of the API entry point (GET
// /ovirt-engine/api answered with an <api> document) in the HAR files
// among paths (files, or folders searched).
func recordedProduct(paths []string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		for _, p := range paths {
			var found string
			err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".har") {
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				f, err := har.Parse(data)
				if err != nil {
					return nil // validate reports it
				}
				for _, e := range f.Log.Entries {
					if v := entryPointVersion(e); v != "" {
						found = v
						return fs.SkipAll
					}
				}
				return nil
			})
			if err != nil {
				return "", err
			}
			if found != "" {
				return found, nil
			}
		}
		return "", errors.New("no recorded answer of the API entry point (GET /ovirt-engine/api) to read product_info from")
	}
}

// entryPointVersion returns the product version of a recorded entry point
// answer, or "".
func entryPointVersion(e har.Entry) string {
	u, err := url.Parse(e.Request.URL)
	if err != nil || e.Request.Method != "GET" || e.Response.Status != 200 ||
		strings.TrimSuffix(u.Path, "/") != schema.BasePathOf(4) {
		return ""
	}
	body, err := e.Response.Content.Body()
	if err != nil {
		return ""
	}
	v, err := engine.ProductVersionOf(body)
	if err != nil {
		return ""
	}
	return v
}
