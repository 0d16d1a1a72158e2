package proxyprobe

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// countingListener listens on addr and counts the connections it accepts,
// closing each at once.
func countingListener(t *testing.T, addr string) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	var n atomic.Int32
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String(), &n
}

// redirector answers every request on 127.0.0.1 with a redirect to to.
func redirector(t *testing.T, to string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.RedirectHandler(to, http.StatusFound)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestGuardedSuiteStaysInside runs every check of a Suite, its proxy,
// PAC fetch (through a redirect) and WPAD lookup aimed at 127.0.0.2 with a
// Guard that allows only 127.0.0.1: nothing may connect to 127.0.0.2, and
// the refusals are address_not_allowed.
func TestGuardedSuiteStaysInside(t *testing.T) {
	outside, accepts := countingListener(t, "127.0.0.2:0")
	pc, err := net.ListenPacket("udp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2/udp: %v", err)
	}
	defer pc.Close()
	var dnsQueries atomic.Int32
	go func() {
		buf := make([]byte, 512)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			dnsQueries.Add(1)
		}
	}()
	guard := probe.AddrGuard(func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") })
	inside := redirector(t, "http://"+outside+"/proxy.pac")
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	_, port, _ := net.SplitHostPort(outside)
	discs := map[string]DiscoveryConfig{
		"proxy":        {Proxy: "http://" + outside, NoWPAD: true},
		"pac redirect": {PAC: "http://" + inside + "/proxy.pac", NoWPAD: true},
		"pac outside":  {PAC: "http://" + outside + "/proxy.pac", NoWPAD: true},
		"wpad":         {WPAD: WPAD{Domains: []string{"lab.test"}, Servers: []string{pc.LocalAddr().String()}}},
		"socks5 proxy": {Proxy: "socks5://" + outside, NoWPAD: true},
		"https proxy":  {Proxy: "https://" + outside, NoWPAD: true},
	}
	for name, disc := range discs {
		t.Run(name, func(t *testing.T) {
			cfg := SuiteConfig{
				Hosts: []string{outside, "zoom.us"}, Ports: []uint16{443}, TLSPorts: []uint16{443, mustPort(port)},
				RunProxy: true, RunTLS: true, RunHTTP: true, RunCaptive: true,
				Discovery: disc, Weak: u("http://" + outside + "/"), Captive: u("http://" + outside + "/generate_204"),
				ConnectTo: []ConnectTo{{Host: "zoom.us", ToHost: "127.0.0.2", ToPort: port}},
				Timeout:   scenarioTimeout, Guard: guard,
			}
			s, err := newSuite(cfg, suiteSeams{getenv: func(string) string { return "" }})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var results []report.Result
			if err := s.Run(context.Background(), func(_ int, r report.Result) { mu.Lock(); results = append(results, r); mu.Unlock() }); err != nil {
				t.Fatal(err)
			}
			refused := 0
			for _, r := range results {
				if r.Failure != nil && *r.Failure == vocab.FailureAddrNotAllowed {
					refused++
				}
				if r.ID == "proxy/config" && disc.PAC != "" && (r.Failure == nil || *r.Failure != vocab.FailureAddrNotAllowed) {
					t.Errorf("proxy/config: %s %v, want the PAC fetch refused", r.Observed, deref(r.Failure))
				}
				if r.Status == report.StatusPass && r.ID != "proxy/config" {
					t.Errorf("%s passed: %s", r.ID, r.Observed)
				}
			}
			if refused < 3 {
				t.Errorf("%d results say %s, want every check's", refused, vocab.FailureAddrNotAllowed)
			}
		})
	}
	if n := accepts.Load(); n != 0 {
		t.Errorf("%d connections reached 127.0.0.2, want none", n)
	}
	if n := dnsQueries.Load(); n != 0 {
		t.Errorf("%d WPAD queries reached 127.0.0.2, want none", n)
	}
}

func mustPort(s string) uint16 {
	var p uint16
	for _, c := range s {
		p = p*10 + uint16(c-'0')
	}
	return p
}

// TestGuardEveryDialPath holds the dial paths outside Dialer.DialContext's
// plain net.Dialer to the Guard: the dial seam, the TLS control's dialAddr
// and the dialer WPAD builds for the PAC fetch.
func TestGuardEveryDialPath(t *testing.T) {
	outside, accepts := countingListener(t, "127.0.0.2:0")
	guard := probe.AddrGuard(func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") })
	var nd net.Dialer
	seam := &Dialer{Guard: guard, dial: nd.DialContext}
	plain := &Dialer{Guard: guard}
	wpad := wpadDialer(plain, WPADFound{Name: "wpad.lab.test", Addr: "127.0.0.2"})
	paths := map[string]func() (net.Conn, error){
		"seam":          func() (net.Conn, error) { return seam.DialContext(context.Background(), outside) },
		"dialAddr":      func() (net.Conn, error) { return dialAddr(context.Background(), plain, outside) },
		"dialAddr seam": func() (net.Conn, error) { return dialAddr(context.Background(), seam, outside) },
		"wpad fetch":    func() (net.Conn, error) { return wpad.DialContext(context.Background(), "wpad.lab.test:80") },
	}
	for name, dial := range paths {
		c, err := dial()
		if c != nil {
			c.Close()
		}
		if classify(err) != vocab.FailureAddrNotAllowed {
			t.Errorf("%s: %v, want %s", name, err, vocab.FailureAddrNotAllowed)
		}
	}
	if n := accepts.Load(); n != 0 {
		t.Errorf("%d connections reached 127.0.0.2, want none", n)
	}
}
