package sim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// Fault names: each corrupts a chosen response in exactly one way.
const (
	FaultDropLinks        = "drop-links"
	FaultWrongType        = "wrong-type"
	FaultBadEnum          = "bad-enum"
	FaultUnknownElement   = "unknown-element"
	FaultNoLocation       = "no-location"
	FaultWrongStatus      = "wrong-status"
	FaultWrongContentType = "wrong-content-type"
	FaultSlow             = "slow"
	FaultReset            = "reset"
)

// FaultKind is one fault the simulator injects and what a tester must
// report for it: the fault table, documented in the README (generated from
// it) and expected by the demo's self-test.
type FaultKind struct {
	Name string
	// Does says what the fault does to a response.
	Does string
	// Rule is the rule of the catalogue a corrupted exchange breaks, alone
	// ("" for none), with its Severity; Also is a rule that may come with
	// it.
	Rule, Severity, Also string
	// Difference is the difference a replay grades against the recording
	// ("" for none), with its Grade.
	Difference, Grade string
	// Outcome is a replay run's: "pass", "fail", or "error" when the
	// harness, not the engine, fails.
	Outcome string
	// Note completes the README's description of the finding.
	Note string

	// eligible reports whether the fault can corrupt a response to a
	// request of method.
	eligible func(rp *reply, method string) bool
	// body corrupts the response's document before it is encoded.
	body func(rp *reply)
	// wire corrupts the response as it is written.
	wire func(w *wire)
}

// wire is a response about to be written: what the faults that leave the
// body alone corrupt.
type wire struct {
	status int
	header http.Header
	// slow delays the answer by Options.Latency; cut closes the connection
	// in the middle of the body.
	slow, cut bool
}

// faultKinds is the fault table.
func faultKinds() []FaultKind {
	ok := func(rp *reply) bool { return rp.status < 300 && rp.el != nil }
	hasBody := func(rp *reply) bool { return rp.el != nil || rp.raw != nil }
	return []FaultKind{{
		Name: FaultDropLinks, Does: "removes every `<link>` and `<actions>`",
		Difference: "action-removed", Grade: "breaking", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool { return ok(rp) && hasTag(rp.el, "link") },
		body:     func(rp *reply) { dropLinks(rp.el) },
	}, {
		Name: FaultWrongType, Does: "puts `not-a-number` into the first integer element",
		Rule: "schema.invalid-value", Severity: "error", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool { return ok(rp) && findTyped(rp.el, rp.typ, isInteger) != nil },
		body:     func(rp *reply) { findTyped(rp.el, rp.typ, isInteger).SetText("not-a-number") },
	}, {
		Name: FaultBadEnum, Does: "puts an unknown value into the first enum element",
		Rule: "schema.unknown-enum", Severity: "error", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool {
			return ok(rp) && findTyped(rp.el, rp.typ, (*schema.Type).IsEnum) != nil
		},
		body: func(rp *reply) { findTyped(rp.el, rp.typ, (*schema.Type).IsEnum).SetText("ovcompat_bogus_value") },
	}, {
		Name: FaultUnknownElement, Does: "adds `<ovcompat_unknown>` to the object (the first item of a list)",
		Rule: "schema.unknown-element", Severity: "error", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool { return ok(rp) && rp.typ != nil && !rp.typ.Simple },
		body:     addUnknown,
	}, {
		Name: FaultNoLocation, Does: "drops Location from a 201",
		Rule: "rest.location-on-create", Severity: "error", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool { return rp.status == http.StatusCreated && rp.location != "" },
		wire:     func(w *wire) { w.header.Del("Location") },
	}, {
		Name: FaultWrongStatus, Does: "answers an Add with 200 instead of 201",
		Rule: "rest.status", Severity: "error", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool { return rp.add && rp.status == http.StatusCreated },
		wire:     func(w *wire) { w.status = http.StatusOK },
	}, {
		Name: FaultWrongContentType, Does: "labels XML as JSON (and JSON as XML)",
		Rule: "rest.content-type", Severity: "error", Also: "rest.accept",
		Difference: "media-type-changed", Grade: "breaking", Outcome: "fail",
		eligible: func(rp *reply, _ string) bool { return hasBody(rp) },
		wire: func(w *wire) {
			w.header.Set("Content-Type", map[string]string{ctypeXML: ctypeJSON, ctypeJSON: ctypeXML}[w.header.Get("Content-Type")])
		},
	}, {
		Name: FaultSlow, Does: "delays the answer by `--latency`",
		Outcome: "pass", Note: "timing only",
		eligible: func(*reply, string) bool { return true },
		wire:     func(w *wire) { w.slow = true },
	}, {
		Name: FaultReset, Does: "closes the connection in the middle of the body",
		Outcome: "error", Note: "harness/transport error, not a conformance failure",
		eligible: func(rp *reply, method string) bool { return hasBody(rp) && method != http.MethodHead },
		wire:     func(w *wire) { w.cut = true },
	}}
}

