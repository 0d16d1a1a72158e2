package proxycmd

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// proxyEnv are the variables the proxy discovery reads.
var proxyEnv = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", "http_proxy", "https_proxy", "no_proxy"}

// execute runs proxycheck with env as the whole proxy environment, so
// nothing of this machine's leaks into the verdicts.
func execute(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, k := range proxyEnv {
		t.Setenv(k, env[k])
	}
	return clitest.Execute(Tool(), args...)
}

// offline are the flags that keep a test on loopback: no WPAD, no default
// captive URL, no fallback HTTP check toward a public name.
var offline = []string{"--no-wpad", "--timeout", "1s"}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	clitest.ExpectUsage(t, Tool, []clitest.UsageCase{
		{Name: "echo not http", Args: []string{"--echo", "ftp://x"}, Want: `--echo: "ftp://x" is not an http:// URL`},
		{Name: "port too big", Args: []string{"-p", "70000"}, Want: `--port: "70000" is not a port`},
		{Name: "host port too big", Args: []string{"zoom.us:70000"}, Want: `"70000" is not a port`},
		{Name: "bad timeout", Args: []string{"--timeout", "banana"}, Want: `invalid argument "banana"`},
		{Name: "bad connect-to", Args: []string{"--connect-to", "zoom.us:443"}, Want: "--connect-to"},
		{Name: "missing ca", Args: []string{"--ca", "/nonexistent/roots.pem"}, Want: "--ca"},
		{Name: "unknown check", Args: []string{"--checks", "proxy,dns"}, Want: `unknown check "dns"`},
		{Name: "bad captive url", Args: []string{"--captive-url", "https://x/generate_204"}, Want: "--captive-url"},
		{Name: "bad proxy", Args: []string{"--proxy", "gopher://p:70"}, Want: "--proxy"},
		{Name: "bad dns server", Args: []string{"--dns-server", "resolver"}, Want: "--dns-server"},
		{Name: "bad host", Args: []string{"https://zoom.us/"}, Want: "is not a HOST"},
		{Name: "bad format", Args: []string{"-o", "yaml"}, Want: `unknown output format "yaml"`},
		{Name: "missing pac file", Args: loopbackOnly("--pac", "/nonexist"), Want: `--pac "/nonexist": no such file`},
		{Name: "pac is a directory", Args: loopbackOnly("--pac", "/"), Want: "not a regular file"},
		{Name: "pac ftp", Args: loopbackOnly("--pac", "ftp://x"), Want: `scheme "ftp" is not http or https`},
		{Name: "pac url credentials", Args: loopbackOnly("--pac", "gopher://u:s3cret@x/p"), Want: "REDACTED"},
		{Name: "pac bad port", Args: loopbackOnly("--pac", "http://x:99999/p.pac"), Want: "is not 1-65535"},
		{Name: "pac control chars", Args: loopbackOnly("--pac", "/tmp/a\r\nb"), Want: `\r\n`},
		{Name: "wpad domain empty label", Args: loopbackOnly("--wpad-domain", "a..b"), Want: `--wpad-domain: "a..b" is not a domain name`},
		{Name: "wpad domain bad char", Args: loopbackOnly("--wpad-domain", "corp example"), Want: "--wpad-domain"},
		{Name: "proxy with CRLF", Args: loopbackOnly("--proxy", "http://p:3128\r\nX-Injected: 1"), Want: `\r\n`},
		{Name: "proxy host junk", Args: loopbackOnly("--proxy", "http://;"), Want: "--proxy"},
		{Name: "connect-to with CRLF", Args: loopbackOnly("--connect-to", "zoom.us:443:a\r\nb:1"), Want: `\r\n`},
		{Name: "ca with newline", Args: loopbackOnly("--ca", "/nonexistent/a\nb.pem"), Want: `\n`},
		{Name: "dns server name with port", Args: loopbackOnly("--dns-server", "resolver:53"), Want: "is not an address"},
		{Name: "dns server bad port", Args: loopbackOnly("--dns-server", "10.0.0.53:0"), Want: "is not 1-65535"},
		{Name: "timeout too short", Args: loopbackOnly("--timeout", "1ns"), Want: "below the minimum"},
		{Name: "timeout too long", Args: loopbackOnly("--timeout", "999999h"), Want: "above the maximum"},
		{Name: "concurrency zero", Args: loopbackOnly("--concurrency", "0"), Want: "--concurrency must be 1-1024"},
		{Name: "concurrency huge", Args: loopbackOnly("--concurrency", "100000"), Want: "--concurrency must be 1-1024"},
	})
}

