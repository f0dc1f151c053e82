package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/schema"
)

// rule judges a member: by its exception when it has one, else by its name.
type rule struct {
	isSecretName func(string) bool
	exceptions   []redact.Exception
}

// modelRule is the rule package redact states.
func modelRule() rule {
	return rule{isSecretName: redact.IsSecretName, exceptions: redact.Exceptions()}
}

type memberKey struct{ typ, name string }

// found is what the rule finds in one or more models.
type found struct {
	// members are the secret members, each with the elements that hold its
	// type.
	members map[memberKey]map[string]bool
	// verdicts are the cases the names alone judge wrong: member name ->
	// parent element -> secret. "" stands for an unknown parent (a JSON
	// document's root), where a member secret in any context is secret.
	verdicts map[string]map[string]bool
	// pairs are the elements that hold a type made of a name and its
	// value (Option, Property, CustomProperty, ...): the value is as
	// secret as the name says.
	pairs map[string]bool
}

// find applies r to every member of every type of the models. A member
// secret in any model is secret; an exception the models do not have is an
// error.
func find(models []*schema.Model, r rule) (*found, error) {
	f := &found{members: map[memberKey]map[string]bool{}, verdicts: map[string]map[string]bool{}, pairs: map[string]bool{}}
	exceptions := map[memberKey]redact.Exception{}
	for _, ex := range r.exceptions {
		exceptions[memberKey{ex.Type, ex.Member}] = ex
	}
	used := map[memberKey]bool{}
	for _, m := range models {
		holders := holdersOf(m)
		for _, t := range m.Types() {
			if isPair(t) {
				for _, h := range holders[t] {
					f.pairs[h] = true
				}
			}
			for _, name := range declared(t) {
				k := memberKey{t.Name, name}
				ex, isEx := exceptions[k]
				used[k] = used[k] || isEx
				byName := r.isSecretName(name)
				secret := byName
				if isEx {
					secret = ex.Secret
				}
				if secret {
					f.addMember(k, holders[t])
				}
				if isEx && secret != byName {
					f.addVerdicts(name, holders[t], secret)
				}
			}
		}
	}
	for _, ex := range r.exceptions {
		if !used[memberKey{ex.Type, ex.Member}] {
			return nil, fmt.Errorf("exception %s.%s: no type of the model declares that member", ex.Type, ex.Member)
		}
	}
	f.secretWins()
	return f, nil
}

func (f *found) addMember(k memberKey, in []string) {
	set := f.members[k]
	if set == nil {
		set = map[string]bool{}
		f.members[k] = set
	}
	for _, p := range in {
		set[p] = true
	}
}

// addVerdicts records the verdict on name inside each of parents, a secret
// also at an unknown parent.
func (f *found) addVerdicts(name string, parents []string, secret bool) {
	set := f.verdicts[name]
	if set == nil {
		set = map[string]bool{}
		f.verdicts[name] = set
	}
	if secret {
		parents = append([]string{""}, parents...)
	}
	for _, p := range parents {
		set[p] = set[p] || secret
	}
}

// secretWins turns a public verdict secret where another type holding an
// element of the same name has a secret member of that name: an element's
// name does not always say which type it holds.
func (f *found) secretWins() {
	for k, in := range f.members {
		for p := range in {
			if v, ok := f.verdicts[k.name]; ok {
				if _, ok := v[p]; ok {
					v[p] = true
				}
			}
		}
	}
}

// isPair reports whether t holds a name and its value, both simple
// members (elements or attributes), its own or inherited.
func isPair(t *schema.Type) bool {
	simple := func(n string) bool {
		if e := t.Elem(n); e != nil {
			return e.Type == nil || e.Type.Simple
		}
		return t.Attr(n) != nil
	}
	return simple("name") && simple("value")
}

// declared lists the members (elements and attributes) t declares itself,
// not those it inherits.
func declared(t *schema.Type) []string {
	var out []string
	for _, e := range t.Elems {
		if t.Base == nil || t.Base.Elem(e.Name) == nil {
			out = append(out, e.Name)
		}
	}
	for _, a := range t.Attrs {
		if t.Base == nil || t.Base.Attr(a.Name) == nil {
			out = append(out, a.Name)
		}
	}
	return out
}

// holdersOf maps each type to the elements that hold it or a type that
// extends it (the type's members appear inside them): the child elements
// of every type and the document roots, sorted.
func holdersOf(m *schema.Model) map[*schema.Type][]string {
	sets := map[*schema.Type]map[string]bool{}
	hold := func(name string, t *schema.Type) {
		for a := t; a != nil; a = a.Base {
			if sets[a] == nil {
				sets[a] = map[string]bool{}
			}
			sets[a][name] = true
		}
	}
	for _, t := range m.Types() {
		for _, e := range t.Elems {
			if e.Type != nil && !e.Type.Simple {
				hold(e.Name, e.Type)
			}
		}
	}
	for _, n := range m.Elements() {
		hold(n, m.Element(n))
	}
	out := make(map[*schema.Type][]string, len(sets))
	for t, set := range sets {
		out[t] = slices.Sorted(maps.Keys(set))
	}
	return out
}

// lines are the members as the golden file shows them: "Type.name in:
// a, b" and, for an exception, its reason.
func (f *found) lines(r rule) []string {
	reasons := map[memberKey]string{}
	for _, ex := range r.exceptions {
		reasons[memberKey{ex.Type, ex.Member}] = ex.Reason
	}
	var out []string
	for _, k := range f.sortedMembers() {
		line := fmt.Sprintf("%s.%s in: %s", k.typ, k.name, strings.Join(slices.Sorted(maps.Keys(f.members[k])), ", "))
		if why := reasons[k]; why != "" {
			line += "\n    exception: " + why
		}
		out = append(out, line)
	}
	for _, ex := range r.exceptions {
		if !ex.Secret {
			out = append(out, fmt.Sprintf("never secret: %s.%s: %s", ex.Type, ex.Member, ex.Reason))
		}
	}
	out = append(out, "value secret when the name is, in: "+strings.Join(slices.Sorted(maps.Keys(f.pairs)), ", "))
	return out
}

func (f *found) sortedMembers() []memberKey {
	keys := slices.Collect(maps.Keys(f.members))
	slices.SortFunc(keys, func(a, b memberKey) int {
		if c := strings.Compare(a.typ, b.typ); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return keys
}
