package compat

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/scenario"
)

// Exchange is one recorded request and its response, as Check reads them.
type Exchange struct {
	// Client is the request's User-Agent, or NoUserAgent.
	Client string
	// Source is the recording it comes from ("session.har entry 3").
	Source string
	Method string
	// URL is the request's path and query ("/ovirt-engine/api/vms?max=1").
	URL string
	// Version is the request's Version header ("3" asks for API v3).
	Version          string
	ReqType, RspType string // Content-Type of each body
	ReqBody, RspBody []byte
	Status           int
}

// NoUserAgent is the client of requests recorded without a User-Agent.
const NoUserAgent = "(no User-Agent recorded)"

// ReadRecordings reads HAR files (.har) and scenario files (.yaml, as
// ovcompat proxy --record and import write them) below each path, a file
// or a folder searched recursively, in the order found.
func ReadRecordings(paths []string) ([]Exchange, error) {
	var out []Exchange
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			switch {
			case strings.EqualFold(filepath.Ext(path), ".har"):
				exs, err := readHAR(path)
				if err != nil {
					return err
				}
				out = append(out, exs...)
			case scenario.IsScenarioFile(path):
				exs, err := readScenarios(path)
				if err != nil {
					return err
				}
				out = append(out, exs...)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("compat: %w", err)
		}
	}
	return out, nil
}

func readHAR(path string) ([]Exchange, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := har.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []Exchange
	for i, e := range f.Log.Entries {
		u, err := url.Parse(e.Request.URL)
		if err != nil {
			continue
		}
		ex := Exchange{Client: clientOf(har.Get(e.Request.Headers, "User-Agent")), Source: path + " entry " + strconv.Itoa(i),
			Method: e.Request.Method, URL: u.RequestURI(), Version: har.Get(e.Request.Headers, "Version"),
			RspType: har.Get(e.Response.Headers, "Content-Type"), Status: e.Response.Status}
		if e.Request.PostData != nil {
			ex.ReqBody, ex.ReqType = []byte(e.Request.PostData.Text), e.Request.PostData.MimeType
		}
		if ex.RspType == "" {
			ex.RspType = e.Response.Content.MimeType
		}
		if body, err := e.Response.Content.Body(); err == nil {
			ex.RspBody = body
		}
		out = append(out, ex)
	}
	return out, nil
}

// variable matches a scenario's {{var}} substitution: in a path it stands
// for an id, which any value matches.
var variable = regexp.MustCompile(`\{\{[^}]*\}\}`)

func readScenarios(path string) ([]Exchange, error) {
	l, err := scenario.Load(path)
	if err != nil {
		return nil, err
	}
	if len(l.Errors) > 0 {
		return nil, l.Errors[0]
	}
	var out []Exchange
	for _, sc := range l.Scenarios {
		for i, st := range append(append([]scenario.Step(nil), sc.Steps...), sc.Cleanup...) {
			q := url.Values{}
			for _, p := range st.Request.Query {
				q.Add(p.Name, p.Value)
			}
			u := variable.ReplaceAllString(st.Request.Path, "x")
			if len(q) > 0 {
				u += "?" + q.Encode()
			}
			ex := Exchange{Client: clientOf(scenario.Get(st.Request.Header, "User-Agent")),
				Source: sc.File + " step " + strconv.Itoa(i+1), Method: st.Request.Method, URL: u,
				Version: scenario.Get(st.Request.Header, "Version"), ReqType: scenario.Get(st.Request.Header, "Content-Type"),
				ReqBody: []byte(st.Request.Body)}
			if r := st.Response; r != nil {
				ex.Status, ex.RspType, ex.RspBody = r.Status, scenario.Get(r.Header, "Content-Type"), []byte(r.Body)
			}
			out = append(out, ex)
		}
	}
	return out, nil
}

func clientOf(userAgent string) string {
	if ua := strings.TrimSpace(userAgent); ua != "" {
		return ua
	}
	return NoUserAgent
}