// loopbackOnly adds to args the flags and target that keep a run on
// loopback, should a bad value ever be accepted: no WPAD, no captive or
// weak HTTP check, only the proxy check of 127.0.0.1:9.
func loopbackOnly(args ...string) []string {
	safe := []string{"--no-wpad", "--captive-url", "none", "--weak-url", "none", "--checks", "proxy", "--timeout", "1s"}
	return append(append(safe, args...), "127.0.0.1:9") // the case's own flags come later and win
}

// TestBadPACSendsNothing: a bad --pac is refused before any check runs;
// nothing reaches the proxy the same command names.
func TestBadPACSendsNothing(t *testing.T) {
	ln := proxytest.Loopback(t)
	var accepts atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepts.Add(1)
			c.Close()
		}
	}()
	code, _, stderr := execute(t, nil, loopbackOnly("--pac", "/nonexist", "--proxy", ln.Addr().String())...)
	if code != report.ExitUsage || accepts.Load() != 0 {
		t.Errorf("exit %d (%q), %d connections to the proxy; want 2 and none", code, stderr, accepts.Load())
	}
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"443", "443,8801,8802", "0", "65536", "1,1,1", " 80 , 443", "", ",", "-1", "9090\r\n", "1e3", "0x50", "+80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ports, err := parsePorts("--port", s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q is not one line", err)
			}
			return
		}
		seen := map[uint16]bool{}
		for _, p := range ports {
			if p == 0 || seen[p] {
				t.Fatalf("parsePorts(%q) = %v: zero or repeated port", s, ports)
			}
			seen[p] = true
		}
		if len(ports) == 0 {
			t.Fatalf("parsePorts(%q): no ports and no error", s)
		}
	})
}

// TestFlagsBuildSuiteConfig pins what the flags become: the Suite does the
// planning, the command only translates.
func TestFlagsBuildSuiteConfig(t *testing.T) {
	captive, _ := url.Parse(proxyprobe.DefaultCaptiveURL)
	weak, _ := url.Parse("http://zoom.us/")
	echo, _ := url.Parse("http://echo.lab.test:8080/")
	tests := []struct {
		name string
		args []string
		want proxyprobe.SuiteConfig
	}{
		{"defaults", []string{"zoom.us", "zoom.com:8443"}, proxyprobe.SuiteConfig{
			Hosts: []string{"zoom.us", "zoom.com:8443"}, Ports: []uint16{443, 8801, 8802}, TLSPorts: []uint16{443},
			RunProxy: true, RunTLS: true, RunHTTP: true, RunCaptive: true, Weak: weak, Captive: captive,
			Timeout: proxyprobe.DefaultTimeout, Concurrency: 16,
		}},
		{"echo, no captive, rules", []string{"--echo", echo.String(), "--captive-url", "none", "--checks", "proxy,http,captive",
			"-p", "443,443,8801", "--tls-port", "8801", "--proxy", "none", "--pac", "http://pac.corp.example/x.pac", "--no-wpad", "--wpad-domain", "corp.example",
			"--dns-server", "10.0.0.53", "--connect-to", "zoom.us:443:127.0.0.1:8443", "--concurrency", "2", "--timeout", "2s", "zoom.us"},
			proxyprobe.SuiteConfig{
				Hosts: []string{"zoom.us"}, Ports: []uint16{443, 8801}, TLSPorts: []uint16{8801}, RunProxy: true, RunHTTP: true,
				Discovery: proxyprobe.DiscoveryConfig{Proxy: "none", PAC: "http://pac.corp.example/x.pac", NoWPAD: true,
					WPAD: proxyprobe.WPAD{Domains: []string{"corp.example"}, Servers: []string{"10.0.0.53:53"}}},
				ConnectTo: []proxyprobe.ConnectTo{{Host: "zoom.us", Port: "443", ToHost: "127.0.0.1", ToPort: "8443"}},
				Echo:      echo, Timeout: 2 * time.Second, Concurrency: 2,
			}},
		{"weak off", []string{"--weak-url", "none", "zoom.us"}, proxyprobe.SuiteConfig{
			Hosts: []string{"zoom.us"}, Ports: []uint16{443, 8801, 8802}, TLSPorts: []uint16{443},
			RunProxy: true, RunTLS: true, RunHTTP: true, RunCaptive: true, Captive: captive,
			Timeout: proxyprobe.DefaultTimeout, Concurrency: 16,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, tool := newCmd()
			if err := tool.Flags.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if err := c.prepare(tool.Flags.Args()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.cfg, cmpopts.IgnoreUnexported(proxyprobe.WPAD{})); diff != "" {
				t.Errorf("SuiteConfig (-want +got)\n%s", diff)
			}
		})
	}
}

