package sim

import (
	_ "embed" // the option table
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// optionsTSV is the engine's configuration values GET /options/{name}
// answers, per version (ConfigValues.java and 0000_config.sql; see its
// header).
//
//go:embed options.tsv
var optionsTSV string

// systemOption is an engine configuration value the REST layer exposes:
// BackendSystemOptionResource.get reads ConfigValues.valueOf(id) and runs
// GetSystemOption, answering 404 ("throw new
// WebApplicationException(Response.Status.NOT_FOUND)") for a name that is
// none or a value the user may not see.
type systemOption struct {
	// user tells ClientAccessLevel.User (every user sees it) from Admin.
	user bool
	// values are the option's value per version ("general" or a cluster
	// level), in the table's order.
	values []optionValue
}

type optionValue struct{ version, value string }

// readOptions parses the option table.
func readOptions(tsv string) (map[string]*systemOption, error) {
	out := map[string]*systemOption{}
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.SplitN(line, "\t", 4)
		if len(cols) != 4 || (cols[1] != "admin" && cols[1] != "user") {
			return nil, fmt.Errorf("sim: options.tsv line %d: want name, admin|user, version, value", n+1)
		}
		value, err := strconv.Unquote(cols[3])
		if err != nil {
			return nil, fmt.Errorf("sim: options.tsv line %d: value: %w", n+1, err)
		}
		o := out[cols[0]]
		if o == nil {
			o = &systemOption{user: cols[1] == "user"}
			out[cols[0]] = o
		}
		o.values = append(o.values, optionValue{cols[2], value})
	}
	return out, nil
}

// systemOptionValues returns the <values> GET /options/{name} answers, or
// nil for a 404. GetSystemOptionQuery: a user who is no administrator sees
// only ClientAccessLevel.User values (shouldReturnValue); without a
// version every version's value (Config.getValuesForAllVersions), with one
// only that version's, and nothing when the option has no value there
// ("!Config.valueExists(getParameters().getOptionName(), version)").
func (mt *meta) systemOptionValues(name, version string, admin bool) *etree.Element {
	o := mt.options[name]
	if o == nil || (!admin && !o.user) {
		return nil
	}
	values := etree.NewElement("values")
	for _, v := range o.values {
		if version == "" || v.version == version {
			values.AddChild(x("system_option_value", "value", v.value, "version", v.version))
		}
	}
	if len(values.ChildElements()) == 0 {
		return nil
	}
	return values
}
