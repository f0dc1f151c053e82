package main

import (
	"os"
	"path/filepath"
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
	code, stdout, stderr := ovcompat(t, append(simFor(t, ""), "--out", out, "--parallel", "3")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readOutputs(t, out)
	if r.Run.Kind != "replay" || r.Run.EngineVersion == "" || r.Totals.Steps.Pass < 50 || r.Totals.Outcome != reports.Pass {
		t.Errorf("results: run %+v totals %+v", r.Run, r.Totals)
	}
	if !strings.Contains(stdout, "results in "+filepath.Join(out, "results.json")) {
		t.Errorf("summary: %s", stdout)
	}
}

func TestReplayExitCodes(t *testing.T) {
	t.Run("engine fault is 1", func(t *testing.T) {
		code, stdout, _ := ovcompat(t, append(simFor(t, "drop-links"), "--out", t.TempDir(), "--labels", "resource=vms")...)
		if code != exitFindings || !strings.Contains(stdout, "FAIL  ") || !strings.Contains(stdout, "link-removed") {
			t.Errorf("exit %d\n%s", code, stdout)
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
	t.Run("target down is 2", func(t *testing.T) {
		args := simFor(t, "")
		args[2] = "http://127.0.0.1:1"
		code, stdout, _ := ovcompat(t, append(args, "--out", t.TempDir(), "--labels", "resource=api")...)
		if code != exitUsage || !strings.Contains(stdout, "ERROR  api-entry-point, step 1 (HEAD /): target:") {
			t.Errorf("exit %d\n%s", code, stdout)
		}
	})
	for _, bad := range [][]string{
		{"replay"},
		{"replay", "--target", "http://x", "--labels", "colour=red"},
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
	if !strings.Contains(stdout, "2 steps, 1 cleanup steps, 1 variables") {
		t.Errorf("stdout %q", stdout)
	}
	if code, _, _ := ovcompat(t, "import", path); code != exitUsage {
		t.Errorf("import without --out: exit %d", code)
	}
}
