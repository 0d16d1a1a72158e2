package portcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// noDNS stands for the system resolver: tests never ask the real one.
func noDNS(_ context.Context, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func execute(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	t := newTool(noDNS)
	t.Vantage = func() report.Vantage { return report.Vantage{Hostname: "test"} }
	code = cli.Execute(t, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad address", []string{"10.0.0.300"}, `invalid address "10.0.0.300"`},
		{"bad port", []string{"-p", "70000", "127.0.0.1"}, `invalid port "70000"`},
		{"huge sweep", []string{"10.0.0.0/4"}, "even with --force"},
		{"above max-targets", []string{"10.0.0.0/15"}, "add --force"},
		{"bad timeout", []string{"--timeout", "banana", "127.0.0.1"}, `invalid argument "banana"`},
		{"negative timeout", []string{"--timeout", "-1s", "127.0.0.1"}, "must be positive"},
		{"no targets", []string{}, "no targets"},
		{"bad format", []string{"-o", "yaml", "127.0.0.1"}, `unknown output format "yaml"`},
		{"bad expect", []string{"--expect", "maybe", "127.0.0.1"}, "--expect"},
		{"zero attempts", []string{"--attempts", "0", "127.0.0.1"}, "--attempts"},
		{"missing file", []string{"--targets-file", "/nonexistent/x"}, "--targets-file"},
		{"unknown flag", []string{"--colour", "127.0.0.1"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := execute(tt.args...)
			if code != report.ExitUsage {
				t.Errorf("exit = %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.want) || !strings.HasPrefix(lines[0], "portcheck: ") {
				t.Errorf("stderr = %q, want one line containing %q", errs, tt.want)
			}
		})
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
	got := []string{rep.Results[0].Observed, rep.Results[1].Observed}
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
