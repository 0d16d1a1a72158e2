package pathprobe

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// helperEnv, set to 1, makes this test binary run one path check instead
// of the tests (labHelper): the lab tests start it inside a namespace.
const helperEnv = "PATHPROBE_LAB_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		os.Exit(labHelper(os.Args[1:]))
	}
	code := m.Run()
	closeLab()
	os.Exit(code)
}

// labHelper checks the path to the room args name ("[--timeout D]
// [--max-hops N] [--port P] ROOM") and writes the JSON report to stdout,
// with the vantage of this process; it returns the report's exit code.
func labHelper(args []string) int {
	fs := flag.NewFlagSet("pathprobe-helper", flag.ContinueOnError)
	timeout := fs.Duration("timeout", time.Second, "per-TTL timeout")
	maxHops := fs.Int("max-hops", 0, "highest TTL probed")
	port := fs.Uint("port", 0, "TCP port")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: [--timeout D] [--max-hops N] [--port P] ROOM")
		return report.ExitUsage
	}
	addr, err := netip.ParseAddr(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return report.ExitUsage
	}
	p, err := NewPath(PathConfig{Target: probe.TCPTarget{Addr: addr, Port: uint16(*port)}, Timeout: *timeout, MaxHops: *maxHops})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return report.ExitUsage
	}
	enc, err := report.NewEncoder("json", os.Stdout, report.EncoderOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return report.ExitCannotRun
	}
	w := report.NewWriter("pathprobe.test", "test", netpath.Vantage(), enc, report.Options{})
	p.Run(context.Background(), w.Add)
	code, err := w.Finish(false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return report.ExitCannotRun
	}
	return code
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
