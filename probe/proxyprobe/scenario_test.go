package proxyprobe

import (
	"context"
	"crypto/x509"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/report"
)

// scenarioTimeout is the per-attempt timeout of the loopback scenarios;
// hostile peers must end within it.
const scenarioTimeout = 700 * time.Millisecond

// verdict is the part of a result a scenario pins.
type verdict struct {
	Status    report.Status
	Observed  string
	Failure   string
	Operation string
}

func verdictOf(r report.Result) verdict {
	v := verdict{Status: r.Status, Observed: r.Observed}
	if r.Failure != nil {
		v.Failure = *r.Failure
	}
	if r.Operation != nil {
		v.Operation = *r.Operation
	}
	return v
}

// start serves a fake on a fresh loopback listener for the test's life.
func start(t *testing.T, serve func(net.Listener) func()) string {
	t.Helper()
	ln := proxytest.Loopback(t)
	t.Cleanup(serve(ln))
	return ln.Addr().String()
}

// refusedAddr is a loopback port nothing listens on.
func refusedAddr(t *testing.T) string {
	ln := proxytest.Loopback(t)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func mustCA(t *testing.T, cn, org string) *proxytest.CA {
	ca, err := proxytest.NewCA(cn, org)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// rule sends host:port to addr.
func rule(hostport, addr string) ConnectTo {
	h, p, _ := net.SplitHostPort(hostport)
	ah, ap, _ := net.SplitHostPort(addr)
	return ConnectTo{Host: h, Port: p, ToHost: ah, ToPort: ap}
}

func fixed(t *testing.T, proxyAddr string) *ProxyConfig {
	h, err := ParseProxyURL("http://" + proxyAddr)
	if err != nil {
		t.Fatal(err)
	}
	return &ProxyConfig{Fixed: []Hop{h}}
}

func TestProxyScenarios(t *testing.T) {
	tests := []struct {
		name   string
		target string
		setup  func(t *testing.T) (*ProxyConfig, *Dialer)
		want   verdict
		detail func(t *testing.T, d proxyDetailJSON)
	}{
		{"clean direct path", "zoom.us:443", func(t *testing.T) (*ProxyConfig, *Dialer) {
			origin := start(t, proxytest.StallTLS{}.Serve)
			return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", origin)}}
		}, verdict{Status: report.StatusPass, Observed: ObservedDirect}, nil},
		{"no proxy, refused", "zoom.us:8801", func(t *testing.T) (*ProxyConfig, *Dialer) {
			return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:8801", refusedAddr(t))}}
		}, verdict{report.StatusFail, ObservedBlocked, probe.FailureConnectionRefused, probe.OpConnect}, nil},
		{"proxy allows 443", "zoom.us:443", proxyOnly443, verdict{Status: report.StatusWarn, Observed: ObservedViaProxy}, nil},
		{"proxy denies 8801", "zoom.us:8801", proxyOnly443, verdict{report.StatusFail, ObservedProxyDenied, probe.FailureProxyDenied, probe.OpProxyConnect},
			func(t *testing.T, d proxyDetailJSON) {
				if d.Status != 403 {
					t.Errorf("detail.status = %d, want 403", d.Status)
				}
			}},
		{"proxy wants auth", "zoom.us:443", func(t *testing.T) (*ProxyConfig, *Dialer) {
			p := start(t, proxytest.ConnectProxy{User: "u", Password: "p", AuthSchemes: []string{"Negotiate", "NTLM", `Basic realm="corp"`}}.Serve)
			return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, verdict{report.StatusFail, ObservedProxyAuthRequired, probe.FailureProxyAuthRequired, probe.OpProxyConnect},
			func(t *testing.T, d proxyDetailJSON) {
				if diff := cmp.Diff([]string{"Negotiate", "NTLM", "Basic"}, d.AuthScheme); diff != "" || d.Status != 407 || d.Realm != "corp" {
					t.Errorf("auth detail: status %d realm %q schemes (-want +got)\n%s", d.Status, d.Realm, diff)
				}
			}},
		{"proxy credentials accepted", "zoom.us:443", func(t *testing.T) (*ProxyConfig, *Dialer) {
			origin := start(t, proxytest.StallTLS{}.Serve)
			p := start(t, proxytest.ConnectProxy{User: "u", Password: "p", Upstream: map[string]string{"zoom.us:443": origin}}.Serve)
			h, _ := ParseProxyURL("http://u:p@" + p)
			return &ProxyConfig{Fixed: []Hop{h}}, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, verdict{Status: report.StatusWarn, Observed: ObservedViaProxy}, nil},
		{"silent proxy", "zoom.us:443", func(t *testing.T) (*ProxyConfig, *Dialer) {
			p := start(t, proxytest.ConnectProxy{Silent: true}.Serve)
			return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, verdict{report.StatusFail, ObservedBlocked, probe.FailureTimeout, probe.OpProxyConnect}, nil},
		{"endless headers", "zoom.us:443", func(t *testing.T) (*ProxyConfig, *Dialer) {
			p := start(t, proxytest.ConnectProxy{EndlessHeaders: true}.Serve)
			return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, verdict{report.StatusFail, ObservedBlocked, probe.FailureHTTPHeadTooLarge, probe.OpProxyConnect}, nil},
		{"direct works, proxy refuses", "zoom.us:8801", func(t *testing.T) (*ProxyConfig, *Dialer) {
			origin := start(t, proxytest.StallTLS{}.Serve)
			p := start(t, proxytest.ConnectProxy{AllowPorts: []string{"443"}}.Serve)
			return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:8801", origin)}}
		}, verdict{Status: report.StatusWarn, Observed: ObservedDirect}, nil},
		{"PAC sends zoom to the proxy", "zoom.us:443", func(t *testing.T) (*ProxyConfig, *Dialer) {
			cfg, d := proxyOnly443(t)
			pac, err := CompilePAC(context.Background(), `function FindProxyForURL(u, h) { return "PROXY `+cfg.Fixed[0].Addr+`; DIRECT"; }`, testPACOptions())
			if err != nil {
				t.Fatal(err)
			}
			return &ProxyConfig{PAC: pac}, d
		}, verdict{Status: report.StatusWarn, Observed: ObservedViaProxy}, func(t *testing.T, d proxyDetailJSON) {
			if d.Config.Source != SourcePAC || d.Config.PACAnswer == nil {
				t.Errorf("config = %+v, want source pac with its answer", d.Config)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, d := tt.setup(t)
			start := time.Now()
			res := NewProxy(ProxyCheck{Target: tt.target, Config: cfg, Dialer: d, Timeout: scenarioTimeout}).Run(context.Background())
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if took := time.Since(start); took > 3*scenarioTimeout {
				t.Errorf("took %s, over the deadline", took)
			}
			if res.ID != "proxy/"+tt.target || res.Layer != report.LayerProxy || (res.Status != report.StatusPass && res.Hint == "") {
				t.Errorf("id %q layer %q hint %q", res.ID, res.Layer, res.Hint)
			}
			if tt.detail != nil {
				tt.detail(t, res.Detail.(proxyDetailJSON))
			}
		})
	}
}

// proxyOnly443 is a proxy that CONNECTs only to 443, with direct paths
// refused.
func proxyOnly443(t *testing.T) (*ProxyConfig, *Dialer) {
	origin := start(t, proxytest.StallTLS{}.Serve)
	p := start(t, proxytest.ConnectProxy{AllowPorts: []string{"443"}, Upstream: map[string]string{"zoom.us:443": origin, "zoom.us:8801": origin}}.Serve)
	refused := refusedAddr(t)
	return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refused), rule("zoom.us:8801", refused)}}
}

func TestTLSScenarios(t *testing.T) {
	genuine := mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")
	forti := mustCA(t, "FortiGate CA", "Fortinet")
	mitm := mustCA(t, "mitmproxy", "mitmproxy")
	expired := mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")
	expired.NotAfter = time.Now().Add(-time.Hour)
	tests := []struct {
		name   string
		setup  func(t *testing.T) (*ProxyConfig, *Dialer)
		system *x509.CertPool
		want   verdict
		vendor string
		trusts *bool
	}{
		{"genuine", direct(proxytest.TLSOrigin{CA: genuine}.Serve), nil, verdict{Status: report.StatusPass, Observed: ObservedGenuine}, "", ptr(false)},
		{"genuine and system-trusted", direct(proxytest.TLSOrigin{CA: genuine}.Serve), genuine.Pool(), verdict{Status: report.StatusPass, Observed: ObservedGenuine}, "", ptr(true)},
		{"transparent interception", direct(proxytest.TLSOrigin{CA: forti}.Serve), nil,
			verdict{report.StatusFail, ObservedIntercepted, probe.FailureSSLUnknownAuth, probe.OpTLSHandshake}, "Fortinet", ptr(false)},
		{"inspection CA installed locally", direct(proxytest.TLSOrigin{CA: forti}.Serve), forti.Pool(),
			verdict{report.StatusFail, ObservedIntercepted, probe.FailureSSLUnknownAuth, probe.OpTLSHandshake}, "Fortinet", ptr(true)},
		{"explicit proxy intercepts", func(t *testing.T) (*ProxyConfig, *Dialer) {
			p := start(t, proxytest.ConnectProxy{Intercept: mitm, Upstream: map[string]string{"zoom.us:443": "unused:1"}}.Serve)
			return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, nil, verdict{report.StatusFail, ObservedIntercepted, probe.FailureSSLUnknownAuth, probe.OpTLSHandshake}, "mitmproxy", ptr(false)},
		{"expired genuine chain", direct(proxytest.TLSOrigin{CA: expired}.Serve), nil,
			verdict{report.StatusFail, ObservedInvalid, probe.FailureSSLInvalidCert, probe.OpTLSHandshake}, "", ptr(false)},
		{"stall mid-handshake", direct(proxytest.StallTLS{}.Serve), nil,
			verdict{report.StatusFail, ObservedInvalid, probe.FailureTimeout, probe.OpTLSHandshake}, "", nil},
		{"reset on ClientHello", direct(proxytest.ResetTLS{}.Serve), nil,
			verdict{report.StatusFail, ObservedInvalid, probe.FailureConnectionReset, probe.OpTLSHandshake}, "", nil},
		{"no path", func(t *testing.T) (*ProxyConfig, *Dialer) {
			return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, nil, verdict{report.StatusError, ObservedUnreachable, probe.FailureConnectionRefused, probe.OpConnect}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, d := tt.setup(t)
			roots := genuine.Pool()
			if tt.name == "expired genuine chain" {
				roots = expired.Pool()
			}
			system := tt.system
			if system == nil {
				system = x509.NewCertPool() // an empty store: never the machine's
			}
			res := NewTLS(TLSCheck{Target: "zoom.us:443", Config: cfg, Dialer: d, Timeout: scenarioTimeout, Roots: roots, SystemRoots: system}).Run(context.Background())
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			det := res.Detail.(*tlsDetail)
			gotVendor := ""
			if det.Vendor != nil {
				gotVendor = *det.Vendor
			}
			if gotVendor != tt.vendor || !cmp.Equal(tt.trusts, det.SystemTrusts) {
				t.Errorf("vendor %q system_trusts %v, want %q %v", gotVendor, fmtPtr(det.SystemTrusts), tt.vendor, fmtPtr(tt.trusts))
			}
			if det.SNI != "zoom.us" {
				t.Errorf("sni = %q", det.SNI)
			}
		})
	}
}

func direct(serve func(net.Listener) func()) func(t *testing.T) (*ProxyConfig, *Dialer) {
	return func(t *testing.T) (*ProxyConfig, *Dialer) {
		return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", start(t, serve))}}
	}
}

func ptr(b bool) *bool { return &b }

func fmtPtr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func startResponder(t *testing.T) string {
	ln := proxytest.Loopback(t)
	serveResponder(t, ln)
	return ln.Addr().String()
}

func responderServe(ctx context.Context, ln net.Listener) {
	responder.New(responder.Config{}).Serve(ctx, ln, responder.ModeAuto)
}

func emptyPool() *x509.CertPool { return x509.NewCertPool() }

func TestHTTPScenarios(t *testing.T) {
	echoURL, _ := url.Parse("http://echo.lab.test:8080/")
	tests := []struct {
		name  string
		setup func(t *testing.T) *Dialer
		want  verdict
		check func(t *testing.T, d *echoDetail)
	}{
		{"clean path", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", startResponder(t))}}
		}, verdict{Status: report.StatusPass, Observed: ObservedClean}, nil},
		{"transparent proxy rewrites", func(t *testing.T) *Dialer {
			proxy := start(t, proxytest.TransparentProxy{Upstream: startResponder(t)}.Serve)
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", proxy)}}
		}, verdict{Status: report.StatusFail, Observed: ObservedModified}, func(t *testing.T, d *echoDetail) {
			if diff := cmp.Diff([]string{"Via", "X-Forwarded-For"}, d.Added); diff != "" {
				t.Errorf("added (-want +got)\n%s", diff)
			}
			if !d.RequestLineChanged || len(d.Changed) < 7 || d.ResponseMarks["Via"] == "" {
				t.Errorf("detail = %+v", d)
			}
		}},
		{"silent peer", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", start(t, proxytest.StallTLS{}.Serve))}}
		}, verdict{report.StatusFail, ObservedModified, probe.FailureTimeout, probe.OpHTTPRoundTrip}, nil},
		{"endless headers", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", start(t, proxytest.ConnectProxy{EndlessHeaders: true}.Serve))}}
		}, verdict{report.StatusFail, ObservedModified, probe.FailureHTTPHeadTooLarge, probe.OpHTTPRoundTrip}, nil},
		{"a proxy answers instead", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", start(t, proxytest.ConnectProxy{}.Serve))}}
		}, verdict{Status: report.StatusFail, Observed: ObservedModified}, nil},
		{"responder down", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", refusedAddr(t))}}
		}, verdict{report.StatusError, ObservedUnreachable, probe.FailureConnectionRefused, probe.OpConnect}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := NewHTTPEcho(HTTPEchoCheck{URL: echoURL, Dialer: tt.setup(t), Timeout: scenarioTimeout}).Run(context.Background())
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, res.Detail.(*echoDetail))
			}
		})
	}
}

