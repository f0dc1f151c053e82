package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// simFor starts the bundled simulator and returns the replay flags that
// reach it: the admin's password in the environment, the user role in a
// credentials file.
func simFor(t *testing.T, inject string) []string {
	t.Helper()
	tg, err := target.Start(target.Options{Inject: inject, InjectSeed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return replayArgs(t, tg)
}

// replayArgs are the arguments of a replay against a running simulator,
// with its admin password in the environment and its user's in a
// credentials file; the simulator stops when the test ends.
func replayArgs(t *testing.T, tg *target.Target) []string {
	t.Helper()
	t.Cleanup(func() { _ = tg.Close() })
	t.Setenv("OVCOMPAT_PASSWORD", tg.AdminPassword)
	creds := filepath.Join(t.TempDir(), "roles.yaml")
	data := target.UserRole + ":\n  user: " + target.User + "\n  password: " + tg.UserPassword + "\n"
	if err := os.WriteFile(creds, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"replay", "--target", tg.URL, "--credentials", creds, "--poll-interval", "20ms", "--no-progress"}
}

// readOutputs checks that the output folder holds every output of a run
// and returns its results.
func readOutputs(t *testing.T, dir string) *reports.Results {
	t.Helper()
	for _, f := range []string{"results.json", "report.html", "report.md", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("output folder lacks %s", f)
		}
	}
	return readResultsFile(t, dir)
}

func readResultsFile(t *testing.T, dir string) *reports.Results {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := reports.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReplayCommand(t *testing.T) {
	out := t.TempDir()
	args := slices.DeleteFunc(simFor(t, ""), func(a string) bool { return a == "--no-progress" })
	code, stdout, stderr := ovcompat(t, append(args, "--out", out, "--parallel", "3")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readOutputs(t, out)
	if r.Run.Kind != "replay" || r.Run.EngineVersion == "" || r.Totals.Steps.Pass < 50 || r.Totals.Outcome != reports.Pass {
		t.Errorf("results: run %+v totals %+v", r.Run, r.Totals)
	}
	// Standard output: the per-scenario table, the totals and the report's
	// path, as demo prints them.
	page, _ := filepath.Abs(filepath.Join(out, "report.html"))
	if !strings.Contains(stdout, "  PASS  api-entry-point ") || !strings.Contains(stdout, "scenarios, ") || !strings.Contains(stdout, "report: "+page+"\n") {
		t.Errorf("summary: %s", stdout)
	}
	// Standard error is no terminal here (a CI log): one line per scenario
	// as it finishes, and no progress bar.
	if strings.Contains(stderr, "\r") {
		t.Errorf("a progress bar on a non-terminal:\n%q", stderr)
	}
	for _, sc := range r.Scenarios {
		if line := "  " + strings.ToUpper(string(sc.Outcome)) + "  " + sc.Name + " "; sc.LeftOut == "" && !strings.Contains(stderr, line) {
			t.Errorf("no progress line %q for scenario %s:\n%s", line, sc.Name, stderr)
		}
	}
}

// TestReplaySummaryFormats: --format chooses the summary on standard
// output; the files of --out are the same whatever it says.
func TestReplaySummaryFormats(t *testing.T) {
	for format, want := range map[string]string{"md": "## ovcompat: PASS", "json": `"version": 1`, "github": "::notice title=ovcompat pass::"} {
		out := t.TempDir()
		code, stdout, stderr := ovcompat(t, append(simFor(t, ""), "--out", out, "--labels", "resource=vms", "--format", format)...)
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("--format %s: exit %d, stdout lacks %q\n%s\n%s", format, code, want, stdout, stderr)
		}
		readOutputs(t, out)
	}
	code, _, stderr := ovcompat(t, append(simFor(t, ""), "--out", t.TempDir(), "--format", "githb")...)
	if code != exitUsage || !strings.Contains(stderr, `--format "githb": want text, md, json or github; did you mean github?`) {
		t.Errorf("--format githb: exit %d\n%s", code, stderr)
	}
}

func TestReplayExitCodes(t *testing.T) {
	t.Run("engine fault is 1", func(t *testing.T) {
		out := t.TempDir()
		code, stdout, _ := ovcompat(t, append(simFor(t, "drop-links"), "--out", out, "--labels", "resource=vms")...)
		if code != exitFindings || !strings.Contains(stdout, "FAIL  ") || !strings.Contains(stdout, "link-removed") {
			t.Errorf("exit %d\n%s", code, stdout)
		}
		// A failing step keeps the recorded response beside the received
		// one, for report.html to show them side by side.
		recorded := 0
		for _, sc := range readResultsFile(t, out).Scenarios {
			for _, st := range sc.Steps {
				if tr := st.Transcript; st.Outcome == reports.Fail && tr != nil && tr.Recorded != nil && tr.Recorded.Body != "" && tr.Recorded.Body != tr.Response.Body {
					recorded++
				}
			}
		}
		if recorded == 0 {
			t.Error("no failing step carries its recorded response")
		}
	})
	t.Run("broken scenario is 2, the others run", func(t *testing.T) {
		dir := t.TempDir()
		good, err := os.ReadFile("../../fixtures/scenarios/api-entry-point.yaml")
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{
			"good.yaml":   string(good),
			"broken.yaml": "name: broken\nsteps:\n  - request:\n      method: GET\n      path: /ovirt-engine/api/vms/{{vm.id}}\n",
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := t.TempDir()
		code, stdout, _ := ovcompat(t, append(simFor(t, ""), "--out", out, "--scenarios", dir)...)
		if code != exitUsage || !strings.Contains(stdout, "broken.yaml:5: steps[1].request.path: unknown variable {{vm.id}}") {
			t.Errorf("exit %d\n%s", code, stdout)
		}
		r := readResultsFile(t, out)
		if r.Totals.Steps.Pass != 2 || r.Totals.Outcome != reports.Error {
			t.Errorf("the good scenario did not run, or the run did not end in error: %+v", r.Totals)
		}
	})
	t.Run("one scenario file is named as given", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "broken.yaml")
		if err := os.WriteFile(file, []byte("name: broken\nsteps:\n  - request:\n      method: GET\n      path: /ovirt-engine/api/vms/{{vm.id}}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, _ := ovcompat(t, append(simFor(t, ""), "--out", t.TempDir(), "--scenarios", file)...)
		if code != exitUsage || !strings.Contains(stdout, file+":5: ") || strings.Contains(stdout, "broken.yaml/broken.yaml") {
			t.Errorf("exit %d\n%s", code, stdout)
		}
	})
	t.Run("target down is 2, in one line", func(t *testing.T) {
		args := simFor(t, "")
		args[2] = "http://127.0.0.1:1"
		code, stdout, stderr := ovcompat(t, append(args, "--out", t.TempDir())...)
		if code != exitUsage || stdout != "" || !oneLine(stderr, "preflight (connect and sign in before any scenario): ", "connection refused") {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
	})
	t.Run("wrong or missing password is 2, in one line", func(t *testing.T) {
		args := simFor(t, "")
		for pw, want := range map[string]string{"wrong": "password is incorrect", "": "no password for admin@internal"} {
			t.Setenv("OVCOMPAT_PASSWORD", pw)
			code, stdout, stderr := ovcompat(t, append(args, "--out", t.TempDir())...)
			if code != exitUsage || stdout != "" || !oneLine(stderr, "preflight", want) {
				t.Errorf("password %q: exit %d\nstdout %s\nstderr %s", pw, code, stdout, stderr)
			}
		}
	})
	t.Run("a selection of nothing is 2, saying why", func(t *testing.T) {
		code, stdout, stderr := ovcompat(t, append(simFor(t, ""), "--out", t.TempDir(), "--labels", "resource=vmz")...)
		if code != exitUsage || !oneLine(stderr, "0 of 18 scenarios selected by --labels resource=vmz (resource labels here: ", "vms") {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
	})
	t.Run("a run of no step is 2, saying why", func(t *testing.T) {
		dir := t.TempDir()
		viewer := "name: viewer\nsteps:\n  - role: viewer\n    request: {method: GET, path: /ovirt-engine/api}\n"
		if err := os.WriteFile(filepath.Join(dir, "viewer.yaml"), []byte(viewer), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := ovcompat(t, append(simFor(t, ""), "--out", t.TempDir(), "--scenarios", dir)...)
		if code != exitUsage || !oneLine(stderr, "no step ran; skipped: 1: role \"viewer\" has no credentials: give --credentials FILE") {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
		}
	})
	for _, bad := range [][]string{
		{"replay"},
		{"replay", "--target", "http://x", "--labels", "colour=red"},
		{"replay", "--target", "http://x", "--labels", "resource==vms"},
		{"replay", "--target", "http://x", "--scenarios", "/nonexistent"},
		{"replay", "--target", "http://x", "--disable", "no.such-rule"},
	} {
		if code, _, stderr := ovcompat(t, bad...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, %q", bad, code, stderr)
		}
	}
}

func TestReplayReadOnly(t *testing.T) {
	out := t.TempDir()
	code, stdout, _ := ovcompat(t, append(simFor(t, ""), "--out", out, "--read-only")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	r := readResultsFile(t, out)
	for _, sc := range r.Scenarios {
		for _, st := range sc.Steps {
			if st.Method != "GET" && st.Method != "HEAD" && st.Outcome != reports.Skip {
				t.Errorf("%s step %d: %s ran in a read-only run", sc.Name, st.Index, st.Method)
			}
		}
	}
	if !r.Run.ReadOnly || r.Totals.Steps.Pass == 0 {
		t.Errorf("read-only run: %+v %+v", r.Run, r.Totals)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	api := "https://old-engine.example.com/ovirt-engine/api"
	h := &har.File{Log: har.Log{Version: "1.2", Entries: []har.Entry{
		{Request: har.Request{Method: "POST", URL: "https://old-engine.example.com/ovirt-engine/sso/oauth/token",
			PostData: &har.PostData{MimeType: "application/x-www-form-urlencoded", Text: "grant_type=password&username=admin%40internal&password=hunter2"}},
			Response: har.Response{Status: 200, Content: har.Content{MimeType: "application/json", Text: `{"access_token":"tok-secret"}`}}},
		{Request: har.Request{Method: "POST", URL: api + "/vms", Headers: []har.Header{{Name: "Authorization", Value: "Bearer tok-secret"}, {Name: "Content-Type", Value: "application/xml"}},
			PostData: &har.PostData{MimeType: "application/xml", Text: "<vm><name>a</name><initialization><root_password>hunter2</root_password></initialization></vm>"}},
			Response: har.Response{Status: 201, Headers: []har.Header{{Name: "Location", Value: api + "/vms/1f6e2ad4-0000-4000-8000-000000000001"}, {Name: "Set-Cookie", Value: "JSESSIONID=abc"}},
				Content: har.Content{MimeType: "application/xml", Text: `<vm href="/ovirt-engine/api/vms/1f6e2ad4-0000-4000-8000-000000000001" id="1f6e2ad4-0000-4000-8000-000000000001"/>`}}},
		{Request: har.Request{Method: "GET", URL: api + "/vms/1f6e2ad4-0000-4000-8000-000000000001"},
			Response: har.Response{Status: 200, Content: har.Content{MimeType: "application/xml", Text: `<vm id="1f6e2ad4-0000-4000-8000-000000000001"/>`}}},
	}}}
	path := filepath.Join(dir, "session.har")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := har.Write(f, h); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "scenarios")
	code, stdout, stderr := ovcompat(t, "import", path, "--out", out, "--feature", "crud")
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "session.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"hunter2", "tok-secret", "abc", "Authorization", "sso"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the scenario holds %q:\n%s", secret, data)
		}
	}
	sc, err := scenario.Parse("session.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Labels.Source != scenario.SourceRecorded || sc.Credit != "imported from session.har" || len(sc.Steps) != 2 ||
		sc.Steps[1].Request.Path != "/ovirt-engine/api/vms/{{vm.id}}" || len(sc.Cleanup) != 1 {
		t.Errorf("imported %+v", sc)
	}
	if !strings.Contains(stdout, "2 steps, 1 cleanup step, 1 variable") {
		t.Errorf("stdout %q", stdout)
	}
	// An import does not overwrite a scenario unless --force says so.
	scenarioFile := filepath.Join(out, "session.yaml")
	if err := os.WriteFile(scenarioFile, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := ovcompat(t, "import", path, "--out", out); code != exitUsage || stdout != "" ||
		!strings.Contains(stderr, scenarioFile+" exists: give --force to overwrite it") {
		t.Errorf("import over an existing scenario: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(scenarioFile); string(got) != "edited by hand\n" {
		t.Errorf("the existing scenario was overwritten without --force: %q", got)
	}
	if code, _, stderr := ovcompat(t, "import", path, "--out", out, "--force"); code != exitOK {
		t.Errorf("import --force: exit %d %s", code, stderr)
	}
	if got, _ := os.ReadFile(scenarioFile); string(got) == "edited by hand\n" {
		t.Error("import --force did not overwrite the scenario")
	}
	if code, _, _ := ovcompat(t, "import", path); code != exitUsage {
		t.Errorf("import without --out: exit %d", code)
	}
}

// oneLine reports whether s is one line holding every part.
func oneLine(s string, parts ...string) bool {
	if strings.Count(strings.TrimSuffix(s, "\n"), "\n") != 0 {
		return false
	}
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestReplayWithoutCredentials: the first run a new user makes, with the
// admin's password alone, passes: the steps of the scenario role "user"
// are skipped, saying what to give, and counted apart from the recorded
// scenarios the bundled set leaves out.
func TestReplayWithoutCredentials(t *testing.T) {
	args := append(simFor(t, "")[:3], "--poll-interval", "20ms", "--no-progress") // no --credentials
	out := t.TempDir()
	code, stdout, stderr := ovcompat(t, append(args, "--out", out)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readResultsFile(t, out)
	skipped := 0
	for _, sc := range r.Scenarios {
		for _, st := range sc.Steps {
			if st.Role == target.UserRole {
				if st.Outcome != reports.Skip || !strings.HasSuffix(st.SkipReason, `role "user" has no credentials: give --credentials FILE`) {
					t.Errorf("%s step %d as user: %s %q", sc.Name, st.Index+1, st.Outcome, st.SkipReason)
				}
				skipped++
			}
		}
	}
	if skipped == 0 || r.Totals.LeftOut == 0 || r.Totals.Outcome != reports.Pass {
		t.Errorf("%d steps of role user skipped, totals %+v", skipped, r.Totals)
	}
	if !strings.Contains(stdout, "scenarios left out by the selection") {
		t.Errorf("summary: %s", stdout)
	}
}

// TestReplayUserFolderRunsWhole: a folder the user gives runs every
// scenario in it, recorded traffic included (the user asked for it).
func TestReplayUserFolderRunsWhole(t *testing.T) {
	dir := t.TempDir()
	rec, err := os.ReadFile("../../fixtures/scenarios/recorded/recorded-refresher-target-host.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rec.yaml"), rec, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := ovcompat(t, append(simFor(t, ""), "--out", out, "--scenarios", dir)...)
	r := readResultsFile(t, out)
	if r.Totals.LeftOut != 0 || r.Totals.Steps.Total() == r.Totals.Steps.Skip {
		t.Errorf("exit %d, totals %+v: the recorded scenario did not run\n%s\n%s", code, r.Totals, stdout, stderr)
	}
}
