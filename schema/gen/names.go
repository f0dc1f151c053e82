package main

import "strings"

// Naming rules of the XSD generator of oVirt's API metamodel (see
// ../shared/ovirt/v4/wire-names.md): these are facts about the wire format,
// restated here so the compiled model matches what engines send.

// tagExceptions maps a model-derived tag to the tag engines use.
var tagExceptions = map[string]string{
	"gluster_brick":                "brick",
	"gluster_brick_memory_info":    "brick_memoryinfo",
	"gluster_bricks":               "bricks",
	"gluster_memory_pool":          "memory_pool",
	"gluster_memory_pools":         "memory_pools",
	"gluster_server_hook":          "server_hook",
	"gluster_server_hooks":         "server_hooks",
	"migration_options":            "migration",
	"numa_node":                    "host_numa_node",
	"numa_nodes":                   "host_numa_nodes",
	"open_stack_image":             "openstack_image",
	"open_stack_image_provider":    "openstack_image_provider",
	"open_stack_image_providers":   "openstack_image_providers",
	"open_stack_images":            "openstack_images",
	"open_stack_network":           "openstack_network",
	"open_stack_network_provider":  "openstack_network_provider",
	"open_stack_network_providers": "openstack_network_providers",
	"open_stack_networks":          "openstack_networks",
	"open_stack_subnet":            "openstack_subnet",
	"open_stack_subnets":           "openstack_subnets",
	"open_stack_volume":            "openstack_volume",
	"open_stack_volume_provider":   "openstack_volume_provider",
	"open_stack_volume_providers":  "openstack_volume_providers",
	"open_stack_volumes":           "openstack_volumes",
	"operating_system":             "os",
	"operating_system_info":        "operating_system",
	"operating_system_infos":       "operation_systems",
	"operating_systems":            "oss",
	"transparent_huge_pages":       "transparent_hugepages",
	"virtual_numa_node":            "vm_numa_node",
	"virtual_numa_nodes":           "vm_numa_nodes",
}

// typeNameExceptions maps a model type name to its XSD complex type name.
var typeNameExceptions = map[string]string{"Device": "BaseDevice"}

// memberTypeExceptions gives the XSD type of members whose model type is
// too narrow for what engines send (64-bit sizes, for one).
var memberTypeExceptions = map[[2]string]string{
	{"disk", "actual_size"}:                 "xs:long",
	{"disk", "provisioned_size"}:            "xs:long",
	{"disk", "initial_size"}:                "xs:long",
	{"disk", "total_size"}:                  "xs:long",
	{"gluster_client", "bytes_read"}:        "xs:long",
	{"gluster_client", "bytes_written"}:     "xs:long",
	{"host", "max_scheduling_memory"}:       "xs:long",
	{"host", "memory"}:                      "xs:long",
	{"host_nic", "speed"}:                   "xs:long",
	{"image", "size"}:                       "xs:long",
	{"image_transfer", "transferred"}:       "xs:long",
	{"logical_unit", "discard_max_size"}:    "xs:long",
	{"logical_unit", "size"}:                "xs:long",
	{"memory_policy", "guaranteed"}:         "xs:long",
	{"memory_policy", "max"}:                "xs:long",
	{"numa_node", "memory"}:                 "xs:long",
	{"quota_cluster_limit", "memory_limit"}: "xs:double",
	{"quota_cluster_limit", "memory_usage"}: "xs:double",
	{"quota_storage_limit", "limit"}:        "xs:long",
	{"quota_storage_limit", "usage"}:        "xs:double",
	{"statistic", "kind"}:                   "StatisticKind",
	{"statistic", "type"}:                   "ValueType",
	{"statistic", "unit"}:                   "StatisticUnit",
	{"storage_domain", "available"}:         "xs:long",
	{"storage_domain", "used"}:              "xs:long",
	{"storage_domain", "committed"}:         "xs:long",
	{"ticket", "expiry"}:                    "xs:unsignedInt",
	{"vm_base", "memory"}:                   "xs:long",
}

// primitives maps the model's primitive types to XSD built-ins.
var primitives = map[string]string{
	"String":  "xs:string",
	"Integer": "xs:int",
	"Boolean": "xs:boolean",
	"Date":    "xs:dateTime",
	"Double":  "xs:decimal",
	"Decimal": "xs:decimal",
}

// attributeMembers are the members written as XML attributes.
var attributeMembers = map[string]bool{"id": true, "href": true, "rel": true}

// words splits a CamelCase model name into lower-case words:
// "HostNic" -> [host nic], "OpenStackImage" -> [open stack image].
func words(name string) []string {
	var out []string
	start := 0
	for i := 1; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			prevLower := name[i-1] >= 'a' && name[i-1] <= 'z' || name[i-1] >= '0' && name[i-1] <= '9'
			nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
			if prevLower || nextLower && name[i-1] >= 'A' && name[i-1] <= 'Z' {
				out = append(out, strings.ToLower(name[start:i]))
				start = i
			}
		}
	}
	return append(out, strings.ToLower(name[start:]))
}

// snake joins words with '_' ("host_nic").
func snake(ws []string) string { return strings.Join(ws, "_") }

// camel joins words capitalised ("HostNics").
func camel(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		if w == "" {
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(w[1:])
	}
	return b.String()
}

// plural pluralises the last word by the metamodel's rules.
func plural(ws []string) []string {
	out := append([]string(nil), ws...)
	last := out[len(out)-1]
	switch {
	case last == "display" || last == "key":
		last += "s"
	case last == "erratum":
		last = "errata"
	case strings.HasSuffix(last, "y"):
		last = last[:len(last)-1] + "ies"
	default:
		last += "s"
	}
	out[len(out)-1] = last
	return out
}

// singular reverses plural for the last word.
func singular(ws []string) []string {
	out := append([]string(nil), ws...)
	last := out[len(out)-1]
	switch {
	case last == "errata":
		last = "erratum"
	case strings.HasSuffix(last, "ies"):
		last = last[:len(last)-3] + "y"
	case strings.HasSuffix(last, "s"):
		last = last[:len(last)-1]
	}
	out[len(out)-1] = last
	return out
}

// tag returns the wire tag of model words, applying the exceptions.
func tag(ws []string) string {
	t := snake(ws)
	if x, ok := tagExceptions[t]; ok {
		return x
	}
	return t
}

// xsdTypeName returns the XSD complex type name of a model type name.
func xsdTypeName(model string) string {
	if x, ok := typeNameExceptions[model]; ok {
		return x
	}
	return model
}

// lessWords orders member names as the metamodel sorts them: word by word.
func lessWords(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}
