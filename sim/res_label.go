package sim

// labelResources are what users attach to objects: tags, affinity labels,
// and the bookmarks of searches.
func labelResources(*Engine) []resource {
	return []resource{
		{service: "TagsService", seg: "tags", typ: "Tag", unique: true, named: true, userCreatable: true},
		{service: "AffinityLabelsService", seg: "affinitylabels", typ: "AffinityLabel", unique: true, named: true},
		{service: "BookmarksService", seg: "bookmarks", typ: "Bookmark", unique: true, named: true},
		// AbstractBackendAssignedTagsResource.add: "validateParameters(tag,
		// \"id|name\"); if (!tag.isSetId()) { tag = lookupTagByName(tag.getName()); }"
		{service: "AssignedTagsService", seg: "tags", typ: "Tag", attaches: true},
	}
}
