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

// schemaRules are reported by the XML and JSON validators.
var schemaRules = []Rule{
	{ID: schema.RuleMalformed, Severity: schema.Error, Rationale: "a body that is not well-formed XML or JSON cannot be read by any client"},
	{ID: schema.RuleDoctype, Severity: schema.Error, Rationale: "DOCTYPE and entity declarations enable entity-expansion attacks; engines never send them"},
	{ID: schema.RuleLimit, Severity: schema.Error, Rationale: "bodies beyond the size or depth limit are not validated, so a hostile body costs bounded memory"},
	{ID: schema.RuleWrongRoot, Severity: schema.Error, Rationale: "the root element must be what the route returns (or a <fault> on errors), or clients bind it to the wrong type"},
	{ID: schema.RuleUnknownElement, Severity: schema.Error, Rationale: "an element the model does not define breaks clients generated from the schema"},
	{ID: schema.RuleUnknownAttribute, Severity: schema.Error, Rationale: "only id, href and rel are attributes in the oVirt API"},
	{ID: schema.RuleMissingElement, Severity: schema.Error, Rationale: "the schema requires the element or attribute"},
	{ID: schema.RuleInvalidValue, Severity: schema.Error, Rationale: "values must have the lexical form of their XSD type (int and long ranges, boolean, dateTime, decimal)"},
	{ID: schema.RuleUnknownEnum, Severity: schema.Error, Rationale: "an enum value outside the model fails the engine's own XSD; a newer engine adding values is the usual cause"},
	{ID: schema.RuleRepeatedElement, Severity: schema.Error, Rationale: "a single-valued element appears once; repeating it makes clients keep one value at random"},
	{ID: schema.RuleWrongItem, Severity: schema.Error, Rationale: "a list wrapper holds only its item element"},
	{ID: schema.RuleUnexpectedText, Severity: schema.Error, Rationale: "structured elements hold elements, not text"},
	{ID: schema.RuleElementOrder, Severity: schema.Warning, Rationale: "engines write elements in XSD sequence order; strict XSD validators reject other orders"},
	{ID: schema.RuleLinkHref, Severity: schema.Error, Rationale: "hypermedia: every link and action carries a well-formed href that clients can follow"},
	{ID: schema.RuleUnknownRel, Severity: schema.Error, Rationale: "hypermedia: a resource's link rels are those the model defines for it"},
	{ID: schema.RuleUnknownAction, Severity: schema.Error, Rationale: "hypermedia: a resource's actions are those its service defines"},
	{ID: schema.RuleHrefID, Severity: schema.Error, Rationale: "a resource's href ends with its id, so clients can build and compare references"},
	{ID: schema.RuleUnknownParameter, Severity: schema.Error, Rationale: "an action body holds only the parameters of that action"},
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
	c, err := NewCatalogue(schemaRules, restRules(), rsdlRules())
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
