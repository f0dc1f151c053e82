package replay

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

const recordedVM = `<vm href="/ovirt-engine/api/vms/r1" id="r1">
  <actions><link href="/ovirt-engine/api/vms/r1/start" rel="start"/><link href="/ovirt-engine/api/vms/r1/stop" rel="stop"/></actions>
  <name>web1</name>
  <description>first</description>
  <link href="/ovirt-engine/api/vms/r1/nics" rel="nics"/>
  <link href="/ovirt-engine/api/vms/r1/diskattachments" rel="diskattachments"/>
  <creation_time>2024-01-01T00:00:00.000Z</creation_time>
  <memory>1073741824</memory>
  <status>down</status>
  <type>server</type>
  <cluster href="/ovirt-engine/api/clusters/c1" id="c1"/>
</vm>`

func compareXML(t *testing.T, recBody, liveBody string, mutate func(h http.Header)) *comparison {
	t.Helper()
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	rec := &scenario.Response{Status: 200, Header: []scenario.Pair{{Name: "Content-Type", Value: "application/xml"}}, Body: recBody}
	recRoot, err := scenario.ParseBody([]byte(recBody))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/xml;charset=UTF-8"}}
	got := &live{status: 200, header: h, body: []byte(liveBody)}
	if mutate != nil {
		mutate(h)
	}
	got.root, _ = scenario.ParseBody(got.body)
	c := &comparison{model: m, ids: map[string]string{"r1": "l1"}}
	c.compareResponse(rec, recRoot, got, nil)
	return c
}

func TestCompareSame(t *testing.T) {
	liveVM := strings.NewReplacer("r1", "l1", "2024-01-01T00:00:00.000Z", "2025-02-02T00:00:00.000Z", "<status>down", "<status>up").Replace(recordedVM)
	c := compareXML(t, recordedVM, liveVM, nil)
	if len(c.diffs) != 0 {
		t.Errorf("differences between equivalent VMs: %+v", c.diffs)
	}
	skipped := map[string]string{}
	for _, s := range c.skipped() {
		skipped[s.Location] = s.Why
	}
	for loc, why := range map[string]string{
		"/vm/@id": whyID, "/vm/@href": whyHref, "/vm/creation_time": whyDate, "/vm/status": whyStatus,
		"/vm/cluster/@id": whyID, "/vm/link/@href": whyHref, "/vm/actions/link/@href": whyHref,
	} {
		if !strings.HasPrefix(skipped[loc], why) {
			t.Errorf("skipped %s: %q, want %q (all: %v)", loc, skipped[loc], why, skipped)
		}
	}
	if !strings.Contains(skipped["/vm/link/@href"], "(2 values)") {
		t.Errorf("skipped comparisons are counted: %v", skipped)
	}
}

func TestCompareGrades(t *testing.T) {
	tests := []struct {
		name   string
		live   func(string) string
		header func(http.Header)
		kind   string
		grade  reports.Grade
		loc    string
	}{
		{"link removed", replace(`<link href="/ovirt-engine/api/vms/r1/nics" rel="nics"/>`, ""), nil, KindLinkRemoved, reports.Breaking, "/vm/link[@rel='nics']"},
		{"action removed", replace(`<link href="/ovirt-engine/api/vms/r1/stop" rel="stop"/>`, ""), nil, KindActionRemoved, reports.Breaking, "/vm/actions/link[@rel='stop']"},
		{"element removed", replace("<description>first</description>", ""), nil, KindElementRemoved, reports.Breaking, "/vm/description"},
		{"attribute removed", replace(`<cluster href="/ovirt-engine/api/clusters/c1" id="c1"/>`, `<cluster href="/ovirt-engine/api/clusters/c1"/>`), nil, KindAttributeRemoved, reports.Breaking, "/vm/cluster/@id"},
		{"type changed", replace("<memory>1073741824</memory>", "<memory>lots</memory>"), nil, KindTypeChanged, reports.Breaking, "/vm/memory"},
		{"value to elements", replace("<description>first</description>", "<description><a>1</a></description>"), nil, KindTypeChanged, reports.Breaking, "/vm/description"},
		{"enum outside the model", replace("<type>server</type>", "<type>mainframe</type>"), nil, KindEnumChanged, reports.Breaking, "/vm/type"},
		{"another enum value", replace("<type>server</type>", "<type>desktop</type>"), nil, KindEnumValueChanged, reports.GradeWarn, "/vm/type"},
		{"order changed", replace("<name>web1</name>\n  <description>first</description>", "<description>first</description><name>web1</name>"), nil, KindOrderChanged, reports.GradeWarn, "/vm"},
		{"element added", replace("<type>server</type>", "<type>server</type><origin>ovirt</origin>"), nil, KindElementAdded, reports.GradeInfo, "/vm/origin"},
		{"link added", replace("<memory>", `<link href="x" rel="tags"/><memory>`), nil, KindLinkAdded, reports.GradeInfo, "/vm/link[@rel='tags']"},
		{"value changed", replace("<description>first</description>", "<description>second</description>"), nil, KindValueChanged, reports.GradeInfo, "/vm/description"},
		{"number changed", replace("<memory>1073741824</memory>", "<memory>2147483648</memory>"), nil, KindValueChanged, reports.GradeInfo, "/vm/memory"},
		{"media type", same, func(h http.Header) { h.Set("Content-Type", "application/json") }, KindMediaTypeChanged, reports.Breaking, "header:Content-Type"},
		{"header added", same, func(h http.Header) { h.Set("Location", "/x") }, KindHeaderAdded, reports.GradeInfo, "header:Location"},
		{"body removed", func(string) string { return "" }, nil, KindBodyRemoved, reports.Breaking, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := compareXML(t, recordedVM, tt.live(strings.ReplaceAll(recordedVM, "r1", "l1")), tt.header)
			if len(c.diffs) != 1 {
				t.Fatalf("differences %+v, want one %s", c.diffs, tt.kind)
			}
			d := c.diffs[0]
			if d.Kind != tt.kind || d.Grade != tt.grade || d.Location != tt.loc {
				t.Errorf("got %s %s at %s, want %s %s at %s (%s)", d.Grade, d.Kind, d.Location, tt.grade, tt.kind, tt.loc, d.Reason)
			}
			if strings.Contains(d.Base+d.New+d.Reason, "second") || strings.Contains(d.Base+d.New+d.Reason, "first") {
				t.Errorf("a difference echoes a text value: %+v", d)
			}
		})
	}
}

