package proxyprobe

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestPlanTargets(t *testing.T) {
	tests := []struct {
		name            string
		hosts           []string
		ports, tlsPorts []uint16
		proxy, tls      []string
	}{
		{"hosts × ports", []string{"zoom.us", "zoom.com"}, []uint16{443, 8801}, []uint16{443},
			[]string{"zoom.us:443", "zoom.us:8801", "zoom.com:443", "zoom.com:8801"}, []string{"zoom.us:443", "zoom.com:443"}},
		{"HOST:PORT only on its port", []string{"zoom.us:8443", "[2001:db8::1]:443"}, []uint16{443, 8801}, []uint16{443},
			[]string{"zoom.us:8443", "[2001:db8::1]:443"}, []string{"[2001:db8::1]:443"}},
		{"no repeats", []string{"zoom.us", "zoom.us:443", "zoom.us"}, []uint16{443}, []uint16{443, 443},
			[]string{"zoom.us:443"}, []string{"zoom.us:443"}},
		{"TLS only among the planned ports", []string{"zoom.us"}, []uint16{8801}, []uint16{443}, []string{"zoom.us:8801"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy, tls, err := planTargets(tt.hosts, tt.ports, tt.tlsPorts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([][]string{tt.proxy, tt.tls}, [][]string{proxy, tls}); diff != "" {
				t.Errorf("proxy, tls targets (-want +got)\n%s", diff)
			}
		})
	}
}

func TestNewSuiteRejects(t *testing.T) {
	ftp, _ := url.Parse("ftp://x/")
	tests := []struct {
		name string
		cfg  SuiteConfig
		want string
	}{
		{"bad host", SuiteConfig{Hosts: []string{"https://zoom.us/"}, Ports: []uint16{443}}, `"https://zoom.us/" is not a HOST or HOST:PORT`},
		{"bad host port", SuiteConfig{Hosts: []string{"zoom.us:70000"}}, `HOST:PORT: "70000" is not a port (1-65535)`},
		{"port 0", SuiteConfig{Hosts: []string{"zoom.us"}, Ports: []uint16{0}}, "port 0"},
		{"bad proxy", SuiteConfig{Discovery: DiscoveryConfig{Proxy: "gopher://p:70"}}, `unsupported scheme "gopher"`},
		{"echo not http", SuiteConfig{RunHTTP: true, Echo: ftp}, "echo URL"},
		{"weak not http", SuiteConfig{RunHTTP: true, Weak: ftp}, "weak URL"},
		{"captive not http", SuiteConfig{RunCaptive: true, Captive: ftp}, "captive URL"},
		{"negative concurrency", SuiteConfig{Concurrency: -1}, "concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSuite(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewSuite error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseHTTPURL(t *testing.T) {
	tests := []struct{ in, err string }{
		{"http://echo.lab.test:8080/x?y=1", ""},
		{"http://203.0.113.10/", ""},
		{"https://zoom.us/", `"https://zoom.us/" is not an http:// URL`},
		{"http:///path", `"http:///path" is not an http:// URL`},
		{"http://x:70000/", `"70000" is not a port (1-65535)`},
		{"http://x:0/", `"0" is not a port (1-65535)`},
	}
	for _, tt := range tests {
		u, err := ParseHTTPURL(tt.in)
		switch {
		case tt.err == "" && (err != nil || u.String() != tt.in):
			t.Errorf("ParseHTTPURL(%q) = %v, %v", tt.in, u, err)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("ParseHTTPURL(%q) error %v, want %q", tt.in, err, tt.err)
		}
	}
}

func TestLoadRoots(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "roots.pem"), filepath.Join(dir, "empty.pem")
	os.WriteFile(good, mustCA(t, "Roompath Test Root G2", "Roompath Test PKI").PEM(), 0o644)
	os.WriteFile(bad, []byte("no certificate here\n"), 0o644)
	if pool, err := LoadRoots(good); err != nil || pool == nil {
		t.Errorf("LoadRoots(good) = %v, %v", pool, err)
	}
	if _, err := LoadRoots(bad); !errors.Is(err, ErrNoCertificates) || err.Error() != strconv.Quote(bad)+" holds no PEM certificate" {
		t.Errorf("LoadRoots(empty) error %v", err)
	}
	if _, err := LoadRoots(filepath.Join(dir, "missing.pem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadRoots(missing) error %v", err)
	}
}

// suiteLab is the loopback world of the Suite's tests: fakes served on
// loopback, reached through connect-to rules.
type suiteLab struct {
	root  *proxytest.CA
	rules []ConnectTo
}

func newSuiteLab(t *testing.T) *suiteLab {
	return &suiteLab{root: mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")}
}

// route sends connections for hostport to addr.
func (l *suiteLab) route(hostport, addr string) { l.rules = append(l.rules, rule(hostport, addr)) }

// run runs a suite over cfg with the lab's rules and roots, env as the
// whole environment and system as this host's store; it returns the
// results by seq.
func (l *suiteLab) run(t *testing.T, cfg SuiteConfig, env map[string]string, system *x509.CertPool) map[int]report.Result {
	t.Helper()
	cfg.ConnectTo, cfg.Roots, cfg.RootsName, cfg.Timeout = l.rules, l.root.Pool(), "lab", scenarioTimeout
	cfg.Discovery.NoWPAD = true
	if system == nil {
		system = x509.NewCertPool()
	}
	s, err := newSuite(cfg, suiteSeams{getenv: func(k string) string { return env[k] }, system: system})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[int]report.Result{}
	err = s.Run(context.Background(), func(seq int, r report.Result) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := got[seq]; dup {
			t.Errorf("seq %d emitted twice", seq)
		}
		got[seq] = r
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// seen maps seq to "id status observed".
func seen(rs map[int]report.Result) map[int]string {
	m := map[int]string{}
	for seq, r := range rs {
		m[seq] = r.ID + " " + string(r.Status) + " " + string(r.Observed)
	}
	return m
}

func TestSuiteInterference(t *testing.T) {
	l := newSuiteLab(t)
	forti := mustCA(t, "FortiGate CA", "Fortinet")
	l.route("zoom.us:443", start(t, proxytest.TLSOrigin{CA: forti}.Serve))
	l.route("zoom.us:8801", start(t, proxytest.StallTLS{}.Serve))
	l.route("captive.lab.test:80", start(t, proxytest.CaptivePortal{Mode: proxytest.PortalRedirect}.Serve))
	l.route("echo.lab.test:8080", start(t, proxytest.TransparentProxy{Upstream: startResponder(t)}.Serve))
	echo, _ := url.Parse("http://echo.lab.test:8080/")
	captive, _ := url.Parse("http://captive.lab.test/generate_204")
	cfg := SuiteConfig{Hosts: []string{"zoom.us"}, Ports: []uint16{443, 8801}, TLSPorts: []uint16{443},
		RunProxy: true, RunTLS: true, RunHTTP: true, RunCaptive: true, Echo: echo, Captive: captive}
	got := l.run(t, cfg, nil, forti.Pool())
	want := map[int]string{
		0: "proxy/config pass none",
		1: "proxy/zoom.us:443 pass direct",
		2: "proxy/zoom.us:8801 pass direct",
		3: "tls/zoom.us:443 fail intercepted",
		4: "http/http://echo.lab.test:8080/ fail modified",
		5: "captive/http://captive.lab.test/generate_204 fail portal",
	}
	if diff := cmp.Diff(want, seen(got)); diff != "" {
		t.Errorf("results by seq (-want +got)\n%s", diff)
	}
	d := got[3].Detail.(*TLSDetail)
	if d.Vendor == nil || *d.Vendor != "Fortinet" || d.SystemTrusts == nil || !*d.SystemTrusts || !strings.Contains(d.Issuer, "FortiGate CA") || d.Roots != "lab" {
		t.Errorf("tls detail %+v", d)
	}
}

func TestSuiteExplicitProxyFromEnvironment(t *testing.T) {
	l := newSuiteLab(t)
	origin := start(t, proxytest.TLSOrigin{CA: l.root}.Serve)
	p := start(t, proxytest.ConnectProxy{AllowPorts: []string{"443"}, Upstream: map[string]string{"zoom.us:443": origin, "zoom.us:8801": origin}}.Serve)
	l.route("zoom.us:443", refusedAddr(t))
	l.route("zoom.us:8801", refusedAddr(t))
	env := map[string]string{"HTTPS_PROXY": "http://" + p}
	cfg := SuiteConfig{Hosts: []string{"zoom.us"}, Ports: []uint16{443, 8801}, TLSPorts: []uint16{443}, RunProxy: true, RunTLS: true}
	got := l.run(t, cfg, env, nil)
	want := map[int]string{
		0: "proxy/config pass explicit",
		1: "proxy/zoom.us:443 warn via_proxy",
		2: "proxy/zoom.us:8801 fail proxy_denied",
		3: "tls/zoom.us:443 pass genuine",
	}
	if diff := cmp.Diff(want, seen(got)); diff != "" {
		t.Errorf("results by seq (-want +got)\n%s", diff)
	}
	if d := got[2].Detail.(*ProxyDetail); d.Status != 403 {
		t.Errorf("CONNECT status %d, want 403", d.Status)
	}
	if d := got[0].Detail.(*ConfigDetail); d.Env["HTTPS_PROXY"] == "" {
		t.Errorf("config detail %+v does not show the environment", d)
	}
}

func TestSuiteRunsOnlyWhatIsAsked(t *testing.T) {
	l := newSuiteLab(t)
	l.route("zoom.us:80", start(t, proxytest.Origin{}.Serve))
	weak, _ := url.Parse("http://zoom.us/")
	cfg := SuiteConfig{Hosts: []string{"zoom.us"}, Ports: []uint16{443}, TLSPorts: []uint16{443}, RunHTTP: true, Weak: weak,
		Discovery: DiscoveryConfig{Proxy: "none"}}
	got := l.run(t, cfg, nil, nil)
	if diff := cmp.Diff(map[int]string{1: "http/http://zoom.us/ pass clean"}, seen(got)); diff != "" {
		t.Errorf("results by seq (-want +got)\n%s", diff)
	}
	if d := got[1].Detail.(*WeakDetail); d.Verdict != "weak" {
		t.Errorf("weak detail %+v", d)
	}
}

func TestSuiteCancelledSkipsUnstarted(t *testing.T) {
	host, port, _ := net.SplitHostPort(refusedAddr(t))
	s, err := newSuite(SuiteConfig{Hosts: []string{"zoom.us"}, Ports: []uint16{443, 8801, 8802}, RunProxy: true, Concurrency: 1,
		ConnectTo: []ConnectTo{{Host: "zoom.us", ToHost: host, ToPort: port}}, // every port: nothing leaves loopback
		Discovery: DiscoveryConfig{Proxy: "none"}}, suiteSeams{getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var mu sync.Mutex
	got := map[int]report.Result{}
	err = s.Run(ctx, func(seq int, r report.Result) { mu.Lock(); got[seq] = r; mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	// the proxy/config result always comes; a check may still have
	// started, and then it says it was interrupted
	if _, ok := got[0]; !ok || len(got) > 4 {
		t.Errorf("results %v", seen(got))
	}
	for seq, r := range got {
		if seq > 0 && (r.Failure == nil || *r.Failure != vocab.FailureInterrupted) {
			t.Errorf("seq %d: %s failure %v, want interrupted", seq, r.ID, r.Failure)
		}
	}
}

func TestSuiteDetailTypes(t *testing.T) {
	// the triage verdict reads details by type switch: every result's
	// Detail is a pointer to an exported type of this package
	l := newSuiteLab(t)
	l.route("zoom.us:443", start(t, proxytest.TLSOrigin{CA: l.root}.Serve))
	l.route("echo.lab.test:8080", startResponder(t))
	l.route("captive.lab.test:80", start(t, proxytest.CaptivePortal{Mode: proxytest.PortalNone}.Serve))
	echo, _ := url.Parse("http://echo.lab.test:8080/")
	captive, _ := url.Parse("http://captive.lab.test/generate_204")
	cfg := SuiteConfig{Hosts: []string{"zoom.us"}, Ports: []uint16{443}, TLSPorts: []uint16{443},
		RunProxy: true, RunTLS: true, RunHTTP: true, RunCaptive: true, Echo: echo, Captive: captive}
	for seq, r := range l.run(t, cfg, nil, nil) {
		var ok bool
		switch r.Check {
		case vocab.CheckProxy:
			_, ok = r.Detail.(*ProxyDetail)
			if r.ID == "proxy/config" {
				_, ok = r.Detail.(*ConfigDetail)
			}
		case vocab.CheckTLS:
			_, ok = r.Detail.(*TLSDetail)
		case vocab.CheckHTTP:
			_, ok = r.Detail.(*EchoDetail)
		case vocab.CheckCaptive:
			_, ok = r.Detail.(*CaptiveDetail)
		}
		if !ok {
			t.Errorf("seq %d %s: detail %T", seq, r.ID, r.Detail)
		}
	}
}
