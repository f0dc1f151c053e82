package sim

// accessResources are who may do what: users, groups, their directory
// domains and roles.
func accessResources(*Engine) []resource {
	return []resource{
		{service: "UsersService", seg: "users", typ: "User", named: true, summary: &summaryItem{"users", ""}},
		{service: "GroupsService", seg: "groups", typ: "Group", named: true},
		{service: "DomainsService", seg: "domains", typ: "Domain", named: true},
		{service: "RolesService", seg: "roles", typ: "Role", unique: true, named: true},
	}
}
