package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/schema"
)

// schemaFlags choose the API model traffic is checked against: the
// embedded model of a release (--engine-version), or what an engine
// publishes (its XSD and RSDL, from files, URLs or the engine itself),
// which wins. Every command that checks traffic registers them with add
// and calls models.
type schemaFlags struct {
	xsd     string // --schema FILE|URL
	rsdl    string // --rsdl FILE|URL
	from    string // --schema-from URL
	cache   string // --schema-cache DIR
	release string // --engine-version
	eng     *engineFlags
	cmd     *cobra.Command

	// product reads the engine's product version for --engine-version
	// auto; nil when there is no engine to ask. Set by the command.
	product func(context.Context) (string, error)
	// warn receives what the choice of model assumed, as it is known;
	// when nil, warnings wait in held for the command to flush once its
	// engine answered (a command that then fails says why itself).
	warn io.Writer
	held []string
}

// add registers the flags on cmd; eng are the command's engine flags,
// used to fetch from an engine. release is --engine-version's default:
// "auto" where an engine is talked to, "" (the newest model) elsewhere.
func (f *schemaFlags) add(cmd *cobra.Command, eng *engineFlags, release string) {
	f.eng, f.cmd = eng, cmd
	fs := cmd.Flags()
	fs.StringVar(&f.release, "engine-version", release, releaseUsage)
	fs.StringVar(&f.xsd, "schema", "", "the engine's XSD (`FILE|URL`, what it serves at ?schema): check traffic of the API version it describes against it")
	fs.StringVar(&f.rsdl, "rsdl", "", "the engine's RSDL (`FILE|URL`, ?rsdl): its routes, URL parameters, headers and body parameters")
	fs.StringVar(&f.from, "schema-from", "", "fetch ?schema and ?rsdl from the engine at `URL` (with --user and the other engine flags), cached by its product version")
	fs.StringVar(&f.cache, "schema-cache", "", "folder caching what --schema-from fetched (default: the user cache folder's ovcompat/schema)")
}

// models returns the models the flags ask for: the engine's own documents
// when given (they win over --engine-version), else the embedded model of
// --engine-version's release. A loaded model serves the API version it
// describes; the release's model is added for v4 traffic when the loaded
// one is v3. Errors are usage errors.
func (f *schemaFlags) models(ctx context.Context) ([]*schema.Model, error) {
	var m *schema.Model
	var err error
	documents := f.from != "" || f.xsd != "" || f.rsdl != ""
	switch {
	case f.from != "" && (f.xsd != "" || f.rsdl != ""):
		return nil, usageError("--schema-from fetches both documents: give it alone, or --schema and --rsdl")
	case f.from != "":
		m, err = f.fromEngine(ctx)
	case f.xsd != "" || f.rsdl != "":
		m, err = f.fromDocuments(ctx)
	default:
		m, err = f.releaseModel(ctx)
	}
	if err != nil {
		return nil, err // exit code 2, as every error not marked otherwise
	}
	if documents && f.cmd != nil && f.cmd.Flags().Changed("engine-version") {
		f.warnf("--engine-version %s is not used: the engine's own schema (--schema-from, --schema, --rsdl) wins", f.release)
	}
	out := []*schema.Model{m}
	if m.API != 4 {
		v4, err := f.releaseModel(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, v4)
	}
	return out, nil
}

// fromDocuments loads --schema and --rsdl, each a file or a URL.
func (f *schemaFlags) fromDocuments(ctx context.Context) (*schema.Model, error) {
	var xsd, rsdl []byte
	var err error
	var names []string
	if f.xsd != "" {
		if xsd, err = f.read(ctx, "--schema", f.xsd); err != nil {
			return nil, err
		}
		names = append(names, f.xsd)
	}
	if f.rsdl != "" {
		if rsdl, err = f.read(ctx, "--rsdl", f.rsdl); err != nil {
			return nil, err
		}
		names = append(names, f.rsdl)
	}
	m, err := schema.LoadEngine(xsd, rsdl, "engine documents "+strings.Join(names, ", "))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(names, " + "), err)
	}
	return m, nil
}

// read reads a file, or fetches a URL with the engine flags.
func (f *schemaFlags) read(ctx context.Context, flag, src string) ([]byte, error) {
	if !isURL(src) {
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		return data, nil
	}
	c, err := f.eng.client(src)
	if err != nil {
		return nil, err
	}
	data, err := c.Fetch(ctx, src, "application/xml", 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return data, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// fromEngine fetches the engine's ?schema and ?rsdl, or takes them from
// the cache when the engine's product version was seen before.
func (f *schemaFlags) fromEngine(ctx context.Context) (*schema.Model, error) {
	c, err := f.eng.client(f.from)
	if err != nil {
		return nil, err
	}
	version, err := c.ProductVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("--schema-from: %w", err)
	}
	source := fmt.Sprintf("engine %s at %s", version, c.URL().Redacted())
	dir := f.cacheDir(c.URL(), version)
	if dir != "" {
		xsd, errX := os.ReadFile(filepath.Join(dir, "schema.xsd"))
		rsdl, errR := os.ReadFile(filepath.Join(dir, "rsdl.xml"))
		if errX == nil && errR == nil {
			if m, err := schema.LoadEngine(xsd, rsdl, source+" (cached)"); err == nil {
				return m, nil
			}
			// A damaged cache entry is fetched again and replaced.
		}
	}
	xsd, err := c.Fetch(ctx, "?schema", "application/xml", 0)
	if err != nil {
		return nil, fmt.Errorf("--schema-from: %w", err)
	}
	rsdl, err := c.Fetch(ctx, "?rsdl", "application/xml", 0)
	if err != nil {
		return nil, fmt.Errorf("--schema-from: %w", err)
	}
	m, err := schema.LoadEngine(xsd, rsdl, source)
	if err != nil {
		return nil, fmt.Errorf("--schema-from %s: the engine's documents: %w", c.URL().Redacted(), err)
	}
	if dir != "" {
		// The cache only saves time: failing to write it is not an error.
		_ = writeCache(dir, map[string][]byte{"schema.xsd": xsd, "rsdl.xml": rsdl})
	}
	return m, nil
}

// cacheDir returns the cache folder of an engine's documents: one per
// product version and API path, under --schema-cache or the user cache
// folder. "" when there is no cache folder.
func (f *schemaFlags) cacheDir(api *url.URL, version string) string {
	root := f.cache
	if root == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		root = filepath.Join(base, "ovcompat", "schema")
	}
	return filepath.Join(root, fileSafe(version), fileSafe(strings.Trim(api.Path, "/")))
}

// fileSafe keeps letters, digits, dots and dashes of s, so that a version
// from the engine cannot name a path outside the cache.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// writeCache writes files into dir, each through a temporary file renamed
// into place, so that a reader never sees half a document.
func writeCache(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		tmp, err := os.CreateTemp(dir, name+".*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(data)
		cerr := tmp.Close()
		if werr != nil || cerr != nil {
			os.Remove(tmp.Name())
			return errors.Join(werr, cerr)
		}
		if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
			os.Remove(tmp.Name())
			return err
		}
	}
	return nil
}
