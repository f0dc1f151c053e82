package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Loaded is the outcome of reading a folder of scenarios: the scenarios that
// parsed, and an error for each file that did not. A broken file does not
// stop the others from loading; the replayer reports it as a scenario that
// ends in error.
type Loaded struct {
	Scenarios []*Scenario
	Errors    []*ParseError
}

// IsScenarioFile reports whether a file name is a scenario (.yaml or .yml).
func IsScenarioFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// LoadFS reads every scenario file under dir in fsys, recursively, in
// lexical order of path. Duplicate scenario names are errors of the later
// file. The returned error is for a folder that cannot be read at all.
func LoadFS(fsys fs.FS, dir string) (*Loaded, error) {
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && IsScenarioFile(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scenario: read %s: %w", dir, err)
	}
	slices.Sort(files)
	out := &Loaded{}
	names := map[string]string{}
	for _, f := range files {
		sc, err := loadFile(fsys, f)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				pe = &ParseError{File: f, Err: err}
			}
			out.Errors = append(out.Errors, pe)
			continue
		}
		if prev, dup := names[sc.Name]; dup {
			out.Errors = append(out.Errors, &ParseError{File: f, Field: "name",
				Err: fmt.Errorf("scenario name %q is already used by %s", sc.Name, prev)})
			continue
		}
		names[sc.Name] = f
		out.Scenarios = append(out.Scenarios, sc)
	}
	return out, nil
}

// Load reads the scenarios of a folder on disk, recursively, as LoadFS
// does, or the one scenario file p names. Scenarios and errors name their
// files from p on ("scenarios/vms.yaml"), as the user wrote it.
func Load(p string) (*Loaded, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	dir, root := p, "."
	if !st.IsDir() {
		dir, root = filepath.Dir(p), filepath.Base(p)
	}
	l, err := LoadFS(os.DirFS(dir), root)
	if err != nil {
		return nil, err
	}
	for _, sc := range l.Scenarios {
		sc.File = filepath.Join(dir, sc.File)
	}
	for _, pe := range l.Errors {
		pe.File = filepath.Join(dir, pe.File)
	}
	return l, nil
}

func loadFile(fsys fs.FS, name string) (*Scenario, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}
