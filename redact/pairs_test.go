package redact

import (
	"strings"
	"testing"
)

// TestNameValuePairs: a pair whose name says secret (a fence agent's
// options, as PowerManagement.options and Agent.options carry them; a
// provider's properties, ExternalProvider.properties) has its value
// masked, in XML (elements or attributes, the name before or after the
// value) and JSON; pairs with other names keep theirs.
func TestNameValuePairs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<agent><options><option><name>passwd</name><value>s3cret</value></option><option><name>port</name><value>623</value></option></options></agent>`,
			`<agent><options><option><name>passwd</name><value>REDACTED</value></option><option><name>port</name><value>623</value></option></options></agent>`},
		{`<properties><property><value>s3cret</value><name>keystone_password</name></property></properties>`,
			`<properties><property><value>REDACTED</value><name>keystone_password</name></property></properties>`},
		{`<options><option name="passwd" value="s3cret"/><option name="port" value="623"/></options>`,
			`<options><option name="passwd" value="REDACTED"/><option name="port" value="623"/></options>`},
		{`<custom_properties><custom_property><name>api_token</name><value>abc</value><regexp>.*</regexp></custom_property></custom_properties>`,
			`<custom_properties><custom_property><name>api_token</name><value>REDACTED</value><regexp>.*</regexp></custom_property></custom_properties>`},
		{`<property><name>user</name><value>admin</value></property>`, `<property><name>user</name><value>admin</value></property>`},
		{`{"options":{"option":[{"name":"passwd","value":"s3cret"},{"name":"port","value":"623"}]}}`,
			`{"options":{"option":[{"name":"passwd","value":"REDACTED"},{"name":"port","value":"623"}]}}`},
		{`{"property":[{"value":"s3cret","name":"password"}]}`, `{"property":[{"value":"REDACTED","name":"password"}]}`},
		{`{"property":[{"name":"x","value":{"name":"password","value":"v"}}]}`, `{"property":[{"name":"x","value":{"name":"password","value":"v"}}]}`},
	} {
		var got []byte
		if strings.HasPrefix(c.in, "{") {
			got = JSON([]byte(c.in))
		} else {
			got = XML([]byte(c.in))
		}
		if string(got) != c.want {
			t.Errorf("redacting %s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// TestNestedPairsLinear: pairs nested a hundred thousand deep (no model
// allows it) are looked into once, not once per level; the test would run
// for hours if each level looked to its end.
func TestNestedPairsLinear(t *testing.T) {
	const n = 100_000
	xml := strings.Repeat("<option><name>passwd</name>", n) + strings.Repeat("</option>", n)
	if got := XML([]byte(xml)); len(got) < len(xml) {
		t.Errorf("XML lost bytes: %d of %d", len(got), len(xml))
	}
	js := `{"option":` + strings.Repeat(`{"name":"x","option":`, n) + "1" + strings.Repeat("}", n+1)
	if got := JSON([]byte(js)); len(got) != len(js) {
		t.Errorf("JSON changed length: %d of %d", len(got), len(js))
	}
}
