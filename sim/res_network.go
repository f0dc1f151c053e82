package sim

// networkResources are the logical networks, their vNIC profiles and the
// network filters those apply.
func networkResources(*Engine) []resource {
	return []resource{
		{service: "NetworksService", seg: "networks", typ: "Network", named: true},
		{service: "VnicProfilesService", seg: "vnicprofiles", typ: "VnicProfile", named: true},
		{service: "NetworkFiltersService", seg: "networkfilters", typ: "NetworkFilter", named: true},
	}
}