func TestCARootsNameTheFile(t *testing.T) {
	l := newLab(t)
	c, tool := newCmd()
	if err := tool.Flags.Parse([]string{"--ca", l.caFile, "zoom.us"}); err != nil {
		t.Fatal(err)
	}
	if err := c.prepare(tool.Flags.Args()); err != nil || c.cfg.Roots == nil || c.cfg.RootsName != l.caFile {
		t.Errorf("roots %v name %q, %v", c.cfg.Roots, c.cfg.RootsName, err)
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	code, _, errs := execute(t, nil, "--help")
	if code != report.ExitOK {
		t.Fatalf("exit %d", code)
	}
	Tool().Flags.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(errs, "--"+f.Name) || f.Usage == "" {
			t.Errorf("--help does not document --%s", f.Name)
		}
	})
}

// lab is the loopback world of the end-to-end tests.
type lab struct {
	root      *proxytest.CA
	caFile    string
	connectTo []string
}

func newLab(t *testing.T) *lab {
	root, err := proxytest.NewCA("Roompath Test Root G2", "Roompath Test PKI")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(f, root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return &lab{root: root, caFile: f}
}

func (l *lab) serve(t *testing.T, hostport string, serve func(net.Listener) func()) string {
	ln := proxytest.Loopback(t)
	t.Cleanup(serve(ln))
	l.route(hostport, ln.Addr().String())
	return ln.Addr().String()
}

func (l *lab) route(hostport, addr string) {
	l.connectTo = append(l.connectTo, "--connect-to", hostport+":"+addr)
}

func refused(t *testing.T) string {
	ln := proxytest.Loopback(t)
	ln.Close()
	return ln.Addr().String()
}

func (l *lab) responder(t *testing.T) string {
	ln := proxytest.Loopback(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responder.New(responder.Config{}).Serve(ctx, ln, responder.ModeAuto); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

func (l *lab) run(t *testing.T, env map[string]string, extra ...string) (int, report.Report) {
	t.Helper()
	args := append(append(append([]string{"-o", "json", "--ca", l.caFile}, offline...), l.connectTo...), extra...)
	code, out, errs := execute(t, env, args...)
	if code == report.ExitUsage {
		t.Fatalf("usage error: %s", errs)
	}
	reporttest.ValidateJSON(t, []byte(out))
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return code, rep
}

// observed maps result ids to "status observed".
func observed(rep report.Report) map[string]string {
	m := map[string]string{}
	for _, r := range rep.Results {
		m[r.ID] = string(r.Status) + " " + string(r.Observed)
	}
	return m
}

func TestCleanPathExitsZero(t *testing.T) {
	l := newLab(t)
	l.serve(t, "zoom.us:443", proxytest.TLSOrigin{CA: l.root}.Serve)
	l.serve(t, "zoom.us:8801", proxytest.StallTLS{}.Serve)
	l.serve(t, "captive.lab.test:80", proxytest.CaptivePortal{Mode: proxytest.PortalNone}.Serve)
	l.route("echo.lab.test:8080", l.responder(t))
	code, rep := l.run(t, nil, "-p", "443,8801", "--echo", "http://echo.lab.test:8080/", "--captive-url", "http://captive.lab.test/generate_204", "zoom.us")
	want := map[string]string{
		"proxy/config":                                 "pass none",
		"proxy/zoom.us:443":                            "pass direct",
		"proxy/zoom.us:8801":                           "pass direct",
		"tls/zoom.us:443":                              "pass genuine",
		"http/http://echo.lab.test:8080/":              "pass clean",
		"captive/http://captive.lab.test/generate_204": "pass none",
	}
	if diff := cmp.Diff(want, observed(rep)); diff != "" || code != report.ExitOK {
		t.Errorf("exit %d; results (-want +got)\n%s", code, diff)
	}
}

func TestInterferenceExitsOne(t *testing.T) {
	l := newLab(t)
	forti, err := proxytest.NewCA("FortiGate CA", "Fortinet")
	if err != nil {
		t.Fatal(err)
	}
	l.serve(t, "zoom.us:443", proxytest.TLSOrigin{CA: forti}.Serve)
	l.serve(t, "captive.lab.test:80", proxytest.CaptivePortal{Mode: proxytest.PortalRedirect}.Serve)
	l.serve(t, "echo.lab.test:8080", proxytest.TransparentProxy{Upstream: l.responder(t)}.Serve)
	code, rep := l.run(t, nil, "-p", "443", "--echo", "http://echo.lab.test:8080/", "--captive-url", "http://captive.lab.test/generate_204", "zoom.us")
	want := map[string]string{
		"proxy/config":                                 "pass none",
		"proxy/zoom.us:443":                            "pass direct",
		"tls/zoom.us:443":                              "fail intercepted",
		"http/http://echo.lab.test:8080/":              "fail modified",
		"captive/http://captive.lab.test/generate_204": "fail portal",
	}
	if diff := cmp.Diff(want, observed(rep)); diff != "" || code != report.ExitFail {
		t.Errorf("exit %d; results (-want +got)\n%s", code, diff)
	}
	for _, r := range rep.Results {
		if r.ID == "tls/zoom.us:443" {
			d := r.Detail.(map[string]any)
			if d["vendor"] != "Fortinet" || !strings.Contains(d["issuer"].(string), "FortiGate CA") || d["roots"] != l.caFile || r.Hint == "" {
				t.Errorf("tls detail %v hint %q", d, r.Hint)
			}
		}
	}
}

func TestExplicitProxyFromEnvironment(t *testing.T) {
	l := newLab(t)
	origin := proxytest.Loopback(t)
	t.Cleanup(proxytest.TLSOrigin{CA: l.root}.Serve(origin))
	p := proxytest.Loopback(t)
	t.Cleanup(proxytest.ConnectProxy{AllowPorts: []string{"443"}, Upstream: map[string]string{"zoom.us:443": origin.Addr().String(), "zoom.us:8801": origin.Addr().String()}}.Serve(p))
	l.route("zoom.us:443", refused(t))
	l.route("zoom.us:8801", refused(t))
	env := map[string]string{"HTTPS_PROXY": "http://" + p.Addr().String()}
	code, rep := l.run(t, env, "-p", "443,8801", "--checks", "proxy,tls", "zoom.us")
	want := map[string]string{
		"proxy/config":       "pass explicit",
		"proxy/zoom.us:443":  "warn via_proxy",
		"proxy/zoom.us:8801": "fail proxy_denied",
		"tls/zoom.us:443":    "pass genuine",
	}
	if diff := cmp.Diff(want, observed(rep)); diff != "" || code != report.ExitFail {
		t.Errorf("exit %d; results (-want +got)\n%s", code, diff)
	}
}

func TestHostilePeersEndInTime(t *testing.T) {
	l := newLab(t)
	l.serve(t, "zoom.us:443", proxytest.StallTLS{}.Serve)
	l.serve(t, "echo.lab.test:8080", proxytest.ConnectProxy{EndlessHeaders: true}.Serve)
	p := proxytest.Loopback(t)
	t.Cleanup(proxytest.ConnectProxy{Silent: true}.Serve(p))
	l.route("zoom.us:8801", refused(t))
	start := time.Now()
	code, rep := l.run(t, nil, "-p", "443,8801", "--proxy", p.Addr().String(), "--echo", "http://echo.lab.test:8080/", "--captive-url", "none", "zoom.us")
	want := map[string]string{
		"proxy/config":                    "pass explicit",
		"proxy/zoom.us:443":               "warn direct", // the configured proxy is silent
		"proxy/zoom.us:8801":              "fail blocked",
		"tls/zoom.us:443":                 "fail blocked",
		"http/http://echo.lab.test:8080/": "fail modified",
	}
	if diff := cmp.Diff(want, observed(rep)); diff != "" || code != report.ExitFail {
		t.Errorf("exit %d; results (-want +got)\n%s", code, diff)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s with a 1s timeout", took)
	}
}
