// Package cli is the plumbing every roompath binary shares: common flags,
// one-line usage errors with exit code 2, the report writer on stdout,
// SIGINT handling that still writes the partial report, and exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/roompath/roompath/internal/version"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/report"
)

// Common holds the flags every binary takes.
type Common struct {
	Output  string
	Timeout time.Duration
}

// AddCommon registers -o/--output and --timeout on fs with the given default
// timeout.
func AddCommon(fs *pflag.FlagSet, c *Common, defTimeout time.Duration) {
	fs.StringVarP(&c.Output, "output", "o", "text", "output format: "+strings.Join(report.Formats, ", "))
	fs.DurationVar(&c.Timeout, "timeout", defTimeout, "per-attempt timeout (e.g. 1s, 500ms)")
}

// UsageError is a bad flag, argument or config value: exit code 2 with one
// line on stderr.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// Env is what a running tool gets: the report writer and stderr for
// diagnostics and progress.
type Env struct {
	Writer *report.Writer
	Stderr io.Writer
	// StderrTTY is true when stderr is a terminal (progress bars only then).
	StderrTTY bool
	// Streaming is true when results are not retained (ndjson).
	Streaming bool
}

// Tool describes one binary (or one umbrella subcommand).
type Tool struct {
	Name   string
	Flags  *pflag.FlagSet
	Common *Common
	// Prepare checks the parsed flags and arguments and builds what Run
	// needs; a returned error is a usage error (exit 2).
	Prepare func(args []string) error
	// Run does the work and adds results to env.Writer. An error means the
	// checks could not be run (exit 3).
	Run func(ctx context.Context, env *Env) error
	// Vantage overrides how the vantage is gathered (tests); nil means
	// netpath.Vantage.
	Vantage func() report.Vantage
}

// graceAfterSignal is how long Run may take to wind down after SIGINT before
// the partial report is written regardless.
const graceAfterSignal = 2 * time.Second

// Main parses args, runs the tool and exits with the DESIGN.md exit code.
func Main(t Tool) {
	os.Exit(Execute(t, os.Args[1:], os.Stdout, os.Stderr))
}

// Execute is Main without the exit, for tests.
func Execute(t Tool, args []string, stdout, stderr io.Writer) int {
	t.Flags.SetOutput(stderr)
	t.Flags.SortFlags = false
	if err := t.Flags.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return report.ExitOK
		}
		fmt.Fprintf(stderr, "%s: %v\n", t.Name, err)
		return report.ExitUsage
	}
	if err := CheckDuration("timeout", t.Common.Timeout, MinTimeout, MaxTimeout); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", t.Name, err)
		return report.ExitUsage
	}
	enc, err := report.NewEncoder(t.Common.Output, stdout, report.EncoderOptions{Color: isTerminal(stdout) && os.Getenv("NO_COLOR") == ""})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", t.Name, err)
		return report.ExitUsage
	}
	if err := t.Prepare(t.Flags.Args()); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", t.Name, err)
		var ue *UsageError
		if errors.As(err, &ue) {
			return report.ExitUsage
		}
		return report.ExitCannotRun
	}
	vantage := netpath.Vantage
	if t.Vantage != nil {
		vantage = t.Vantage
	}
	w := report.NewWriter(t.Name, version.Version, vantage(), enc, report.Options{})
	env := &Env{Writer: w, Stderr: stderr, StderrTTY: isTerminal(stderr), Streaming: enc.Streams()}
	return run(t, env, stderr)
}

func run(t Tool, env *Env, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- t.Run(ctx, env) }()
	var runErr error
	interrupted := false
	select {
	case runErr = <-done:
		interrupted = ctx.Err() != nil
	case <-ctx.Done():
		interrupted = true
		select {
		case runErr = <-done:
		case <-time.After(graceAfterSignal):
			fmt.Fprintf(stderr, "%s: interrupted; writing the partial report\n", t.Name)
		}
	}
	code, werr := env.Writer.Finish(interrupted)
	if werr != nil {
		fmt.Fprintf(stderr, "%s: writing report: %v\n", t.Name, werr)
		return report.ExitCannotRun
	}
	if runErr != nil && !interrupted {
		fmt.Fprintf(stderr, "%s: %v\n", t.Name, runErr)
		var ue *UsageError
		if errors.As(runErr, &ue) {
			return report.ExitUsage
		}
		return report.ExitCannotRun
	}
	return code
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