func replace(old, repl string) func(string) string {
	return func(s string) string { return strings.Replace(s, strings.ReplaceAll(old, "r1", "l1"), repl, 1) }
}

func same(s string) string { return s }

func TestCompareStatus(t *testing.T) {
	for _, tt := range []struct {
		rec, got int
		grade    reports.Grade
	}{{201, 200, reports.GradeWarn}, {200, 404, reports.Breaking}, {404, 404, ""}} {
		c := &comparison{}
		c.compareStatus(tt.rec, tt.got)
		if tt.grade == "" {
			if len(c.diffs) != 0 {
				t.Errorf("%d->%d: %+v", tt.rec, tt.got, c.diffs)
			}
			continue
		}
		if len(c.diffs) != 1 || c.diffs[0].Grade != tt.grade || c.diffs[0].Kind != KindStatusChanged {
			t.Errorf("%d->%d: %+v, want %s", tt.rec, tt.got, c.diffs, tt.grade)
		}
	}
}

func TestCompareLists(t *testing.T) {
	rec := `<vms><vm id="r1"><name>created</name><memory>1</memory></vm><vm id="s1"><name>seeded</name><memory>2</memory></vm><vm id="x"><name>web</name><memory>3</memory></vm></vms>`
	// The live list is in another order, the created VM has another id and
	// name, and holds one more VM.
	got := `<vms><vm id="y"><name>web</name><memory>3</memory></vm><vm id="new"><name>other</name><memory>9</memory></vm><vm id="s1"><name>seeded</name><memory>2</memory></vm><vm id="l1"><name>created2</name><memory>1</memory></vm></vms>`
	c := compareXML(t, rec, got, nil)
	var kinds []string
	for _, d := range c.diffs {
		kinds = append(kinds, d.Kind+"@"+d.Location)
	}
	want := []string{KindValueChanged + "@/vms/vm[1]/name", KindElementAdded + "@/vms/vm"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v: items are matched by captured id, id, name, then position", kinds, want)
	}
	// A recorded item with no live counterpart is removed.
	c = compareXML(t, rec, `<vms><vm id="l1"><name>created</name><memory>1</memory></vm></vms>`, nil)
	removed := 0
	for _, d := range c.diffs {
		if d.Kind == KindElementRemoved && d.Grade == reports.Breaking {
			removed++
		}
	}
	if removed != 2 {
		t.Errorf("%d items removed, want 2: %+v", removed, c.diffs)
	}
}

func TestCompareJSON(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	route := m.Routes().Lookup("GET", "/vms/r1").Route
	recBody := `{"id":"r1","href":"/ovirt-engine/api/vms/r1","name":"web1","status":"down","type":"server","memory":"1024","link":[{"rel":"nics","href":"/n"}]}`
	liveBody := `{"id":"l1","href":"/ovirt-engine/api/vms/l1","name":"web1","status":"up","type":"nonsense","memory":"1024"}`
	rec := &scenario.Response{Status: 200, Header: []scenario.Pair{{Name: "Content-Type", Value: "application/json"}}, Body: recBody}
	recRoot, _ := scenario.ParseBody([]byte(recBody))
	got := &live{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(liveBody)}
	got.root, _ = scenario.ParseBody(got.body)
	c := &comparison{model: m}
	c.compareResponse(rec, recRoot, got, route)
	var kinds []string
	for _, d := range c.diffs {
		kinds = append(kinds, d.Kind+"@"+d.Location)
	}
	want := []string{KindLinkRemoved + "@/vm/link[@rel='nics']", KindEnumChanged + "@/vm/type"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", kinds, want)
	}
}

// TestCompareRedacted: a secret that the recording holds redacted (a
// console ticket's value) is not compared with the live one, whatever it
// became: the comparison is skipped and says why.
func TestCompareRedacted(t *testing.T) {
	rec := `<action><ticket><value>REDACTED</value><expiry>120</expiry></ticket><status>complete</status></action>`
	c := compareXML(t, rec, strings.Replace(rec, "REDACTED", "abcd12345", 1), nil)
	if len(c.diffs) != 0 {
		t.Errorf("a redacted secret was compared: %+v", c.diffs)
	}
	skipped := map[string]string{}
	for _, s := range c.skipped() {
		skipped[s.Location] = s.Why
	}
	if !strings.HasPrefix(skipped["/action/ticket/value"], whyRedacted) {
		t.Errorf("skipped: %v", skipped)
	}
}
