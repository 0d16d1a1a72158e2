package exporter

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/proxytest"
)

func TestDNSModuleOnFakeResolvers(t *testing.T) {
	tests := []struct {
		name string
		cfg  dnstest.Config
		want []string
	}{
		{"answers", dnstest.Config{}, []string{"probe_success 1"}},
		{"sinkhole", dnstest.Config{Mode: dnstest.Sinkhole}, []string{
			`probe_failure_info{check="dns",failure="dns_bogon_error",observed="bogon",reason="unspecified"} 1`, "probe_success 0"}},
		{"nxdomain", dnstest.Config{Mode: dnstest.NXDomain}, []string{
			`probe_failure_info{check="dns",failure="dns_nxdomain_error",observed="nxdomain"`, "probe_success 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := dnstest.Start(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			h := newLoopbackExporter(t, &Config{Modules: map[string]ModuleConfig{
				"dns_zoom": {Prober: "dns", DNS: DNSModule{Names: []string{"zoom.us", "www.zoomstatus.com"}}},
			}}).Handler()
			code, body := get(t, h, "/probe?module=dns_zoom&target="+srv.Addr.String())
			for _, w := range tt.want {
				if code != 200 || !strings.Contains(body, w) {
					t.Errorf("code %d, no %s in:\n%s", code, w, body)
				}
			}
		})
	}
}

func TestTLSModuleGenuineAndIntercepted(t *testing.T) {
	genuine := proxytest.MustCA("Genuine Test Root", "roompath tests")
	roots := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(roots, genuine.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ca   *proxytest.CA
		want []string
	}{
		{"genuine", genuine, []string{"probe_success 1", `probe_tls_version_info{version="TLS 1.3"} 1`, "probe_ssl_earliest_cert_expiry "}},
		{"intercepted", proxytest.MustCA("FortiGate CA", "Fortinet"), []string{
			`probe_failure_info{check="tls",failure="ssl_unknown_authority",observed="intercepted",reason="unknown_issuer"} 1`, "probe_success 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln := proxytest.Loopback(t)
			defer proxytest.TLSOrigin{CA: tt.ca}.Serve(ln)()
			e := newLoopbackExporter(t, &Config{Modules: map[string]ModuleConfig{
				"tls_zoom": {Prober: "tls", TLS: TLSModule{CAFile: roots, Proxy: "none"}},
			}})
			// zoom.test is not listed: it is resolved (here, to the fake) and pinned.
			e.modules["tls_zoom"].(*tlsModule).lookup = func(context.Context, string) ([]netip.Addr, error) {
				return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
			}
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			code, body := get(t, e.Handler(), "/probe?module=tls_zoom&target=zoom.test:"+port)
			for _, w := range tt.want {
				if code != 200 || !strings.Contains(body, w) {
					t.Errorf("code %d, no %s in:\n%s", code, w, body)
				}
			}
		})
	}
}

func TestProxyModuleDirect(t *testing.T) {
	ln := proxytest.Loopback(t)
	defer proxytest.TLSOrigin{CA: proxytest.MustCA("Root", "roompath tests")}.Serve(ln)()
	h := newLoopbackExporter(t, &Config{Modules: map[string]ModuleConfig{
		"proxy_none": {Prober: "proxy", Proxy: ProxyModule{Proxy: "none"}},
	}}).Handler()
	code, body := get(t, h, "/probe?module=proxy_none&target="+ln.Addr().String())
	if code != 200 || !strings.Contains(body, "probe_success 1") || strings.Contains(body, "probe_failure_info{") {
		t.Errorf("code %d:\n%s", code, body)
	}
}
