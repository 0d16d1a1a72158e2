package portcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// buildBinary compiles portcheck for running inside a lab namespace.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portcheck")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/portcheck").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// newLab builds portcheck and the port lab (closed when the test ends), or
// skips without one.
func newLab(t *testing.T) (*nslab.PortLab, string) {
	t.Helper()
	nslab.Need(t)
	bin := buildBinary(t)
	lab, err := nslab.NewPortLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	return lab, bin
}

// runInClient runs portcheck -o json in the lab's client namespace.
func runInClient(t *testing.T, lab *nslab.PortLab, bin string, args ...string) (report.Report, []byte) {
	t.Helper()
	cmd := lab.Client.Command(context.Background(), bin, append([]string{"-o", "json"}, args...)...)
	out, err := cmd.Output()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("run: %v", err)
	}
	var rep report.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return rep, out
}

type labOutcome struct {
	Observed, Reason, ReportedBy, RouteType string
	ICMP                                    string
}

func outcomeOf(r report.Result) labOutcome {
	det, _ := r.Detail.(map[string]any)
	o := labOutcome{Observed: string(r.Observed), Reason: string(r.Reason), ReportedBy: r.ReportedBy}
	if rt, ok := det["route_type"].(string); ok {
		o.RouteType = rt
	}
	if ic, ok := det["icmp"].(map[string]any); ok {
		o.ICMP = fmt.Sprintf("%v/%v", ic["type"], ic["code"])
	}
	return o
}

// TestLabFaults sends real SYNs through the namespace lab and checks that
// every staged fault is classified exactly, with the router named where
// the evidence came from it.
func TestLabFaults(t *testing.T) {
	lab, bin := newLab(t)
	r4, r6 := lab.RouterAddr, lab.RouterAddrV6
	tests := []struct {
		name, addr string
		want       labOutcome
	}{
		{"open", lab.Open, labOutcome{"open", "syn_ack", lab.Open, "", ""}},
		{"closed", lab.Closed, labOutcome{"closed", "conn_refused", lab.Closed, "", ""}},
		{"dropped", lab.Dropped, labOutcome{"filtered", "no_response", "", "", ""}},
		{"rejected admin-prohibited", lab.Rejected, labOutcome{"filtered", "admin_prohibited", r4, "", "3/13"}},
		{"forged reset looks closed", lab.ForgedReset, labOutcome{"closed", "conn_refused", lab.ForgedReset, "", ""}},
		{"router ARP fails", lab.NoNeighbor, labOutcome{"unreachable", "host_unreach", r4, "", "3/1"}},
		{"router has no route", lab.NetUnreach, labOutcome{"unreachable", "net_unreach", r4, "", "3/0"}},
		{"local unreachable route", lab.LocalUnreachable, labOutcome{"no_route", "no_route", "", "unreachable", ""}},
		{"local prohibit route", lab.LocalProhibit, labOutcome{"no_route", "no_route", "", "prohibit", ""}},
		{"local blackhole route", lab.LocalBlackhole, labOutcome{"no_route", "no_route", "", "blackhole", ""}},
		{"v6 open", lab.OpenV6, labOutcome{"open", "syn_ack", lab.OpenV6, "", ""}},
		{"v6 closed", lab.ClosedV6, labOutcome{"closed", "conn_refused", lab.ClosedV6, "", ""}},
		{"v6 dropped", lab.DroppedV6, labOutcome{"filtered", "no_response", "", "", ""}},
		{"v6 rejected", lab.RejectedV6, labOutcome{"filtered", "admin_prohibited", r6, "", "1/1"}},
		{"v6 router ND fails", lab.NoNeighborV6, labOutcome{"unreachable", "host_unreach", r6, "", "1/3"}},
		{"v6 router has no route", lab.NetUnreachV6, labOutcome{"unreachable", "net_unreach", r6, "", "1/0"}},
	}
	args := []string{"--timeout", "1500ms", "-p", fmt.Sprint(lab.Port)}
	for _, tt := range tests {
		args = append(args, tt.addr)
	}
	rep, raw := runInClient(t, lab, bin, args...)
	reporttest.ValidateJSON(t, raw)
	if len(rep.Results) != len(tests) {
		t.Fatalf("got %d results, want %d", len(rep.Results), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := rep.Results[i]
			if diff := cmp.Diff(tt.want, outcomeOf(res)); diff != "" {
				t.Errorf("%s (-want +got)\n%s", tt.addr, diff)
			}
			if res.Status != report.StatusPass && res.Hint == "" {
				t.Errorf("failed result without a hint: %+v", res)
			}
		})
	}
	if rep.Summary.Pass != 2 || rep.Summary.Fail != len(tests)-2 {
		t.Errorf("summary = %+v", rep.Summary)
	}
	if t.Failed() {
		dumpLab(t, lab)
	}
}

// dumpLab logs the router's rules and the client's routes and neighbours,
// so a failure in CI carries the state of the lab with it.
func dumpLab(t *testing.T, lab *nslab.PortLab) {
	for _, c := range []struct {
		ns   *nslab.NS
		argv []string
	}{
		{lab.Router, []string{"nft", "list", "ruleset"}},
		{lab.Router, []string{"ip", "-s", "link"}},
		{lab.Client, []string{"ip", "route", "show", "table", "all"}},
		{lab.Client, []string{"ip", "neigh"}},
		{lab.Router, []string{"ip", "neigh"}},
	} {
		out, err := c.ns.Command(context.Background(), c.argv[0], c.argv[1:]...).CombinedOutput()
		t.Logf("%s: %v (%v)\n%s", c.ns.Role, c.argv, err, out)
	}
}

// TestLabSweepCounts sweeps the farm's /20 and checks the counts against
// the lab's design: a quarter of the hosts silently drop TCP 9090.
func TestLabSweepCounts(t *testing.T) {
	lab, bin := newLab(t)
	rep, _ := runInClient(t, lab, bin, "--timeout", "1s", "--rate", "0", "-p", fmt.Sprint(lab.Port), lab.SweepCIDR)
	got := map[string]int{}
	for _, r := range rep.Results {
		got[string(r.Observed)]++
		if want := nslab.SweepExpected(r.Detail.(map[string]any)["address"].(string)); want != string(r.Observed) {
			t.Errorf("%s: observed %s, want %s", r.Target, r.Observed, want)
		}
	}
	want := map[string]int{"open": lab.SweepOpen, "closed": lab.SweepClosed, "filtered": lab.SweepDropped}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sweep counts (-want +got)\n%s", diff)
	}
}
