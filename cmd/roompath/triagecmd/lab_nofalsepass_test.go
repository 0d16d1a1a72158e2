package triagecmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/report"
)

// labCase is one room of a lab: the triage arguments after --room, and
// whether the verdict must pass (a healthy room) or fail (a fault).
type labCase struct {
	name string
	args []string
	pass bool
}

// TestLabNoFalsePass runs the real roompath binary against every fault the
// labs stage and every healthy room beside them: no fault passes, every
// healthy room does.
func TestLabNoFalsePass(t *testing.T) {
	nslab.Need(t)
	bin := filepath.Join(t.TempDir(), "roompath")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	netOnly := []string{"--skip", "status,dns,proxy,tls", "--timeout", "1500ms"}
	labs := []struct {
		name  string
		build func(t *testing.T) (*nslab.NS, []labCase)
	}{
		{"path lab", func(t *testing.T) (*nslab.NS, []labCase) { return pathLabCases(t, netOnly) }},
		{"proxy-ARP lab", func(t *testing.T) (*nslab.NS, []labCase) { return arpLabCases(t, netOnly) }},
		{"TLS lab", tlsLabCases},
		{"SYN-proxy lab", func(t *testing.T) (*nslab.NS, []labCase) { return synLabCases(t, netOnly) }},
	}
	for _, l := range labs {
		t.Run(l.name, func(t *testing.T) {
			client, cases := l.build(t)
			for _, c := range cases {
				st := triageStatus(t, client, bin, c.args)
				if want := map[bool]report.Status{true: report.StatusPass, false: report.StatusFail}[c.pass]; st != want {
					t.Errorf("%s: verdict %s, want %s", c.name, st, want)
				}
			}
		})
	}
}

// triageStatus runs triage in the client namespace and returns the
// verdict's status.
func triageStatus(t *testing.T, client *nslab.NS, bin string, args []string) report.Status {
	t.Helper()
	out, err := client.Command(context.Background(), bin, append(append([]string{"triage"}, args...), "-o", "json")...).Output()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("triage %v: %v", args, err)
	}
	var rep report.Report
	if err := json.Unmarshal(out, &rep); err != nil || rep.Verdict == nil {
		t.Fatalf("triage %v: no verdict: %v\n%s", args, err, out)
	}
	return rep.Verdict.Status
}

func room(addr string, rest []string) []string { return append([]string{"--room", addr}, rest...) }

func pathLabCases(t *testing.T, net []string) (*nslab.NS, []labCase) {
	l, err := nslab.NewPathLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cases := []labCase{{"open", room(l.Open, net), true}, {"open over IPv6", room(l.OpenV6, net), true}, {"tunnel", room(l.TunnelRoom, net), true}}
	for name, a := range map[string]string{"closed": l.Closed, "dropped": l.Dropped, "dropped v6": l.DroppedV6, "rejected": l.Rejected,
		"rejected v6": l.RejectedV6, "forged reset": l.ForgedReset, "no neighbour": l.NoNeighbor, "net unreachable": l.NetUnreach,
		"unreachable route": l.Unreachable, "isolated": l.Isolated, "dual stack": dualRoom(t, l)} {
		cases = append(cases, labCase{name, room(a, net), false})
	}
	return l.Client, cases
}

func arpLabCases(t *testing.T, net []string) (*nslab.NS, []labCase) {
	l, err := nslab.NewProxyARPLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cases := []labCase{{"peer on the AP", room(l.Peer, net), true}}
	for name, a := range map[string]string{"proxy ARP": l.Isolated, "room firewall": l.RoomFirewall, "last router drop": l.LastRouterDrop, "early drop": l.EarlyDrop} {
		cases = append(cases, labCase{name, room(a, net), false})
	}
	return l.Client, cases
}

// tlsLabCases triage the lab's clean origin as the room (its port 443)
// with the TLS check aimed at each origin in turn.
func tlsLabCases(t *testing.T) (*nslab.NS, []labCase) {
	l, err := nslab.NewTLSLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	srv, err := proxytest.ServeTLSLab(l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(ca, srv.Genuine.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	at := func(addr string) string { return net.JoinHostPort(addr, fmt.Sprint(l.Port)) }
	tlsTo := func(addrPort string) []string {
		return []string{"--room", l.Clean, "--port", fmt.Sprint(l.Port), "--control-port", "0", "--skip", "status,dns,path",
			"--timeout", "2s", "--cloud-host", "zoom.us", "--proxy", "none", "--captive-url", "none", "--ca", ca,
			"--connect-to", "zoom.us:443:" + addrPort}
	}
	cases := []labCase{{"clean origin", tlsTo(at(l.Clean)), true}}
	for name, a := range map[string]string{"MTU black hole": at(l.BigChain), "SNI reset": at(l.SNIReset), "SNI drop": at(l.SNIDrop),
		"hard reset": at(l.HardReset), "hard drop": at(l.HardDrop)} {
		cases = append(cases, labCase{name, tlsTo(a), false})
	}
	return l.Client, cases
}

func synLabCases(t *testing.T, net []string) (*nslab.NS, []labCase) {
	l, err := nslab.NewSynproxyLab()
	if errors.Is(err, nslab.ErrNoSynproxy) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cases := []labCase{{"room behind the proxy", room(l.Proxied, net), true}, {"room behind a silent router", room(l.BehindSilent, net), true}}
	for name, a := range map[string]string{"proxy, room refuses": l.Refused, "proxy, room refuses, v6": l.RefusedV6,
		"proxy, nothing behind": l.NoHost, "proxy, nothing behind, v6": l.NoHostV6, "rejected behind a silent router": l.RejectedBehindSilent} {
		cases = append(cases, labCase{name, room(a, net), false})
	}
	return l.Client, cases
}
