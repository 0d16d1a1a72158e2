package report

import (
	"encoding/json"
	"io"
)

type jsonEncoder struct{ w io.Writer }

func (e *jsonEncoder) Begin(*Report) error  { return nil }
func (e *jsonEncoder) Result(*Result) error { return nil }
func (e *jsonEncoder) Streams() bool        { return false }
func (e *jsonEncoder) End(r *Report) error {
	if r.Results == nil {
		r.Results = []Result{}
	}
	enc := json.NewEncoder(e.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// ndjsonEncoder writes one result per line as results complete, then the
// envelope without results as the last line.
type ndjsonEncoder struct {
	w   io.Writer
	enc *json.Encoder
}

func (e *ndjsonEncoder) Begin(*Report) error {
	e.enc = json.NewEncoder(e.w)
	e.enc.SetEscapeHTML(false)
	return nil
}

func (e *ndjsonEncoder) Result(res *Result) error { return e.enc.Encode(res) }
func (e *ndjsonEncoder) Streams() bool            { return true }

func (e *ndjsonEncoder) End(r *Report) error {
	// The trailer omits "results": they were the lines above.
	type trailer Report
	t := struct {
		*trailer
		Results []Result `json:"results,omitempty"`
	}{trailer: (*trailer)(r)}
	return e.enc.Encode(t)
}
