package replay

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// The kinds of difference between a live response and the recorded one.
// Breaking differences make a step fail, warnings make it warn, info is
// listed and changes nothing.
const (
	// Breaking.
	KindStatusChanged    = "status-changed" // breaking across classes (2xx to 4xx), warning within one
	KindMediaTypeChanged = "media-type-changed"
	KindHeaderRemoved    = "header-removed"
	KindBodyRemoved      = "body-removed"
	KindElementRemoved   = "element-removed"
	KindAttributeRemoved = "attribute-removed"
	KindLinkRemoved      = "link-removed"
	KindActionRemoved    = "action-removed"
	KindTypeChanged      = "type-changed"
	KindEnumChanged      = "enum-changed" // a value outside the model's enum
	// Warning.
	KindEnumValueChanged = "enum-value-changed" // another value of the enum
	KindOrderChanged     = "element-order-changed"
	// Info.
	KindElementAdded   = "element-added"
	KindAttributeAdded = "attribute-added"
	KindLinkAdded      = "link-added"
	KindActionAdded    = "action-added"
	KindHeaderAdded    = "header-added"
	KindBodyAdded      = "body-added"
	KindValueChanged   = "value-changed"
)

// DifferenceKinds lists every kind of difference a replay reports, for
// the checks of a diff's baseline.
func DifferenceKinds() []string {
	return []string{KindStatusChanged, KindMediaTypeChanged, KindHeaderRemoved, KindBodyRemoved, KindElementRemoved,
		KindAttributeRemoved, KindLinkRemoved, KindActionRemoved, KindTypeChanged, KindEnumChanged,
		KindEnumValueChanged, KindOrderChanged, KindElementAdded, KindAttributeAdded, KindLinkAdded,
		KindActionAdded, KindHeaderAdded, KindBodyAdded, KindValueChanged, KindCaptureFailed, KindPollTimeout}
}

// Why a comparison was skipped: the value varies by nature.
const (
	whyID        = "id: varies from engine to engine and run to run"
	whyHref      = "href: holds ids"
	whyDate      = "date (xs:dateTime): varies with time"
	whyStatistic = "statistic: varies with load"
	whyStatus    = "status of an asynchronous object: varies with timing"
	whyHTML      = "HTML page from the engine's web server: not an API document"
	whyRep       = "the recorded and live bodies are in different representations (XML, JSON): the media type difference is graded"
	whyCorrID    = "Correlation-Id: chosen by the client"
	whyRedacted  = "a secret: redacted in the recording"
)

// comparison collects the differences and skipped comparisons of one step.
type comparison struct {
	model *schema.Model
	// ids maps a recorded id to the live id captured in its place.
	ids   map[string]string
	json  bool
	diffs []reports.Difference
	skips map[skipKey]int
}

type skipKey struct{ loc, why string }

func (c *comparison) diff(kind string, g reports.Grade, loc, reason, base, live string) {
	c.diffs = append(c.diffs, reports.Difference{Kind: kind, Grade: g, Location: loc, Reason: reason, Base: base, New: live})
}

// skip records a comparison not made. Locations are counted without their
// list positions, so that a list of ten VMs lists /vms/vm/@id once, ×10.
func (c *comparison) skip(loc, why string) {
	if c.skips == nil {
		c.skips = map[skipKey]int{}
	}
	c.skips[skipKey{stripPositions(loc), why}]++
}

// skipped returns the skipped comparisons, sorted, with their counts.
func (c *comparison) skipped() []reports.SkippedComparison {
	out := make([]reports.SkippedComparison, 0, len(c.skips))
	for k, n := range c.skips {
		why := k.why
		if n > 1 {
			why += " (" + strconv.Itoa(n) + " values)"
		}
		out = append(out, reports.SkippedComparison{Location: k.loc, Why: why})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Location != out[j].Location {
			return out[i].Location < out[j].Location
		}
		return out[i].Why < out[j].Why
	})
	return out
}

