package mediacmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// loopback writes thresholds for the tests' loopback streams: they check
// the command, not the quality of a loaded machine's loopback.
func loopback(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "loopback.yaml")
	os.WriteFile(p, []byte("loss_pct: 1\nburst_loss_pct: 10\njitter_ms: 1000\nrtt_ms: 2000\nreorder_pct: 100\nwindow: 15s\n"), 0o600)
	return p
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	badYAML := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badYAML, []byte("loss_pct: 1\nbogus: 2\n"), 0o600)
	emptyFile, hugeFile := filepath.Join(dir, "empty"), filepath.Join(dir, "huge")
	os.WriteFile(emptyFile, []byte("\n"), 0o600)
	os.WriteFile(hugeFile, bytes.Repeat([]byte("k"), 5000), 0o600)
	clitest.ExpectUsage(t, Tool, []clitest.UsageCase{
		{Name: "no responder", Args: []string{}, Want: "want exactly one RESPONDER"},
		{Name: "two responders", Args: []string{"a", "b"}, Want: "want exactly one RESPONDER"},
		{Name: "bad responder", Args: []string{"a b"}, Want: "not a host"},
		{Name: "responder port 0", Args: []string{"h:0"}, Want: "port 1-65535"},
		{Name: "port clash", Args: []string{"--stream-port", "8802", "h:8801"}, Want: "stream port is 8802"},
		{Name: "bad port list", Args: []string{"-p", "70000", "h"}, Want: "--port"},
		{Name: "stream port 0", Args: []string{"--stream-port", "0", "h"}, Want: "--stream-port must be 1-65535"},
		{Name: "stream port big", Args: []string{"--stream-port", "65536", "h"}, Want: "--stream-port must be 1-65535"},
		{Name: "duration short", Args: []string{"--duration", "500ms", "h"}, Want: "--duration 500ms is below the minimum 1s"},
		{Name: "duration long", Args: []string{"--duration", "11m", "h"}, Want: "--duration 11m0s is above the maximum 10m0s"},
		{Name: "duration junk", Args: []string{"--duration", "soon", "h"}, Want: "invalid argument"},
		{Name: "pps 0", Args: []string{"--pps", "0", "h"}, Want: "--pps must be 1-1000"},
		{Name: "pps big", Args: []string{"--pps", "1001", "h"}, Want: "--pps must be 1-1000"},
		{Name: "too many packets", Args: []string{"--pps", "1000", "--duration", "4m", "h"}, Want: "more than 200000"},
		{Name: "size small", Args: []string{"--size", "63", "h"}, Want: "--size must be 64-1200"},
		{Name: "size big", Args: []string{"--size", "1201", "h"}, Want: "--size must be 64-1200"},
		{Name: "dscp big", Args: []string{"--dscp", "64", "h"}, Want: "--dscp must be 0-63 or none"},
		{Name: "dscp word", Args: []string{"--dscp", "ef", "h"}, Want: "--dscp must be 0-63 or none"},
		{Name: "thresholds missing", Args: []string{"--thresholds", filepath.Join(dir, "none.yaml"), "h"}, Want: "--thresholds"},
		{Name: "thresholds strict", Args: []string{"--thresholds", badYAML, "h"}, Want: "bogus"},
		{Name: "timeout", Args: []string{"--timeout", "1ms", "h"}, Want: "below the minimum"},
		{Name: "format", Args: []string{"-o", "yaml", "h"}, Want: "unknown output format"},
		{Name: "key and key file", Args: []string{"--key", "a", "--key-file", badYAML, "h"}, Want: "not both"},
		{Name: "key file missing", Args: []string{"--key-file", filepath.Join(dir, "none"), "h"}, Want: "--key-file"},
		{Name: "key file empty", Args: []string{"--key-file", emptyFile, "h"}, Want: "no key"},
		{Name: "key file huge", Args: []string{"--key-file", hugeFile, "h"}, Want: "longer than"},
	})
}

// startResponder runs the reflector on a loopback UDP port.
func startResponder(t *testing.T, key string) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responder.NewReflector(responder.UDPConfig{Key: []byte(key)}).Serve(ctx, c); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return c.LocalAddr().(*net.UDPAddr).Port
}

func closedPort(t *testing.T) int {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// TestAgainstLoopbackResponder: the JSON report validates against the
// schema, with one udp result per port and the media result last.
func TestAgainstLoopbackResponder(t *testing.T) {
	port := strconv.Itoa(startResponder(t, "k"))
	code, out, errs := clitest.Execute(Tool(), "-o", "json", "-p", port, "--duration", "1s", "--key", "k", "--timeout", "500ms", "--thresholds", loopback(t), "127.0.0.1:"+port)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	reporttest.ValidateJSON(t, []byte(out))
	var rep report.Report
	json.Unmarshal([]byte(out), &rep)
	if len(rep.Results) != 2 || rep.Results[0].Observed != "open" || rep.Results[1].Observed != "good" || rep.Results[1].Layer != "media" {
		t.Fatalf("results %+v", rep.Results)
	}
}

// mask hides what changes between runs: times, ports, the date line.
var mask = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d+(\.\d+)? ms`), "N ms"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`UDP \d+`), "UDP PORT"},
	{regexp.MustCompile(`--udp \d+`), "--udp PORT"},
	{regexp.MustCompile(`(?m)^mediacheck .*$`), "mediacheck HEADER"},
}

// TestTextGolden: the text report of an open port, a closed one and a
// good stream.
func TestTextGolden(t *testing.T) {
	open, closed := startResponder(t, ""), closedPort(t)
	_, out, _ := clitest.Execute(Tool(), "-p", strconv.Itoa(open)+","+strconv.Itoa(closed), "--stream-port", strconv.Itoa(open),
		"--duration", "1s", "--timeout", "500ms", "--thresholds", loopback(t), "127.0.0.1")
	for _, m := range mask {
		out = m.re.ReplaceAllString(out, m.with)
	}
	golden := filepath.Join("testdata", "loopback.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(out), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil || string(want) != out {
		t.Errorf("text report differs from %s (run with -args -update):\n%s", golden, out)
	}
}

// TestInterruptWritesPartialReport: SIGINT during the stream still writes
// the report: the ports, and the stream as not_run (interrupted).
func TestInterruptWritesPartialReport(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	bin := filepath.Join(t.TempDir(), "mediacheck")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/mediacheck").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	port := strconv.Itoa(startResponder(t, ""))
	cmd := exec.Command(bin, "-o", "json", "-p", port, "--duration", "60s", "--timeout", "300ms", "127.0.0.1:"+port)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // the port answers; the stream runs
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != report.ExitInterrupted {
		t.Fatalf("exit = %v, want 130", err)
	}
	reporttest.ValidateJSON(t, out.Bytes())
	var rep report.Report
	json.Unmarshal(out.Bytes(), &rep)
	if !rep.Interrupted || len(rep.Results) != 2 || rep.Results[1].Observed != "not_run" || *rep.Results[1].Failure != "interrupted" {
		t.Errorf("interrupted=%v results=%+v", rep.Interrupted, rep.Results)
	}
}
