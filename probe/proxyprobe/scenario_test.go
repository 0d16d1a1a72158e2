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
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// scenarioTimeout is the per-attempt timeout of the loopback scenarios;
// hostile peers must end within it.
const scenarioTimeout = 700 * time.Millisecond

// verdict is the part of a result a scenario pins.
type verdict struct {
	Status    report.Status
	Observed  vocab.Observed
	Failure   vocab.Failure
	Operation vocab.Operation
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

// resultOf returns a function that runs the check a constructor built and
// returns the one result it emits; a constructor error, or anything but
// one emission with seq 0, fails t.
func resultOf(t *testing.T) func(runner, error) report.Result {
	return func(r runner, err error) report.Result {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var got []report.Result
		r.Run(context.Background(), func(seq int, res report.Result) {
			if seq != 0 {
				t.Errorf("emitted seq %d, want 0", seq)
			}
			got = append(got, res)
		})
		if len(got) != 1 {
			t.Fatalf("emitted %d results, want 1", len(got))
		}
		return got[0]
	}
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

func fixed(t *testing.T, proxyAddr string) *Settings {
	h, err := ParseProxyURL("http://" + proxyAddr)
	if err != nil {
		t.Fatal(err)
	}
	return &Settings{Fixed: []Hop{h}}
}

// proxyScenario is one interference scenario of the proxy check.
type proxyScenario struct {
	name   string
	target string
	setup  func(t *testing.T) (*Settings, *Dialer)
	want   verdict
	detail func(t *testing.T, d *ProxyDetail)
}

// proxyScenarios are the proxy check's scenarios: what the fakes do, and
// the verdict.
var proxyScenarios = []proxyScenario{
	{"clean direct path", "zoom.us:443", func(t *testing.T) (*Settings, *Dialer) {
		origin := start(t, proxytest.StallTLS{}.Serve)
		return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", origin)}}
	}, verdict{Status: report.StatusPass, Observed: vocab.ProxyDirect}, nil},
	{"no proxy, refused", "zoom.us:8801", func(t *testing.T) (*Settings, *Dialer) {
		return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:8801", refusedAddr(t))}}
	}, verdict{report.StatusFail, vocab.ProxyBlocked, vocab.FailureConnectionRefused, vocab.OpConnect}, nil},
	{"proxy allows 443", "zoom.us:443", proxyOnly443, verdict{Status: report.StatusWarn, Observed: vocab.ProxyViaProxy}, nil},
	{"proxy denies 8801", "zoom.us:8801", proxyOnly443, verdict{report.StatusFail, vocab.ProxyDenied, vocab.FailureProxyDenied, vocab.OpProxyConnect},
		func(t *testing.T, d *ProxyDetail) {
			if d.Status != 403 {
				t.Errorf("detail.status = %d, want 403", d.Status)
			}
		}},
	{"proxy wants auth", "zoom.us:443", func(t *testing.T) (*Settings, *Dialer) {
		p := start(t, proxytest.ConnectProxy{User: "u", Password: "p", AuthSchemes: []string{"Negotiate", "NTLM", `Basic realm="corp"`}}.Serve)
		return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
	}, verdict{report.StatusFail, vocab.ProxyAuthRequired, vocab.FailureProxyAuthRequired, vocab.OpProxyConnect},
		func(t *testing.T, d *ProxyDetail) {
			if diff := cmp.Diff([]string{"Negotiate", "NTLM", "Basic"}, d.AuthSchemes); diff != "" || d.Status != 407 || d.Realm != "corp" {
				t.Errorf("auth detail: status %d realm %q schemes (-want +got)\n%s", d.Status, d.Realm, diff)
			}
		}},
	{"proxy credentials accepted", "zoom.us:443", func(t *testing.T) (*Settings, *Dialer) {
		origin := start(t, proxytest.StallTLS{}.Serve)
		p := start(t, proxytest.ConnectProxy{User: "u", Password: "p", Upstream: map[string]string{"zoom.us:443": origin}}.Serve)
		h, _ := ParseProxyURL("http://u:p@" + p)
		return &Settings{Fixed: []Hop{h}}, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
	}, verdict{Status: report.StatusWarn, Observed: vocab.ProxyViaProxy}, nil},
	{"silent proxy", "zoom.us:443", func(t *testing.T) (*Settings, *Dialer) {
		p := start(t, proxytest.ConnectProxy{Silent: true}.Serve)
		return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
	}, verdict{report.StatusFail, vocab.ProxyBlocked, vocab.FailureTimeout, vocab.OpProxyConnect}, nil},
	{"endless headers", "zoom.us:443", func(t *testing.T) (*Settings, *Dialer) {
		p := start(t, proxytest.ConnectProxy{EndlessHeaders: true}.Serve)
		return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
	}, verdict{report.StatusFail, vocab.ProxyBlocked, vocab.FailureHTTPHeadTooLarge, vocab.OpProxyConnect}, nil},
	{"direct works, proxy refuses", "zoom.us:8801", func(t *testing.T) (*Settings, *Dialer) {
		origin := start(t, proxytest.StallTLS{}.Serve)
		p := start(t, proxytest.ConnectProxy{AllowPorts: []string{"443"}}.Serve)
		return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:8801", origin)}}
	}, verdict{Status: report.StatusWarn, Observed: vocab.ProxyDirect}, nil},
	{"PAC sends zoom to the proxy", "zoom.us:443", func(t *testing.T) (*Settings, *Dialer) {
		cfg, d := proxyOnly443(t)
		pac, err := CompilePAC(context.Background(), `function FindProxyForURL(u, h) { return "PROXY `+cfg.Fixed[0].Addr+`; DIRECT"; }`, testPACOptions())
		if err != nil {
			t.Fatal(err)
		}
		return &Settings{PAC: pac}, d
	}, verdict{Status: report.StatusWarn, Observed: vocab.ProxyViaProxy}, func(t *testing.T, d *ProxyDetail) {
		if d.Config.Source != SourcePAC || d.Config.PACAnswer == nil {
			t.Errorf("config = %+v, want source pac with its answer", d.Config)
		}
	}},
}

func TestProxyScenarios(t *testing.T) {
	for _, tt := range proxyScenarios {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, d := tt.setup(t)
			start := time.Now()
			res := resultOf(t)(NewProxy(ProxyConfig{Target: tt.target, Settings: cfg, Dialer: d, Timeout: scenarioTimeout}))
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if took := time.Since(start); took > 3*scenarioTimeout {
				t.Errorf("took %s, over the deadline", took)
			}
			if res.ID != "proxy/"+tt.target || res.Layer != vocab.LayerProxy || (res.Status != report.StatusPass && res.Hint == "") {
				t.Errorf("id %q layer %q hint %q", res.ID, res.Layer, res.Hint)
			}
			if tt.detail != nil {
				tt.detail(t, res.Detail.(*ProxyDetail))
			}
		})
	}
}

