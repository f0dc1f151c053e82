package reports

import "fmt"

// Outcome is the verdict on a step, a scenario or a run. Outcomes only get
// worse: pass < warn < fail < error. Skip stands apart: it is below pass when
// outcomes are combined (a scenario whose steps passed and skipped passed),
// and reports always count and show it.
//
//   - pass: the engine conforms.
//   - warn: the engine conforms, with warnings (a warning violation or a
//     difference graded warning).
//   - fail: the engine does not conform (an error violation or a breaking
//     difference).
//   - error: the harness broke (target down, bad scenario); nothing is known
//     about the engine.
//   - skip: not run (read-only run, label filter, a scenario left out).
type Outcome string

// The outcomes, as written in results.json.
const (
	Pass  Outcome = "pass"
	Warn  Outcome = "warn"
	Fail  Outcome = "fail"
	Error Outcome = "error"
	Skip  Outcome = "skip"
)

// Outcomes lists every outcome in display order: the shared order, then skip.
func Outcomes() []Outcome { return []Outcome{Pass, Warn, Fail, Error, Skip} }

// rank orders outcomes; an unknown or empty outcome ranks below skip so that
// it never hides a known one.
func (o Outcome) rank() int {
	switch o {
	case Skip:
		return 1
	case Pass:
		return 2
	case Warn:
		return 3
	case Fail:
		return 4
	case Error:
		return 5
	}
	return 0
}

// Valid reports whether o is one of the five outcomes.
func (o Outcome) Valid() bool { return o.rank() > 0 }

// Worse returns the worse of o and p: error over fail over warn over pass
// over skip. The empty outcome counts as nothing, so folding Worse over a
// list from "" gives the list's worst outcome.
func (o Outcome) Worse(p Outcome) Outcome {
	if p.rank() > o.rank() {
		return p
	}
	return o
}

// Worst folds Worse over outcomes; it returns Skip for none.
func Worst(outcomes ...Outcome) Outcome {
	w := Outcome("")
	for _, o := range outcomes {
		w = w.Worse(o)
	}
	if w == "" {
		return Skip
	}
	return w
}

// UnmarshalText accepts only the five outcomes.
func (o *Outcome) UnmarshalText(b []byte) error {
	v := Outcome(b)
	if !v.Valid() {
		return fmt.Errorf("outcome %q: want pass, warn, fail, error or skip", b)
	}
	*o = v
	return nil
}

// Severity grades a violation: error, warning or info. Its values are those
// of the shared violation shape.
type Severity string

// The severities of a violation.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Severities lists the severities, worst first.
func Severities() []Severity { return []Severity{SeverityError, SeverityWarning, SeverityInfo} }

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// UnmarshalText accepts error, warning (or warn) and info.
func (s *Severity) UnmarshalText(b []byte) error {
	switch v := Severity(b); v {
	case SeverityError, SeverityWarning, SeverityInfo:
		*s = v
	case "warn":
		*s = SeverityWarning
	default:
		return fmt.Errorf("severity %q: want error, warning or info", b)
	}
	return nil
}

// Grade grades a difference: breaking, warning or info. A gate never hides
// a breaking difference.
type Grade string

// The grades of a difference, from worst to mildest.
const (
	Breaking    Grade = "breaking"
	GradeWarn   Grade = "warning"
	GradeInfo   Grade = "info"
	gradeAbsent Grade = ""
)

// Grades lists the grades, worst first.
func Grades() []Grade { return []Grade{Breaking, GradeWarn, GradeInfo} }

func (g Grade) rank() int {
	switch g {
	case Breaking:
		return 3
	case GradeWarn:
		return 2
	case GradeInfo:
		return 1
	}
	return 0
}

// AtLeast reports whether g is as bad as t or worse.
func (g Grade) AtLeast(t Grade) bool { return g.rank() >= t.rank() && g != gradeAbsent }

// ParseGrade reads breaking, warning (or warn) or info.
func ParseGrade(s string) (Grade, error) {
	var g Grade
	err := g.UnmarshalText([]byte(s))
	return g, err
}

// UnmarshalText accepts breaking, warning (or warn) and info.
func (g *Grade) UnmarshalText(b []byte) error {
	switch v := Grade(b); v {
	case Breaking, GradeWarn, GradeInfo:
		*g = v
	case "warn":
		*g = GradeWarn
	default:
		return fmt.Errorf("grade %q: want breaking, warning or info", b)
	}
	return nil
}

// Judge gives the outcome that a step's findings call for: error when the
// harness failed (harnessErr is not empty), fail for an error violation or a
// breaking difference, warn for a warning violation or a warning difference,
// pass otherwise. Info findings never change the outcome.
func Judge(vs []Violation, ds []Difference, harnessErr string) Outcome {
	if harnessErr != "" {
		return Error
	}
	o := Pass
	for _, v := range vs {
		switch v.Severity {
		case SeverityError:
			o = o.Worse(Fail)
		case SeverityWarning:
			o = o.Worse(Warn)
		}
	}
	for _, d := range ds {
		switch d.Grade {
		case Breaking:
			o = o.Worse(Fail)
		case GradeWarn:
			o = o.Worse(Warn)
		}
	}
	return o
}
