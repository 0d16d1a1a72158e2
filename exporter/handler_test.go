package exporter

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

func newLoopbackExporter(t *testing.T, cfg *Config) *Exporter {
	t.Helper()
	if cfg == nil {
		cfg = &Config{}
	}
	cfg.Allow = append(cfg.Allow, "127.0.0.0/8")
	e, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRefusals(t *testing.T) {
	e := newLoopbackExporter(t, nil)
	// The name resolves outside the allowlist; never ask the system resolver.
	e.modules["tcp"].(*tcpModule).lookup = func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("192.0.2.7")}, nil
	}
	h := e.Handler()
	tests := []struct {
		name string
		url  string
		code int
		want string
	}{
		{"unknown module", "/probe?module=icmp&target=127.0.0.1", 400, `unknown module "icmp" (known: dns, media, path, proxy, status, tcp, tls)`},
		{"missing target", "/probe?module=tcp", 400, "target parameter is missing"},
		{"outside the allowlist", "/probe?module=tcp&target=192.0.2.1", 403, `target "192.0.2.1" is not in the allowlist`},
		{"v6 outside", "/probe?target=[2001:db8::1]:9090", 403, "not in the allowlist"},
		{"a network", "/probe?module=tcp&target=127.0.0.0/24", 400, "not a network or range"},
		{"a range", "/probe?module=tcp&target=127.0.0.1-5", 400, "not a network or range"},
		{"bad port", "/probe?module=tcp&target=127.0.0.1:99999", 400, "invalid"},
		{"dns by name", "/probe?module=dns&target=resolver.example", 400, "not an IP address"},
		{"dns outside", "/probe?module=dns&target=192.0.2.53", 403, "not in the allowlist"},
		{"path outside", "/probe?module=path&target=192.0.2.1", 403, "not in the allowlist"},
		{"path a network", "/probe?module=path&target=127.0.0.0/8", 400, "not a network or range"},
		{"tls outside", "/probe?module=tls&target=192.0.2.1:443", 403, "not in the allowlist"},
		{"proxy outside", "/probe?module=proxy&target=192.0.2.1", 403, "not in the allowlist"},
		{"status url outside", "/probe?module=status&target=https://192.0.2.1/api/v2/summary.json", 403, "not in the allowlist"},
		{"status bad url", "/probe?module=status&target=ftp://127.0.0.1/", 400, "scheme must be http or https"},
		{"name resolving outside", "/probe?module=tcp&target=localhost.invalid", 403, "not in the allowlist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, h, tt.url)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %q, want %d containing %q", code, body, tt.code, tt.want)
			}
		})
	}
}

// metricLines returns the exposition lines that start with one of names.
func metricLines(body string, names ...string) []string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		for _, n := range names {
			if strings.HasPrefix(l, n+"{") || strings.HasPrefix(l, n+" ") {
				out = append(out, l)
			}
		}
	}
	return out
}

func TestTCPOnLoopback(t *testing.T) {
	open := probetest.Open(t)
	closed := probetest.Closed(t)
	h := newLoopbackExporter(t, nil).Handler()
	tests := []struct {
		name   string
		target string
		want   []string
	}{
		{"open", open.String(), []string{"probe_ip_protocol 4", "probe_success 1"}},
		{"closed", closed.String(), []string{
			`probe_failure_info{check="tcp",failure="connection_refused",observed="closed",reason="conn_refused"} 1`,
			"probe_ip_protocol 4", "probe_success 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, h, "/probe?module=tcp&target="+tt.target)
			got := metricLines(body, "probe_success", "probe_failure_info", "probe_ip_protocol")
			if diff := cmp.Diff(tt.want, got); code != 200 || diff != "" {
				t.Errorf("code %d (-want +got):\n%s\n%s", code, diff, body)
			}
		})
	}
}

func TestNameResolvedIntoAllowedNetwork(t *testing.T) {
	e := newLoopbackExporter(t, nil)
	e.modules["tcp"].(*tcpModule).lookup = func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	open := probetest.Open(t)
	code, body := get(t, e.Handler(), "/probe?target=room-101.corp.example:"+portOf(open))
	got := metricLines(body, "probe_success")
	if code != 200 || len(got) != 1 || got[0] != "probe_success 1" || len(metricLines(body, "probe_dns_lookup_time_seconds")) != 1 {
		t.Errorf("code %d body:\n%s", code, body)
	}
}

func portOf(ap netip.AddrPort) string { return strings.TrimPrefix(ap.String(), ap.Addr().String()+":") }

