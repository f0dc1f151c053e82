package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/schema"
)

// Node is an element of a body, XML and JSON alike, so that captures,
// polling and the replayer's comparison read both representations the same
// way. In XML a node is an element; in JSON an object member (an array
// member gives one node per item, all with the member's name). The oVirt
// attributes id, href and rel are Attrs in both.
type Node struct {
	// Name is the element's tag or the JSON member's name. A JSON
	// document's root has no name ("").
	Name string
	// Attrs are the attributes, in document order.
	Attrs []Pair
	// Children are the child elements, in document order.
	Children []*Node
	// Text is the text of a simple element (one without children).
	Text string
}

// Attr returns the value of attribute name and whether it is present.
func (n *Node) Attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns the first child named name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Simple reports whether the node holds a value rather than elements.
func (n *Node) Simple() bool { return len(n.Children) == 0 }

// ErrNotDocument is returned for bodies that are neither XML nor JSON.
var ErrNotDocument = errors.New("the body is neither XML nor JSON")

// ParseBody reads an XML or JSON body into a Node tree, recognising the
// representation from the body itself. Errors wrap ErrNotDocument or
// describe the syntax error; they never echo the body.
func ParseBody(body []byte) (*Node, error) {
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch media.Sniff(b) {
	case media.None:
		return nil, fmt.Errorf("%w: it is empty", ErrNotDocument)
	case media.JSON:
		return parseJSONBody(b)
	case media.HTML:
		return nil, fmt.Errorf("%w: it is an HTML page", ErrNotDocument)
	case media.XML:
		doc, err := schema.ParseXML(b, schema.Limits{})
		if err != nil {
			return nil, fmt.Errorf("xml body: %w", err)
		}
		root := doc.Root()
		if root == nil {
			return nil, fmt.Errorf("%w: no root element", ErrNotDocument)
		}
		return fromElement(root), nil
	}
	return nil, ErrNotDocument
}

func fromElement(el *etree.Element) *Node {
	n := &Node{Name: el.Tag}
	for _, a := range el.Attr {
		n.Attrs = append(n.Attrs, Pair{Name: a.Key, Value: a.Value})
	}
	var text strings.Builder
	for _, c := range el.Child {
		switch c := c.(type) {
		case *etree.Element:
			n.Children = append(n.Children, fromElement(c))
		case *etree.CharData:
			text.WriteString(c.Data)
		}
	}
	if len(n.Children) == 0 {
		n.Text = text.String()
	}
	return n
}

func parseJSONBody(b []byte) (*Node, error) {
	v, err := schema.DecodeJSON(b, schema.Limits{})
	if err != nil {
		return nil, fmt.Errorf("json body: %w", err)
	}
	root := &Node{}
	fillJSON(root, v)
	return root, nil
}

// fillJSON makes v the content of n.
func fillJSON(n *Node, v any) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		// Go maps lose the member order; sorted keys keep results stable.
		sort.Strings(keys)
		for _, k := range keys {
			addJSONMember(n, k, v[k])
		}
	case []any:
		for _, item := range v {
			c := &Node{Name: "item"}
			fillJSON(c, item)
			n.Children = append(n.Children, c)
		}
	default:
		n.Text = jsonScalar(v)
	}
}

func addJSONMember(n *Node, k string, v any) {
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			c := &Node{Name: k}
			fillJSON(c, item)
			n.Children = append(n.Children, c)
		}
	case map[string]any:
		c := &Node{Name: k}
		fillJSON(c, v)
		n.Children = append(n.Children, c)
	case nil:
		// null members carry nothing.
	default:
		if k == "id" || k == "href" || k == "rel" { // attributes in XML
			n.Attrs = append(n.Attrs, Pair{Name: k, Value: jsonScalar(v)})
			return
		}
		n.Children = append(n.Children, &Node{Name: k, Text: jsonScalar(v)})
	}
}

func jsonScalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	return ""
}
