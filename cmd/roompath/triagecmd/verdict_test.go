package triagecmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/report"
)

func r(check, target string, st report.Status, observed, reason, by string, detail map[string]any) report.Result {
	return report.Result{ID: check + "/" + target, Check: check, Target: target, Status: st, Observed: observed, Reason: reason, ReportedBy: by, Detail: detail}
}

var openRoom = r("tcp", "10.10.5.23:9090", report.StatusPass, "open", "syn_ack", "10.10.5.23", map[string]any{"port": 9090})

// TestDecideGolden pins the verdict message of every layer, socket-free,
// in testdata/verdicts.golden (go test -run TestDecideGolden -args -update).
func TestDecideGolden(t *testing.T) {
	tests := []struct {
		name    string
		results []report.Result
	}{
		{"zoom major outage", []report.Result{
			r("status", "www.zoomstatus.com", report.StatusFail, "outage", "major_outage", "", map[string]any{"description": "a major outage", "components": []any{map[string]any{"name": "Zoom Rooms"}, map[string]any{"name": "Meetings"}}}), openRoom}},
		{"degraded is only mentioned", []report.Result{
			{ID: "status/x", Check: "status", Target: "x", Status: report.StatusWarn, Observed: "degraded", Hint: "Zoom reports degraded performance of Zoom Rooms."}, openRoom}},
		{"local firewall", []report.Result{r("tcp", "10.10.5.23:9090", report.StatusFail, "local_denied", "local_policy", "", map[string]any{"port": 9090})}},
		{"rejected without a path check", []report.Result{r("tcp", "10.10.5.23:9090", report.StatusFail, "filtered", "admin_prohibited", "10.0.30.2", map[string]any{"port": 9090})}},
		{"dropped, room dead too", []report.Result{
			r("tcp", "10.10.5.23:9090", report.StatusFail, "filtered", "no_response", "", map[string]any{"port": 9090}),
			r("tcp", "10.10.5.23:443", report.StatusWarn, "filtered", "no_response", "", map[string]any{"port": 443})}},
		{"unresolvable room", []report.Result{{ID: "tcp/room-1.corp.example:9090", Check: "tcp", Target: "room-1.corp.example:9090", Status: report.StatusFail, Observed: "unresolved", Failure: report.Str("dns_nxdomain_error")}}},
		{"resolver times out", []report.Result{openRoom,
			r("dns", "zoom.us", report.StatusFail, "timeout", "", "10.0.0.53", nil), r("dns", "zoomstatus.com", report.StatusFail, "timeout", "", "10.0.0.53", nil)}},
		{"resolver mismatch", []report.Result{openRoom, r("dns", "zoom.us", report.StatusFail, "mismatch", "", "10.0.0.53", nil)}},
		{"proxy denies media", []report.Result{openRoom, r("proxy", "zoom.us:8801", report.StatusFail, "proxy_denied", "connect_denied", "10.0.0.8", map[string]any{"status": 403})}},
		{"proxy wants auth", []report.Result{openRoom, r("proxy", "zoom.us:443", report.StatusFail, "proxy_auth_required", "proxy_auth", "10.0.0.8", nil)}},
		{"blocked", []report.Result{openRoom, r("proxy", "zoom.us:443", report.StatusFail, "blocked", "", "", nil)}},
		{"captive portal", []report.Result{openRoom, r("captive", "http://connectivitycheck.gstatic.com/generate_204", report.StatusFail, "portal", "redirect", "", nil)}},
		{"transparent proxy", []report.Result{openRoom, r("http", "http://responder.example:8080/", report.StatusFail, "modified", "head_rewritten", "", nil)}},
		{"tls invalid", []report.Result{openRoom, {ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail, Observed: "invalid", Failure: report.Str("ssl_failed_handshake")}}},
		{"dns before proxy", []report.Result{openRoom,
			r("proxy", "zoom.us:443", report.StatusFail, "blocked", "", "", nil), r("dns", "zoom.us", report.StatusFail, "nxdomain", "", "10.0.0.53", nil)}},
	}
	var got strings.Builder
	for _, tt := range tests {
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
	for i, layer := range layerOrder[:len(layerOrder)-1] {
		if layerOrder[i+1] == layer {
			t.Fatalf("duplicate layer %s", layer)
		}
	}
	if layerOrder[0] != report.LayerCloud || layerOrder[len(layerOrder)-1] != report.LayerTLS {
		t.Errorf("order = %v", layerOrder)
	}
}