func TestScrapeTimeoutHeaderBoundsTheProbe(t *testing.T) {
	silent, cleanup, err := probetest.StartSilent()
	if err != nil {
		t.Skipf("no silent port on this platform: %v", err)
	}
	defer cleanup()
	h := newLoopbackExporter(t, nil).Handler()
	start := time.Now()
	code, body := get(t, h, "/probe?target="+silent.String(), ScrapeTimeoutHeader, "1.5")
	took := time.Since(start)
	if code != 200 || !strings.Contains(body, `observed="filtered",reason="no_response"`) {
		t.Errorf("code %d body:\n%s", code, body)
	}
	if took > 3*time.Second {
		t.Errorf("a 1.5 s scrape timeout took %s", took)
	}
}

func TestBudget(t *testing.T) {
	tests := []struct {
		name   string
		header string
		module time.Duration
		want   time.Duration
	}{
		{"nothing", "", 0, DefaultTimeout},
		{"module only", "", 3 * time.Second, 3 * time.Second},
		{"scrape only", "5", 0, 4500 * time.Millisecond},
		{"scrape caps module", "2.5", 5 * time.Second, 2 * time.Second},
		{"module under scrape", "10", 1 * time.Second, 1 * time.Second},
		{"tiny scrape keeps a floor", "0.2", 0, scrapeOffset},
		{"garbage header", "soon", 0, DefaultTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set(ScrapeTimeoutHeader, tt.header)
			}
			if got := budget(h, tt.module); got != tt.want {
				t.Errorf("budget = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDebugIsAValidReport(t *testing.T) {
	open := probetest.Open(t)
	code, body := get(t, newLoopbackExporter(t, nil).Handler(), "/probe?module=tcp&debug=true&target="+open.String())
	if code != 200 {
		t.Fatalf("code %d: %s", code, body)
	}
	reporttest.ValidateJSON(t, []byte(body))
	var rep report.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Tool != "serve" || len(rep.Results) != 1 || rep.Results[0].Observed != "open" {
		t.Errorf("report %+v", rep)
	}
}

func TestStatusModule(t *testing.T) {
	cfg := &Config{Modules: map[string]ModuleConfig{
		"zoom_status": {Prober: "status", Status: StatusModule{URL: statustest.New(t, statustest.Lagging), FallbackURL: "none"}},
	}}
	h := newLoopbackExporter(t, cfg).Handler()
	tests := []struct {
		url  string
		want []string
	}{
		{"/probe?module=zoom_status", []string{
			`probe_failure_info{check="status",failure="",observed="outage",reason="component"} 1`, "probe_success 0"}},
		{"/probe?module=status&target=" + statustest.New(t, statustest.Operational), []string{"probe_success 1"}},
		{"/probe?module=status&target=" + statustest.New(t, statustest.Redirect), []string{
			`probe_failure_info{check="status",failure="status_not_json",observed="unknown",reason="unreadable"} 1`, "probe_success 1"}},
	}
	for _, tt := range tests {
		code, body := get(t, h, tt.url)
		if diff := cmp.Diff(tt.want, metricLines(body, "probe_success", "probe_failure_info")); code != 200 || diff != "" {
			t.Errorf("%s: code %d (-want +got):\n%s", tt.url, code, diff)
		}
	}
}

func TestSelfMetricsCountRequests(t *testing.T) {
	e := newFakeExporter(t)
	h := e.Handler()
	get(t, h, "/probe?module=fake&target=tcp-open.test")
	get(t, h, "/probe?module=nope&target=x")
	get(t, h, "/probe?module=fake&target=tcp-open.example")
	_, body := get(t, h, "/metrics")
	want := []string{
		`roompath_exporter_probe_requests_total{code="200"} 1`,
		`roompath_exporter_probe_requests_total{code="400"} 2`,
		`roompath_exporter_probes_total{module="fake",success="true"} 1`,
	}
	if diff := cmp.Diff(want, metricLines(body, "roompath_exporter_probe_requests_total", "roompath_exporter_probes_total")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(metricLines(body, "go_goroutines", "roompath_exporter_build_info")) != 2 {
		t.Errorf("no Go or build metrics:\n%s", body)
	}
}

func TestLandingPage(t *testing.T) {
	h := newFakeExporter(t).Handler()
	if code, body := get(t, h, "/"); code != 200 || !strings.Contains(body, "fake (fake)") {
		t.Errorf("/: %d %s", code, body)
	}
	if code, _ := get(t, h, "/nothing"); code != 404 {
		t.Errorf("/nothing: %d", code)
	}
}
