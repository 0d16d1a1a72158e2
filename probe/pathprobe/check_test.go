package pathprobe

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// fakePath answers every measurement from canned data.
type fakePath struct {
	route    netpath.Route
	trace    *netpath.Trace
	neigh    map[string]netpath.Neighbor
	ifaceGW  string
	pmtu     netpath.PathMTU
	traced   bool
	mu       sync.Mutex
	probedNS []string
}

func (f *fakePath) seams() seams {
	return seams{
		route: func(netip.Addr) (netpath.Route, error) { return f.route, nil },
		trace: func(context.Context, netip.AddrPort) netpath.Trace { f.traced = true; return *f.trace },
		neighbor: func(_ context.Context, a netip.Addr, _ string) (netpath.Neighbor, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.probedNS = append(f.probedNS, a.String())
			return f.neigh[a.String()], nil
		},
		gateway: func(string, netip.Addr) (netip.Addr, bool) {
			a, err := netip.ParseAddr(f.ifaceGW)
			return a, err == nil
		},
		pmtu:  func(context.Context, netip.Addr, int) netpath.PathMTU { return f.pmtu },
		ifMTU: func(string) int { return 1500 },
	}
}

// run checks t with the fake's measurements and returns what Run emitted.
func (f *fakePath) run(t *testing.T, target probe.TCPTarget) []report.Result {
	t.Helper()
	p, err := newForTest(PathConfig{Target: target, Timeout: time.Second, MaxHops: 5}, f.seams())
	if err != nil {
		t.Fatal(err)
	}
	var out []report.Result
	p.Run(context.Background(), func(seq int, r report.Result) {
		if seq != 0 {
			t.Errorf("seq %d, want 0", seq)
		}
		out = append(out, r)
	})
	if len(out) != 1 {
		t.Fatalf("%d results, want 1", len(out))
	}
	return out
}

func detailOf(t *testing.T, r report.Result) map[string]any {
	t.Helper()
	b, err := json.Marshal(r.Detail)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPathIsolation(t *testing.T) {
	localFail := netpath.Hop{TTL: 1, Reply: netpath.ReplyUnreachable, Unreachable: vocab.ReasonHostUnreach, Address: s(local), Local: true}
	f := &fakePath{
		route: onLink, trace: traced(localFail), ifaceGW: "10.10.5.1",
		neigh: map[string]netpath.Neighbor{
			room:        {Address: room, Interface: "wlan0", State: netpath.NeighFailed},
			"10.10.5.1": {Address: "10.10.5.1", Interface: "wlan0", State: netpath.NeighReachable, Answered: true},
		},
		pmtu: netpath.PathMTU{Interface: 1500, Path: n(1500), Source: netpath.PMTUKernel},
	}
	r := f.run(t, probe.TCPTarget{Addr: netip.MustParseAddr(room)})[0]
	if r.ID != "path/10.10.5.23:9090" || r.Check != "path" || r.Observed != vocab.PathNeighborFailed || r.Status != report.StatusFail {
		t.Errorf("result %+v", r)
	}
	d := detailOf(t, r)
	want := map[string]any{
		"neighbor": map[string]any{"address": room, "interface": "wlan0", "state": "failed", "answered": false},
		"gateway":  map[string]any{"address": "10.10.5.1", "reachable": true, "state": "reachable", "via": "interface"},
		"route":    map[string]any{"destination": room, "interface": "wlan0", "interface_kind": "wifi", "source": local, "gateway": nil, "on_link": true, "type": "unicast"},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, d[k]); diff != "" {
			t.Errorf("detail.%s (-want +got)\n%s", k, diff)
		}
	}
	if d["reset_hop"] != nil || d["last_hop"] != local {
		t.Errorf("reset_hop %v last_hop %v", d["reset_hop"], d["last_hop"])
	}
}

