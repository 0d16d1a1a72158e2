package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/proxytest"
)

// cloudLab holds the loopback fakes that stand in for the Zoom cloud's DNS,
// proxies and TLS: they need no namespace, so the DNS and proxy sections run
// with or without root.
type cloudLab struct {
	dir      string
	cleanups []func()
	addr     map[string]string
}

func (c *cloudLab) close() {
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
	os.RemoveAll(c.dir)
}

func startCloudLab(ctx context.Context) (*cloudLab, error) {
	dir, err := os.MkdirTemp("", "roompath-demo-")
	if err != nil {
		return nil, err
	}
	c := &cloudLab{dir: dir, addr: map[string]string{}}
	if err := c.startDNS(); err != nil {
		c.close()
		return nil, err
	}
	if err := c.startProxies(ctx); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// startDNS starts one fake resolver per misbehaviour, each on its own
// loopback address.
func (c *cloudLab) startDNS() error {
	resolvers := []struct {
		name string
		cfg  dnstest.Config
	}{
		{"healthy", dnstest.Config{IP: "127.0.0.2"}},
		{"sinkhole", dnstest.Config{IP: "127.0.0.3", Mode: dnstest.Sinkhole, Names: []string{"zoom.us"}}},
		{"nxdomain", dnstest.Config{IP: "127.0.0.4", Mode: dnstest.NXDomain}},
		{"rewriter", dnstest.Config{IP: "127.0.0.5", RewriteNX: "198.51.100.7"}},
		{"dead", dnstest.Config{IP: "127.0.0.6", Mode: dnstest.Silent}},
		{"hijacker", dnstest.Config{IP: "127.0.0.7", Mode: dnstest.Hijack, Hijack: "52.0.0.1"}},
		{"reference", dnstest.Config{IP: "127.0.0.8"}},
		{"split", dnstest.Config{IP: "127.0.0.9", Mode: dnstest.Sinkhole, Sinkhole: "10.20.30.40", Names: []string{"zoom.us"}}},
	}
	for _, r := range resolvers {
		s, err := dnstest.Start(r.cfg)
		if err != nil {
			return fmt.Errorf("fake resolver %s: %w", r.name, err)
		}
		c.cleanups = append(c.cleanups, s.Close)
		c.addr["dns-"+r.name] = s.Addr.String()
	}
	return nil
}

func (c *cloudLab) listen(name string, serve func(net.Listener) func()) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.cleanups = append(c.cleanups, serve(ln))
	c.addr[name] = ln.Addr().String()
	return nil
}

// startProxies starts a genuine TLS origin, an inspecting one, explicit
// proxies, a transparent proxy in front of a responder, and a captive
// portal.
func (c *cloudLab) startProxies(ctx context.Context) error {
	genuine, err := proxytest.NewCA("Roompath Demo Root G2", "Roompath Demo PKI")
	if err != nil {
		return err
	}
	inspect, err := proxytest.NewCA("FortiGate CA", "Fortinet")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.dir, "genuine.pem"), genuine.PEM(), 0o644); err != nil {
		return err
	}
	echoLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	c.cleanups = append(c.cleanups, func() { cancel(); echoLn.Close() })
	go responder.New(responder.Config{}).Serve(rctx, echoLn, responder.ModeAuto)
	if err := c.listen("origin", proxytest.TLSOrigin{CA: genuine}.Serve); err != nil {
		return err
	}
	up := map[string]string{"zoom.us:443": c.addr["origin"], "zoom.us:8801": c.addr["origin"]}
	steps := []struct {
		name  string
		serve func(net.Listener) func()
	}{
		{"inspect", proxytest.TLSOrigin{CA: inspect}.Serve},
		{"proxy-443-only", proxytest.ConnectProxy{AllowPorts: []string{"443"}, Upstream: up}.Serve},
		{"proxy-auth", proxytest.ConnectProxy{User: "room", Password: "secret", AuthSchemes: []string{"NTLM", `Basic realm="corp"`}, Upstream: up}.Serve},
		{"transparent", proxytest.TransparentProxy{Upstream: echoLn.Addr().String()}.Serve},
		{"portal", proxytest.CaptivePortal{Mode: proxytest.PortalRedirect}.Serve},
		{"plain-echo", proxytest.PlainEcho{}.Serve},
	}
	for _, s := range steps {
		if err := c.listen(s.name, s.serve); err != nil {
			return err
		}
	}
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.addr["refused"] = refused.Addr().String()
	refused.Close()
	return nil
}

