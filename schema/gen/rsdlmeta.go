package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/schema"
)

// rsdlMeta is the layout of rsdl_metadata.yaml.
type rsdlMeta struct {
	Actions []struct {
		Name    string `json:"name"`
		Request struct {
			URLParams map[string]struct {
				Context  string `json:"context"`
				Type     string `json:"type"`
				Required bool   `json:"required"`
			} `json:"urlparams"`
			Headers map[string]struct {
				Required bool `json:"required"`
			} `json:"headers"`
			Body struct {
				ParameterType string `json:"parameterType"`
				Signatures    []struct {
					Mandatory map[string]any `json:"mandatoryArguments"`
					Optional  map[string]any `json:"optionalArguments"`
				} `json:"signatures"`
			} `json:"body"`
		} `json:"request"`
	} `json:"actions"`
}

// readMeta decodes rsdl_metadata.yaml. The file repeats a few mapping keys
// (the engine's loader keeps the last), which yaml.v3 refuses, so it is read
// as nodes, converted keeping the last value, and decoded from that.
func readMeta(data []byte) (*rsdlMeta, error) {
	// The document carries a Java class tag on its root; drop it.
	data = bytes.Replace(data, []byte("!!org.ovirt.engine.api.rsdl.MetaData"), nil, 1)
	// DELETE /storagedomains/{id} lists "destroy" twice; the second, "the
	// id or name of the host", is the host parameter. The engine needs a
	// host only when the domain is not destroyed, a condition a required
	// flag cannot say, so it is optional here.
	data = bytes.Replace(data, []byte(`      destroy:
        context: matrix
        type: xs:string
        value: the id or name of the host
        required: true`), []byte(`      host:
        context: matrix
        type: xs:string
        value: the id or name of the host
        required: false`), 1)
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("rsdl_metadata.yaml: %w", err)
	}
	js, err := json.Marshal(nodeValue(&n))
	if err != nil {
		return nil, fmt.Errorf("rsdl_metadata.yaml: %w", err)
	}
	var md rsdlMeta
	if err := json.Unmarshal(js, &md); err != nil {
		return nil, fmt.Errorf("rsdl_metadata.yaml: %w", err)
	}
	return &md, nil
}

func nodeValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, nodeValue(c))
		}
		return out
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	}
	switch n.Tag {
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

// routeKey normalises a method and path template for matching the two
// sources: routes.tsv writes {vm_id}, the RSDL metadata {vm:id}.
func routeKey(method, path string) string {
	return method + " " + placeholder.ReplaceAllString(path, "{}")
}

// addParam adds p, or merges the RSDL's context and requiredness into the
// model's parameter of the same name.
func addParam(r *schema.RouteDef, p schema.ParamDef) {
	for i := range r.Params {
		if r.Params[i].Name == p.Name {
			if p.Context != "" {
				r.Params[i].Context = p.Context
			}
			r.Params[i].Required = r.Params[i].Required || p.Required
			return
		}
	}
	if p.Type == "" || strings.Contains(p.Type, "evic") {
		p.Type = "xs:string"
	}
	r.Params = append(r.Params, p)
}

// flattenArgs writes a signature's arguments as sorted dotted paths. A
// collection ("vm.disks.disk--COLLECTION" with {"disk.id": ...}) becomes
// "vm.disks.disk[].id".
func flattenArgs(args map[string]any) []string {
	var out []string
	for k, v := range args {
		base, coll := strings.CutSuffix(k, "--COLLECTION")
		sub, ok := v.(map[string]any)
		if !coll || !ok {
			out = append(out, k)
			continue
		}
		item := base[strings.LastIndexByte(base, '.')+1:]
		for sk := range sub {
			rest := strings.TrimPrefix(strings.TrimPrefix(sk, item), ".")
			if rest == "" {
				out = append(out, base+"[]")
			} else {
				out = append(out, base+"[]."+rest)
			}
		}
	}
	sort.Strings(out)
	return out
}

// joinMeta adds to each route its RSDL metadata: URL parameters and
// headers always, body signatures when withSignatures (the releases whose
// model has no @InputDetail). It counts the metadata entries matched.
func joinMeta(f *schema.File, md *rsdlMeta, withSignatures bool, st *stats) {
	byKey := map[string]int{}
	for i, a := range md.Actions {
		path, rel, ok := strings.Cut(a.Name, "|rel=")
		if !ok {
			continue
		}
		method := "POST"
		switch rel {
		case "get":
			method = "GET"
		case "update":
			method = "PUT"
		case "delete":
			method = "DELETE"
		}
		byKey[routeKey(method, path)] = i
	}
	st.rsdlTotal = len(byKey)
	for ri := range f.Routes {
		r := &f.Routes[ri]
		i, ok := byKey[routeKey(r.Method, r.Path)]
		if !ok {
			sort.Slice(r.Params, func(i, j int) bool { return r.Params[i].Name < r.Params[j].Name })
			continue
		}
		st.rsdlMatched++
		a := md.Actions[i]
		for _, name := range sortedKeys(a.Request.URLParams) {
			p := a.Request.URLParams[name]
			addParam(r, schema.ParamDef{Name: name, Context: p.Context, Type: p.Type, Required: p.Required})
		}
		for _, h := range sortedKeys(a.Request.Headers) {
			r.Headers = append(r.Headers, schema.Header{Name: h, Required: a.Request.Headers[h].Required})
		}
		if withSignatures {
			for _, s := range a.Request.Body.Signatures {
				r.Signatures = append(r.Signatures, schema.SignatureDef{
					Mandatory: flattenArgs(s.Mandatory), Optional: flattenArgs(s.Optional)})
			}
		}
		sort.Slice(r.Params, func(i, j int) bool { return r.Params[i].Name < r.Params[j].Name })
	}
}