// proxyOnly443 is a proxy that CONNECTs only to 443, with direct paths
// refused.
func proxyOnly443(t *testing.T) (*Settings, *Dialer) {
	origin := start(t, proxytest.StallTLS{}.Serve)
	p := start(t, proxytest.ConnectProxy{AllowPorts: []string{"443"}, Upstream: map[string]string{"zoom.us:443": origin, "zoom.us:8801": origin}}.Serve)
	refused := refusedAddr(t)
	return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refused), rule("zoom.us:8801", refused)}}
}

// tlsScenario is one interference scenario of the TLS check.
type tlsScenario struct {
	name   string
	setup  func(t *testing.T) (*Settings, *Dialer)
	system *x509.CertPool
	want   verdict
	vendor string
	trusts *bool
	reason vocab.Reason // checked when set
}

// tlsScenarios are the TLS check's scenarios, with the genuine service's
// CA, two inspection CAs and an expired genuine CA.
func tlsScenarios(genuine, forti, mitm, expired *proxytest.CA) []tlsScenario {
	return []tlsScenario{
		{"genuine", direct(proxytest.TLSOrigin{CA: genuine}.Serve), nil, verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}, "", ptr(false), vocab.ReasonChainVerified},
		{"genuine and system-trusted", direct(proxytest.TLSOrigin{CA: genuine}.Serve), genuine.Pool(), verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}, "", ptr(true), vocab.ReasonChainVerified},
		{"transparent interception", direct(proxytest.TLSOrigin{CA: forti}.Serve), nil,
			verdict{report.StatusFail, vocab.TLSIntercepted, vocab.FailureSSLUnknownAuth, vocab.OpTLSHandshake}, "Fortinet", ptr(false), vocab.ReasonUnknownIssuer},
		{"inspection CA installed locally", direct(proxytest.TLSOrigin{CA: forti}.Serve), forti.Pool(),
			verdict{report.StatusFail, vocab.TLSIntercepted, vocab.FailureSSLUnknownAuth, vocab.OpTLSHandshake}, "Fortinet", ptr(true), vocab.ReasonUnknownIssuer},
		{"explicit proxy intercepts", func(t *testing.T) (*Settings, *Dialer) {
			p := start(t, proxytest.ConnectProxy{Intercept: mitm, Upstream: map[string]string{"zoom.us:443": "unused:1"}}.Serve)
			return fixed(t, p), &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, nil, verdict{report.StatusFail, vocab.TLSIntercepted, vocab.FailureSSLUnknownAuth, vocab.OpTLSHandshake}, "mitmproxy", ptr(false), vocab.ReasonUnknownIssuer},
		{"expired genuine chain", direct(proxytest.TLSOrigin{CA: expired}.Serve), nil,
			verdict{report.StatusFail, vocab.TLSInvalid, vocab.FailureSSLInvalidCert, vocab.OpTLSHandshake}, "", ptr(false), vocab.ReasonChainInvalid},
		{"stall mid-handshake", direct(proxytest.StallTLS{}.Serve), nil,
			verdict{report.StatusFail, vocab.TLSBlocked, vocab.FailureTimeout, vocab.OpTLSHandshake}, "", nil, vocab.ReasonHandshakeTimeout},
		{"reset on ClientHello", direct(proxytest.ResetTLS{}.Serve), nil,
			verdict{report.StatusFail, vocab.TLSBlocked, vocab.FailureConnectionReset, vocab.OpTLSHandshake}, "", nil, vocab.ReasonHandshakeReset},
		{"SNI filter resets", sniFiltered(genuine, false), nil,
			verdict{report.StatusFail, vocab.TLSBlocked, vocab.FailureConnectionReset, vocab.OpTLSHandshake}, "", nil, vocab.ReasonSNIFiltered},
		{"SNI filter drops", sniFiltered(genuine, true), nil,
			verdict{report.StatusFail, vocab.TLSBlocked, vocab.FailureTimeout, vocab.OpTLSHandshake}, "", nil, vocab.ReasonSNIFiltered},
		{"SNI filter passes other hosts", func(t *testing.T) (*Settings, *Dialer) {
			origin := start(t, proxytest.TLSOrigin{CA: genuine}.Serve)
			return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", start(t, proxytest.SNIFilter{Upstream: origin, Names: []string{"zoom.com"}}.Serve))}}
		}, nil, verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}, "", ptr(false), vocab.ReasonChainVerified},
		{"no path", func(t *testing.T) (*Settings, *Dialer) {
			return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
		}, nil, verdict{report.StatusError, vocab.TLSUnreachable, vocab.FailureConnectionRefused, vocab.OpConnect}, "", nil, vocab.ReasonNoPath},
	}
}

