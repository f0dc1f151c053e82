package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/compat"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/syncbuf"
	"github.com/ovcompat/ovcompat/reports"
)

// TestValidateEngineVersion: a real engine's VM (4.2/4.3 traffic, with
// <storage_error_resume_behaviour>, which model 4.2 added) conforms to the
// newest model and to 4.2's, not to 4.1's; the summary names the model.
func TestValidateEngineVersion(t *testing.T) {
	vm := "../../fixtures/bodies/v4/vm.xml"
	for _, tc := range []struct {
		release string
		code    int
		model   string
	}{
		{"", 0, "oVirt API model 4.6.1"},
		{"4.2", 0, "oVirt API model 4.2.37 (engine 4.2.8.9 (as 4.2), model 4.2.37)"},
		{"4.1.9", 1, "oVirt API model 4.1.41 (engine 4.1.9, model 4.1.40, checked with model 4.1.41)"},
		{"model:4.0.40", 1, "oVirt API model 4.0.40"},
	} {
		code, out, errs := ovcompat(t, "validate", "--engine-version", tc.release, vm)
		if code != tc.code || !strings.Contains(out, "against "+tc.model) {
			t.Errorf("--engine-version %q: exit %d, want %d\n%s%s", tc.release, code, tc.code, out, errs)
		}
		if tc.code == 1 && !strings.Contains(out, "schema.unknown-element     /vm/storage_error_resume_behaviour") {
			t.Errorf("--engine-version %q: the member 4.2 added is not reported\n%s", tc.release, out)
		}
	}
	code, _, errs := ovcompat(t, "validate", "--engine-version", "3.6", vm)
	if code != 2 || !strings.Contains(errs, "--engine-version") || !strings.Contains(errs, "older than API v4") {
		t.Errorf("an engine older than v4: exit %d %s", code, errs)
	}
}

// entryPointHAR records an engine's entry point (its product_info saying
// version) and a GET of a VM (fixtures/bodies/v4/vm.xml).
func entryPointHAR(t *testing.T, version string) string {
	t.Helper()
	body, err := os.ReadFile("../../fixtures/bodies/v4/vm.xml")
	if err != nil {
		t.Fatal(err)
	}
	api := "<api><product_info><name>oVirt Engine</name><version><build>0</build><full_version>" + version +
		"</full_version><major>4</major><minor>1</minor><revision>0</revision></version></product_info></api>"
	entry := func(path, body string) har.Entry {
		return har.Entry{
			Request: har.Request{Method: "GET", URL: "https://engine.example.com/ovirt-engine/api" + path, HTTPVersion: "HTTP/1.1",
				Headers: []har.Header{{Name: "Version", Value: "4"}, {Name: "Accept", Value: "application/xml"}}},
			Response: har.Response{Status: 200, HTTPVersion: "HTTP/1.1", Headers: []har.Header{{Name: "Content-Type", Value: "application/xml"}},
				Content: har.Content{MimeType: "application/xml", Text: body, Size: int64(len(body))}},
		}
	}
	f := &har.File{Log: har.Log{Version: "1.2", Creator: har.Creator{Name: "test", Version: "1"}, Entries: []har.Entry{
		entry("/vms/"+between(string(body), `id="`, `"`), string(body)), entry("", api),
	}}}
	var buf bytes.Buffer
	if err := har.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "session.har")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValidateEngineVersionAuto: auto reads the product_info of the
