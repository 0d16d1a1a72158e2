package exporter

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/roompath/roompath/internal/responder"
)

// startReflector runs the real UDP reflector on a loopback port until the
// test ends.
func startReflector(t *testing.T) uint16 {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responder.NewReflector(responder.UDPConfig{}).Serve(ctx, c); close(done) }()
	t.Cleanup(func() { cancel(); c.Close(); <-done })
	return uint16(c.LocalAddr().(*net.UDPAddr).Port)
}

func TestMediaModuleAgainstResponder(t *testing.T) {
	port := startReflector(t)
	closed := freeUDPPort(t)
	e := newLoopbackExporter(t, &Config{Modules: map[string]ModuleConfig{
		"media_lo": {Prober: "media", Media: MediaModule{Ports: []uint16{port, closed}, Duration: Duration(1e9), PPS: 20}},
	}})
	p := strconv.Itoa(int(port))
	code, body := get(t, e.Handler(), "/probe?module=media_lo&target=127.0.0.1:"+p, ScrapeTimeoutHeader, "10")
	want := []string{
		"\nprobe_success 0\n", // the closed port fails
		`probe_udp_open{port="` + p + `"} 1`,
		`probe_udp_open{port="` + strconv.Itoa(int(closed)) + `"} 0`,
		"\nprobe_media_loss_ratio 0\n",
		`probe_media_jitter_seconds{direction="up"} `, `probe_media_jitter_seconds{direction="down"} `,
		`probe_media_rtt_seconds{quantile="p50"} `, `probe_media_rtt_seconds{quantile="p95"} `, `probe_media_rtt_seconds{quantile="max"} `,
		`probe_failure_info{check="udp",failure="connection_refused",observed="unreachable",reason="port_unreach"} 1`,
	}
	for _, w := range want {
		if code != 200 || !strings.Contains(body, w) {
			t.Errorf("code %d, no %q in:\n%s", code, w, body)
		}
	}
	code, body = get(t, e.Handler(), "/probe?module=media_lo&target=127.0.0.1:"+p+"&debug=true")
	if code != 200 || !strings.Contains(body, `"check": "media"`) || !strings.Contains(body, `"observed": "good"`) {
		t.Errorf("debug: %d\n%s", code, body)
	}
}

func TestMediaModuleRefusals(t *testing.T) {
	e := newLoopbackExporter(t, nil)
	e.modules["media"].(*mediaModule).lookup = func(context.Context, string) ([]netip.Addr, error) { return nil, nil }
	for _, tt := range []struct{ target, want string }{
		{"192.0.2.1", "not in the allowlist"},
		{"192.0.2.1:8801", "not in the allowlist"},
		{"127.0.0.1:0", "port 1-65535"},
		{"a%20b", "want host"},
	} {
		if code, body := get(t, e.Handler(), "/probe?module=media&target="+tt.target); code/100 != 4 || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %q, want %q", tt.target, code, body, tt.want)
		}
	}
	for _, mc := range []MediaModule{{PPS: 5000}, {Duration: Duration(3600e9)}, {Thresholds: "/nonexistent.yml"}, {KeyFile: "/nonexistent"}, {Size: 1}} {
		if _, err := New(&Config{Modules: map[string]ModuleConfig{"m": {Prober: "media", Media: mc}}}, Options{}); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: %v, want a one-line error", mc, err)
		}
	}
}

// freeUDPPort is a loopback UDP port nothing listens on.
func freeUDPPort(t *testing.T) uint16 {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return uint16(c.LocalAddr().(*net.UDPAddr).Port)
}
