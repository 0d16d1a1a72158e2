package triage

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

var update = flag.Bool("update", false, "rewrite the golden verdicts")

func r(check vocab.Check, target string, st report.Status, observed vocab.Observed, reason vocab.Reason, by string, detail any) report.Result {
	return report.Result{ID: string(check) + "/" + target, Check: check, Target: target, Status: st, Observed: observed, Reason: reason, ReportedBy: by, Detail: detail}
}

func port(p uint16) *probe.TCPDetail { return &probe.TCPDetail{Port: p} }

func ptr[T any](v T) *T { return &v }

var openRoom = r("tcp", "10.10.5.23:9090", report.StatusPass, "open", "syn_ack", "10.10.5.23", port(9090))

// routed is the path detail of a room two routers away.
func routed() *pathprobe.Detail {
	return &pathprobe.Detail{Port: 9090, MaxHops: 30, Route: netpath.Route{Interface: "wlan0", InterfaceKind: "wifi", Gateway: ptr("10.0.30.1"), Type: "unicast"}}
}

// pathCases are the verdicts read from the path check's typed detail.
var pathCases = []struct {
	name    string
	results []report.Result
}{
	{"path rejected at hop 2", []report.Result{r("path", "10.10.5.23:9090", report.StatusFail, "rejected", "admin_prohibited", "10.0.30.2",
		func() *pathprobe.Detail { d := routed(); d.RejectHop = ptr(2); return d }())}},
	{"path dropped, another port answers", []report.Result{
		r("path", "10.10.5.23:9090", report.StatusFail, "dropped", "no_response", "",
			func() *pathprobe.Detail { d := routed(); d.LastHop, d.LastHopTTL = ptr("10.0.30.2"), ptr(2); return d }()),
		r("tcp", "10.10.5.23:443", report.StatusPass, "open", "syn_ack", "10.10.5.23", port(443))}},
	{"path dropped right before the room: last router or the room's own firewall", []report.Result{
		r("path", "10.10.5.23:9090", report.StatusFail, "dropped", "no_response", "",
			func() *pathprobe.Detail {
				d := routed()
				d.LastHop, d.LastHopTTL, d.LastHopIsRoomGateway = ptr("10.0.30.2"), ptr(2), ptr(true)
				d.Control = &pathprobe.Control{Port: 443, ReachTTL: ptr(3)}
				return d
			}()),
		r("tcp", "10.10.5.23:443", report.StatusPass, "open", "syn_ack", "10.10.5.23", port(443))}},
	{"path dropped before the room's last router", []report.Result{
		r("path", "10.10.5.23:9090", report.StatusFail, "dropped", "no_response", "",
			func() *pathprobe.Detail {
				d := routed()
				d.LastHop, d.LastHopTTL, d.LastHopIsRoomGateway = ptr("10.0.30.1"), ptr(1), ptr(false)
				d.Control = &pathprobe.Control{Port: 443, ReachTTL: ptr(3), NextRouter: &netpath.Hop{TTL: 2, Address: ptr("10.0.30.2")}}
				return d
			}())}},
	{"wifi client isolation by proxy ARP", []report.Result{
		r("path", "10.10.5.23:9090", report.StatusFail, "dropped", "no_response", "",
			&pathprobe.Detail{Port: 9090, LastHop: ptr("10.10.5.1"), LastHopTTL: ptr(1), Route: netpath.Route{Interface: "wlan0", OnLink: true},
				ProxyARP: &pathprobe.ProxyARP{RoomMAC: "02:00:00:00:00:01", Gateway: "10.10.5.1", GatewayMAC: "02:00:00:00:00:01", SameMAC: true,
					Hairpin: &netpath.Hop{TTL: 1, Address: ptr("10.10.5.1")}}})}},
	{"a SYN proxy answers, the room refuses behind it", []report.Result{
		r("path", "10.10.5.23:9090", report.StatusFail, "reached", "handshake_by_middlebox", "10.0.30.1",
			func() *pathprobe.Detail {
				d := routed()
				d.SynAck = &netpath.ResetEvidence{TTL: 64, InitialTTL: 64, Hop: 1}
				return d
			}()),
		r("tcp", "10.10.5.23:9090", report.StatusFail, "closed", "handshake_by_middlebox", "", port(9090))}},
	{"a SYN proxy answers, nothing behind it", []report.Result{
		r("tcp", "10.10.5.23:9090", report.StatusFail, "filtered", "handshake_by_middlebox", "", port(9090))}},
	{"path forged reset", []report.Result{r("path", "10.10.5.23:9090", report.StatusFail, "reset_by_middlebox", "forged_reset", "10.0.30.2",
		func() *pathprobe.Detail { d := routed(); d.ResetHop = ptr(2); return d }())}},
	{"path loops", []report.Result{r("path", "10.10.5.23:9090", report.StatusFail, "max_hops", "ttl_exceeded", "10.0.30.9", routed())}},
	{"wifi client isolation", []report.Result{r("path", "10.10.5.23:9090", report.StatusFail, "neighbor_failed", "host_unreach", "",
		&pathprobe.Detail{Port: 9090, Route: netpath.Route{Interface: "wlan0", OnLink: true}, Gateway: &pathprobe.Gateway{Address: "10.10.5.1", Reachable: ptr(true)}})}},
	{"no route", []report.Result{r("path", "10.10.5.23:9090", report.StatusFail, "no_route", "no_route", "", &pathprobe.Detail{Port: 9090, Route: netpath.Route{Type: "unreachable"}})}},
	{"room name unresolved on the path too", []report.Result{
		{ID: "path/room-1.corp.example:9090", Check: "path", Target: "room-1.corp.example:9090", Status: report.StatusFail, Observed: "unresolved", Failure: report.Str(vocab.FailureDNSNXDOMAIN)},
		{ID: "tcp/room-1.corp.example:9090", Check: "tcp", Target: "room-1.corp.example:9090", Status: report.StatusFail, Observed: "unresolved", Failure: report.Str(vocab.FailureDNSNXDOMAIN)}}},
	{"dual stack: IPv4 works, IPv6 dropped after hop 2", []report.Result{
		r("path", "room-1 (10.10.5.23:9090)", report.StatusPass, "reached", "syn_ack", "10.10.5.23",
			func() *pathprobe.Detail { d := routed(); d.Address, d.ReachTTL = "10.10.5.23", ptr(3); return d }()),
		r("path", "room-1 ([fd00:5::23]:9090)", report.StatusFail, "dropped", "no_response", "",
			func() *pathprobe.Detail {
				d := routed()
				d.Address, d.LastHop, d.LastHopTTL = "fd00:5::23", ptr("fd00:30::2"), ptr(2)
				return d
			}()),
		r("tcp", "room-1 (10.10.5.23:9090)", report.StatusPass, "open", "syn_ack", "10.10.5.23", &probe.TCPDetail{Address: "10.10.5.23", Port: 9090}),
		r("tcp", "room-1 ([fd00:5::23]:9090)", report.StatusFail, "filtered", "no_response", "", &probe.TCPDetail{Address: "fd00:5::23", Port: 9090})}},
	{"two addresses, both fail", []report.Result{
		r("tcp", "room-1 (10.10.5.23:9090)", report.StatusFail, "filtered", "admin_prohibited", "10.0.30.2", &probe.TCPDetail{Address: "10.10.5.23", Port: 9090}),
		r("tcp", "room-1 (10.10.5.24:9090)", report.StatusFail, "filtered", "no_response", "", &probe.TCPDetail{Address: "10.10.5.24", Port: 9090})}},
	{"handshake answered, the room not confirmed in time", []report.Result{
		r("tcp", "10.10.5.23:9090", report.StatusWarn, "open", "syn_ack", "10.10.5.23", &probe.TCPDetail{Port: 9090, AfterHandshake: netpath.AfterHandshakeUnconfirmed, HandshakeNote: "the wait was cut short"})}},
	{"healthy, routed", []report.Result{openRoom, r("path", "10.10.5.23:9090", report.StatusPass, "reached", "syn_ack", "10.10.5.23",
		func() *pathprobe.Detail { d := routed(); d.ReachTTL = ptr(3); return d }())}},
}