// recorded entry point (even after other entries) and judges the whole
// recording as that release; without one, the newest model and a warning.
func TestValidateEngineVersionAuto(t *testing.T) {
	code, out, errs := ovcompat(t, "validate", "--engine-version", "auto", entryPointHAR(t, "4.1.9.1-1.el7"))
	if code != 1 || !strings.Contains(out, "against oVirt API model 4.1.41 (engine 4.1.9.1") || !strings.Contains(out, "storage_error_resume_behaviour") {
		t.Errorf("engine 4.1.9.1: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = ovcompat(t, "validate", "--engine-version", "auto", entryPointHAR(t, "4.5.9-1.el9"))
	if code != 0 || !strings.Contains(out, "against oVirt API model 4.6.1") || !strings.Contains(errs, "newer than the table") {
		t.Errorf("an engine newer than the table: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = ovcompat(t, "validate", "--engine-version", "auto", vmHAR(t))
	if code != 0 || !strings.Contains(out, "against oVirt API model 4.6.1") || !strings.Contains(errs, "no recorded answer of the API entry point") {
		t.Errorf("no entry point: exit %d\n%s%s", code, out, errs)
	}
}

// TestReplayEngineVersionAuto: replay asks the engine (here the simulator,
// which reports engine 4.5.7, the newest release that shipped model 4.6)
// and its results say what the run was judged as. Judged as engine 4.4.10,
// the same simulator's VMs carry links and actions 4.4 did not have.
func TestReplayEngineVersionAuto(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := ovcompat(t, append(simFor(t, ""), "--out", out, "--labels", "resource=api")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readResultsFile(t, out)
	if want := "oVirt API model 4.6.1 (engine 4.5.7, model 4.6.1)"; r.Run.ModelVersion != want || r.Run.EngineVersion != "4.5.7-1.el8" {
		t.Errorf("judged as %q (engine %q), want %q", r.Run.ModelVersion, r.Run.EngineVersion, want)
	}
	code, stdout, stderr = ovcompat(t, append(simFor(t, ""), "--out", out, "--labels", "resource=api", "--engine-version", "4.4.10")...)
	if r := readResultsFile(t, out); code != exitFindings || !strings.Contains(r.Run.ModelVersion, "engine 4.4.10") ||
		!strings.Contains(stdout, "schema.unknown-rel") {
		t.Errorf("--engine-version 4.4.10: exit %d, judged as %q\n%s%s", code, r.Run.ModelVersion, stdout, stderr)
	}
}

// TestProxyEngineVersion: with a password, --engine-version auto asks the
// engine once at start (the simulator reports engine 4.5.7, which shipped
// model 4.6.1) and /report says what traffic is judged as; judged as 4.1
// instead, a VM of the simulator has members 4.1 lacked.
func TestProxyEngineVersion(t *testing.T) {
	t.Setenv("GOGC", "100")
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	t.Setenv("OVCOMPAT_PASSWORD", tg.AdminPassword)
	for _, tc := range []struct {
		release, judged string
		unknown         bool
	}{
		{"auto", "oVirt API model 4.6.1 (engine 4.5.7, model 4.6.1)", false},
		{"4.1", "oVirt API model 4.1.41 (engine 4.1.11.2 (as 4.1), model 4.1.41)", true},
	} {
		dir := t.TempDir()
		violations := filepath.Join(dir, "v.jsonl")
		listen, admin := freeAddr(t), freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		var stderr syncbuf.Buffer
		go func() {
			done <- run(ctx, []string{"proxy", "--upstream", tg.URL, "--listen", listen, "--admin", admin,
				"--violations", violations, "--engine-version", tc.release}, io.Discard, &stderr)
		}()
		report := waitReport(t, admin, &stderr)
		if !strings.Contains(report, tc.judged) {
			t.Errorf("--engine-version %s: /report does not say %q", tc.release, tc.judged)
		}
		req, _ := http.NewRequest("GET", "http://"+listen+"/ovirt-engine/api/vms", nil)
		req.SetBasicAuth("admin@internal", tg.AdminPassword)
		req.Header.Set("Version", "4")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		data, _ := os.ReadFile(violations)
		if got := strings.Contains(string(data), `"rule":"schema.unknown-element"`); got != tc.unknown {
			t.Errorf("--engine-version %s: unknown elements %v, want %v\n%s", tc.release, got, tc.unknown, data)
		}
	}
}

// waitReport waits for the proxy's admin endpoint and returns /report.
func waitReport(t *testing.T, admin string, stderr *syncbuf.Buffer) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + admin + "/report")
		if err == nil && resp.StatusCode == 200 {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return string(body)
		}
		if err == nil {
			resp.Body.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy never ready: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSchemaVersions lists the embedded models with the engine releases
// checked with each (engine-releases.tsv: 4.5.4 to 4.5.7 shipped model 4.6).
func TestSchemaVersions(t *testing.T) {
	code, out, errs := ovcompat(t, "schema", "versions")
	if code != 0 || !strings.Contains(out, "4.6.1   4.5.4 to 4.5.7 (4)      4.6.0 to 4.6.1") ||
		!strings.Contains(out, "4.4.35  4.4.0 to 4.4.10.7 (93)") || !strings.Contains(out, "337 engine releases") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = ovcompat(t, "schema", "versions", "--all")
	if code != 0 || !strings.Contains(out, "4.4.10    4.4.34         4.4.35        2021-11-19") || strings.Count(out, "\n") != 338 {
		t.Errorf("--all: exit %d\n%s", code, out)
	}
}

// TestSchemaDiff: the changes from 4.5.12 to 4.6.1 (no breaking one, some
// warnings: 4.6.1 deprecates Display's type and the VM's auto pinning)
// with their wire names, the exit codes of diff, the output folder.
func TestSchemaDiff(t *testing.T) {
	code, out, errs := ovcompat(t, "schema", "diff", "model:4.5.12", "model:4.6.1")
	if code != exitOK || !strings.Contains(out, "POST /vms/{vm_id}/start parameter attach_wgt: a new parameter of the action") ||
		!strings.Contains(out, "type Display") || !strings.Contains(out, " 0 breaking") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	dir := t.TempDir()
	code, out, _ = ovcompat(t, "schema", "diff", "model:4.5.12", "model:4.6.1", "--fail-on", "warning", "--out", dir, "--format", "json")
	if code != exitFindings {
		t.Errorf("--fail-on warning: exit %d", code)
	}
	r := readOutputs(t, dir)
	if r.Run.Kind != "schema-diff" || r.Totals.Differences.Warning == 0 || !strings.Contains(out, `"kind": "schema-diff"`) {
		t.Errorf("results: %+v %+v", r.Run, r.Totals)
	}
	code, out, _ = ovcompat(t, "schema", "diff", "4.3", "4.4", "--format", "md")
	if code != exitFindings || !strings.Contains(out, "image_transfer.signed_ticket") {
		t.Errorf("4.3 to 4.4 (a member removed): exit %d\n%s", code, out)
	}
	// GitHub Actions annotations, as every judging command writes them
	// (issue 15's output contract): the removal is an error annotation.
	code, out, _ = ovcompat(t, "schema", "diff", "4.3", "4.4", "--format", "github")
	if code != exitFindings || !strings.HasPrefix(out, "::error title=ovcompat ") || !strings.Contains(out, "image_transfer.signed_ticket") {
		t.Errorf("4.3 to 4.4 --format github: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"4.4"}, {"4.4", "3.6"}, {"4.4", "4.5", "--fail-on", "info"}, {"4.4", "4.5", "--format", "html"}} {
		if code, _, errs := ovcompat(t, append([]string{"schema", "diff"}, args...)...); code != exitUsage || errs == "" {
			t.Errorf("%q: exit %d %q", args, code, errs)
		}
	}
}

// TestCompatCommand: a recording made against engine 4.1.9.1 (its entry
// point says so) of a VM with storage_error_resume_behaviour, held against
// an upgrade: to 4.4 the client keeps working (exit 0, warnings shown);
// the member is new in 4.2, so a client recorded with 4.4 downgraded to
// 4.1 would lose it. --from auto reads the recording's product_info.
func TestCompatCommand(t *testing.T) {
	rec := entryPointHAR(t, "4.4.10.7-1.el8")
	dir := t.TempDir()
	code, out, errs := ovcompat(t, "compat", "--to", "4.1", "--out", dir, rec)
	if code != exitFindings || !strings.Contains(out, "client "+compat.NoUserAgent) ||
		!strings.Contains(out, "vm.storage_error_resume_behaviour: the member is gone; the client reads it in responses") {
		t.Errorf("4.4.10.7 to 4.1: exit %d\n%s%s", code, out, errs)
	}
	if r := readOutputs(t, dir); r.Run.Kind != "compat" || r.Totals.Outcome != reports.Fail {
		t.Errorf("results %+v %+v", r.Run, r.Totals)
	}
	if code, out, errs := ovcompat(t, "compat", "--from", "4.3", "--to", "4.4", rec); code != exitOK || !strings.Contains(out, "warning") {
		t.Errorf("4.3 to 4.4: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := ovcompat(t, "compat", "--to", "4.4", vmHAR(t)); code != exitUsage || !strings.Contains(errs, "give --from") {
		t.Errorf("no entry point and no --from: exit %d %s", code, errs)
	}
	if code, _, errs := ovcompat(t, "compat", "--from", "4.3", rec); code != exitUsage || !strings.Contains(errs, "--to is required") {
		t.Errorf("no --to: exit %d %s", code, errs)
	}
}
