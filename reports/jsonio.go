package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxResultsBytes bounds the size of a results.json that Read accepts.
const MaxResultsBytes = 1 << 30

// ErrVersion is returned (wrapped) by Read for a file whose version this
// package does not read.
var ErrVersion = errors.New("unsupported results version")

// ErrFormat is returned (wrapped) by Read for input that is not a results
// file.
var ErrFormat = errors.New("not a results file")

// Read decodes results.json. It accepts version 1 only, and fields it does
// not know (later minor additions) are ignored. Outcomes left out are
// filled in as Settle does, and totals are recomputed.
func Read(rd io.Reader) (*Results, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxResultsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reports: read results: %w", err)
	}
	if len(data) > MaxResultsBytes {
		return nil, fmt.Errorf("reports: results larger than %d bytes: %w", MaxResultsBytes, ErrFormat)
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("reports: %w: %w", ErrFormat, jsonError(data, err))
	}
	switch {
	case head.Version == nil:
		return nil, fmt.Errorf("reports: no \"version\" field: %w", ErrFormat)
	case *head.Version != Version:
		return nil, fmt.Errorf("reports: results version %d, this ovcompat reads version %d (use a matching ovcompat): %w", *head.Version, Version, ErrVersion)
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("reports: %w: %w", ErrFormat, jsonError(data, err))
	}
	r.Settle()
	if err := check(&r); err != nil {
		return nil, fmt.Errorf("%w: %w", err, ErrFormat)
	}
	t := r.Count()
	r.Totals = &t
	return &r, nil
}

// jsonError adds the line and column to a JSON syntax or type error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// ErrInvalid is returned (wrapped) by Write for results it cannot write: an
// outcome that is not one of the five (Settle fills outcomes left empty), a
// violation without a severity, a difference without a grade.
var ErrInvalid = errors.New("invalid results")

// Write encodes r as results.json: version set to Version, totals
// recomputed, transcripts redacted, indented. r itself is not modified.
// Every scenario and step needs a valid outcome (see Settle), every
// violation a severity and every difference a grade.
func Write(w io.Writer, r *Results) error {
	if err := check(r); err != nil {
		return fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	out := *r
	out.Version = Version
	t := r.Count()
	out.Totals = &t
	out.Scenarios = normalise(r.Scenarios)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("reports: write results: %w", err)
	}
	return nil
}

// check finds the first value results.json cannot hold.
func check(r *Results) error {
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		if !sc.Outcome.Valid() {
			return fmt.Errorf("reports: scenario %q: outcome %q is not pass, warn, fail, error or skip (Settle fills it from the steps)", sc.Name, sc.Outcome)
		}
		for j := range sc.Steps {
			st := &sc.Steps[j]
			if !st.Outcome.Valid() {
				return fmt.Errorf("reports: scenario %q step %d: outcome %q is not pass, warn, fail, error or skip (Settle fills it from the findings)", sc.Name, st.Index, st.Outcome)
			}
			for k, v := range st.Violations {
				if v.Severity.rank() == 0 {
					return fmt.Errorf("reports: scenario %q step %d violation %d: severity %q is not error, warning or info", sc.Name, st.Index, k, v.Severity)
				}
			}
			for k, d := range st.Differences {
				if d.Grade.rank() == 0 {
					return fmt.Errorf("reports: scenario %q step %d difference %d: grade %q is not breaking, warning or info", sc.Name, st.Index, k, d.Grade)
				}
			}
		}
	}
	return nil
}

// normalise returns a copy of scenarios as results.json holds them: steps
// never null, transcripts redacted. Step slices are shared with the input
// unless a transcript had to be redacted.
func normalise(in []Scenario) []Scenario {
	out := make([]Scenario, len(in))
	copy(out, in)
	for i := range out {
		if out[i].Steps == nil {
			out[i].Steps = []Step{}
		}
		copied := false
		for j := range in[i].Steps {
			if in[i].Steps[j].Transcript == nil {
				continue
			}
			if !copied {
				out[i].Steps = append([]Step(nil), in[i].Steps...)
				copied = true
			}
			t := RedactTranscript(*in[i].Steps[j].Transcript)
			out[i].Steps[j].Transcript = &t
		}
	}
	return out
}
