package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// Rule is one check of the catalogue.
type Rule struct {
	// ID is stable once released: area.name in kebab case.
	ID string
	// Severity is the default severity of the rule's findings.
	Severity schema.Severity
	// Rationale says in one line why the rule exists.
	Rationale string
	// Check, when set, runs the rule on an exchange. Schema rules have no
	// Check of their own: the body validators report them.
	Check func(*Context)
	// Request is true for rules that need only the request, so that
	// enforce mode can run them before the engine answers.
	Request bool
}

// Area returns the part of the ID before the dot ("schema", "rest").
func (r Rule) Area() string {
	a, _, _ := strings.Cut(r.ID, ".")
	return a
}

// schemaRules are reported by the XML and JSON validators; their severity
// and rationale are written once, in schema's rule table.
func schemaRules() []Rule {
	var out []Rule
	for _, r := range schema.Rules() {
		out = append(out, Rule{ID: r.ID, Severity: r.Severity, Rationale: r.Rationale})
	}
	return out
}

// Catalogue is an ordered, immutable set of rules.
type Catalogue struct {
	rules []Rule
	byID  map[string]int
}

// NewCatalogue builds a catalogue; IDs must be unique.
func NewCatalogue(rs ...[]Rule) (*Catalogue, error) {
	c := &Catalogue{byID: map[string]int{}}
	for _, set := range rs {
		for _, r := range set {
			if _, dup := c.byID[r.ID]; dup {
				return nil, fmt.Errorf("rules: rule %s defined twice", r.ID)
			}
			c.byID[r.ID] = len(c.rules)
			c.rules = append(c.rules, r)
		}
	}
	sort.SliceStable(c.rules, func(i, j int) bool { return c.rules[i].ID < c.rules[j].ID })
	for i, r := range c.rules {
		c.byID[r.ID] = i
	}
	return c, nil
}

// Default returns the full catalogue: schema rules and REST rules.
func Default() *Catalogue {
	c, err := NewCatalogue(schemaRules(), restRules(), rsdlRules())
	if err != nil {
		panic(err) // the built-in catalogue is fixed at compile time; a test builds it
	}
	return c
}

// Rules returns the rules sorted by ID.
func (c *Catalogue) Rules() []Rule { return c.rules }

// Rule returns the rule with id.
func (c *Catalogue) Rule(id string) (Rule, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Rule{}, false
	}
	return c.rules[i], true
}

// Rationale returns the rationale of rule id, or "".
func (c *Catalogue) Rationale(id string) string {
	r, _ := c.Rule(id)
	return r.Rationale
}

// Overrides switch rules off or change their severity. The same flags
// (--disable RULE, --severity RULE=LEVEL) feed it in every command.
type Overrides struct {
	Disabled map[string]bool
	Severity map[string]schema.Severity
}

// ParseOverrides reads --disable and --severity values, checking every ID
// against the catalogue so a typo is an error, not a silent no-op.
func (c *Catalogue) ParseOverrides(disable, severity []string) (Overrides, error) {
	o := Overrides{Disabled: map[string]bool{}, Severity: map[string]schema.Severity{}}
	for _, d := range disable {
		for _, id := range strings.Split(d, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if err := c.known(id); err != nil {
				return o, err
			}
			o.Disabled[id] = true
		}
	}
	for _, s := range severity {
		id, lvl, ok := strings.Cut(s, "=")
		if !ok {
			return o, fmt.Errorf("--severity %q: want RULE=LEVEL, e.g. schema.element-order=error", s)
		}
		id = strings.TrimSpace(id)
		if err := c.known(id); err != nil {
			return o, err
		}
		sev, err := schema.ParseSeverity(strings.TrimSpace(lvl))
		if err != nil {
			return o, fmt.Errorf("--severity %s: %w", id, err)
		}
		o.Severity[id] = sev
	}
	return o, nil
}

func (c *Catalogue) known(id string) error {
	if _, ok := c.byID[id]; ok {
		return nil
	}
	var near []string
	area, name, _ := strings.Cut(id, ".")
	for _, r := range c.rules {
		if strings.Contains(r.ID, name) || (name == "" && r.Area() == area) {
			near = append(near, r.ID)
		}
	}
	if len(near) > 0 {
		return fmt.Errorf("unknown rule %q (did you mean %s?); `ovcompat rules` lists them", id, strings.Join(near, ", "))
	}
	return fmt.Errorf("unknown rule %q; `ovcompat rules` lists them", id)
}

// Apply drops disabled findings and applies severity overrides.
func (o Overrides) Apply(vs []schema.Violation) []schema.Violation {
	if len(o.Disabled) == 0 && len(o.Severity) == 0 {
		return vs
	}
	out := vs[:0]
	for _, v := range vs {
		if o.Disabled[v.Rule] {
			continue
		}
		if s, ok := o.Severity[v.Rule]; ok {
			v.Severity = s
		}
		out = append(out, v)
	}
	return out
}
