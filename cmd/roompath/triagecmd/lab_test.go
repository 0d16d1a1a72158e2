package triagecmd

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden verdicts")

// TestLabVerdicts runs the real roompath binary inside the path lab's
// client namespace against every fault class and pins the verdict of each
// (layer, message, first next step) in testdata/lab_verdicts.golden.
func TestLabVerdicts(t *testing.T) {
	nslab.Need(t)
	bin := filepath.Join(t.TempDir(), "roompath")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	lab, err := nslab.NewPathLab()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	scenarios := []struct{ name, room string }{
		{"healthy", lab.Open},
		{"closed", lab.Closed},
		{"dropped", lab.Dropped},
		{"rejected", lab.Rejected},
		{"forged reset", lab.ForgedReset},
		{"no neighbor behind router", lab.NoNeighbor},
		{"local unreachable route", lab.Unreachable},
		{"wifi client isolation", lab.Isolated},
		{"through a tunnel", lab.TunnelRoom},
		{"dual stack, IPv6 dropped", dualRoom(t, lab)},
	}
	var got strings.Builder
	for _, sc := range scenarios {
		cmd := lab.Client.Command(context.Background(), bin, "triage", "--room", sc.room, "--skip", "status,dns,proxy,tls",
			"--timeout", "1500ms", "-o", "json")
		out, err := cmd.Output()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatalf("%s: %v", sc.name, err)
		}
		reporttest.ValidateJSON(t, out)
		var rep report.Report
		if err := json.Unmarshal(out, &rep); err != nil || rep.Verdict == nil {
			t.Fatalf("%s: no verdict: %v\n%s", sc.name, err, out)
		}
		v := rep.Verdict
		msg := rttPattern.ReplaceAllString(v.Message, "(N ms)") // RTTs vary run to run
		fmt.Fprintf(&got, "%s: %s %s\n  %s\n  next: %s\n", sc.name, v.Status, v.Layer, msg, first(v.NextSteps))
	}
	path := filepath.Join("testdata", "lab_verdicts.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestLabVerdicts -update as root)", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("verdicts changed (-want +got):\n%s", diff)
	}
}

var rttPattern = regexp.MustCompile(`\([0-9.]+ ms\)`)

// dualRoom names a room with two addresses in the client namespace's
// hosts file (ip netns exec mounts /etc/netns/NAME/hosts over /etc/hosts):
// the open room's IPv4 address and the dropped room's IPv6 one.
func dualRoom(t *testing.T, lab *nslab.PathLab) string {
	t.Helper()
	dir := filepath.Join("/etc/netns", lab.Client.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	hosts := fmt.Sprintf("127.0.0.1 localhost\n%s dualroom\n%s dualroom\n", lab.Open, lab.DroppedV6)
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
	return "dualroom"
}

func first(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return s[0]
}
