package crawl

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// How the crawl came to a request, when not by a link.
const (
	byFollow = "follow"
	byModel  = "from the model"
	bySpare  = "another item of the list"
)

// harvest queues what an answer links to: every href in it (links,
// linked objects, list items), up to PerCollection items of each list,
// the links of the other items set aside as spare (all of them when the
// answer is itself a spare's); and, for the first object of a route that
// takes follow, the same object with its links followed.
func (c *Crawler) harvest(it *item, st *routeState, body []byte) {
	root, err := scenario.ParseBody(body)
	if err != nil {
		return
	}
	if it.route.Kind == schema.List {
		st.items += countItems(it.route, root)
		st.lists++
	}
	if it.rel == "" {
		c.product = productOf(root)
	}
	c.walk(root, it.how == bySpare)
	if it.route.Kind != schema.Get || it.how != "" || st.followed || it.route.Param("follow") == nil {
		return
	}
	if names := followNames(it.route, root); len(names) > 0 {
		st.followed = true
		q := url.Values{"follow": {strings.Join(names, ",")}}
		c.push(&item{v: get, rel: withQuery(it.rel, q.Encode()), route: it.route, how: byFollow})
	}
}

// walk queues the hrefs of n and its descendants, or sets them aside as
// spare. Repeated elements are the items of a list: only the first
// PerCollection of each are queued, the others' hrefs are spare. <link>
// elements are no list items: all of them are queued.
func (c *Crawler) walk(n *scenario.Node, spare bool) {
	if href, ok := n.Attr("href"); ok {
		if it := c.link(href); it != nil && spare {
			it.how = bySpare
			c.keep(it)
		} else if it != nil {
			c.push(it)
		}
	}
	seen := map[string]int{}
	for _, ch := range n.Children {
		beyond := false
		if ch.Name != "link" {
			seen[ch.Name]++
			beyond = seen[ch.Name] > c.o.PerCollection
		}
		c.walk(ch, spare || beyond)
	}
}

// link returns the request of href when it is a path of the engine's API
// that a GET route serves. Templates ("?search={query}"), other hosts,
// paths outside the API and paths no GET route serves (actions) are left
// alone (nil).
func (c *Crawler) link(href string) *item {
	if strings.ContainsAny(href, "{}") {
		return nil
	}
	u, err := url.Parse(href)
	if err != nil || u.IsAbs() && u.Host != c.o.Client.URL().Host {
		return nil
	}
	api, _, rel, ok := rules.Locate(u.EscapedPath(), "")
	if !ok || api != c.model.API {
		return nil
	}
	m := c.model.Routes().Lookup(http.MethodGet, rel)
	if m.Route == nil {
		return nil
	}
	if rel == "/" {
		rel = ""
	}
	return &item{v: get, rel: withQuery(rel, u.RawQuery), route: m.Route}
}

// countItems counts the items of a list answer.
func countItems(r *schema.Route, root *scenario.Node) int {
	if r.Output == nil || r.Output.Type == nil || r.Output.Type.Item == nil {
		return 0
	}
	n := 0
	for _, ch := range root.Children {
		if ch.Name == r.Output.Type.Item.Name {
			n++
		}
	}
	return n
}

// followNames lists the link members of an object that its answer holds
// (a <link rel> of a sub-collection, or a linked object with its href), as
// the follow parameter names them. An engine fails a follow of a link the
// object lacks (LinkFollower.getHref of the engine's REST layer reads the
// member it names), so only those present are followed.
func followNames(r *schema.Route, root *scenario.Node) []string {
	if r.Output == nil || r.Output.Type == nil {
		return nil
	}
	rels := map[string]bool{}
	for _, ch := range root.Children {
		if rel, ok := ch.Attr("rel"); ok && ch.Name == "link" {
			rels[rel] = true
		}
	}
	var out []string
	for _, e := range r.Output.Type.Elems {
		if !e.Link || e.Deprecated {
			continue
		}
		_, linked := attrOf(root.Child(e.Name), "href")
		if linked || rels[strings.ReplaceAll(e.Name, "_", "")] {
			out = append(out, e.Name)
		}
	}
	return out
}

func attrOf(n *scenario.Node, name string) (string, bool) {
	if n == nil {
		return "", false
	}
	return n.Attr(name)
}

// withQuery appends a query to a path that may have one.
func withQuery(rel, q string) string {
	switch {
	case q == "":
		return rel
	case strings.Contains(rel, "?"):
		return rel + "&" + q
	}
	return rel + "?" + q
}

// pathOf drops the query of a path.
func pathOf(rel string) string {
	p, _, _ := strings.Cut(rel, "?")
	return p
}

// productInfo is the engine's name and version, from the entry point.
type productInfo struct{ name, version string }

// productOf reads <product_info> of the entry point: the full version when
// the engine gives it, else major.minor.build.revision.
func productOf(root *scenario.Node) productInfo {
	pi := root.Child("product_info")
	if pi == nil {
		return productInfo{}
	}
	out := productInfo{}
	if n := pi.Child("name"); n != nil {
		out.name = strings.TrimSpace(n.Text)
	}
	v := pi.Child("version")
	if v == nil {
		return out
	}
	if f := v.Child("full_version"); f != nil && strings.TrimSpace(f.Text) != "" {
		out.version = strings.TrimSpace(f.Text)
		return out
	}
	var parts []string
	for _, k := range []string{"major", "minor", "build", "revision"} {
		p := v.Child(k)
		if p == nil || strings.TrimSpace(p.Text) == "" {
			break
		}
		parts = append(parts, strings.TrimSpace(p.Text))
	}
	out.version = strings.Join(parts, ".")
	return out
}
