package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// write is a member a mapper sets: its path below the mapped object (wire
// names, dotted), whether the statement runs only under a condition, and
// the value it sets.
type write struct {
	path string
	cond bool
	arg  []token
	// implied marks a structure a statement reaches through its getter
	// (model.getCpu().setMode(...)): it must exist by then.
	implied bool
	// obj marks a value that is an object made in the mapper (new Cpu(),
	// or a local made so and attached here).
	obj bool
	// entities are the method's backend parameters by name, with their
	// class ("entity": "VmBase").
	entities map[string]string
	file     string
	line     int
	src      string
}

// mappers holds the engine's mappers, read from types/*Mapper.java.
type mappers struct {
	m       *schema.Model
	methods map[string][]method // by name
	// to lists, by model type, the methods mapping a backend entity to it.
	to map[string][]method
}

// readMappers reads every Java file below dir.
func readMappers(m *schema.Model, dir string) (*mappers, error) {
	mp := &mappers{m: m, methods: map[string][]method{}, to: map[string][]method{}}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".java") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		toks, err := tokenize(string(src))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, meth := range methods(filepath.Base(path), toks) {
			mp.methods[meth.name] = append(mp.methods[meth.name], meth)
			if t := mp.modelType(meth.to); t != nil && meth.from != meth.to && mp.modelType(meth.from) == nil {
				mp.to[t.Name] = append(mp.to[t.Name], meth)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read mappers: %w", err)
	}
	if len(mp.to) == 0 {
		return nil, fmt.Errorf("no @Mapping methods to model types below %s", dir)
	}
	return mp, nil
}

// modelType returns the model's type a Java class name names, or nil for a
// backend class (org.ovirt.engine.core...).
func (mp *mappers) modelType(class string) *schema.Type {
	if class == "" || strings.Contains(class, ".core.") {
		return nil
	}
	i := strings.LastIndexByte(class, '.')
	t := mp.m.Type(class[i+1:])
	if t == nil || t.Simple || t.Item != nil {
		return nil
	}
	return t
}

// binding is what a Java variable holds: a structure at a path of the
// mapped object, or a fresh object of a type not yet attached (whose
// writes wait in pending).
type binding struct {
	path    string
	typ     *schema.Type
	cond    bool
	fresh   bool
	pending []write
}

// writes returns what meth writes of an object of model type t.
func (mp *mappers) writes(meth method, t *schema.Type) []write {
	env := map[string]*binding{}
	for _, p := range meth.params {
		if mp.fits(p.typ, t) {
			env[p.name] = &binding{typ: t}
		}
	}
	return mp.walk(meth, t, env, false, 0)
}

// fits reports whether a Java type name is t or one of its bases.
func (mp *mappers) fits(javaType string, t *schema.Type) bool {
	i := strings.LastIndexByte(javaType, '.')
	name := javaType[i+1:]
	for x := t; x != nil; x = x.Base {
		if x.Name == name {
			return true
		}
	}
	return false
}

// walk follows meth's statements with env bound.
func (mp *mappers) walk(meth method, root *schema.Type, env map[string]*binding, cond bool, depth int) []write {
	var out []write
	for _, s := range statements(meth.body, cond) {
		toks := s.toks
		if len(toks) > 0 && toks[0].text == "return" {
			toks = toks[1:]
		}
		if len(toks) == 0 {
			continue
		}
		w := write{file: meth.file, line: toks[0].line, src: text(toks), entities: backendParams(meth, mp)}
		if name, typ, rhs, ok := assignment(toks); ok {
			mp.assign(env, name, typ, rhs, root, s.cond)
			continue
		}
		recv, setter, args, ok := setterCall(toks)
		if ok {
			out = append(out, mp.set(env, recv, setter, args, s.cond, w)...)
			continue
		}
		if name, args, ok := call(toks); ok && depth < 6 {
			out = append(out, mp.inline(env, name, args, root, s.cond, depth)...)
		}
	}
	return out
}