func TestHTTPWeakScenarios(t *testing.T) {
	u, _ := url.Parse("http://zoom.us/")
	tests := []struct {
		name  string
		setup func(t *testing.T) string
		want  verdict
	}{
		{"plain origin", func(t *testing.T) string { return start(t, proxytest.Origin{}.Serve) }, verdict{Status: report.StatusPass, Observed: ObservedClean}},
		{"behind a transparent proxy", func(t *testing.T) string {
			return start(t, proxytest.TransparentProxy{Upstream: start(t, proxytest.Origin{}.Serve)}.Serve)
		}, verdict{Status: report.StatusFail, Observed: ObservedModified}},
		{"nothing listens", refusedAddr, verdict{report.StatusError, ObservedUnreachable, probe.FailureConnectionRefused, probe.OpConnect}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &Dialer{Rules: []ConnectTo{rule("zoom.us:80", tt.setup(t))}}
			res := NewHTTPWeak(HTTPWeakCheck{URL: u, Dialer: d, Timeout: scenarioTimeout}).Run(context.Background())
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if res.Detail.(*weakDetail).Verdict != "weak" {
				t.Error("the fallback must say its verdict is weak")
			}
		})
	}
}

func TestCaptiveScenarios(t *testing.T) {
	u, _ := url.Parse("http://captive.lab.test/generate_204")
	tests := []struct {
		mode string
		want verdict
	}{
		{proxytest.PortalNone, verdict{Status: report.StatusPass, Observed: ObservedNoPortal}},
		{proxytest.PortalRedirect, verdict{Status: report.StatusFail, Observed: ObservedPortal}},
		{proxytest.PortalLogin, verdict{Status: report.StatusFail, Observed: ObservedPortal}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			d := &Dialer{Rules: []ConnectTo{rule("captive.lab.test:80", start(t, proxytest.CaptivePortal{Mode: tt.mode}.Serve))}}
			res := NewCaptive(CaptiveCheck{URL: u, Dialer: d, Timeout: scenarioTimeout}).Run(context.Background())
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if res.ID != "captive/"+u.String() || res.Layer != report.LayerLocal {
				t.Errorf("id %q layer %q", res.ID, res.Layer)
			}
		})
	}
}

