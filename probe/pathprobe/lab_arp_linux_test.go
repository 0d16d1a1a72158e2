//go:build linux

package pathprobe

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// proxyARPLab builds a ProxyARPLab for one test and closes it afterwards.
func proxyARPLab(t *testing.T) *nslab.ProxyARPLab {
	t.Helper()
	nslab.Need(t)
	p, err := nslab.NewProxyARPLab()
	if err != nil {
		t.Fatalf("NewProxyARPLab: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// runInNS runs the path check as a process of its own in ns and returns
// its exit code, JSON report and stderr (see runIn).
func runInNS(t *testing.T, ns *nslab.NS, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := ns.Command(ctx, helperBinary(t), args...)
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

// arpScenario is one room of the proxy-ARP lab: the result's fields, the
// detail paths it must hold, and phrases its hint must contain.
type arpScenario struct {
	name   string
	room   string
	want   labWant
	detail map[string]any
	hint   []string
}

func arpScenarios(p *nslab.ProxyARPLab) []arpScenario {
	fail := func(last string) labWant {
		return labWant{1, report.StatusFail, "dropped", "no_response", "", last, nil, nil, "raw"}
	}
	routedDrop := map[string]any{"last_hop": p.R2Addr, "last_hop_ttl": 2.0, "last_hop_is_room_gateway": true, "control.port": 443.0, "control.reach_ttl": 3.0, "proxy_arp": nil}
	beside := []string{"dies silently after hop 2 (" + p.R2Addr + "), the room's last router", "answers TCP 443 (the control port) at hop 3",
		"An ACL on " + p.R2Addr + " toward the room and the room's own firewall look the same from here", "room's own VLAN or switch port"}
	return []arpScenario{
		{"client isolation by proxy ARP", p.Isolated, fail(p.GatewayAddr), map[string]any{
			"neighbor.mac": p.GatewayMAC, "gateway.mac": p.GatewayMAC, "gateway.via": "interface",
			"proxy_arp.room_mac": p.GatewayMAC, "proxy_arp.gateway_mac": p.GatewayMAC, "proxy_arp.gateway": p.GatewayAddr, "proxy_arp.same_mac": true,
			"proxy_arp.hairpin.address": p.GatewayAddr, "proxy_arp.hairpin.ttl": 1.0, "control": nil, "last_hop_is_room_gateway": nil,
		}, []string{"holds " + p.GatewayMAC + ", the MAC of the gateway " + p.GatewayAddr, "TTL 1 came back as ICMP time exceeded from " + p.GatewayAddr, "client isolation by proxy ARP"}},
		{"non-isolated peer", p.Peer, labWant{0, report.StatusPass, "reached", "syn_ack", p.Peer, p.Peer, nil, nil, "raw"},
			map[string]any{"neighbor.mac": p.PeerMAC, "gateway.mac": p.GatewayMAC, "proxy_arp": nil, "control": nil}, nil},
		{"room's own firewall", p.RoomFirewall, fail(p.R2Addr), routedDrop, beside},
		{"drop on the last router", p.LastRouterDrop, fail(p.R2Addr), routedDrop, beside},
		{"drop before the last router", p.EarlyDrop, fail(p.GatewayAddr), map[string]any{
			"last_hop": p.GatewayAddr, "last_hop_ttl": 1.0, "last_hop_is_room_gateway": false,
			"control.reach_ttl": 3.0, "control.next_router.address": p.R2Addr, "control.next_router.ttl": 2.0,
		}, []string{"dies silently after hop 1 (" + p.GatewayAddr + "), before the room's last router", "gets as far as hop 2 (" + p.R2Addr + ")", "not by the room's own firewall"}},
	}
}

// TestLabProxyARPAndRoomFirewall: client isolation by proxy ARP shows as
// a drop at the gateway with the MAC evidence; a drop right in front of
// the room reads the same whether the room's own firewall or its last
// router drops it; a drop before the last router is placed there.
func TestLabProxyARPAndRoomFirewall(t *testing.T) {
	p := proxyARPLab(t)
	hints := make(chan [2]string, 2)
	t.Run("rooms", func(t *testing.T) {
		for _, tt := range arpScenarios(p) {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				r := checkARPRoom(t, p, tt)
				if tt.room == p.RoomFirewall || tt.room == p.LastRouterDrop {
					hints <- [2]string{tt.room, r.Hint}
				}
			})
		}
	})
	close(hints)
	var same []string
	for h := range hints {
		same = append(same, strings.ReplaceAll(h[1], h[0], "ROOM"))
	}
	if len(same) == 2 && same[0] != same[1] {
		t.Errorf("the room's firewall and the last router's drop must read the same but for the address:\n%s\n%s", same[0], same[1])
	}
}

// checkARPRoom runs the path check of one scenario and checks it.
func checkARPRoom(t *testing.T, p *nslab.ProxyARPLab, tt arpScenario) report.Result {
	t.Helper()
	code, out, errs := runInNS(t, p.Client, "--timeout", "1s", "--max-hops", "8", tt.room)
	reporttest.ValidateJSON(t, []byte(out))
	rep, d := decode(t, out)
	r := rep.Results[0]
	got := labWant{code, r.Status, r.Observed, r.Reason, r.ReportedBy, d["last_hop"], d["reset_hop"], d["reject_hop"], d["mode"].(string)}
	if diff := cmp.Diff(tt.want, got); diff != "" {
		t.Errorf("path check of %s (-want +got)\n%s\nstderr: %s", tt.room, diff, errs)
	}
	gotD := map[string]any{}
	for k := range tt.detail {
		gotD[k] = dig(d, k)
	}
	if diff := cmp.Diff(tt.detail, gotD); diff != "" {
		t.Errorf("detail of %s (-want +got)\n%s", tt.room, diff)
	}
	for _, h := range tt.hint {
		if !strings.Contains(r.Hint, h) {
			t.Errorf("hint = %q\nwant it to contain %q", r.Hint, h)
		}
	}
	if len(tt.hint) == 0 && r.Hint != "" {
		t.Errorf("hint = %q, want none", r.Hint)
	}
	t.Logf("%s: %s", tt.room, r.Hint)
	return r
}
