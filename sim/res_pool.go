package sim

// poolResources are the VM pools.
func poolResources(*Engine) []resource {
	return []resource{
		{service: "VmPoolsService", seg: "vmpools", typ: "VmPool", unique: true, named: true},
	}
}
