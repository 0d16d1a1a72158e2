//go:build linux

package pathprobe

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

var (
	labOnce sync.Once
	lab     *nslab.PathLab
	labErr  error
)

// pathLab builds one PathLab shared by this package's lab tests.
func pathLab(t *testing.T) *nslab.PathLab {
	t.Helper()
	nslab.Need(t)
	labOnce.Do(func() { lab, labErr = nslab.NewPathLab() })
	if labErr != nil {
		t.Fatalf("NewPathLab: %v", labErr)
	}
	return lab
}

func closeLab() {
	if lab != nil {
		lab.Close()
	}
	if helperDir != "" {
		os.RemoveAll(helperDir)
	}
}

var (
	helperOnce sync.Once
	helperDir  string
	helperErr  error
)

// helperBinary copies this test binary, once, into a directory every user
// may read: the lab runs it as the path check's process (see labHelper),
// also as nobody.
func helperBinary(t *testing.T) string {
	t.Helper()
	helperOnce.Do(func() { helperDir, helperErr = copyExecutable() })
	if helperErr != nil {
		t.Fatal(helperErr)
	}
	return filepath.Join(helperDir, "pathprobe.test")
}

func copyExecutable() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(self)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "pathprobe-test")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return dir, err
	}
	return dir, os.WriteFile(filepath.Join(dir, "pathprobe.test"), b, 0o755)
}

// runIn runs the path check in a process of its own in the lab's Client
// namespace, as a network engineer would on the controller's network
// (every socket the check opens, from any goroutine, is then there), and
// returns its exit code, JSON report and stderr. prefix is put before the
// binary (e.g. setpriv to drop privileges).
func runIn(t *testing.T, p *nslab.PathLab, prefix []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv := append(append(prefix, helperBinary(t)), args...)
	cmd := p.Client.Command(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	case err != nil:
		t.Fatalf("run: %v", err)
	}
	return 0, out.String(), errb.String()
}

// labWant is what one scenario must show.
type labWant struct {
	Code       int
	Status     report.Status
	Observed   vocab.Observed
	Reason     vocab.Reason
	ReportedBy string
	LastHop    any
	ResetHop   any
	RejectHop  any
	Mode       string
}

func TestLabEndToEnd(t *testing.T) {
	p := pathLab(t)
	hops := float64(p.RoomHops)
	tests := []struct {
		name string
		room string
		want labWant
		hint string
	}{
		{"multi-hop chain", p.Open, labWant{0, report.StatusPass, "reached", "syn_ack", p.Open, p.Open, nil, nil, "raw"}, ""},
		{"multi-hop chain v6", p.OpenV6, labWant{0, report.StatusPass, "reached", "syn_ack", p.OpenV6, p.OpenV6, nil, nil, "raw"}, ""},
		{"drop at a router", p.Dropped, labWant{1, report.StatusFail, "dropped", "no_response", "", p.Hop2, nil, nil, "raw"}, "dies silently after hop 2 (" + p.Hop2 + ")"},
		{"drop at a router v6", p.DroppedV6, labWant{1, report.StatusFail, "dropped", "no_response", "", p.Hop2V6, nil, nil, "raw"}, "after hop 2"},
		{"reject at a router", p.Rejected, labWant{1, report.StatusFail, "rejected", "admin_prohibited", p.Hop2, p.Hop2, nil, 2.0, "raw"}, "ICMP 3/13"},
		{"reject at a router v6", p.RejectedV6, labWant{1, report.StatusFail, "rejected", "admin_prohibited", p.Hop2V6, p.Hop2V6, nil, 2.0, "raw"}, "ICMPv6 1/1"},
		{"forged reset at a router", p.ForgedReset, labWant{1, report.StatusFail, "reset_by_middlebox", "forged_reset", p.Hop2, p.ForgedReset, 2.0, nil, "raw"}, "a firewall at hop 2"},
		{"forged reset at a router v6", p.ForgedResetV6, labWant{1, report.StatusFail, "reset_by_middlebox", "forged_reset", p.Hop2V6, p.ForgedResetV6, 2.0, nil, "raw"}, "forged reset"},
		{"reset from the room itself", p.Closed, labWant{0, report.StatusWarn, "reached", "conn_refused", p.Closed, p.Closed, hops, nil, "raw"}, "nothing listens"},
		{"no ARP answer behind the last router", p.NoNeighbor, labWant{1, report.StatusFail, "unreachable", "host_unreach", p.Hop2, p.Hop2, nil, 2.0, "raw"}, "does not answer ARP/ND there"},
		{"no route at a router", p.NetUnreach, labWant{1, report.StatusFail, "unreachable", "net_unreach", p.Hop2, p.Hop2, nil, 2.0, "raw"}, "network unreachable"},
		{"unreachable route", p.Unreachable, labWant{1, report.StatusFail, "no_route", "no_route", "", nil, nil, nil, "none"}, "route type unreachable"},
		{"wifi client isolation", p.Isolated, labWant{1, report.StatusFail, "neighbor_failed", "host_unreach", "10.98.20.2", "10.98.20.2", nil, nil, "raw"}, "Wi-Fi client isolation"},
		{"wifi client isolation v6", p.IsolatedV6, labWant{1, report.StatusFail, "neighbor_failed", "host_unreach", "fd00:98:20::2", "fd00:98:20::2", nil, nil, "raw"}, "while the gateway " + p.WifiGatewayV6 + " does"},
		{"on-link peer", p.WifiPeerAddr, labWant{0, report.StatusPass, "reached", "syn_ack", p.WifiPeerAddr, p.WifiPeerAddr, nil, nil, "raw"}, ""},
		{"tunnel interface", p.TunnelRoom, labWant{0, report.StatusWarn, "reached", "syn_ack", p.TunnelRoom, p.TunnelRoom, nil, nil, "raw"}, "tun0 (tun), a tunnel or VPN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errs := runIn(t, p, nil, "--timeout", "1s", "--max-hops", "8", tt.room)
			reporttest.ValidateJSON(t, []byte(out))
			rep, d := decode(t, out)
			r := rep.Results[0]
			got := labWant{code, r.Status, r.Observed, r.Reason, r.ReportedBy, d["last_hop"], d["reset_hop"], d["reject_hop"], d["mode"].(string)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("path check of %s (-want +got)\n%s\nstderr: %s\ndetail: %v", tt.room, diff, errs, d)
			}
			if !strings.Contains(r.Hint, tt.hint) || (tt.hint == "") != (r.Hint == "") {
				t.Errorf("hint = %q, want it to contain %q", r.Hint, tt.hint)
			}
		})
	}
}

