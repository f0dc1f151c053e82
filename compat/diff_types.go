package compat

import (
	"strings"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// modelType reports whether t is a type of the model (a struct or an
// enum), rather than a collection, a list wrapper, a type of the
// hand-written base of the XSD, or the <action> body, whose members are
// the parameters of every action (compared per action, as parameters).
func modelType(t *schema.Type) bool { return t != nil && t.Model != "" && t.Name != actionType }

// actionType is the type of the <action> body of the generated models.
const actionType = "Action"

// types compares the types of the two models.
func (c *comparer) types() {
	changes := map[string][]typeChange{} // by type name, for dropping what a base says
	var order []string
	for _, ta := range c.a.Types() {
		if !modelType(ta) {
			continue
		}
		tb := c.b.Type(ta.Name)
		if !modelType(tb) {
			c.add(Change{Kind: TypeRemoved, Grade: reports.Breaking, Group: "type " + ta.Name, Subject: subjectOf(ta), Type: ta.Name,
				Wire: c.placesA.of(ta), Reason: "the type is gone: " + c.placesA.where(ta)})
			continue
		}
		changes[ta.Name] = c.typeChanges(ta, tb)
		order = append(order, ta.Name)
	}
	for _, tb := range c.b.Types() {
		if modelType(tb) && !modelType(c.a.Type(tb.Name)) {
			c.add(Change{Kind: TypeAdded, Grade: reports.GradeInfo, Group: "type " + tb.Name, Subject: subjectOf(tb), Type: tb.Name,
				Wire: c.placesB.of(tb), Reason: "a new type: " + c.placesB.where(tb)})
		}
	}
	for _, name := range order {
		base := c.b.Type(name).Base
		for _, tc := range changes[name] {
			if base != nil && declaredAbove(changes[base.Name], tc) {
				continue // listed on the base type
			}
			c.add(tc.Change)
		}
	}
}

func subjectOf(t *schema.Type) string {
	if t.IsEnum() {
		return "enum"
	}
	return "type"
}

// typeChange is a change of one type, with the member it is about, so
// that a change a base type shows is not listed again on each derived one.
type typeChange struct {
	Change
	member string
}

func declaredAbove(base []typeChange, tc typeChange) bool {
	for _, b := range base {
		if b.Kind == tc.Kind && b.member == tc.member && b.Base == tc.Base && b.New == tc.New {
			return true
		}
	}
	return false
}

// typeChanges compares one type present in both models.
func (c *comparer) typeChanges(ta, tb *schema.Type) []typeChange {
	var out []typeChange
	group := "type " + ta.Name
	add := func(member, kind string, grade reports.Grade, subject, wire, reason, base, next string) {
		out = append(out, typeChange{Change: Change{Kind: kind, Grade: grade, Group: group, Subject: subject,
			Wire: wire, Type: ta.Name, Member: member, Reason: reason, Base: base, New: next}, member: member})
	}
	if kind, grade, ok := deprecation(ta.Deprecated, tb.Deprecated); ok {
		add("", kind, grade, subjectOf(tb), c.placesB.of(tb), "the type "+kindWord(kind), "", "")
	}
	if ta.IsEnum() || tb.IsEnum() {
		c.enumChanges(ta, tb, add)
		return out
	}
	if ta.Simple && tb.Simple && ta.Scalar != tb.Scalar {
		add("", MemberTypeChanged, reports.Breaking, "type", c.placesB.of(tb), "the type's values changed their form",
			ta.Scalar.String(), tb.Scalar.String())
	}
	for _, ea := range ta.Elems {
		wire := c.placesA.member(ta, ea.Name)
		eb := tb.Elem(ea.Name)
		subject, removed := "member", MemberRemoved
		if ea.Link {
			subject, removed = "link", LinkRemoved
		}
		if eb == nil {
			add(ea.Name, removed, reports.Breaking, subject, wire, "the "+subject+" is gone", typeName(ea.Type), "")
			continue
		}
		wire = c.placesB.member(tb, eb.Name)
		if kind, reason, ok := elemTypeChange(ea, eb); ok {
			add(ea.Name, kind, reports.Breaking, subject, wire, reason, typeName(ea.Type), typeName(eb.Type))
		}
		if kind, grade, ok := deprecation(ea.Deprecated, eb.Deprecated); ok {
			add(ea.Name, kind, grade, subject, wire, "the "+subject+" "+kindWord(kind), "", "")
		}
	}
	for _, eb := range tb.Elems {
		if ta.Elem(eb.Name) == nil {
			subject, kind := "member", MemberAdded
			if eb.Link {
				subject, kind = "link", LinkAdded
			}
			add(eb.Name, kind, reports.GradeInfo, subject, c.placesB.member(tb, eb.Name), "a new "+subject, "", typeName(eb.Type))
		}
	}
	for _, aa := range ta.Attrs {
		ab := tb.Attr(aa.Name)
		wire := c.placesA.member(ta, "@"+aa.Name)
		switch {
		case ab == nil:
			add("@"+aa.Name, MemberRemoved, reports.Breaking, "member", wire, "the attribute is gone", typeName(aa.Type), "")
		case typeName(aa.Type) != typeName(ab.Type):
			add("@"+aa.Name, MemberTypeChanged, reports.Breaking, "member", wire, "the attribute's type changed", typeName(aa.Type), typeName(ab.Type))
		}
	}
	for _, ab := range tb.Attrs {
		if ta.Attr(ab.Name) == nil {
			add("@"+ab.Name, MemberAdded, reports.GradeInfo, "member", c.placesB.member(tb, "@"+ab.Name), "a new attribute", "", typeName(ab.Type))
		}
	}
	return out
}

func kindWord(kind string) string {
	if kind == Deprecated {
		return "is deprecated"
	}
	return "is no longer deprecated"
}

// isList reports whether an element holds a list: a collection or a list
// wrapper, whose item repeats.
func isList(e *schema.Elem) bool {
	return e.Max == schema.Unbounded || e.Type.Item != nil && e.Type.Item.Max == schema.Unbounded
}

// itemOf is the type of what an element holds: the item of a list.
func itemOf(e *schema.Elem) *schema.Type {
	if e.Type.Item != nil && e.Type.Model == "" {
		return e.Type.Item.Type
	}
	return e.Type
}

// elemTypeChange says how a member's type changed between two releases,
// if it did: single became list (or list single), or another type.
func elemTypeChange(ea, eb *schema.Elem) (kind, reason string, ok bool) {
	la, lb := isList(ea), isList(eb)
	switch {
	case !la && lb:
		return BecameList, "a single value became a list", true
	case la && !lb:
		return BecameSingle, "a list became a single value", true
	}
	ia, ib := itemOf(ea), itemOf(eb)
	if typeName(ia) == typeName(ib) && ia.Scalar == ib.Scalar {
		return "", "", false
	}
	if ia.Simple && ib.Simple && !ia.IsEnum() && !ib.IsEnum() {
		return MemberTypeChanged, "its values are of another form", true
	}
	return MemberTypeChanged, "its type changed", true
}

// enumChanges compares the values of an enum.
func (c *comparer) enumChanges(ta, tb *schema.Type, add func(member, kind string, grade reports.Grade, subject, wire, reason, base, next string)) {
	wire := func(v string) string { return c.placesB.of(tb) + "=" + v }
	for _, v := range ta.Enum {
		if !tb.HasEnumValue(v) {
			add(v, EnumValueRemoved, reports.Breaking, "enum value", c.placesA.of(ta)+"="+v, "the value is gone", v, "")
			continue
		}
		if kind, grade, ok := deprecation(contains(ta.DeprecatedValues, v), contains(tb.DeprecatedValues, v)); ok {
			add(v, kind, grade, "enum value", wire(v), "the value "+kindWord(kind), "", "")
		}
	}
	for _, v := range tb.Enum {
		if ta.HasEnumValue(v) {
			continue
		}
		grade, reason := reports.GradeInfo, "a new value, in requests only"
		if c.readB[tb] {
			grade, reason = reports.GradeWarn, "a new value in responses: a client that accepts only the values it knows fails on it"
		}
		add(v, EnumValueAdded, grade, "enum value", wire(v), reason, "", v)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// trimDot drops a leading "." of a wire name built from an empty place.
func trimDot(s string) string { return strings.TrimPrefix(s, ".") }
