package deploy

import (
	"maps"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const workflowFile = "github-actions/conformance.yml"

type workflow struct {
	On          map[string]any         `yaml:"on"`
	Permissions map[string]string      `yaml:"permissions"`
	Jobs        map[string]workflowJob `yaml:"jobs"`
	Extra       map[string]any         `yaml:",inline"`
}

type workflowJob struct {
	If          string            `yaml:"if"`
	Permissions map[string]string `yaml:"permissions"`
	Steps       []workflowStep    `yaml:"steps"`
}

type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

func readWorkflow(t *testing.T) *workflow {
	t.Helper()
	data, err := os.ReadFile(workflowFile)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", workflowFile, err)
	}
	if len(w.Jobs) == 0 {
		t.Fatalf("%s has no jobs", workflowFile)
	}
	return &w
}

// fetchesRuns tells a job that reads other runs (gh run list/download), the
// one thing actions: read is for.
func (j workflowJob) fetchesRuns() bool {
	return slices.ContainsFunc(j.Steps, func(s workflowStep) bool {
		return strings.Contains(s.Run, "gh run download")
	})
}

// TestWorkflowLeastPrivilege: the token may read the repository; only the job
// that fetches the last good run's results may also read actions.
func TestWorkflowLeastPrivilege(t *testing.T) {
	w := readWorkflow(t)
	if want := map[string]string{"contents": "read"}; !maps.Equal(w.Permissions, want) {
		t.Errorf("workflow permissions = %v, want %v", w.Permissions, want)
	}
	fetchers := 0
	for name, j := range w.Jobs {
		want := map[string]string{"contents": "read"}
		if j.fetchesRuns() {
			want["actions"] = "read"
			fetchers++
		}
		if !maps.Equal(j.Permissions, want) {
			t.Errorf("job %s: permissions = %v, want %v", name, j.Permissions, want)
		}
	}
	if fetchers != 1 {
		t.Errorf("%d jobs fetch other runs' results, want 1 (the nightly gate)", fetchers)
	}
}

// TestWorkflowPinned: every action is pinned by a full commit SHA; a tag can
// be moved by whoever owns the action, a commit cannot.
func TestWorkflowPinned(t *testing.T) {
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	n := 0
	for name, j := range readWorkflow(t).Jobs {
		for _, s := range j.Steps {
			if s.Uses == "" {
				continue
			}
			n++
			if !pinned.MatchString(s.Uses) {
				t.Errorf("job %s uses %q: pin it by commit SHA", name, s.Uses)
			}
		}
	}
	if n == 0 {
		t.Error("no action used: nothing was checked")
	}
}

// TestWorkflowJUnit: every job publishes junit.xml, whatever its outcome.
func TestWorkflowJUnit(t *testing.T) {
	for name, j := range readWorkflow(t).Jobs {
		ok := slices.ContainsFunc(j.Steps, func(s workflowStep) bool {
			return strings.HasPrefix(s.Uses, "actions/upload-artifact@") && strings.Contains(s.With["path"], "junit.xml")
		})
		if !ok {
			t.Errorf("job %s does not publish junit.xml", name)
		}
	}
}

// TestWorkflowNightlyGate: the scheduled run gates on `ovcompat diff` of the
// last good night's results.json against its own, and keeps its own results
// under the name the next night fetches.
func TestWorkflowNightlyGate(t *testing.T) {
	w := readWorkflow(t)
	if _, ok := w.On["schedule"]; !ok {
		t.Fatal("the workflow has no schedule")
	}
	var nightly *workflowJob
	for name, j := range w.Jobs {
		if strings.Contains(j.If, "'schedule'") && !strings.Contains(j.If, "!=") {
			if nightly != nil {
				t.Fatalf("two nightly jobs (%s)", name)
			}
			nightly = &j
		}
	}
	if nightly == nil {
		t.Fatal("no job runs on schedule")
	}
	fetched := regexp.MustCompile(`gh run download \S+ .*--name (\S+) --dir (\S+)`)
	var artifact, dir string
	for _, s := range nightly.Steps {
		if m := fetched.FindStringSubmatch(s.Run); m != nil {
			artifact, dir = m[1], m[2]
		}
	}
	if artifact == "" {
		t.Fatal("the nightly job does not fetch the last good run's results (gh run download --name A --dir D)")
	}
	gate := slices.ContainsFunc(nightly.Steps, func(s workflowStep) bool {
		return regexp.MustCompile(`ovcompat diff .*` + regexp.QuoteMeta(dir) + `/results\.json ovcompat-out/results\.json`).MatchString(s.Run)
	})
	if !gate {
		t.Errorf("no step runs ovcompat diff %s/results.json ovcompat-out/results.json", dir)
	}
	kept := slices.ContainsFunc(nightly.Steps, func(s workflowStep) bool {
		return s.With["name"] == artifact && strings.Contains(s.With["path"], "ovcompat-out/results.json")
	})
	if !kept {
		t.Errorf("the nightly job does not upload its results.json as %q for the next night", artifact)
	}
}

// TestWorkflowScripts: every run: block is valid bash once the ${{ }}
// expressions are stood in for.
func TestWorkflowScripts(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	expr := regexp.MustCompile(`\$\{\{[^}]*\}\}`)
	for name, j := range readWorkflow(t).Jobs {
		for _, s := range j.Steps {
			if s.Run == "" {
				continue
			}
			cmd := exec.Command("bash", "-n")
			cmd.Stdin = strings.NewReader(expr.ReplaceAllString(s.Run, "EXPR"))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("job %s, step %q: %v\n%s", name, s.Name, err, out)
			}
			if expr.MatchString(s.Run) {
				t.Errorf("job %s, step %q: a ${{ }} expression inside run: (pass it through env:)", name, s.Name)
			}
		}
	}
}
