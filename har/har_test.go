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

// TestEntryExchange: the one place HAR entries become exchanges: path and
// query as sent, base64 bodies decoded, a Content-Type taken from the
// entry's mimeType when the headers lack one and there is a body, and the
// two ways an entry can be broken told apart.
func TestEntryExchange(t *testing.T) {
	e := Entry{
		Request: Request{Method: "POST", URL: "https://engine.example.com/ovirt-engine/api/vms;max=1?search=name%3Dx",
			Headers: []Header{{Name: "Version", Value: "4"}}, PostData: &PostData{MimeType: "application/xml", Text: "<vm/>"}},
		Response: Response{Status: 201, Content: Content{MimeType: "application/json", Text: "eyJpZCI6IjEifQ==", Encoding: "base64"}},
	}
	ex, err := e.Exchange()
	if err != nil {
		t.Fatal(err)
	}
	if ex.Method != "POST" || ex.Path != "/ovirt-engine/api/vms;max=1" || ex.RawQuery != "search=name%3Dx" || ex.Status != 201 {
		t.Errorf("request line: %+v", ex)
	}
	if string(ex.RequestBody) != "<vm/>" || string(ex.ResponseBody) != `{"id":"1"}` {
		t.Errorf("bodies: %q %q", ex.RequestBody, ex.ResponseBody)
	}
	if ex.RequestHeader.Get("Content-Type") != "application/xml" || ex.ResponseHeader.Get("Content-Type") != "application/json" || ex.RequestHeader.Get("Version") != "4" {
		t.Errorf("headers: %v %v", ex.RequestHeader, ex.ResponseHeader)
	}
	e.Response.Content = Content{MimeType: "application/json"} // no body: no Content-Type made up
	if ex, _ := e.Exchange(); ex.ResponseHeader.Get("Content-Type") != "" {
		t.Errorf("a body-less response got a Content-Type: %v", ex.ResponseHeader)
	}
	e.Response.Content = Content{Text: "%%%", Encoding: "base64"}
	if _, err := e.Exchange(); !errors.Is(err, ErrBody) {
		t.Errorf("bad base64: %v", err)
	}
	e.Request.URL = "http://[::1"
	if _, err := e.Exchange(); !errors.Is(err, ErrURL) {
		t.Errorf("bad URL: %v", err)
	}
}