// assign binds a variable: to a structure reached by getters from a bound
// one, to a fresh object, or (a local of the mapped type) to the root.
func (mp *mappers) assign(env map[string]*binding, name, typ string, rhs []token, root *schema.Type, cond bool) {
	if old := env[name]; cond && old != nil && !old.fresh {
		return // "if (io == null) io = new Io()": the structure is there either way
	}
	if typ != "" && mp.fits(typ, root) && len(rhs) > 0 && env[name] == nil {
		env[name] = &binding{typ: root}
		return
	}
	if len(rhs) > 1 && rhs[0].text == "new" {
		t := mp.m.Type(rhs[1].text)
		if t != nil {
			env[name] = &binding{typ: t, fresh: true}
			return
		}
	}
	if b := mp.chain(env, rhs); b != nil {
		env[name] = &binding{path: b.path, typ: b.typ, cond: b.cond || cond}
		return
	}
	delete(env, name)
}

// chain resolves v.getA().getB() to the structure it reaches.
func (mp *mappers) chain(env map[string]*binding, toks []token) *binding {
	if len(toks) == 0 || env[toks[0].text] == nil {
		return nil
	}
	b := env[toks[0].text]
	cur := &binding{path: b.path, typ: b.typ, cond: b.cond, fresh: b.fresh}
	for i := 1; i < len(toks); i += 4 {
		if i+3 >= len(toks) || toks[i].text != "." || toks[i+2].text != "(" || toks[i+3].text != ")" || cur.fresh {
			return nil
		}
		e := member(cur.typ, toks[i+1].text, "get", "is")
		if e == nil || e.Type.Simple {
			return nil
		}
		cur = &binding{path: join(cur.path, e.Name), typ: e.Type, cond: cur.cond}
	}
	return cur
}

// set records recv.setX(arg).
func (mp *mappers) set(env map[string]*binding, recv []token, setter string, args [][]token, cond bool, w write) []write {
	b := mp.chain(env, recv)
	if b == nil || len(args) != 1 {
		return nil
	}
	e := member(b.typ, setter, "set")
	if e == nil {
		return nil
	}
	w.path, w.cond, w.arg = e.Name, cond || b.cond, args[0]
	if b.fresh {
		v := env[recv[0].text]
		v.pending = append(v.pending, w)
		return nil
	}
	w.path = join(b.path, e.Name)
	var out []write
	// Every structure on the way exists by then: reached by getters
	// (model.getCpu().setMode) or held in a variable (io.setThreads).
	for i := strings.IndexByte(w.path, '.'); i >= 0; i = next(w.path, i) {
		out = append(out, write{path: w.path[:i], cond: w.cond, implied: true, file: w.file, line: w.line, src: w.src})
	}
	var pending []write
	if len(args[0]) == 1 {
		if v := env[args[0][0].text]; v != nil && v.fresh && !e.Type.Simple {
			// A fresh object attached here: its writes land below.
			w.obj = true
			for _, p := range v.pending {
				p.path = join(w.path, p.path)
				p.cond = p.cond || w.cond
				pending = append(pending, p)
			}
			*v = binding{path: w.path, typ: e.Type, cond: w.cond}
		}
	}
	if len(args[0]) > 0 && args[0][0].text == "new" {
		w.obj = true
	}
	return append(append(out, w), pending...)
}

// inline follows a call that passes a bound variable to a helper of the
// mappers (mapCommonEntityToModel(model, entity)).
func (mp *mappers) inline(env map[string]*binding, name string, args [][]token, root *schema.Type, cond bool, depth int) []write {
	var out []write
	callees := append([]method(nil), mp.methods[name]...)
	sort.SliceStable(callees, func(i, j int) bool {
		return callees[i].file == root.Name+"Mapper.java" && callees[j].file != root.Name+"Mapper.java"
	})
	for _, callee := range callees {
		if len(callee.params) != len(args) {
			continue
		}
		inner := map[string]*binding{}
		for i, a := range args {
			if len(a) != 1 || env[a[0].text] == nil || env[a[0].text].fresh {
				continue
			}
			b := env[a[0].text]
			if mp.fits(callee.params[i].typ, b.typ) {
				inner[callee.params[i].name] = &binding{path: b.path, typ: b.typ, cond: b.cond}
			}
		}
		if len(inner) == 0 {
			continue
		}
		out = append(out, mp.walk(callee, root, inner, cond, depth+1)...)
		break
	}
	return out
}

