package pathcmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

func execute(args ...string) (code int, stdout, stderr string) {
	return clitest.Execute(Tool(), args...)
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	clitest.ExpectUsage(t, Tool, []clitest.UsageCase{
		{Name: "bad address", Args: []string{"10.0.0.300"}, Want: `invalid address "10.0.0.300"`},
		{Name: "zero max hops", Args: []string{"--max-hops", "0", "10.0.0.1"}, Want: "--max-hops must be 1-255, got 0"},
		{Name: "too many max hops", Args: []string{"--max-hops", "300", "10.0.0.1"}, Want: "--max-hops must be 1-255, got 300"},
		{Name: "bad timeout", Args: []string{"--timeout", "banana", "10.0.0.1"}, Want: `invalid argument "banana"`},
		{Name: "negative timeout", Args: []string{"--timeout", "-1s", "10.0.0.1"}, Want: "below the minimum"},
		{Name: "port zero", Args: []string{"--port", "0", "10.0.0.1"}, Want: "--port must be 1-65535"},
		{Name: "port too big", Args: []string{"--port", "70000", "10.0.0.1"}, Want: `invalid argument "70000"`},
		{Name: "no room", Args: []string{}, Want: "no room"},
		{Name: "a CIDR", Args: []string{"10.0.0.0/24"}, Want: "one room at a time"},
		{Name: "a range", Args: []string{"10.0.0.1-20"}, Want: "one room at a time"},
		{Name: "bad hostname", Args: []string{"-room-.example"}, Want: "unknown shorthand flag"},
		{Name: "bad format", Args: []string{"-o", "yaml", "10.0.0.1"}, Want: `unknown output format "yaml"`},
		{Name: "unknown flag", Args: []string{"--hops", "3", "10.0.0.1"}, Want: "unknown flag"},
		{Name: "timeout 1ns", Args: []string{"--timeout", "1ns", "10.0.0.1"}, Want: "--timeout 1ns is below the minimum 10ms"},
		{Name: "timeout 999999h", Args: []string{"--timeout", "999999h", "10.0.0.1"}, Want: "--timeout 999999h0m0s is above the maximum 10m0s"},
		{Name: "negative max hops", Args: []string{"--max-hops", "-1", "10.0.0.1"}, Want: "--max-hops must be 1-255, got -1"},
		{Name: "unknown zone", Args: []string{"fe80::1%nonexist"}, Want: `zone "nonexist" names no interface of this host`},
		{Name: "unknown zone with a port", Args: []string{"[fe80::1%nonexist]:9090"}, Want: `zone "nonexist" names no interface of this host`},
	})
}

func TestHelpDocumentsFlagsAndVocabulary(t *testing.T) {
	code, _, errs := execute("--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"--port", "--max-hops", "--timeout", "--output", "--no-raw", "Bounds: --timeout 10ms to 10m0s", "--max-hops\n1-255", "fe80::1%eth0", "reached", "dropped", "rejected",
		"unreachable", "reset_by_middlebox", "neighbor_failed", "no_route", "max_hops", "local_denied", "Examples:", "Exit codes"} {
		if !strings.Contains(errs, w) {
			t.Errorf("--help does not mention %q", w)
		}
	}
}

// decode parses a JSON report and its first result's detail.
func decode(t *testing.T, out string) (report.Report, map[string]any) {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rep.Results) == 0 {
		t.Fatalf("no results:\n%s", out)
	}
	d, _ := rep.Results[0].Detail.(map[string]any)
	return rep, d
}

func TestLoopback(t *testing.T) {
	open, closed := probetest.Open(t), probetest.Closed(t)
	tests := []struct {
		name     string
		target   string
		code     int
		status   report.Status
		reason   vocab.Reason
		resetHop any
	}{
		{"open", open.String(), 0, report.StatusPass, "syn_ack", nil},
		{"closed", closed.String(), 0, report.StatusWarn, "conn_refused", resetHopOnLoopback()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := execute("-o", "json", "--timeout", "2s", "--max-hops", "4", tt.target)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs)
			}
			reporttest.ValidateJSON(t, []byte(out))
			rep, d := decode(t, out)
			r := rep.Results[0]
			if r.Check != "path" || r.Observed != vocab.PathReached || r.Status != tt.status || r.Reason != tt.reason {
				t.Errorf("result %+v", r)
			}
			if d["reach_ttl"] != 1.0 || d["reset_hop"] != tt.resetHop {
				t.Errorf("reach_ttl %v reset_hop %v, want 1 and %v", d["reach_ttl"], d["reset_hop"], tt.resetHop)
			}
		})
	}
}

// resetHopOnLoopback is what reset_hop reads on loopback: 1 with
// CAP_NET_RAW, null without.
func resetHopOnLoopback() any {
	if runtime.GOOS == "linux" && netpath.HasRawSocket() {
		return 1.0
	}
	return nil
}

// schemaRecorder stands in for testing.TB to see whether ValidateJSON
// rejects a report.
type schemaRecorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *schemaRecorder) Helper() {}
func (r *schemaRecorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
}

// TestSchemaHoldsThePathVocabulary: the schema rejects path results
// outside the vocabulary.
func TestSchemaHoldsThePathVocabulary(t *testing.T) {
	open := probetest.Open(t)
	_, out, _ := execute("-o", "json", "--timeout", "2s", "--max-hops", "2", open.String())
	for _, bad := range []struct{ from, to string }{
		{`"observed": "reached"`, `"observed": "open"`},
		{`"reply": "syn_ack"`, `"reply": "accepted"`},
		{`"reason": "syn_ack"`, `"reason": "fine"`},
	} {
		if !strings.Contains(out, bad.from) {
			t.Fatalf("output lacks %s:\n%s", bad.from, out)
		}
		rec := &schemaRecorder{TB: t}
		reporttest.ValidateJSON(rec, []byte(strings.Replace(out, bad.from, bad.to, 1)))
		if !rec.failed {
			t.Errorf("schema accepted %s", bad.to)
		}
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// binary builds pathcheck once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "pathcheck-test"); buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", buildDir, "github.com/roompath/roompath/cmd/pathcheck").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "pathcheck")
}

// TestInterruptWritesPartialReport runs the binary against a silent port,
// interrupts it, and checks the partial report.
func TestInterruptWritesPartialReport(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	silent := probetest.Silent(t)
	cmd := exec.Command(binary(t), "-o", "json", "--timeout", "60s", "--max-hops", "3", silent.String())
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the trace is waiting on the silent port
	_ = cmd.Process.Signal(syscall.SIGINT)
	start := time.Now()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != report.ExitInterrupted {
		t.Fatalf("exit = %v, want 130", err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("took %v to stop after SIGINT", waited)
	}
	reporttest.ValidateJSON(t, out.Bytes())
	rep, _ := decode(t, out.String())
	if !rep.Interrupted || rep.Results[0].Observed != vocab.PathNotRun {
		t.Errorf("interrupted=%v results=%+v", rep.Interrupted, rep.Results)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
