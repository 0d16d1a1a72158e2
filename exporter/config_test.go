package exporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

const sampleConfig = `
allow:
  - 10.10.0.0/16
  - 127.0.0.1
  - "*.rooms.example.com"
  - www.zoomstatus.com
modules:
  tcp_2244:
    prober: tcp
    timeout: 4s
    tcp: {port: 2244, attempts: 2}
  guest_isolation:
    prober: tcp
    tcp: {port: 9090, expect: blocked}
  dns_zoom:
    prober: dns
    dns:
      names: [zoom.us, www.zoomstatus.com]
      types: [A, AAAA]
      references: [127.0.0.1:5353]
      allow_nets: [10.20.0.0/16]
  tls_zoom:
    prober: tls
    tls: {port: 443, proxy: none}
  zoom_status:
    prober: status
    status: {url: "https://www.zoomstatus.com/api/v2/summary.json", fallback_url: none}
schedules:
  - name: rooms
    module: tcp
    interval: 30s
    targets: [10.10.5.23, "room-1.rooms.example.com:9090"]
`

func TestParseAndBuildSample(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader(sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dns", "dns_zoom", "guest_isolation", "media", "path", "proxy", "status", "tcp", "tcp_2244", "tls", "tls_zoom", "zoom_status"}
	if diff := cmp.Diff(want, e.Modules()); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
	if s := e.schedules[0]; s.timeout != DefaultTimeout || time.Duration(s.cfg.Interval) != 30*time.Second {
		t.Errorf("schedule %+v", s)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"unknown key", "allow: []\nmodulez: {}\n", "line 2: field modulez not found"},
		{"bad duration", "modules:\n  x:\n    prober: tcp\n    timeout: soon\n", `line 4: duration "soon"`},
		{"huge timeout", "modules:\n  x: {prober: tcp, timeout: 1h}\n", "timeout 1h0m0s is above 2m0s"},
		{"tiny timeout", "modules:\n  x: {prober: tcp, timeout: 1ns}\n", "module x: timeout 1ns is below 10ms"},
		{"schedule tiny timeout", "allow: [127.0.0.1]\nschedules: [{name: a, module: tcp, timeout: 1us, targets: [127.0.0.1]}]\n", "timeout 1µs is below 10ms"},
		{"schedule interval huge", "allow: [127.0.0.1]\nschedules: [{name: a, module: tcp, interval: 999999h, targets: [127.0.0.1]}]\n", "above 24h0m0s"},
		{"concurrency", "max_concurrent_probes: 5000\n", "max_concurrent_probes 5000: want 1-4096"},
		{"media pps", "modules:\n  m: {prober: media, media: {pps: 5000}}\n", "module m: media: pps 5000 outside 1-1000"},
		{"media duration", "modules:\n  m: {prober: media, media: {duration: 1h}}\n", "module m: media: duration 1h0m0s"},
		{"not yaml: contents not echoed", "hunter2secret\n", "line 1"},
		{"bad yaml: contents not echoed", "allow: [hunter2secret\n", "line"},
		{"unknown prober", "modules:\n  x: {prober: icmp}\n", `module x: unknown prober "icmp"`},
		{"bad module name", "modules:\n  \"Bad Name\": {prober: tcp}\n", "module name"},
		{"bad expect", "modules:\n  x: {prober: tcp, tcp: {expect: maybe}}\n", "tcp.expect"},
		{"bad attempts", "modules:\n  x: {prober: tcp, tcp: {attempts: 99}}\n", "tcp.attempts"},
		{"bad dns type", "modules:\n  x: {prober: dns, dns: {types: [BOGUS]}}\n", "dns.types"},
		{"bad reference", "modules:\n  x: {prober: dns, dns: {references: [dns.google]}}\n", "dns.references"},
		{"bad dns name", "modules:\n  x: {prober: dns, dns: {names: [\"a..b\"]}}\n", "module x: dns"},
		{"bad allow", "allow: [\"10.0.0.0/33\"]\n", `allow entry "10.0.0.0/33"`},
		{"bad proxy", "modules:\n  x: {prober: tls, tls: {proxy: \"ftp://p\"}}\n", "tls.proxy"},
		{"missing ca", "modules:\n  x: {prober: tls, tls: {ca_file: /nonexistent.pem}}\n", "tls.ca_file"},
		{"bad status url", "modules:\n  x: {prober: status, status: {url: \"ftp://x\"}}\n", "module x"},
		{"schedule unknown module", "schedules: [{name: a, module: nope, targets: [127.0.0.1]}]\n", `unknown module "nope"`},
		{"schedule target outside allowlist", "schedules: [{name: a, module: tcp, targets: [192.0.2.1]}]\n", "not in the allowlist"},
		{"schedule no targets", "schedules: [{name: a, module: tcp}]\n", "want 1-4096 targets"},
		{"schedule too often", "allow: [127.0.0.1]\nschedules: [{name: a, module: tcp, interval: 10ms, targets: [127.0.0.1]}]\n", "below 1s"},
		{"schedule duplicate", "allow: [127.0.0.1]\nschedules: [{name: a, module: tcp, targets: [127.0.0.1]}, {name: a, module: tcp, targets: [127.0.0.1]}]\n", `schedule "a"`},
		{"schedule duplicate target", "allow: [127.0.0.1]\nschedules: [{name: a, module: tcp, targets: [127.0.0.1, 127.0.0.1]}]\n", "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(strings.NewReader(tt.yaml))
			if err == nil {
				_, err = New(cfg, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("err = %v, want one line containing %q", err, tt.want)
			}
		})
	}
}

