package schema

// RuleInfo is one of the rules the validators report: its ID, the severity
// of its findings and, in one line, why it exists. The rules package's
// catalogue lists these as its schema rules, so the severity a finding is
// reported with and the one the catalogue shows are the same by
// construction.
type RuleInfo struct {
	ID        string
	Severity  Severity
	Rationale string
}

// Rules returns the validators' rules.
func Rules() []RuleInfo {
	t := ruleTable()
	return t[:]
}

// SeverityOf returns the severity of a finding of rule id (Error for an ID
// that is not one of the validators').
func SeverityOf(id string) Severity {
	for _, r := range ruleTable() {
		if r.ID == id {
			return r.Severity
		}
	}
	return Error
}

// Finding is a violation of rule id at location, graded as the rule says.
func Finding(id, location, reason string) Violation {
	return Violation{Rule: id, Severity: SeverityOf(id), Location: location, Reason: reason}
}

// ruleTable is the one place a validator rule's severity and rationale are
// written. It is returned by value: the table lives on the caller's stack.
func ruleTable() [18]RuleInfo {
	return [...]RuleInfo{
		{RuleMalformed, Error, "a body that is not well-formed XML or JSON cannot be read by any client"},
		{RuleDoctype, Error, "DOCTYPE and entity declarations enable entity-expansion attacks; engines never send them"},
		{RuleLimit, Error, "bodies beyond the size or depth limit, or with more findings than the limit, are not wholly validated, so a hostile body costs bounded memory"},
		{RuleWrongRoot, Error, "the root element must be what the route returns (or a <fault> on errors), or clients bind it to the wrong type"},
		{RuleUnknownElement, Error, "an element the model does not define breaks clients generated from the schema"},
		{RuleUnknownAttribute, Error, "only id, href and rel are attributes in the oVirt API"},
		{RuleMissingElement, Error, "the schema requires the element or attribute"},
		{RuleInvalidValue, Error, "values must have the lexical form of their XSD type (int and long ranges, boolean, dateTime, decimal)"},
		{RuleUnknownEnum, Error, "an enum value outside the model fails the engine's own XSD; a newer engine adding values is the usual cause"},
		{RuleRepeatedElement, Error, "a single-valued element appears once; repeating it makes clients keep one value at random"},
		{RuleWrongItem, Error, "a list wrapper holds only its item element"},
		{RuleUnexpectedText, Error, "structured elements hold elements, not text"},
		{RuleElementOrder, Warning, "engines write elements in XSD sequence order; strict XSD validators reject other orders"},
		{RuleLinkHref, Error, "hypermedia: every link and action carries a well-formed href that clients can follow"},
		{RuleUnknownRel, Error, "hypermedia: a resource's link rels are those the model defines for it"},
		{RuleUnknownAction, Error, "hypermedia: a resource's actions are those its service defines"},
		{RuleHrefID, Error, "a resource's href ends with its id, so clients can build and compare references"},
		{RuleUnknownParameter, Error, "an action body holds only the parameters of that action"},
	}
}