// FaultKinds returns the fault table, in the order of the README's table.
func FaultKinds() []FaultKind { return faultKinds() }

// FaultNames lists every fault, in the order of the README's table.
func FaultNames() []string {
	var out []string
	for _, k := range faultKinds() {
		out = append(out, k.Name)
	}
	return out
}

// Fault is one fault to inject and the share of eligible responses it
// corrupts.
type Fault struct {
	Name string
	// Rate is between 0 and 1; 1 corrupts every eligible response.
	Rate float64
}

// ParseFaults reads "drop-links:0.5,slow": fault names, each with an
// optional rate (default 1).
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	seen := map[string]bool{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, rate, hasRate := strings.Cut(part, ":")
		f := Fault{Name: strings.TrimSpace(name), Rate: 1}
		if !slices.Contains(FaultNames(), f.Name) {
			return nil, fmt.Errorf("sim: unknown fault %q (known: %s)", schema.ASCIISafe(f.Name, 32), strings.Join(FaultNames(), ", "))
		}
		if hasRate {
			r, err := strconv.ParseFloat(strings.TrimSpace(rate), 64)
			if err != nil || r < 0 || r > 1 {
				return nil, fmt.Errorf("sim: fault %s: rate %q is not a number from 0 to 1", f.Name, schema.ASCIISafe(rate, 32))
			}
			f.Rate = r
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("sim: fault %s given twice", f.Name)
		}
		seen[f.Name] = true
		out = append(out, f)
	}
	return out, nil
}

// injector chooses the responses to corrupt.
type injector struct {
	faults []Fault
	kinds  map[string]FaultKind
	mu     sync.Mutex
	rng    *rand.Rand
}

func newInjector(faults []Fault, seed int64) *injector {
	kinds := map[string]FaultKind{}
	for _, k := range faultKinds() {
		kinds[k.Name] = k
	}
	return &injector{faults: faults, kinds: kinds, rng: rand.New(rand.NewPCG(uint64(seed), 0x696e6a656374))}
}

// pick returns the fault to inject into rp, or "". Faults that cannot
// corrupt rp (no link to drop, no 201 to strip) are not considered; of
// the others, the first whose draw succeeds wins, so a response is
// corrupted in one way at most.
func (in *injector) pick(rp *reply, method string) *FaultKind {
	if len(in.faults) == 0 {
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, f := range in.faults {
		k := in.kinds[f.Name]
		if !k.eligible(rp, method) {
			continue
		}
		if f.Rate >= 1 || in.rng.Float64() < f.Rate {
			return &k
		}
	}
	return nil
}

// addUnknown adds an element the model lacks to the object, or to the
// first item of a list.
func addUnknown(rp *reply) {
	target := rp.el
	if rp.typ.Item != nil {
		if first := firstChild(rp.el); first != nil {
			target = first
		}
	}
	target.AddChild(elem("ovcompat_unknown", "injected"))
}

func isInteger(t *schema.Type) bool {
	if !t.Simple || t.IsEnum() {
		return false
	}
	switch t.Scalar {
	case schema.Int, schema.Long, schema.Short, schema.UnsignedInt, schema.UnsignedShort, schema.Byte:
		return true
	}
	return false
}

// findTyped returns the first element below el (depth first) whose type
// satisfies pred.
func findTyped(el *etree.Element, t *schema.Type, pred func(*schema.Type) bool) *etree.Element {
	if t == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		e := t.Elem(c.Tag)
		if e == nil {
			continue
		}
		if e.Type.Simple {
			if pred(e.Type) {
				return c
			}
			continue
		}
		if x := findTyped(c, e.Type, pred); x != nil {
			return x
		}
	}
	return nil
}

func hasTag(el *etree.Element, tag string) bool {
	for _, c := range el.ChildElements() {
		if c.Tag == tag || hasTag(c, tag) {
			return true
		}
	}
	return false
}

func dropLinks(el *etree.Element) {
	for i := 0; i < len(el.Child); {
		if c, ok := el.Child[i].(*etree.Element); ok {
			if c.Tag == "link" || (c.Tag == "actions" && childOf(c, "link") != nil) {
				el.RemoveChildAt(i)
				continue
			}
			dropLinks(c)
		}
		i++
	}
}

func firstChild(el *etree.Element) *etree.Element {
	for _, tok := range el.Child {
		if c, ok := tok.(*etree.Element); ok {
			return c
		}
	}
	return nil
}
