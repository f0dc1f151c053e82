package har

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := &File{Log: Log{Version: "1.2", Creator: Creator{Name: "ovcompat", Version: "test"}, Entries: []Entry{{
		StartedDateTime: "2026-01-01T00:00:00Z",
		Request:         Request{Method: "GET", URL: "https://engine.example/ovirt-engine/api/vms;max=1?search=name%3Dweb", Headers: []Header{{Name: "Version", Value: "4"}}},
		Response:        Response{Status: 200, Content: Content{MimeType: "application/xml", Text: "<vms/>"}},
	}}}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	e := out.Log.Entries[0]
	p, q, err := e.Request.Path()
	if err != nil || p != "/ovirt-engine/api/vms;max=1" || q != "search=name%3Dweb" {
		t.Errorf("Path() = %q %q %v", p, q, err)
	}
	if Get(e.Request.Headers, "version") != "4" {
		t.Error("Get is not case-insensitive")
	}
	body, err := e.Response.Content.Body()
	if err != nil || string(body) != "<vms/>" {
		t.Errorf("Body() = %q %v", body, err)
	}
}

func TestBase64Body(t *testing.T) {
	c := Content{Text: "PHZtcy8+", Encoding: "base64"}
	if b, err := c.Body(); err != nil || string(b) != "<vms/>" {
		t.Errorf("Body() = %q %v", b, err)
	}
	c.Text = "%%%"
	if _, err := c.Body(); err == nil {
		t.Error("bad base64 must fail")
	}
}

func TestBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"not json":   "<html>",
		"truncated":  `{"log": {"entries": [`,
		"no entries": `{"foo": 1}`,
		"wrong type": `{"log": {"entries": 7}}`,
	} {
		_, err := Parse([]byte(in))
		if err == nil {
			t.Errorf("%s: want an error", name)
		}
		if name == "no entries" && !errors.Is(err, ErrNotHAR) {
			t.Errorf("%s: want ErrNotHAR, got %v", name, err)
		}
		if name == "truncated" && !strings.Contains(err.Error(), "har") {
			t.Errorf("%s: error should say where: %v", name, err)
		}
	}
}

// FuzzParse: any input parses or fails cleanly; what parses writes and
// reads back to the same entries.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"http://h/a"},"response":{"status":200,"content":{"text":"x"}}}]}}`))
	f.Add([]byte(`{"log":{"entries":[]}}`))
	f.Add([]byte(`{"log":{"entries":[{"request":{"url":"::"}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := Parse(data)
		if err != nil {
			return
		}
		for _, e := range h.Log.Entries {
			_, _, _ = e.Request.Path()
			_, _ = e.Response.Content.Body()
		}
		var buf bytes.Buffer
		if err := Write(&buf, h); err != nil {
			t.Fatal(err)
		}
		h2, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("written HAR does not parse: %v", err)
		}
		if len(h2.Log.Entries) != len(h.Log.Entries) {
			t.Fatal("entries lost in a round trip")
		}
	})
}