func TestDiscoverWPAD(t *testing.T) {
	pacAddr := start(t, proxytest.PACServer{Body: `function FindProxyForURL(u, h) { return "PROXY corp-proxy:3128"; }`}.Serve)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxytest.WPADDNS{A: map[string]string{"wpad.lab.test.": "127.0.0.1"}}.Serve(pc))
	_, port, _ := net.SplitHostPort(pacAddr)
	disc := Discovery{
		WPAD:   WPAD{Domains: []string{"rooms.lab.test"}, Servers: []string{pc.LocalAddr().String()}},
		Getenv: func(string) string { return "" },
		Dialer: &Dialer{Rules: []ConnectTo{{Host: "wpad.lab.test", Port: "80", ToPort: port}}},
	}
	cfg, res, err := Discover(context.Background(), disc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(verdict{Status: report.StatusPass, Observed: ObservedConfigPAC}, verdictOf(res)); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	det := res.Detail.(*configDetail)
	if diff := cmp.Diff([]string{"wpad.rooms.lab.test", "wpad.lab.test"}, det.WPAD.Tried); diff != "" || det.PACURL != "http://wpad.lab.test/wpad.dat" {
		t.Errorf("wpad %+v pac %q (-want +got)\n%s", det.WPAD, det.PACURL, diff)
	}
	dec, err := cfg.Decide(context.Background(), "https://zoom.us/")
	if err != nil || dec.Source != SourcePAC || *dec.PACAnswer != "PROXY corp-proxy:3128" {
		t.Errorf("decision %+v, %v", dec, err)
	}
}