func TestTLSScenarios(t *testing.T) {
	genuine := mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")
	forti := mustCA(t, "FortiGate CA", "Fortinet")
	mitm := mustCA(t, "mitmproxy", "mitmproxy")
	expired := mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")
	expired.NotAfter = time.Now().Add(-time.Hour)
	for _, tt := range tlsScenarios(genuine, forti, mitm, expired) {
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
			res := resultOf(t)(newTLS(TLSConfig{Target: "zoom.us:443", Settings: cfg, Dialer: d, Timeout: scenarioTimeout, Roots: roots}, system))
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if tt.reason != "" && res.Reason != tt.reason {
				t.Errorf("reason %q, want %q (hint %q)", res.Reason, tt.reason, res.Hint)
			}
			det := res.Detail.(*TLSDetail)
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

// sniFiltered is a genuine origin behind a relay that stops ClientHellos
// naming zoom.us (resetting, or with drop swallowing them).
func sniFiltered(genuine *proxytest.CA, drop bool) func(t *testing.T) (*Settings, *Dialer) {
	return func(t *testing.T) (*Settings, *Dialer) {
		origin := start(t, proxytest.TLSOrigin{CA: genuine}.Serve)
		relay := start(t, proxytest.SNIFilter{Upstream: origin, Names: []string{"zoom.us"}, Drop: drop}.Serve)
		return nil, &Dialer{Rules: []ConnectTo{rule("zoom.us:443", relay)}}
	}
}

func direct(serve func(net.Listener) func()) func(t *testing.T) (*Settings, *Dialer) {
	return func(t *testing.T) (*Settings, *Dialer) {
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
		check func(t *testing.T, d *EchoDetail)
	}{
		{"clean path", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", startResponder(t))}}
		}, verdict{Status: report.StatusPass, Observed: vocab.HTTPClean}, nil},
		{"transparent proxy rewrites", func(t *testing.T) *Dialer {
			proxy := start(t, proxytest.TransparentProxy{Upstream: startResponder(t)}.Serve)
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", proxy)}}
		}, verdict{Status: report.StatusFail, Observed: vocab.HTTPModified}, func(t *testing.T, d *EchoDetail) {
			if diff := cmp.Diff([]string{"Via", "X-Forwarded-For"}, d.Added); diff != "" {
				t.Errorf("added (-want +got)\n%s", diff)
			}
			if !d.RequestLineChanged || len(d.Changed) < 7 || d.ResponseMarks["Via"] == "" {
				t.Errorf("detail = %+v", d)
			}
		}},
		{"silent peer", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", start(t, proxytest.StallTLS{}.Serve))}}
		}, verdict{report.StatusFail, vocab.HTTPModified, vocab.FailureTimeout, vocab.OpHTTPRoundTrip}, nil},
		{"endless headers", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", start(t, proxytest.ConnectProxy{EndlessHeaders: true}.Serve))}}
		}, verdict{report.StatusFail, vocab.HTTPModified, vocab.FailureHTTPHeadTooLarge, vocab.OpHTTPRoundTrip}, nil},
		{"a proxy answers instead", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", start(t, proxytest.ConnectProxy{}.Serve))}}
		}, verdict{Status: report.StatusFail, Observed: vocab.HTTPModified}, nil},
		{"responder down", func(t *testing.T) *Dialer {
			return &Dialer{Rules: []ConnectTo{rule("echo.lab.test:8080", refusedAddr(t))}}
		}, verdict{report.StatusError, vocab.HTTPUnreachable, vocab.FailureConnectionRefused, vocab.OpConnect}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := resultOf(t)(NewHTTPEcho(HTTPEchoConfig{URL: echoURL, Dialer: tt.setup(t), Timeout: scenarioTimeout}))
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, res.Detail.(*EchoDetail))
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
		{"plain origin", func(t *testing.T) string { return start(t, proxytest.Origin{}.Serve) }, verdict{Status: report.StatusPass, Observed: vocab.HTTPClean}},
		{"behind a transparent proxy", func(t *testing.T) string {
			return start(t, proxytest.TransparentProxy{Upstream: start(t, proxytest.Origin{}.Serve)}.Serve)
		}, verdict{Status: report.StatusFail, Observed: vocab.HTTPModified}},
		{"nothing listens", refusedAddr, verdict{report.StatusError, vocab.HTTPUnreachable, vocab.FailureConnectionRefused, vocab.OpConnect}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &Dialer{Rules: []ConnectTo{rule("zoom.us:80", tt.setup(t))}}
			res := resultOf(t)(NewHTTPWeak(HTTPWeakConfig{URL: u, Dialer: d, Timeout: scenarioTimeout}))
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if res.Detail.(*WeakDetail).Verdict != "weak" {
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
		{proxytest.PortalNone, verdict{Status: report.StatusPass, Observed: vocab.CaptiveNone}},
		{proxytest.PortalRedirect, verdict{Status: report.StatusFail, Observed: vocab.CaptivePortal}},
		{proxytest.PortalLogin, verdict{Status: report.StatusFail, Observed: vocab.CaptivePortal}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			d := &Dialer{Rules: []ConnectTo{rule("captive.lab.test:80", start(t, proxytest.CaptivePortal{Mode: tt.mode}.Serve))}}
			res := resultOf(t)(NewCaptive(CaptiveConfig{URL: u, Dialer: d, Timeout: scenarioTimeout}))
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if res.ID != "captive/"+u.String() || res.Layer != vocab.LayerLocal {
				t.Errorf("id %q layer %q", res.ID, res.Layer)
			}
		})
	}
}
