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
// not know (later minor additions) are ignored. Totals are recomputed.
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

// Write encodes r as results.json: version set to Version, totals
// recomputed, transcripts redacted, indented. r itself is not modified.
func Write(w io.Writer, r *Results) error {
	out := *r
	out.Version = Version
	t := r.Count()
	out.Totals = &t
	out.Scenarios = redactScenarios(r.Scenarios)
	if out.Scenarios == nil {
		out.Scenarios = []Scenario{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("reports: write results: %w", err)
	}
	return nil
}

// redactScenarios returns scenarios whose transcripts are redacted, sharing
// everything else with the input.
func redactScenarios(in []Scenario) []Scenario {
	var out []Scenario
	for i := range in {
		for j := range in[i].Steps {
			if in[i].Steps[j].Transcript == nil {
				continue
			}
			if out == nil {
				out = append([]Scenario(nil), in...)
			}
			if &out[i].Steps[0] == &in[i].Steps[0] {
				out[i].Steps = append([]Step(nil), in[i].Steps...)
			}
			t := RedactTranscript(*in[i].Steps[j].Transcript)
			out[i].Steps[j].Transcript = &t
		}
	}
	if out == nil {
		return in
	}
	return out
}
