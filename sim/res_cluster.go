package sim

// clusterResources are the clusters, their CPU profiles and their affinity
// groups.
func clusterResources(*Engine) []resource {
	return []resource{
		{service: "ClustersService", seg: "clusters", typ: "Cluster", unique: true, named: true},
		{service: "CpuProfilesService", seg: "cpuprofiles", typ: "CpuProfile", named: true},
		{service: "AffinityGroupsService", seg: "affinitygroups", typ: "AffinityGroup", unique: true},
	}
}