func TestPathRouted(t *testing.T) {
	f := &fakePath{
		route: routed, trace: traced(te(1, hop1), te(2, hop2), none(3)),
		neigh: map[string]netpath.Neighbor{hop1: {Address: hop1, Interface: "eth0", State: netpath.NeighStale}},
		pmtu:  netpath.PathMTU{Interface: 1500, Path: n(1400), Source: netpath.PMTUFragNeeded, ReportedBy: hop1},
	}
	r := f.run(t, probe.TCPTarget{Addr: netip.MustParseAddr(room), Port: 8888, Name: "room-101"})[0]
	if r.Target != "room-101 (10.10.5.23:8888)" || r.Observed != vocab.PathDropped {
		t.Errorf("target %q observed %q", r.Target, r.Observed)
	}
	d := detailOf(t, r)
	// The gateway's neighbour entry is only stale, but hop 1 answered
	// through it: reachable.
	if diff := cmp.Diff(map[string]any{"address": hop1, "reachable": true, "state": "stale", "via": "route"}, d["gateway"]); diff != "" {
		t.Errorf("gateway (-want +got)\n%s", diff)
	}
	if nb := d["neighbor"].(map[string]any); nb["address"] != hop1 {
		t.Errorf("neighbor of a routed room must be the gateway's: %v", nb)
	}
	if d["last_hop"] != hop2 || d["last_hop_ttl"] != 2.0 || d["reach_ttl"] != nil {
		t.Errorf("last_hop %v ttl %v reach %v", d["last_hop"], d["last_hop_ttl"], d["reach_ttl"])
	}
	if diff := cmp.Diff(map[string]any{"interface": 1500.0, "path": 1400.0, "source": "frag_needed", "reported_by": hop1}, d["mtu"]); diff != "" {
		t.Errorf("mtu (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{hop1}, f.probedNS); diff != "" {
		t.Errorf("neighbours probed: only the gateway of a routed room (-want +got)\n%s", diff)
	}
}

func TestPathNoRouteSkipsTheTrace(t *testing.T) {
	f := &fakePath{route: netpath.Route{Destination: room, Type: netpath.RouteProhibit}, trace: traced()}
	r := f.run(t, probe.TCPTarget{Addr: netip.MustParseAddr(room)})[0]
	if f.traced || len(f.probedNS) != 0 {
		t.Error("probes were sent although the route is unusable")
	}
	d := detailOf(t, r)
	if r.Observed != vocab.PathNoRoute || d["route"].(map[string]any)["type"] != "prohibit" || d["mode"] != "none" {
		t.Errorf("observed %s detail %v", r.Observed, d)
	}
}

func TestPathConnectModeSaysWhatWasNotMeasured(t *testing.T) {
	tr := traced(none(1), reply(2, room, netpath.ReplySynAck, ""))
	tr.Mode = netpath.TraceModeConnect
	f := &fakePath{
		route: netpath.Route{Destination: room, Interface: "en0", Source: local, Type: netpath.RouteUnknown},
		trace: tr, pmtu: netpath.PathMTU{Interface: 1500, Note: "darwin: path MTU not measured (no socket error queue)"},
	}
	r := f.run(t, probe.TCPTarget{Addr: netip.MustParseAddr(room)})[0]
	d := r.Detail.(*Detail)
	if r.Observed != vocab.PathReached || len(d.NotMeasured) != 3 {
		t.Errorf("observed %s, not measured %q", r.Observed, d.NotMeasured)
	}
}

func TestNewPathDefaults(t *testing.T) {
	p, err := NewPath(PathConfig{Target: probe.TCPTarget{Addr: netip.MustParseAddr("::ffff:10.10.5.23")}})
	if err != nil {
		t.Fatal(err)
	}
	if p.timeout != netpath.DefaultTraceTimeout || p.maxHops != netpath.DefaultMaxHops {
		t.Errorf("defaults: timeout %v, max hops %d", p.timeout, p.maxHops)
	}
	if got := p.target.String(); got != "10.10.5.23:9090" {
		t.Errorf("target = %q, want the unmapped address on DefaultPort", got)
	}
	if got := (probe.TCPTarget{Addr: netip.MustParseAddr("fd00::1"), Port: 9090}).String(); got != "[fd00::1]:9090" {
		t.Errorf("TCPTarget.String = %q", got)
	}
}

func TestNewPathRejectsBadConfig(t *testing.T) {
	roomAddr := probe.TCPTarget{Addr: netip.MustParseAddr(room)}
	tests := []struct {
		name string
		cfg  PathConfig
		want string
	}{
		{"negative max hops", PathConfig{Target: roomAddr, MaxHops: -1}, "MaxHops must be 0-255, got -1"},
		{"too many max hops", PathConfig{Target: roomAddr, MaxHops: netpath.MaxHopsLimit + 1}, "MaxHops must be 0-255, got 256"},
		{"no address", PathConfig{Target: probe.TCPTarget{Name: "room-101"}}, "no valid address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPath(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || p != nil {
				t.Errorf("NewPath = %v, %v; want an error containing %q", p, err, tt.want)
			}
		})
	}
	if _, err := NewPath(PathConfig{Target: roomAddr, MaxHops: netpath.MaxHopsLimit}); err != nil {
		t.Errorf("MaxHops %d: %v", netpath.MaxHopsLimit, err)
	}
}
