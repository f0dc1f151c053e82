package sim

import "github.com/beevik/etree"

// systemOption is an engine configuration value GET /options/{name}
// answers with: BackendSystemOptionResource.get reads ConfigValues.valueOf(id)
// and answers 404 ("throw new WebApplicationException(Response.Status.NOT_FOUND)")
// for a name that is none, so the simulator answers only for these.
type systemOption struct {
	name, version, value string
}

// systemOptions are the options the simulator knows, each with its
// ConfigValues.java default (@DefaultValueAttribute) for every version
// ("general", ConfigCommon.defaultConfigurationVersion), MigrationPolicies
// with the engine's per-version value (the model's example option).
func systemOptions() []systemOption {
	return []systemOption{
		{"MigrationPolicies", "4.7", `[{"id":"80554327-0569-496b-bdeb-fcbbf52b827b","maxMigrations":2,"autoConvergence":true,` +
			`"migrationCompression":false,"enableGuestEvents":true,"name":"Minimal downtime"}]`},
		{"MigrationPoliciesSupported", "general", "true"},
		{"MaxVmsInPool", "general", "1000"},
		{"MaxNumOfVmCpus", "general", "16"},
		{"MaxNumOfVmSockets", "general", "16"},
		{"MaxNumOfCpuPerSocket", "general", "16"},
		{"SearchResultsLimit", "general", "100"},
		{"SpiceUsbAutoShare", "general", "true"},
		{"OrganizationName", "general", "oVirt"},
		{"VmGracefulShutdownTimeout", "general", "40"},
		{"VdsFenceType", "general", "drac5,ilo,ipmilan,rsa,bladecenter,alom,apc,eps,wti,rsb"},
	}
}

// systemOptionValues returns the values of the option named name, or nil
// when the engine has no such option.
func systemOptionValues(name string) *etree.Element {
	var values *etree.Element
	for _, o := range systemOptions() {
		if o.name != name {
			continue
		}
		if values == nil {
			values = etree.NewElement("values")
		}
		values.AddChild(x("system_option_value", "value", o.value, "version", o.version))
	}
	return values
}
