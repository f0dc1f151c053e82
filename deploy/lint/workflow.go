// Package lint checks the deployment recipes with their platforms' own
// linters, offline: the GitHub Actions workflow with actionlint (and, through
// it, the workflow's scripts with shellcheck), the Dockerfile with BuildKit's
// own parser and build checks (what `docker build --check` runs).
//
// It is a module of its own, like deploy/kubernetes/psacheck, so that the
// main module does not carry actionlint's and BuildKit's dependencies for a
// few tests.
package lint

import (
	"fmt"
	"io"

	"github.com/rhysd/actionlint"
)

// Workflow lints GitHub Actions workflow files as the actionlint command
// does. shellcheck is the shellcheck executable that checks every run:
// script, or "" to leave the scripts unchecked.
func Workflow(shellcheck string, paths ...string) ([]*actionlint.Error, error) {
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Shellcheck: shellcheck})
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	errs, err := l.LintFiles(paths, nil)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	return errs, nil
}