func TestDiscoverEnvAndFlags(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "http://user:pw@envproxy:3128", "NO_PROXY": "zoom.com"}
	tests := []struct {
		name     string
		disc     Discovery
		url      string
		observed string
		source   string
		proxies  []string
	}{
		{"env", Discovery{NoWPAD: true}, "https://zoom.us/", ObservedConfigExplicit, SourceEnv, []string{"PROXY envproxy:3128"}},
		{"env NO_PROXY", Discovery{NoWPAD: true}, "https://zoom.com/", ObservedConfigExplicit, SourceNone, []string{"DIRECT"}},
		{"flag wins", Discovery{NoWPAD: true, Proxy: "flagproxy:8080"}, "https://zoom.com/", ObservedConfigExplicit, SourceFlag, []string{"PROXY flagproxy:8080"}},
		{"none turns all off", Discovery{Proxy: "none"}, "https://zoom.us/", ObservedConfigNone, SourceNone, []string{"DIRECT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.disc.Getenv = func(k string) string { return env[k] }
			cfg, res, err := Discover(context.Background(), tt.disc)
			if err != nil {
				t.Fatal(err)
			}
			dec, _ := cfg.Decide(context.Background(), tt.url)
			got := []any{res.Observed, dec.Source, dec.Proxies}
			if diff := cmp.Diff([]any{tt.observed, tt.source, tt.proxies}, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if d := res.Detail.(*configDetail); d.Env["HTTPS_PROXY"] != "" && d.Env["HTTPS_PROXY"] != "http://REDACTED@envproxy:3128" {
				t.Errorf("credentials not redacted: %q", d.Env["HTTPS_PROXY"])
			}
		})
	}
}
