package report

import (
	"fmt"
	"io"
	"strings"
)

// Encoder writes a report in one output format. Begin is called once before
// any result, Result once per result in completion order, End once with the
// finished envelope. Encoders are not safe for concurrent use; Writer
// serialises calls.
type Encoder interface {
	Begin(r *Report) error
	Result(res *Result) error
	End(r *Report) error
	// Streams reports whether the encoder writes each result as it comes,
	// so the Writer need not keep them (memory stays flat on sweeps).
	Streams() bool
}

// Formats lists the accepted values of -o/--output.
var Formats = []string{"text", "json", "ndjson", "junit", "html"}

// EncoderOptions tunes the encoders that care.
type EncoderOptions struct {
	// Color turns on ANSI colour in the text format; set it only when the
	// output is a terminal.
	Color bool
}

// NewEncoder returns the encoder for format writing to w, or an error naming
// the unknown format.
func NewEncoder(format string, w io.Writer, opt EncoderOptions) (Encoder, error) {
	switch format {
	case "text", "":
		return &textEncoder{w: w, color: opt.Color}, nil
	case "json":
		return &jsonEncoder{w: w}, nil
	case "ndjson":
		return &ndjsonEncoder{w: w}, nil
	case "junit":
		return &junitEncoder{w: w}, nil
	case "html":
		return newHTMLEncoder(w), nil
	}
	return nil, fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
}
