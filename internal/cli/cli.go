// Package cli is the plumbing every roompath binary shares: common flags,
// one-line usage errors with exit code 2, the report writer on stdout,
// SIGINT handling that still writes the partial report, and exit codes.
package cli

import (
	"bytes"
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
	fs.DurationVar(&c.Timeout, "timeout", defTimeout, "per-attempt timeout, 10ms to 10m (e.g. 1s, 500ms)")
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

// Execute is Main without the exit, for tests. SIGINT and SIGTERM are
// caught from the start, so an interrupt while the plan is prepared (a
// large profile, a slow file) still ends with exit code 130.
func Execute(t Tool, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer startProfiles(stderr)()
	t.Flags.SetOutput(stderr)
	t.Flags.SortFlags = false
	if err := t.Flags.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return report.ExitOK
		}
		return errLine(stderr, t.Name, err, report.ExitUsage)
	}
	if err := CheckDuration("timeout", t.Common.Timeout, MinTimeout, MaxTimeout); err != nil {
		return errLine(stderr, t.Name, err, report.ExitUsage)
	}
	enc, err := report.NewEncoder(t.Common.Output, stdout, report.EncoderOptions{Color: isTerminal(stdout) && os.Getenv("NO_COLOR") == ""})
	if err != nil {
		return errLine(stderr, t.Name, err, report.ExitUsage)
	}
	newEnv := func() *Env {
		vantage := netpath.Vantage
		if t.Vantage != nil {
			vantage = t.Vantage
		}
		w := report.NewWriter(t.Name, version.Version, vantage(), enc, report.Options{})
		return &Env{Writer: w, Stderr: redactWriter{stderr}, StderrTTY: isTerminal(stderr), Streaming: enc.Streams()}
	}
	if err := prepare(ctx, t); err != nil {
		if errors.Is(err, errInterrupted) {
			fmt.Fprintf(stderr, "%s: interrupted while preparing; nothing was probed\n", t.Name)
			return finish(t, newEnv(), nil, true, stderr)
		}
		code := report.ExitCannotRun
		if ue := (*UsageError)(nil); errors.As(err, &ue) {
			code = report.ExitUsage
		}
		return errLine(stderr, t.Name, err, code)
	}
	return run(ctx, t, newEnv(), stderr)
}

// errInterrupted is prepare's error when a signal came first.
var errInterrupted = errors.New("interrupted")

// prepare runs t.Prepare, giving up on it when ctx is cancelled (SIGINT):
// Prepare takes no context, so it is left to finish in the background
// while the (empty) interrupted report is written and the process exits.
func prepare(ctx context.Context, t Tool) error {
	done := make(chan error, 1)
	go func() { done <- t.Prepare(t.Flags.Args()) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errInterrupted
	}
}

// errLine writes err as one line naming the tool, credentials hidden and
// control characters escaped, and returns code.
func errLine(stderr io.Writer, name string, err error, code int) int {
	fmt.Fprintf(stderr, "%s: %s\n", name, report.Escape(report.RedactText(err.Error())))
	return code
}

// redactWriter hides URL credentials in what a tool writes to stderr
// (notes, progress), as errLine does for errors.
type redactWriter struct{ w io.Writer }

func (r redactWriter) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte("@")) {
		return r.w.Write(p)
	}
	if _, err := io.WriteString(r.w, report.RedactText(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func run(ctx context.Context, t Tool, env *Env, stderr io.Writer) int {
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
	return finish(t, env, runErr, interrupted, stderr)
}

// finish writes the report and maps the outcome to the exit code.
func finish(t Tool, env *Env, runErr error, interrupted bool, stderr io.Writer) int {
	code, werr := env.Writer.Finish(interrupted)
	if werr != nil {
		return errLine(stderr, t.Name, fmt.Errorf("writing report: %w", werr), report.ExitCannotRun)
	}
	if runErr != nil && !interrupted {
		if ue := (*UsageError)(nil); errors.As(runErr, &ue) {
			return errLine(stderr, t.Name, runErr, report.ExitUsage)
		}
		return errLine(stderr, t.Name, runErr, report.ExitCannotRun)
	}
	return code
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
