package portcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// noDNS stands for the system resolver: tests never ask the real one.
func noDNS(_ context.Context, host string) (targets.Resolved, error) {
	return targets.Resolved{}, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func execute(args ...string) (code int, stdout, stderr string) {
	return clitest.Execute(newTool(noDNS), args...)
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	clitest.ExpectUsage(t, func() cli.Tool { return newTool(noDNS) }, []clitest.UsageCase{
		{Name: "bad address", Args: []string{"10.0.0.300"}, Want: `invalid address "10.0.0.300"`},
		{Name: "bad port", Args: []string{"-p", "70000", "127.0.0.1"}, Want: `invalid port "70000"`},
		{Name: "huge sweep", Args: []string{"10.0.0.0/4"}, Want: "even with --force"},
		{Name: "above max-targets", Args: []string{"10.0.0.0/15"}, Want: "add --force"},
		{Name: "bad timeout", Args: []string{"--timeout", "banana", "127.0.0.1"}, Want: `invalid argument "banana"`},
		{Name: "negative timeout", Args: []string{"--timeout", "-1s", "127.0.0.1"}, Want: "below the minimum"},
		{Name: "no targets", Args: []string{}, Want: "no targets"},
		{Name: "bad format", Args: []string{"-o", "yaml", "127.0.0.1"}, Want: `unknown output format "yaml"`},
		{Name: "bad expect", Args: []string{"--expect", "maybe", "127.0.0.1"}, Want: "--expect"},
		{Name: "zero attempts", Args: []string{"--attempts", "0", "127.0.0.1"}, Want: "--attempts"},
		{Name: "missing file", Args: []string{"--targets-file", "/nonexistent/x"}, Want: "--targets-file"},
		{Name: "unknown flag", Args: []string{"--colour", "127.0.0.1"}, Want: "unknown flag"},
	})
}

// TestFlagBoundsExitTwoWithOneLine holds every numeric flag to its
// documented bounds: each bad value is one line, exit 2, naming it.
func TestFlagBoundsExitTwoWithOneLine(t *testing.T) {
	clitest.ExpectUsage(t, func() cli.Tool { return newTool(noDNS) }, []clitest.UsageCase{
		{Name: "rate NaN", Args: []string{"--rate", "NaN", "127.0.0.1"}, Want: "--rate NaN is not a finite number"},
		{Name: "rate Inf", Args: []string{"--rate", "Inf", "127.0.0.1"}, Want: "--rate +Inf is not a finite number"},
		{Name: "rate -Inf", Args: []string{"--rate", "-Inf", "127.0.0.1"}, Want: "--rate -Inf is not a finite number"},
		{Name: "rate 1e-300", Args: []string{"--rate", "1e-300", "127.0.0.1"}, Want: "--rate 1e-300 is below the minimum 0.1"},
		{Name: "rate negative", Args: []string{"--rate", "-1", "127.0.0.1"}, Want: "--rate -1 is below the minimum 0.1 (0 means no cap)"},
		{Name: "rate 1e300", Args: []string{"--rate", "1e300", "127.0.0.1"}, Want: "--rate 1e+300 is above the maximum 100000"},
		{Name: "timeout 1ns", Args: []string{"--timeout", "1ns", "127.0.0.1"}, Want: "--timeout 1ns is below the minimum 10ms"},
		{Name: "timeout 999999h", Args: []string{"--timeout", "999999h", "127.0.0.1"}, Want: "--timeout 999999h0m0s is above the maximum 10m0s"},
		{Name: "attempts 101", Args: []string{"--attempts", "101", "127.0.0.1"}, Want: "--attempts must be 1-100, got 101"},
		{Name: "concurrency 0", Args: []string{"--concurrency", "0", "127.0.0.1"}, Want: "--concurrency must be 1-4096, got 0"},
		{Name: "concurrency huge", Args: []string{"--concurrency", "1000000", "127.0.0.1"}, Want: "--concurrency must be 1-4096, got 1000000"},
		{Name: "max-targets 0", Args: []string{"--max-targets", "0", "127.0.0.1"}, Want: "--max-targets must be 1-16777216, got 0"},
		{Name: "max-targets above the hard limit", Args: []string{"--max-targets", "99999999999", "127.0.0.1"}, Want: "--max-targets must be 1-16777216, got 99999999999"},
		{Name: "unknown zone", Args: []string{"fe80::1%nonexist"}, Want: `zone "nonexist" names no interface of this host`},
		{Name: "unknown zone in a file", Args: []string{"--targets-file", writeTargets(t, "127.0.0.1\n[fe80::2%nonexist]:9090\n")}, Want: `line 2: invalid target "[fe80::2%nonexist]:9090"`},
	})
}

// writeTargets writes a --targets-file for a test.
func writeTargets(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestShortestTimeoutStillSeesClosedPorts checks that the lowest --timeout
// accepted (10ms) is long enough for a closed loopback port to read
// closed, not filtered, and an open one open (or unconfirmed, never
// filtered): the bound is what keeps --timeout 1ns from calling closed
// ports filtered.
func TestShortestTimeoutStillSeesClosedPorts(t *testing.T) {
	open, closed := probetest.Open(t), probetest.Closed(t)
	code, out, errs := execute("-o", "json", "--timeout", cli.MinTimeout.String(), closed.String(), open.String())
	if code != report.ExitFail {
		t.Fatalf("exit = %d, want 1 (one closed port); stderr %s", code, errs)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || rep.Results[0].Observed != "closed" || rep.Results[0].Reason != "conn_refused" || rep.Results[1].Observed != "open" {
		t.Errorf("results %+v, want closed (conn_refused) then open", rep.Results)
	}
}

func TestLoopbackJSONMatchesSchema(t *testing.T) {
	open, closed := probetest.Open(t), probetest.Closed(t)
	code, out, errs := execute("-o", "json", "--timeout", "2s", open.String(), closed.String())
	if code != report.ExitFail {
		t.Fatalf("exit = %d, want 1 (one port closed); stderr %s", code, errs)
	}
	reporttest.ValidateJSON(t, []byte(out))
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := []string{string(rep.Results[0].Observed), string(rep.Results[1].Observed)}
	if got[0] != "open" || got[1] != "closed" || rep.Summary.Fail != 1 || rep.Summary.Pass != 1 {
		t.Errorf("observed %v, summary %+v", got, rep.Summary)
	}
}

func TestExpectBlocked(t *testing.T) {
	closed := probetest.Closed(t)
	if code, _, errs := execute("--expect", "blocked", closed.String()); code != report.ExitOK {
		t.Errorf("a closed port must pass a must-not-reach check: exit %d, %s", code, errs)
	}
	open := probetest.Open(t)
	if code, _, _ := execute("--expect", "blocked", open.String()); code != report.ExitFail {
		t.Errorf("an open port must fail a must-not-reach check: exit %d", code)
	}
}

func TestTargetsFileAndNDJSON(t *testing.T) {
	open := probetest.Open(t)
	path := filepath.Join(t.TempDir(), "rooms.txt")
	body := "# rooms\n" + open.String() + "\n127.0.0.1:" + open.String()[strings.LastIndex(open.String(), ":")+1:] + " # again\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := execute("-o", "ndjson", "--targets-file", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	reporttest.ValidateNDJSON(t, []byte(out))
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("want 2 result lines and a trailer, got %d lines:\n%s", n, out)
	}
}

func TestUnresolvableHostIsAResult(t *testing.T) {
	code, out, _ := execute("-o", "json", "--timeout", "1s", "no-such-room.invalid")
	if code != report.ExitFail {
		t.Fatalf("exit = %d, want 1", code)
	}
	var rep report.Report
	_ = json.Unmarshal([]byte(out), &rep)
	if len(rep.Results) != 1 || rep.Results[0].Observed != "unresolved" || *rep.Results[0].Operation != "resolve" {
		t.Errorf("results = %+v", rep.Results)
	}
}

// TestInterruptWritesPartialReport runs the real binary, interrupts it while
// a probe waits on a silent port, and checks the partial report.
func TestInterruptWritesPartialReport(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	bin := filepath.Join(t.TempDir(), "portcheck")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/portcheck").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	open, silent := probetest.Open(t), probetest.Silent(t)
	cmd := exec.Command(bin, "-o", "json", "--timeout", "60s", open.String(), silent.String())
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond) // let the open port answer; the silent one waits
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != report.ExitInterrupted {
		t.Fatalf("exit = %v, want 130", err)
	}
	reporttest.ValidateJSON(t, out.Bytes())
	var rep report.Report
	_ = json.Unmarshal(out.Bytes(), &rep)
	if !rep.Interrupted || len(rep.Results) != 1 || rep.Results[0].Observed != "open" {
		t.Errorf("interrupted=%v results=%+v", rep.Interrupted, rep.Results)
	}
}

// TestSilentLoopbackIsFiltered checks the silent fake really stays silent.
func TestSilentLoopbackIsFiltered(t *testing.T) {
	silent := probetest.Silent(t)
	code, out, _ := execute("-o", "json", "--timeout", "300ms", silent.String())
	var rep report.Report
	_ = json.Unmarshal([]byte(out), &rep)
	if code != 1 || rep.Results[0].Observed != "filtered" || rep.Results[0].Reason != "no_response" {
		t.Errorf("exit %d, results %+v", code, rep.Results)
	}
}