// TestDecideGolden pins the verdict message of every layer, socket-free,
// in testdata/verdicts.golden (go test -run TestDecideGolden -args -update).
func TestDecideGolden(t *testing.T) {
	tests := []struct {
		name    string
		results []report.Result
	}{
		{"zoom major outage", []report.Result{
			r("status", "www.zoomstatus.com", report.StatusFail, "outage", "major_outage", "", &status.Detail{Description: "a major outage", Components: []status.ComponentState{{Name: "Zoom Rooms"}, {Name: "Meetings"}}}), openRoom}},
		{"degraded is only mentioned", []report.Result{
			{ID: "status/x", Check: "status", Target: "x", Status: report.StatusWarn, Observed: "degraded", Hint: "Zoom reports degraded performance of Zoom Rooms."}, openRoom}},
		{"local firewall", []report.Result{r("tcp", "10.10.5.23:9090", report.StatusFail, "local_denied", "local_policy", "", port(9090))}},
		{"rejected without a path check", []report.Result{r("tcp", "10.10.5.23:9090", report.StatusFail, "filtered", "admin_prohibited", "10.0.30.2", port(9090))}},
		{"dropped, room dead too", []report.Result{
			r("tcp", "10.10.5.23:9090", report.StatusFail, "filtered", "no_response", "", port(9090)),
			r("tcp", "10.10.5.23:443", report.StatusWarn, "filtered", "no_response", "", port(443))}},
		{"unresolvable room", []report.Result{{ID: "tcp/room-1.corp.example:9090", Check: "tcp", Target: "room-1.corp.example:9090", Status: report.StatusFail, Observed: "unresolved", Failure: report.Str(vocab.FailureDNSNXDOMAIN)}}},
		{"resolver times out", []report.Result{openRoom,
			r("dns", "zoom.us", report.StatusFail, "timeout", "", "10.0.0.53", nil), r("dns", "zoomstatus.com", report.StatusFail, "timeout", "", "10.0.0.53", nil)}},
		{"resolver mismatch", []report.Result{openRoom, r("dns", "zoom.us", report.StatusFail, "mismatch", "", "10.0.0.53", nil)}},
		{"hijacking resolver", []report.Result{openRoom, r("dns", "zoom.us", report.StatusFail, "hijacked", "nxdomain_rewrite", "10.0.0.53", nil)}},
		{"proxy denies media", []report.Result{openRoom, r("proxy", "zoom.us:8801", report.StatusFail, "proxy_denied", "connect_denied", "10.0.0.8", &proxyprobe.ProxyDetail{Status: 403})}},
		{"proxy wants auth", []report.Result{openRoom, r("proxy", "zoom.us:443", report.StatusFail, "proxy_auth_required", "proxy_auth", "10.0.0.8", nil)}},
		{"blocked", []report.Result{openRoom, r("proxy", "zoom.us:443", report.StatusFail, "blocked", "", "", nil)}},
		{"captive portal", []report.Result{openRoom, r("captive", "http://connectivitycheck.gstatic.com/generate_204", report.StatusFail, "portal", "redirect", "", nil)}},
		{"transparent proxy", []report.Result{openRoom, r("http", "http://responder.example:8080/", report.StatusFail, "modified", "head_rewritten", "", nil)}},
		{"tls invalid", []report.Result{openRoom, {ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail, Observed: "invalid", Failure: report.Str(vocab.FailureSSLHandshake)}}},
		{"tls blocked by an MTU black hole", []report.Result{openRoom, {ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail,
			Observed: "blocked", Reason: "mtu_black_hole", Failure: report.Str(vocab.FailureTimeout),
			Detail: &proxyprobe.TLSDetail{MTUProbe: &proxyprobe.MTUProbe{MSSTried: 1240, PacketBytes: 1280, Completed: true}}}}},
		{"tls blocked by an SNI filter", []report.Result{openRoom, {ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail,
			Observed: "blocked", Reason: "sni_filtered", Failure: report.Str(vocab.FailureConnectionReset),
			Detail: &proxyprobe.TLSDetail{Control: &proxyprobe.ControlDetail{Name: "example.com", Completed: true}}}}},
		{"tls reset whatever the name", []report.Result{openRoom, {ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail,
			Observed: "blocked", Reason: "reset", Failure: report.Str(vocab.FailureConnectionReset)}}},
		{"dns before proxy", []report.Result{openRoom,
			r("proxy", "zoom.us:443", report.StatusFail, "blocked", "", "", nil), r("dns", "zoom.us", report.StatusFail, "nxdomain", "", "10.0.0.53", nil)}},
	}
	var got strings.Builder
	for _, tt := range append(append(tests, pathCases...), mediaCases...) {
		v := Decide("10.10.5.23", 9090, tt.results)
		fmt.Fprintf(&got, "%s: %s %s\n  %s\n", tt.name, v.Status, v.Layer, v.Message)
		for _, s := range v.NextSteps {
			fmt.Fprintf(&got, "  - %s\n", s)
		}
	}
	path := filepath.Join("testdata", "verdicts.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("verdicts changed (-want +got):\n%s", diff)
	}
}

func TestLayerOrder(t *testing.T) {
	// Every failing layer outranks the ones after it on the decision path.
	layerOrder := vocab.Layers()
	for i, layer := range layerOrder[:len(layerOrder)-1] {
		if layerOrder[i+1] == layer {
			t.Fatalf("duplicate layer %s", layer)
		}
	}
	if layerOrder[0] != vocab.LayerCloud || layerOrder[len(layerOrder)-2] != vocab.LayerTLS || layerOrder[len(layerOrder)-1] != vocab.LayerMedia {
		t.Errorf("order = %v", layerOrder)
	}
}