func TestAllowlist(t *testing.T) {
	a, err := ParseAllowlist([]string{"10.10.0.0/16", "fd00:99::/32", "192.0.2.7", "*.Rooms.Example.com", "zoom.us."})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host string
		want bool
	}{
		{"10.10.5.23", true},
		{"10.11.0.1", false},
		{"::ffff:10.10.0.1", true},
		{"fd00:99:2::2", true},
		{"fd00:98::1", false},
		{"192.0.2.7", true},
		{"192.0.2.8", false},
		{"room-1.rooms.example.com", true},
		{"ROOM-1.ROOMS.EXAMPLE.COM.", true},
		{"rooms.example.com", false},
		{"evilrooms.example.com", false},
		{"zoom.us", true},
		{"www.zoom.us", false},
	}
	for _, tt := range tests {
		if got := a.AllowsHost(tt.host); got != tt.want {
			t.Errorf("AllowsHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
	if !(&Allowlist{}).Empty() || a.Empty() || a.AllowsAddr(netip.Addr{}) {
		t.Error("Empty or the zero address")
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"open", "open"}, {"admin_prohibited", "admin_prohibited"}, {"", ""},
		{"10.0.0.1", "other"}, {"Open", "other"}, {"a b", "other"}, {strings.Repeat("a", 65), "other"},
	}
	for _, tt := range tests {
		if got := Label(tt.in); got != tt.want {
			t.Errorf("Label(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	str := func(s vocab.Failure) *vocab.Failure { return &s }
	fails := []struct {
		in   *vocab.Failure
		want string
	}{
		{nil, ""}, {str("connection_refused"), "connection_refused"},
		{str("unknown_failure: dial tcp 10.0.0.1:9090: weird"), "unknown_failure"}, {str("unknown_failure"), "unknown_failure"},
		{str("Weird: 10.0.0.1"), "other"},
	}
	for _, tt := range fails {
		if got := FailureLabel(tt.in); got != tt.want {
			t.Errorf("FailureLabel(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScheduleResultsOnMetrics(t *testing.T) {
	open := probetest.Open(t)
	cfg := &Config{Schedules: []Schedule{{Name: "rooms", Module: "tcp", Interval: Duration(time.Second), Targets: []string{open.String()}}}}
	e := newLoopbackExporter(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Start(ctx)
	want := `probe_success{module="tcp",schedule="rooms",target="` + open.String() + `"} 1`
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		_, body := get(t, e.Handler(), "/metrics")
		if got := metricLines(body, "probe_success"); len(got) == 1 && got[0] == want && len(metricLines(body, "roompath_schedule_last_run_timestamp_seconds")) == 1 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, body := get(t, e.Handler(), "/metrics")
	t.Errorf("no %s on /metrics:\n%s", want, body)
}

func TestProfileSchedules(t *testing.T) {
	open := probetest.Open(t)
	closed := probetest.Closed(t)
	profile := filepath.Join(t.TempDir(), "campus.yaml")
	os.WriteFile(profile, []byte(fmt.Sprintf(`version: 1
name: lab
sites:
  - name: hq
    rooms:
      - {name: room-1, address: 127.0.0.1}
    networks:
      - name: controllers
        cidrs: [127.0.0.0/8]
        must_reach: [{rooms: ["*"], ports: [%d]}]
        must_not_reach: [{rooms: [room-1], ports: [%d]}]
`, open.Port(), closed.Port())), 0o644)
	cfg := &Config{Profiles: []ProfileSchedule{{Name: "hq", File: profile, Network: "controllers", Interval: Duration(time.Second)}}}
	e := newLoopbackExporter(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Start(ctx)
	want := []string{
		`probe_success{module="tcp",schedule="hq_must_reach",target="` + open.String() + `"} 1`,
		`probe_success{module="tcp_blocked",schedule="hq_must_not_reach",target="` + closed.String() + `"} 1`,
	}
	var got []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, body := get(t, e.Handler(), "/metrics")
		if got = metricLines(body, "probe_success"); cmp.Diff(want, got) == "" {
			return
		}
	}
	t.Errorf("profile results (-want +got):\n%s", cmp.Diff(want, got))
}

func TestProfileErrors(t *testing.T) {
	profile := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(profile, []byte("version: 1\nsites:\n  - name: hq\n    rooms: [{name: r, address: 192.0.2.1}]\n    networks:\n      - {name: ctl, cidrs: [10.0.0.0/8], must_reach: [{rooms: [r], ports: [9090]}]}\n"), 0o644)
	tests := []struct {
		name string
		ps   ProfileSchedule
		want string
	}{
		{"missing file", ProfileSchedule{Name: "a", File: "/nonexistent.yaml", Network: "ctl"}, "no such file"},
		{"unknown network", ProfileSchedule{Name: "a", File: profile, Network: "guest"}, `no network "guest"`},
		{"outside the allowlist", ProfileSchedule{Name: "a", File: profile, Network: "ctl"}, "not in the allowlist"},
		{"bad name", ProfileSchedule{Name: "A B", File: profile, Network: "ctl"}, "unique name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allow := []string{"127.0.0.1"}
			if tt.name == "bad name" {
				allow = []string{"192.0.2.1"}
			}
			_, err := New(&Config{Allow: allow, Profiles: []ProfileSchedule{tt.ps}}, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestNotRunStaysInTheVocabulary: the result of a module that cannot
// build its probe uses each check's own not_run state and a real
// operation, and validates against the report schema.
func TestNotRunStaysInTheVocabulary(t *testing.T) {
	for check := range notRunOf {
		r := notRun(check, string(check)+"/x", "x", errors.New("refused"))
		if r.Operation == nil || !slices.Contains(vocab.Operations(), *r.Operation) {
			t.Errorf("%s: operation %v is not an operation", check, r.Operation)
		}
		rep := report.Report{Schema: report.Schema, Tool: "t", Results: []report.Result{r},
			Vantage: report.Vantage{Interfaces: []report.Interface{}, Resolvers: []string{}, Proxy: map[string]string{}}}
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		reporttest.ValidateJSON(t, b)
	}
}
