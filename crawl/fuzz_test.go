package crawl

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// noClient is a Client that never sends: harvesting reads answers only.
type noClient struct{}

func (noClient) URL() *url.URL {
	return &url.URL{Scheme: "https", Host: "engine.example.com", Path: "/ovirt-engine/api"}
}

func (noClient) Do(context.Context, *http.Request, string) (*http.Response, error) {
	return nil, errors.New("no engine")
}

// FuzzHarvest feeds the link harvester what an engine might answer: it
// never panics, and queues only paths of the API that a GET route serves,
// each once.
func FuzzHarvest(f *testing.F) {
	f.Add([]byte(`<vms><vm href="/ovirt-engine/api/vms/1" id="1"><link href="/ovirt-engine/api/vms/1/nics" rel="nics"/>` +
		`<actions><link href="/ovirt-engine/api/vms/1/start" rel="start"/></actions><cluster href="/ovirt-engine/api/clusters/2" id="2"/></vm></vms>`))
	f.Add([]byte(`{"vm":[{"href":"/ovirt-engine/api/vms/1","id":"1","link":[{"href":"/ovirt-engine/api/vms/1/nics?x=%zz","rel":"nics"}]}]}`))
	f.Add([]byte(`<api><link href="/ovirt-engine/api/vms?search={query}" rel="vms/search"/><link href="http://elsewhere/ovirt-engine/api/hosts" rel="hosts"/></api>`))
	c, err := New(Options{Client: noClient{}})
	if err != nil {
		f.Fatal(err)
	}
	list := c.model.Routes().Lookup(http.MethodGet, "/vms").Route
	f.Fuzz(func(t *testing.T, body []byte) {
		c.seen, c.fresh, c.again, c.routes = map[string]bool{}, nil, nil, map[*schema.Route]*routeState{}
		it := &item{v: get, rel: "/vms", route: list}
		c.harvest(it, c.state(list), body)
		for _, q := range append(c.fresh, c.again...) {
			if q.v != get || q.route == nil || q.route.Method != http.MethodGet {
				t.Fatalf("queued %s %s (%v)", q.v, q.rel, q.route)
			}
			if got := c.model.Routes().Lookup(http.MethodGet, pathOf(q.rel)).Route; got != q.route && q.rel != "" {
				t.Fatalf("queued %s as %s, which serves %v", q.rel, q.route, got)
			}
		}
	})
}