// port returns the port of a fake's address.
func (c *cloudLab) port(name string) string {
	_, p, _ := net.SplitHostPort(c.addr[name])
	return p
}

// sections lists the DNS and proxy parts of the demo.
func (c *cloudLab) sections() []section {
	dnsArgs := []string{"dnscheck", "--timeout", "1s", "--attempts", "1", "--type", "A"}
	var legend [][2]string
	for _, n := range []string{"healthy", "sinkhole", "nxdomain", "rewriter", "dead"} {
		dnsArgs = append(dnsArgs, "--resolver", c.addr["dns-"+n])
		legend = append(legend, [2]string{c.addr["dns-"+n], n + " resolver"})
	}
	dnsArgs = append(dnsArgs, "zoomstatus.com", "zoom.us")
	direct := []string{"--connect-to", "zoom.us:443:127.0.0.1:" + c.port("refused"), "--connect-to", "zoom.us:8801:127.0.0.1:" + c.port("refused")}
	pc := []string{"proxycheck", "--no-wpad", "--timeout", "2s", "--captive-url", "none", "--weak-url", "none"}
	return []section{
		{title: "dnscheck: zoomstatus.com and zoom.us through five resolvers", legend: legend, argv: dnsArgs, host: true},
		{title: "proxycheck: TLS to a genuine origin and through an inspection box",
			legend: [][2]string{{c.addr["origin"], "zoom.us:443, chains to the genuine root"}, {c.addr["inspect"], "zoom.com:443, re-signed by 'FortiGate CA'"}},
			argv: append(append([]string{}, pc...), "--checks", "tls", "--ca", filepath.Join(c.dir, "genuine.pem"),
				"--connect-to", "zoom.us:443:127.0.0.1:"+c.port("origin"), "--connect-to", "zoom.com:443:127.0.0.1:"+c.port("inspect"), "zoom.us", "zoom.com"), host: true},
		{title: "proxycheck: direct blocked, an explicit proxy that allows only 443",
			legend: [][2]string{{c.addr["proxy-443-only"], "CONNECT proxy, 443 only"}, {c.addr["refused"], "direct path: refused"}},
			argv:   append(append(append([]string{}, pc...), "--checks", "proxy", "-p", "443,8801", "--proxy", "http://"+c.addr["proxy-443-only"]), append(direct, "zoom.us")...), host: true},
		{title: "proxycheck: a proxy that demands authentication",
			legend: [][2]string{{c.addr["proxy-auth"], "CONNECT proxy asking NTLM or Basic"}},
			argv:   append(append(append([]string{}, pc...), "--checks", "proxy", "-p", "443", "--proxy", "http://"+c.addr["proxy-auth"]), append(direct, "zoom.us")...), host: true},
		{title: "proxycheck: a transparent proxy rewriting HTTP, and a captive portal",
			legend: [][2]string{{c.addr["transparent"], "transparent proxy in front of a roompath responder"}, {c.addr["portal"], "captive portal (302 to a login page)"}},
			argv: append(append([]string{}, pc[:len(pc)-4]...), "--checks", "http,captive", "--echo", "http://echo.lab.test:8080/",
				"--connect-to", "echo.lab.test:8080:127.0.0.1:"+c.port("transparent"),
				"--captive-url", "http://captive.lab.test/generate_204", "--connect-to", "captive.lab.test:80:127.0.0.1:"+c.port("portal")), host: true},
	}
}