// backendParams lists the parameters of meth that are backend entities.
func backendParams(meth method, mp *mappers) map[string]string {
	out := map[string]string{}
	for _, p := range meth.params {
		if mp.modelType(p.typ) == nil && p.typ != "boolean" && p.typ != "String" {
			out[p.name] = p.typ[strings.LastIndexByte(p.typ, '.')+1:]
		}
	}
	return out
}

// member finds the member of t a Java accessor names (setMemoryPolicy:
// memory_policy).
func member(t *schema.Type, accessor string, prefixes ...string) *schema.Elem {
	name := ""
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(accessor, p); ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' {
			name = strings.ToLower(rest)
		}
	}
	if name == "" || t == nil {
		return nil
	}
	for _, e := range t.Elems {
		if strings.ReplaceAll(e.Name, "_", "") == name {
			return e
		}
	}
	return nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// assignment reads "Type name = rhs" or "name = rhs".
func assignment(toks []token) (name, typ string, rhs []token, ok bool) {
	for i := 1; i < len(toks); i++ {
		if toks[i].text != "=" {
			continue
		}
		if i+1 < len(toks) && toks[i+1].text == "=" {
			return "", "", nil, false
		}
		switch toks[i-1].text {
		case "!", "<", ">", "=", "+", "-", "*", "/", "&", "|":
			return "", "", nil, false
		}
		if !isIdent(rune(toks[i-1].text[0])) {
			return "", "", nil, false
		}
		lhs := toks[:i-1]
		for _, t := range lhs {
			if t.text == "(" || t.text == "." && len(lhs) == 1 {
				return "", "", nil, false
			}
		}
		if len(lhs) > 0 && lhs[len(lhs)-1].text == "." {
			return "", "", nil, false
		}
		return toks[i-1].text, text(lhs), toks[i+1:], true
	}
	if len(toks) == 2 && isIdent(rune(toks[0].text[0])) && isIdent(rune(toks[1].text[0])) {
		return toks[1].text, toks[0].text, nil, true
	}
	return "", "", nil, false
}

// setterCall reads "recv.setX(args)" where the statement is that call.
func setterCall(toks []token) (recv []token, setter string, args [][]token, ok bool) {
	n := len(toks)
	if n < 5 || toks[n-1].text != ")" {
		return nil, "", nil, false
	}
	open := -1
	depth := 0
	for i := n - 1; i >= 0; i-- {
		switch toks[i].text {
		case ")":
			depth++
		case "(":
			depth--
			if depth == 0 {
				open = i
			}
		}
		if open >= 0 {
			break
		}
	}
	if open < 3 || toks[open-2].text != "." || !strings.HasPrefix(toks[open-1].text, "set") {
		return nil, "", nil, false
	}
	return toks[:open-2], toks[open-1].text, splitTop(toks[open+1:n-1], ","), true
}

// call reads "name(args)" or "Class.name(args)" where the statement is
// that call.
func call(toks []token) (name string, args [][]token, ok bool) {
	n := len(toks)
	if n < 3 || toks[n-1].text != ")" {
		return "", nil, false
	}
	i := 0
	if n > 4 && toks[1].text == "." {
		i = 2
	}
	if toks[i+1].text != "(" || closing(toks, i+1) != n-1 {
		return "", nil, false
	}
	return toks[i].text, splitTop(toks[i+2:n-1], ","), true
}

// mapped returns, per model type, what its mappers write unconditionally
// (the intersection over the type's entity-to-model mappings) and where.
func (mp *mappers) mapped() map[string]map[string][]write {
	out := map[string]map[string][]write{}
	var names []string
	for name := range mp.to {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t := mp.m.Type(name)
		var common map[string][]write
		for _, meth := range mp.to[name] {
			got := map[string][]write{}
			for _, w := range mp.writes(meth, t) {
				if !w.cond {
					got[w.path] = append(got[w.path], w)
				}
			}
			if len(got) == 0 {
				continue // a mapping that writes nothing of its own (a delegate)
			}
			if common == nil {
				common = got
				continue
			}
			for p := range common {
				if got[p] == nil {
					delete(common, p)
				}
			}
		}
		if len(common) > 0 {
			out[name] = common
		}
	}
	return out
}

// next returns the index of the dot after i in path, or -1.
func next(path string, i int) int {
	if j := strings.IndexByte(path[i+1:], '.'); j >= 0 {
		return i + 1 + j
	}
	return -1
}