// unresolvedNeighbor stands for the state of a neighbour that does not
// answer ARP: "failed", or "incomplete" when the kernel is asking again
// (the trace's own SYN already failed resolution; under load the check's
// nudge can restart it just before the check reads the entry).
const unresolvedNeighbor = "failed or incomplete"

// TestLabDetail pins the local view: route, interface kinds, neighbours,
// gateway and MTU, for a routed room, an isolated on-link one and one
// behind the tunnel.
func TestLabDetail(t *testing.T) {
	p := pathLab(t)
	tests := []struct {
		room string
		want map[string]any
	}{
		{p.Open, map[string]any{
			"route.interface": p.ClientIf, "route.interface_kind": "veth", "route.gateway": p.Hop1, "route.on_link": false,
			"route.type": "unicast", "route.table": 254.0, "neighbor.address": p.Hop1, "neighbor.state": "reachable",
			"gateway.address": p.Hop1, "gateway.reachable": true, "gateway.via": "route",
			"mtu.interface": float64(p.LinkMTU), "mtu.path": float64(p.PathMTU), "reach_ttl": 3.0, "hops.0.address": p.Hop1, "hops.1.address": p.Hop2,
		}},
		{p.Isolated, map[string]any{
			"route.interface": p.ClientWifiIf, "route.gateway": nil, "route.on_link": true,
			"neighbor.address": p.Isolated, "neighbor.state": unresolvedNeighbor, "gateway.address": p.WifiGateway,
			"gateway.reachable": true, "gateway.via": "interface", "hops.0.reply": "unreachable", "hops.0.local": true,
		}},
		{p.TunnelRoom, map[string]any{
			"route.interface": p.TunnelIf, "route.interface_kind": "tun", "route.tunnel": true, "hops.0.address": p.TunnelHop1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.room, func(t *testing.T) {
			t.Parallel()
			_, out, _ := runIn(t, p, nil, "--timeout", "1s", tt.room)
			_, d := decode(t, out)
			got := map[string]any{}
			for k := range tt.want {
				got[k] = dig(d, k)
			}
			if s := got["neighbor.state"]; tt.want["neighbor.state"] == unresolvedNeighbor && (s == "failed" || s == "incomplete") {
				got["neighbor.state"] = unresolvedNeighbor
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("detail of %s (-want +got)\n%s", tt.room, diff)
			}
		})
	}
}

// TestLabUnprivileged runs the path check as nobody: hops still come from the
// error queue, but a reset's sender cannot be located, and the result says
// why.
func TestLabUnprivileged(t *testing.T) {
	p := pathLab(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not on PATH")
	}
	nobody := []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}
	code, out, errs := runIn(t, p, nobody, "--timeout", "1s", p.ForgedReset)
	reporttest.ValidateJSON(t, []byte(out))
	rep, d := decode(t, out)
	r := rep.Results[0]
	if code != 0 || r.Observed != "reached" || r.Status != report.StatusWarn || d["mode"] != "recverr" || d["reset_hop"] != nil {
		t.Fatalf("exit %d observed %s status %s mode %v reset_hop %v (%s)", code, r.Observed, r.Status, d["mode"], d["reset_hop"], errs)
	}
	if note, _ := d["reset_note"].(string); !strings.Contains(note, "CAP_NET_RAW") || !strings.Contains(r.Hint, "CAP_NET_RAW") {
		t.Errorf("reset_note %q, hint %q: want both to say CAP_NET_RAW is missing", note, r.Hint)
	}
	if rep.Vantage.Privileged || dig(d, "hops.1.address") != p.Hop2 {
		t.Errorf("privileged %v, hop 2 %v", rep.Vantage.Privileged, dig(d, "hops.1.address"))
	}
}

// dig reads a dotted path ("route.type", "hops.0.address") from decoded
// JSON.
func dig(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
