package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/roompath/roompath/internal/version"
	"github.com/roompath/roompath/report"
)

// sinkEncoder hands each result to a function and writes nothing.
type sinkEncoder struct{ sink func(report.Result) }

func (s sinkEncoder) Begin(*report.Report) error    { return nil }
func (s sinkEncoder) Result(r *report.Result) error { s.sink(*r); return nil }
func (s sinkEncoder) End(*report.Report) error      { return nil }
func (s sinkEncoder) Streams() bool                 { return true }

// Sub is another tool prepared to run inside an umbrella command (roompath
// triage, roompath run): its flags parsed and its plan checked, so bad
// input is reported before anything is sent.
type Sub struct{ t Tool }

// PrepareSub parses args with t's flags and prepares t. Errors are usage
// errors naming the tool.
func PrepareSub(t Tool, args []string) (*Sub, error) {
	t.Flags.SetOutput(io.Discard)
	if err := t.Flags.Parse(args); err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("%s: %v", t.Name, err)}
	}
	if err := CheckDuration("timeout", t.Common.Timeout, MinTimeout, MaxTimeout); err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("%s: %v", t.Name, err)}
	}
	if err := t.Prepare(t.Flags.Args()); err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("%s: %v", t.Name, err)}
	}
	return &Sub{t: t}, nil
}

// Name is the tool's name.
func (s *Sub) Name() string { return s.t.Name }

// Run runs the prepared tool, passing every result to sink as it
// completes (sink may be called from several goroutines, one at a time).
func (s *Sub) Run(ctx context.Context, stderr io.Writer, sink func(report.Result)) error {
	w := report.NewWriter(s.t.Name, version.Version, report.Vantage{Hostname: "-"}, sinkEncoder{sink}, report.Options{Command: []string{}})
	env := &Env{Writer: w, Stderr: stderr, Streaming: true}
	if err := s.t.Run(ctx, env); err != nil {
		return fmt.Errorf("%s: %w", s.t.Name, err)
	}
	return nil
}