func stripPositions(loc string) string {
	if !strings.Contains(loc, "[") {
		return loc
	}
	var b strings.Builder
	depth := 0
	for _, r := range loc {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// live is what the target answered.
type live struct {
	status int
	header http.Header
	body   []byte
	root   *scenario.Node // nil when the body is not a document
}

// compareResponse compares a live response with the recorded one.
func (c *comparison) compareResponse(rec *scenario.Response, recRoot *scenario.Node, got *live, route *schema.Route) {
	c.compareStatus(rec.Status, got.status)
	recCT, gotCT := scenario.Get(rec.Header, "Content-Type"), got.header.Get("Content-Type")
	recRep, gotRep := media.Sniff([]byte(rec.Body)), media.Sniff(got.body)
	if rm, gm := media.Type(recCT), media.Type(gotCT); rm != "" && rm != gm {
		c.diff(KindMediaTypeChanged, reports.Breaking, "header:Content-Type", "the media type changed (parameters such as charset aside)", rm, orNone(gm))
	}
	c.compareHeaders(rec.Header, got.header)
	switch {
	case recRep == rules.None && gotRep == rules.None:
	case recRep == rules.HTML && gotRep == rules.HTML:
		c.skip("/", whyHTML)
	case recRoot != nil && got.root == nil:
		c.diff(KindBodyRemoved, reports.Breaking, "/", "the recorded response had a "+recRep.String()+" document, the live one has "+bodyKind(gotRep), recRep.String(), bodyKind(gotRep))
	case recRoot == nil && got.root != nil:
		c.diff(KindBodyAdded, reports.GradeInfo, "/", "the live response has a "+gotRep.String()+" document the recording lacks", bodyKind(recRep), gotRep.String())
	case recRoot != nil && got.root != nil:
		if recRep != gotRep {
			c.skip("/", whyRep)
			return
		}
		c.json = recRep == rules.JSON
		recRoot, gotRoot := recRoot, got.root
		if c.json {
			// JSON documents have no root name: take the route's.
			name := "document"
			if route != nil && route.Output != nil {
				name = route.Output.Element
			}
			if got.status >= 400 || rec.Status >= 400 {
				name = "fault"
			}
			recRoot, gotRoot = renamed(recRoot, name), renamed(gotRoot, name)
		}
		c.compareRoot(recRoot, gotRoot)
	}
}

func renamed(n *scenario.Node, name string) *scenario.Node {
	cp := *n
	cp.Name = name
	return &cp
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func bodyKind(r rules.Representation) string {
	if r == rules.None {
		return "no body"
	}
	return "a " + r.String() + " body"
}

func (c *comparison) compareStatus(rec, got int) {
	if rec == got {
		return
	}
	recS, gotS := strconv.Itoa(rec), strconv.Itoa(got)
	if rec/100 != got/100 {
		c.diff(KindStatusChanged, reports.Breaking, "status", "the status class changed", recS, gotS)
		return
	}
	c.diff(KindStatusChanged, reports.GradeWarn, "status", "the status changed within its class", recS, gotS)
}

// compareHeaders compares the headers a recording keeps, but Content-Type
// (graded as a media type).
func (c *comparison) compareHeaders(rec []scenario.Pair, got http.Header) {
	for _, h := range rec {
		name := http.CanonicalHeaderKey(h.Name)
		switch {
		case name == "Content-Type":
		case name == "Correlation-Id":
			c.skip("header:Correlation-Id", whyCorrID)
		case got.Get(name) == "":
			c.diff(KindHeaderRemoved, reports.Breaking, "header:"+name, "the recorded response had this header, the live one does not", "present", "absent")
		case name == "Location":
			c.skip("header:Location", whyHref)
		}
	}
	for _, name := range []string{"Location", "Allow", "Www-Authenticate"} {
		if got.Get(name) != "" && scenario.Get(rec, name) == "" {
			c.diff(KindHeaderAdded, reports.GradeInfo, "header:"+name, "the live response has a header the recording lacks", "absent", "present")
		}
	}
}

// compareRoot compares two documents from their root elements.
func (c *comparison) compareRoot(rec, got *scenario.Node) {
	loc := "/" + rec.Name
	if rec.Name != got.Name {
		c.diff(KindTypeChanged, reports.Breaking, loc, "the root element changed", "<"+rec.Name+">", "<"+got.Name+">")
		return
	}
	var t *schema.Type
	if c.model != nil {
		t = c.model.Element(rec.Name)
	}
	c.compareNode(loc, rec, got, t)
}
