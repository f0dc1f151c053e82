package sim

// providerResources are the external providers: hosts (Foreman), images
// (Glance), networks (OVN, Neutron) and volumes (Cinder).
func providerResources(*Engine) []resource {
	return []resource{
		{service: "ExternalHostProvidersService", seg: "externalhostproviders", typ: "ExternalHostProvider", named: true},
		{service: "OpenstackImageProvidersService", seg: "openstackimageproviders", typ: "OpenStackImageProvider", named: true},
		{service: "OpenstackNetworkProvidersService", seg: "openstacknetworkproviders", typ: "OpenStackNetworkProvider", named: true},
		{service: "OpenstackVolumeProvidersService", seg: "openstackvolumeproviders", typ: "OpenStackVolumeProvider", named: true},
	}
}
