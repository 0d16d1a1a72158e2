package proxyprobe

import (
	"context"
	"net"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// The proxy lab: the client reaches the servers only through the router,
// which runs the middleboxes and the nftables rules that steer traffic
// into them.
//
//	client 10.99.51.2 ── 10.99.51.1 router 10.99.52.1 ── server 10.99.52.2–.5
//
// Server .2 is the clean path: a responder on 80 and 8080, a genuine TLS
// origin on 443, a plain listener on 8801. The router redirects TCP 80 to
// .2 into its transparent proxy (:3129, original destination from
// conntrack), TCP 443 to .3 into a Fortinet-like interceptor (:8443), TCP
// 80 to .5 into a captive portal (:3130), and resets TCP to .4 (direct
// path blocked), where only its explicit proxies get through:
// 10.99.51.1:3128 (CONNECT to 443 only), :3131 (demands authentication) and
// :3132 (intercepts TLS with a Zscaler-like CA).
const (
	labClient   = "10.99.51.2"
	labRouter   = "10.99.51.1"
	labRouterS  = "10.99.52.1"
	labClean    = "10.99.52.2"
	labInspect  = "10.99.52.3"
	labBlocked  = "10.99.52.4"
	labCaptive  = "10.99.52.5"
	labProxyURL = "http://" + labRouter + ":3128"
)

const labRuleset = `
table ip proxylab {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "r-client" ip daddr ` + labClean + ` tcp dport 80 redirect to :3129
		iifname "r-client" ip daddr ` + labInspect + ` tcp dport 443 redirect to :8443
		iifname "r-client" ip daddr ` + labCaptive + ` tcp dport 80 redirect to :3130
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr ` + labBlocked + ` tcp flags syn reject with tcp reset
	}
}
`

type proxyLab struct {
	client, router, server *nslab.NS
	genuine                *proxytest.CA
}

func newProxyLab(t *testing.T) *proxyLab {
	nslab.Need(t)
	lab, err := nslab.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	pl := &proxyLab{genuine: mustCA(t, "Roompath Lab Root G2", "Roompath Lab PKI")}
	for _, ns := range []struct {
		dst  **nslab.NS
		role string
	}{{&pl.client, "client"}, {&pl.router, "router"}, {&pl.server, "server"}} {
		if *ns.dst, err = lab.AddNS(ns.role); err != nil {
			t.Fatal(err)
		}
	}
	must(t, lab.Link(pl.client, "c-router", []string{labClient + "/24"}, pl.router, "r-client", []string{labRouter + "/24"}))
	must(t, lab.Link(pl.router, "r-server", []string{labRouterS + "/24"}, pl.server, "s-router",
		[]string{labClean + "/24", labInspect + "/24", labBlocked + "/24", labCaptive + "/24"}))
	must(t, pl.client.Route("default", labRouter))
	must(t, pl.server.Route("default", labRouterS))
	must(t, pl.router.EnableForwarding())
	must(t, pl.router.Nft(labRuleset))
	pl.startServers(t)
	pl.startMiddleboxes(t)
	return pl
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (pl *proxyLab) listen(t *testing.T, ns *nslab.NS, addr string, serve func(net.Listener) func()) {
	ln, err := ns.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(serve(ln))
}

func (pl *proxyLab) startServers(t *testing.T) {
	for _, port := range []string{"80", "8080"} {
		ln, err := pl.server.Listen("tcp", labClean+":"+port)
		if err != nil {
			t.Fatal(err)
		}
		serveResponder(t, ln)
	}
	pl.listen(t, pl.server, labClean+":443", proxytest.TLSOrigin{CA: pl.genuine}.Serve)
	pl.listen(t, pl.server, labInspect+":443", proxytest.TLSOrigin{CA: pl.genuine}.Serve)
	pl.listen(t, pl.server, labClean+":8801", proxytest.StallTLS{}.Serve)
	pl.listen(t, pl.server, labBlocked+":443", proxytest.TLSOrigin{CA: pl.genuine}.Serve)
}

func (pl *proxyLab) startMiddleboxes(t *testing.T) {
	forti := mustCA(t, "FortiGate CA", "Fortinet")
	dial := pl.router.Dial
	pl.listen(t, pl.router, "0.0.0.0:3129", proxytest.TransparentProxy{Dial: dial}.Serve)
	pl.listen(t, pl.router, "0.0.0.0:8443", proxytest.TLSOrigin{CA: forti}.Serve)
	pl.listen(t, pl.router, "0.0.0.0:3130", proxytest.CaptivePortal{Mode: proxytest.PortalRedirect}.Serve)
	up := map[string]string{"zoom.us:443": labClean + ":443", "zoom.us:8801": labClean + ":8801"}
	pl.listen(t, pl.router, labRouter+":3128", proxytest.ConnectProxy{AllowPorts: []string{"443"}, Dial: dial, Upstream: up}.Serve)
	pl.listen(t, pl.router, labRouter+":3131", proxytest.ConnectProxy{User: "room", Password: "pw", AuthSchemes: []string{"NTLM", `Basic realm="lab"`}, Dial: dial, Upstream: up}.Serve)
	pl.listen(t, pl.router, labRouter+":3132", proxytest.ConnectProxy{Intercept: mustCA(t, "Zscaler Intermediate Root CA", "Zscaler Inc."), Dial: dial, Upstream: up}.Serve)
}

func serveResponder(t *testing.T, ln net.Listener) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responderServe(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// dialer connects from the client namespace, name host:port → lab address.
func (pl *proxyLab) dialer(rules ...string) *Dialer {
	d := &Dialer{dial: pl.client.Dial}
	for i := 0; i+1 < len(rules); i += 2 {
		d.Rules = append(d.Rules, rule(rules[i], rules[i+1]))
	}
	return d
}

func TestLabProxyScenarios(t *testing.T) {
	pl := newProxyLab(t)
	run := resultOf(t)
	hop, _ := ParseProxyURL(labProxyURL)
	explicit := &Settings{Fixed: []Hop{hop}}
	authHop, _ := ParseProxyURL("http://" + labRouter + ":3131")
	mitmHop, _ := ParseProxyURL("http://" + labRouter + ":3132")
	auth, mitm := &Settings{Fixed: []Hop{authHop}}, &Settings{Fixed: []Hop{mitmHop}}
	echo := func(raw string) *url.URL { u, _ := url.Parse(raw); return u }
	tests := []struct {
		name string
		run  func() report.Result
		want verdict
	}{
		{"clean: direct 443", func() report.Result {
			return run(NewProxy(ProxyConfig{Target: "zoom.us:443", Dialer: pl.dialer("zoom.us:443", labClean+":443"), Timeout: scenarioTimeout}))
		}, verdict{Status: report.StatusPass, Observed: vocab.ProxyDirect}},
		{"clean: genuine TLS", func() report.Result {
			return run(newTLS(TLSConfig{Target: "zoom.us:443", Dialer: pl.dialer("zoom.us:443", labClean+":443"), Timeout: scenarioTimeout, Roots: pl.genuine.Pool()}, emptyPool()))
		}, verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}},
		{"clean: echo on an unredirected port", func() report.Result {
			return run(NewHTTPEcho(HTTPEchoConfig{URL: echo("http://echo.lab.test:8080/"), Dialer: pl.dialer("echo.lab.test:8080", labClean+":8080"), Timeout: scenarioTimeout}))
		}, verdict{Status: report.StatusPass, Observed: vocab.HTTPClean}},
		{"transparent proxy behind nftables redirect", func() report.Result {
			return run(NewHTTPEcho(HTTPEchoConfig{URL: echo("http://echo.lab.test/"), Dialer: pl.dialer("echo.lab.test:80", labClean+":80"), Timeout: scenarioTimeout}))
		}, verdict{Status: report.StatusFail, Observed: vocab.HTTPModified}},
		{"TLS interception by redirect", func() report.Result {
			return run(newTLS(TLSConfig{Target: "zoom.us:443", Dialer: pl.dialer("zoom.us:443", labInspect+":443"), Timeout: scenarioTimeout, Roots: pl.genuine.Pool()}, emptyPool()))
		}, verdict{report.StatusFail, vocab.TLSIntercepted, vocab.FailureSSLUnknownAuth, vocab.OpTLSHandshake}},
		{"explicit proxy: 443 only through it", func() report.Result {
			return run(NewProxy(ProxyConfig{Target: "zoom.us:443", Settings: explicit, Dialer: pl.dialer("zoom.us:443", labBlocked+":443"), Timeout: scenarioTimeout}))
		}, verdict{Status: report.StatusWarn, Observed: vocab.ProxyViaProxy}},
		{"explicit proxy: 8801 denied", func() report.Result {
			return run(NewProxy(ProxyConfig{Target: "zoom.us:8801", Settings: explicit, Dialer: pl.dialer("zoom.us:8801", labBlocked+":8801"), Timeout: scenarioTimeout}))
		}, verdict{report.StatusFail, vocab.ProxyDenied, vocab.FailureProxyDenied, vocab.OpProxyConnect}},
		{"TLS through the explicit proxy", func() report.Result {
			return run(newTLS(TLSConfig{Target: "zoom.us:443", Settings: explicit, Dialer: pl.dialer("zoom.us:443", labBlocked+":443"), Timeout: scenarioTimeout, Roots: pl.genuine.Pool()}, emptyPool()))
		}, verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}},
		{"explicit proxy demands authentication", func() report.Result {
			return run(NewProxy(ProxyConfig{Target: "zoom.us:443", Settings: auth, Dialer: pl.dialer("zoom.us:443", labBlocked+":443"), Timeout: scenarioTimeout}))
		}, verdict{report.StatusFail, vocab.ProxyAuthRequired, vocab.FailureProxyAuthRequired, vocab.OpProxyConnect}},
		{"explicit proxy intercepts TLS", func() report.Result {
			return run(newTLS(TLSConfig{Target: "zoom.us:443", Settings: mitm, Dialer: pl.dialer("zoom.us:443", labBlocked+":443"), Timeout: scenarioTimeout, Roots: pl.genuine.Pool()}, emptyPool()))
		}, verdict{report.StatusFail, vocab.TLSIntercepted, vocab.FailureSSLUnknownAuth, vocab.OpTLSHandshake}},
		{"captive portal", func() report.Result {
			return run(NewCaptive(CaptiveConfig{URL: echo("http://captive.lab.test/generate_204"), Dialer: pl.dialer("captive.lab.test:80", labCaptive+":80"), Timeout: scenarioTimeout}))
		}, verdict{Status: report.StatusFail, Observed: vocab.CaptivePortal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, verdictOf(tt.run())); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
