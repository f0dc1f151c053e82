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
	// FaultDropLinks removes every <link> and <actions> from the body.
	FaultDropLinks = "drop-links"
	// FaultWrongType puts a non-number into the first integer element.
	FaultWrongType = "wrong-type"
	// FaultBadEnum puts an unknown value into the first enum element.
	FaultBadEnum = "bad-enum"
	// FaultUnknownElement adds an element the model lacks.
	FaultUnknownElement = "unknown-element"
	// FaultNoLocation drops the Location header of a 201.
	FaultNoLocation = "no-location"
	// FaultWrongStatus answers an Add with 200 instead of 201.
	FaultWrongStatus = "wrong-status"
	// FaultWrongContentType labels XML as JSON and JSON as XML.
	FaultWrongContentType = "wrong-content-type"
	// FaultSlow delays the answer by Options.Latency.
	FaultSlow = "slow"
	// FaultReset closes the connection in the middle of the body.
	FaultReset = "reset"
)

// FaultNames lists every fault, in the order of the README's table.
func FaultNames() []string {
	return []string{FaultDropLinks, FaultWrongType, FaultBadEnum, FaultUnknownElement, FaultNoLocation,
		FaultWrongStatus, FaultWrongContentType, FaultSlow, FaultReset}
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
	mu     sync.Mutex
	rng    *rand.Rand
}

func newInjector(faults []Fault, seed int64) *injector {
	return &injector{faults: faults, rng: rand.New(rand.NewPCG(uint64(seed), 0x696e6a656374))}
}

// pick returns the fault to inject into rp, or "". Faults that cannot
// corrupt rp (no link to drop, no 201 to strip) are not considered; of
// the others, the first whose draw succeeds wins, so a response is
// corrupted in one way at most.
func (in *injector) pick(rp *reply, method string) string {
	if len(in.faults) == 0 {
		return ""
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, f := range in.faults {
		if !eligible(f.Name, rp, method) {
			continue
		}
		if f.Rate >= 1 || in.rng.Float64() < f.Rate {
			return f.Name
		}
	}
	return ""
}

func eligible(name string, rp *reply, method string) bool {
	ok := rp.status < 300
	switch name {
	case FaultDropLinks:
		return ok && rp.el != nil && hasTag(rp.el, "link")
	case FaultWrongType:
		return ok && rp.el != nil && findTyped(rp.el, rp.typ, isInteger) != nil
	case FaultBadEnum:
		return ok && rp.el != nil && findTyped(rp.el, rp.typ, (*schema.Type).IsEnum) != nil
	case FaultUnknownElement:
		return ok && rp.el != nil && rp.typ != nil && !rp.typ.Simple
	case FaultNoLocation:
		return rp.status == http.StatusCreated && rp.location != ""
	case FaultWrongStatus:
		return rp.add && rp.status == http.StatusCreated
	case FaultWrongContentType:
		return rp.el != nil || rp.raw != nil
	case FaultSlow:
		return true
	case FaultReset:
		return (rp.el != nil || rp.raw != nil) && method != http.MethodHead
	}
	return false
}

// corruptBody applies a body fault to rp.el.
func corruptBody(name string, rp *reply) {
	switch name {
	case FaultDropLinks:
		dropLinks(rp.el)
	case FaultWrongType:
		if el := findTyped(rp.el, rp.typ, isInteger); el != nil {
			el.SetText("not-a-number")
		}
	case FaultBadEnum:
		if el := findTyped(rp.el, rp.typ, (*schema.Type).IsEnum); el != nil {
			el.SetText("ovcompat_bogus_value")
		}
	case FaultUnknownElement:
		target := rp.el
		if rp.typ.Item != nil {
			if first := firstChild(rp.el); first != nil {
				target = first
			}
		}
		target.AddChild(elem("ovcompat_unknown", "injected"))
	}
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
