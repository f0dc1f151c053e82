package schema_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

// jsonBody is one XML body of the recorded v4 traffic with the target it
// is validated against.
type jsonBody struct {
	name   string // file#entry and direction, for messages
	data   []byte
	target schema.Target
}

// harFile is the part of HAR 1.2 the JSON tests read.
type harFile struct {
	Log struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Request struct {
		Method  string `json:"method"`
		URL     string `json:"url"`
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
		PostData *struct {
			Text string `json:"text"`
		} `json:"postData"`
	} `json:"request"`
	Response struct {
		Status  int `json:"status"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
		} `json:"content"`
	} `json:"response"`
}

// requestHeader returns the value of the entry's request header name.
func (e *harEntry) requestHeader(name string) string {
	for _, h := range e.Request.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// harEntries reads the entries of every HAR file of the shared traffic,
// calling fn with the file's name and each entry's index.
func harEntries(tb testing.TB, dir string, fn func(file string, i int, e *harEntry)) {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "traffic", "*.har"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no HAR files in %s/traffic: %v", dir, err)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var h harFile
		if err := json.Unmarshal(data, &h); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		for i := range h.Log.Entries {
			fn(filepath.Base(f), i, &h.Log.Entries[i])
		}
	}
}

// v4TrafficBodies returns every XML body (responses and request bodies) of
// the v4 exchanges in the shared traffic, with its route, or skips the test
// when the material is absent.
func v4TrafficBodies(tb testing.TB, m *schema.Model) []jsonBody {
	tb.Helper()
	dir := sharedtest.Dir(tb)
	var out []jsonBody
	harEntries(tb, dir, func(file string, i int, e *harEntry) {
		u, err := url.Parse(e.Request.URL)
		if e.requestHeader("Version") != "4" || err != nil {
			return
		}
		rel, ok := strings.CutPrefix(u.Path, m.BasePath)
		if !ok {
			return
		}
		match := m.Routes().Lookup(e.Request.Method, rel)
		if match.Route == nil {
			tb.Fatalf("%s#%d: no route for %s %s", file, i, e.Request.Method, rel)
		}
		name := file + "#" + strconv.Itoa(i)
		if pd := e.Request.PostData; pd != nil && strings.HasPrefix(strings.TrimSpace(pd.Text), "<") {
			out = append(out, jsonBody{name: name + " request", data: []byte(pd.Text),
				target: schema.Target{Route: match.Route, Direction: schema.Request}})
		}
		if strings.Contains(e.Response.Content.MimeType, "xml") && strings.TrimSpace(e.Response.Content.Text) != "" {
			out = append(out, jsonBody{name: name + " response", data: []byte(e.Response.Content.Text),
				target: schema.Target{Route: match.Route, Direction: schema.Response, Status: e.Response.Status}})
		}
	})
	if len(out) < 700 {
		tb.Fatalf("only %d v4 bodies found in the traffic", len(out))
	}
	return out
}

func v4Model(tb testing.TB) *schema.Model {
	tb.Helper()
	m, err := schema.V4()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func parseBody(tb testing.TB, data []byte) *etree.Document {
	tb.Helper()
	doc, err := schema.ParseXML(data, schema.Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}
