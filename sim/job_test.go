package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestCorrelatedJobs: a write sent with a correlation id (the
// Correlation-Id header, else the correlation_id parameter, filtered as the
// engine's CurrentFilter filters it) is tracked as a job tagged with it;
// GET /jobs?search=correlation_id=X finds it, and it ends when the object
// is ready, so a client waits on it. Reads make no job.
func TestCorrelatedJobs(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, srv := testEngine(t, Options{Seed: 1, Settle: 2 * time.Second, Clock: clock.Now})
	c := newClient(t, e, srv)
	c.header = http.Header{"Correlation-Id": {"add-vm-1"}}
	resp, _ := c.do("POST", "/vms", `<vm><name>tracked</name><cluster><name>Default</name></cluster><template><name>centos-stream-9</name></template></vm>`)
	if resp.StatusCode != 201 || resp.Header.Get("Correlation-Id") != "add-vm-1" {
		t.Fatalf("POST /vms: %d, Correlation-Id %q", resp.StatusCode, resp.Header.Get("Correlation-Id"))
	}
	c.header = nil
	jobs := parseXML(t, c.must(200, "GET", "/jobs?search=correlation_id%3Dadd-vm-1", ""))
	if len(jobs.ChildElements()) != 1 {
		t.Fatalf("%d jobs tagged add-vm-1, want 1", len(jobs.ChildElements()))
	}
	job := jobs.ChildElements()[0]
	if textOf(job, "status") != "started" || !strings.Contains(textOf(job, "description"), "tracked") {
		t.Errorf("the job while the VM's disks are copied: %s / %s", textOf(job, "status"), textOf(job, "description"))
	}
	clock.Advance(3 * time.Second)
	job = parseXML(t, c.must(200, "GET", "/jobs/"+job.SelectAttrValue("id", ""), ""))
	vm := parseXML(t, c.must(200, "GET", "/vms?search=name%3Dtracked", "")).ChildElements()[0]
	if textOf(job, "status") != "finished" || textOf(job, "end_time") == "" || textOf(vm, "status") != "down" {
		t.Errorf("once the VM is ready: job %s (end %q), VM %s", textOf(job, "status"), textOf(job, "end_time"), textOf(vm, "status"))
	}

	before := len(parseXML(t, c.must(200, "GET", "/jobs", "")).ChildElements())
	resp, _ = c.do("GET", "/vms?correlation_id=read-1", "")
	if resp.Header.Get("Correlation-Id") != "read-1" {
		t.Errorf("a read's Correlation-Id: %q", resp.Header.Get("Correlation-Id"))
	}
	resp, _ = c.do("POST", "/vms/"+vm.SelectAttrValue("id", "")+"/start?correlation_id=st%21art%201", "<action/>")
	if got := resp.Header.Get("Correlation-Id"); got != "start1" {
		t.Errorf("Correlation-Id %q, want the parameter without what the engine filters out", got)
	}
	after := parseXML(t, c.must(200, "GET", "/jobs", ""))
	if len(after.ChildElements()) != before+1 {
		t.Errorf("%d jobs after a read and a correlated start, want %d", len(after.ChildElements()), before+1)
	}
	if n := len(parseXML(t, c.must(200, "GET", "/jobs?search=correlation_id%3Dstart1", "")).ChildElements()); n != 1 {
		t.Errorf("%d jobs tagged start1", n)
	}
	if n := len(parseXML(t, c.must(200, "GET", "/jobs?search=correlation_id%3Dread-1", "")).ChildElements()); n != 0 {
		t.Errorf("a read made %d jobs", n)
	}
}

// TestExternalJob: an external tool adds a job (POST /jobs with a
// description, BackendJobsResource.add: validateParameters(job,
// "description")) and ends it.
func TestExternalJob(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	job := parseXML(t, c.must(201, "POST", "/jobs", `<job><description>backup run</description></job>`))
	if textOf(job, "external") != "true" || textOf(job, "status") != "started" {
		t.Errorf("an external job: %s", xmlString(job))
	}
	c.must(400, "POST", "/jobs", `<job><auto_cleared>true</auto_cleared></job>`)
	id := job.SelectAttrValue("id", "")
	c.must(200, "POST", "/jobs/"+id+"/end", `<action><succeeded>false</succeeded></action>`)
	if got := textOf(parseXML(t, c.must(200, "GET", "/jobs/"+id, "")), "status"); got != "failed" {
		t.Errorf("status %s after end with succeeded=false", got)
	}
	c.must(409, "POST", "/jobs/"+id+"/end", `<action/>`)
}
