package sim

// catalogResources are the engine's built-in catalogues: operating
// systems, cluster levels, instance types, MAC pools, scheduling policies
// and their units.
func catalogResources(*Engine) []resource {
	return []resource{
		{service: "OperatingSystemsService", seg: "operatingsystems", typ: "OperatingSystemInfo", named: true},
		{service: "ClusterLevelsService", seg: "clusterlevels", typ: "ClusterLevel", named: true},
		{service: "InstanceTypesService", seg: "instancetypes", typ: "InstanceType", unique: true, named: true},
		{service: "MacPoolsService", seg: "macpools", typ: "MacPool", unique: true, named: true},
		{service: "SchedulingPoliciesService", seg: "schedulingpolicies", typ: "SchedulingPolicy", unique: true, named: true},
		{service: "SchedulingPolicyUnitsService", seg: "schedulingpolicyunits", typ: "SchedulingPolicyUnit", named: true},
	}
}
