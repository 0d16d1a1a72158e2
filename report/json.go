package report

import (
	"bytes"
	"encoding/json"
	"io"
)

// jsonEncoder writes one indented JSON document. A report of at most
// SpillAfter results is written whole at the end, in the schema's field
// order. A larger one streams: at the spill the head (everything before
// "results", less duration_ms) and the kept results, then each result as
// it completes, then "summary", "interrupted" and "duration_ms" after the
// array. Either way the output is one valid document, also on SIGINT
// (the Writer serialises End after the last Result).
type jsonEncoder struct {
	w       io.Writer
	spilled bool
	n       int // results written since the spill
	buf     bytes.Buffer
	compact bytes.Buffer  // one result as enc writes it
	out     []byte        // one result indented, reused
	enc     *json.Encoder // compact, onto compact
}

func (e *jsonEncoder) Begin(*Report) error { return nil }
func (e *jsonEncoder) Streams() bool       { return false }

// jsonHead is the envelope before "results" in a streamed document:
// duration_ms moves after the array, where it is known.
type jsonHead struct {
	Schema    string   `json:"schema"`
	Tool      string   `json:"tool"`
	Version   string   `json:"version"`
	StartedAt any      `json:"started_at"`
	Command   []string `json:"command,omitempty"`
	Vantage   Vantage  `json:"vantage"`
	Verdict   *Verdict `json:"verdict,omitempty"`
}

func (e *jsonEncoder) spill(r *Report) error {
	e.spilled = true
	e.enc = json.NewEncoder(&e.compact) // results: compact, then appendIndent
	e.enc.SetEscapeHTML(false)
	h := jsonHead{Schema: r.Schema, Tool: r.Tool, Version: r.Version, StartedAt: r.StartedAt, Command: r.Command, Vantage: r.Vantage, Verdict: r.Verdict}
	e.buf.Reset()
	if err := indented(&e.buf).Encode(h); err != nil {
		return err
	}
	// Reopen the head object (drop its closing "\n}\n") and continue with
	// the results array.
	head := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n}\n"))
	e.buf.Truncate(len(head))
	e.buf.WriteString(",\n  \"results\": [")
	if _, err := e.w.Write(e.buf.Bytes()); err != nil {
		return err
	}
	for i := range r.Results {
		if err := e.Result(&r.Results[i]); err != nil {
			return err
		}
	}
	return nil
}

// Result writes one result of a streamed document (a no-op before the
// spill: the Writer keeps those).
func (e *jsonEncoder) Result(res *Result) error {
	if !e.spilled {
		return nil
	}
	e.compact.Reset()
	if err := e.enc.Encode(res); err != nil {
		return err
	}
	out := e.out[:0]
	if e.n > 0 {
		out = append(out, ',')
	}
	out = append(out, "\n    "...)
	e.n++
	out = appendIndent(out, bytes.TrimSuffix(e.compact.Bytes(), []byte("\n")), "    ", "  ")
	e.out = out
	_, err := e.w.Write(out)
	return err
}

// indented is an encoder of the document's own layout onto b.
func indented(b *bytes.Buffer) *json.Encoder {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc
}

func (e *jsonEncoder) End(r *Report) error {
	if e.spilled {
		return e.endStream(r)
	}
	if r.Results == nil {
		r.Results = []Result{}
	}
	enc := json.NewEncoder(e.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// endStream closes the results array and writes what is known only at the
// end.
func (e *jsonEncoder) endStream(r *Report) error {
	tail := struct {
		Summary     Summary `json:"summary"`
		Interrupted bool    `json:"interrupted"`
		DurationMS  float64 `json:"duration_ms"`
	}{r.Summary, r.Interrupted, r.DurationMS}
	e.buf.Reset()
	if err := indented(&e.buf).Encode(tail); err != nil {
		return err
	}
	body := bytes.TrimSuffix(bytes.TrimPrefix(e.buf.Bytes(), []byte("{")), []byte("\n"))
	var out bytes.Buffer
	if e.n > 0 {
		out.WriteString("\n  ")
	}
	out.WriteString("],")
	out.Write(body)
	out.WriteString("\n")
	_, err := e.w.Write(out.Bytes())
	return err
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
