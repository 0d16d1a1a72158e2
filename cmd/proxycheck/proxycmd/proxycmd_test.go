package proxycmd

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// execute runs proxycheck with an empty environment and an empty system
// store, so nothing of this machine leaks into the verdicts.
func execute(env map[string]string, system *x509.CertPool, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	if system == nil {
		system = x509.NewCertPool()
	}
	t := newTool(seams{systemRoots: system, getenv: func(k string) string { return env[k] }})
	t.Vantage = func() report.Vantage { return report.Vantage{Hostname: "test"} }
	code = cli.Execute(t, args, &out, &errb)
	return code, out.String(), errb.String()
}

// offline are the flags that keep a test on loopback: no WPAD, no default
// captive URL, no fallback HTTP check toward a public name.
var offline = []string{"--no-wpad", "--timeout", "1s"}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"echo not http", []string{"--echo", "ftp://x"}, `--echo: "ftp://x" is not an http:// URL`},
		{"port too big", []string{"-p", "70000"}, `--port: "70000" is not a port`},
		{"host port too big", []string{"zoom.us:70000"}, `"70000" is not a port`},
		{"bad timeout", []string{"--timeout", "banana"}, `invalid argument "banana"`},
		{"bad connect-to", []string{"--connect-to", "zoom.us:443"}, "--connect-to"},
		{"missing ca", []string{"--ca", "/nonexistent/roots.pem"}, "--ca"},
		{"unknown check", []string{"--checks", "proxy,dns"}, `unknown check "dns"`},
		{"bad captive url", []string{"--captive-url", "https://x/generate_204"}, "--captive-url"},
		{"bad proxy", []string{"--proxy", "gopher://p:70"}, "--proxy"},
		{"bad dns server", []string{"--dns-server", "resolver"}, "--dns-server"},
		{"bad host", []string{"https://zoom.us/"}, "is not a HOST"},
		{"bad format", []string{"-o", "yaml"}, `unknown output format "yaml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := execute(nil, nil, tt.args...)
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if code != report.ExitUsage || out != "" || len(lines) != 1 || !strings.Contains(lines[0], tt.want) || !strings.HasPrefix(lines[0], "proxycheck: ") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line containing %q", code, out, errs, tt.want)
			}
		})
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	code, _, errs := execute(nil, nil, "--help")
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

func (l *lab) run(t *testing.T, env map[string]string, system *x509.CertPool, extra ...string) (int, report.Report) {
	t.Helper()
	args := append(append(append([]string{"-o", "json", "--ca", l.caFile}, offline...), l.connectTo...), extra...)
	code, out, errs := execute(env, system, args...)
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
		m[r.ID] = string(r.Status) + " " + r.Observed
	}
	return m
}

func TestCleanPathExitsZero(t *testing.T) {
	l := newLab(t)
	l.serve(t, "zoom.us:443", proxytest.TLSOrigin{CA: l.root}.Serve)
	l.serve(t, "zoom.us:8801", proxytest.StallTLS{}.Serve)
	l.serve(t, "captive.lab.test:80", proxytest.CaptivePortal{Mode: proxytest.PortalNone}.Serve)
	l.route("echo.lab.test:8080", l.responder(t))
	code, rep := l.run(t, nil, nil, "-p", "443,8801", "--echo", "http://echo.lab.test:8080/", "--captive-url", "http://captive.lab.test/generate_204", "zoom.us")
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
	code, rep := l.run(t, nil, forti.Pool(), "-p", "443", "--echo", "http://echo.lab.test:8080/", "--captive-url", "http://captive.lab.test/generate_204", "zoom.us")
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
			if d["vendor"] != "Fortinet" || d["system_trusts"] != true || !strings.Contains(d["issuer"].(string), "FortiGate CA") || r.Hint == "" {
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
	code, rep := l.run(t, env, nil, "-p", "443,8801", "--checks", "proxy,tls", "zoom.us")
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
	code, rep := l.run(t, nil, nil, "-p", "443,8801", "--proxy", p.Addr().String(), "--echo", "http://echo.lab.test:8080/", "--captive-url", "none", "zoom.us")
	want := map[string]string{
		"proxy/config":                    "pass explicit",
		"proxy/zoom.us:443":               "warn direct", // the configured proxy is silent
		"proxy/zoom.us:8801":              "fail blocked",
		"tls/zoom.us:443":                 "fail invalid",
		"http/http://echo.lab.test:8080/": "fail modified",
	}
	if diff := cmp.Diff(want, observed(rep)); diff != "" || code != report.ExitFail {
		t.Errorf("exit %d; results (-want +got)\n%s", code, diff)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s with a 1s timeout", took)
	}
}

func TestResponderCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan int)
	go func() { done <- ResponderRun(ctx, []string{"--listen", "127.0.0.1:0", "--quiet"}, &bytes.Buffer{}, pw) }()
	buf := make([]byte, 256)
	n, _ := pr.Read(buf)
	line := strings.TrimSpace(string(buf[:n]))
	addr := strings.TrimPrefix(line, "listening http-echo on ")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	got := make([]byte, 512)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	m, _ := c.Read(got)
	c.Close()
	cancel()
	if code := <-done; code != 0 || !strings.HasSuffix(string(got[:m]), "\r\n\r\nGET / HTTP/1.1\r\n\r\n") {
		t.Errorf("exit %d, answer %q", code, got[:m])
	}
	if code := ResponderRun(context.Background(), []string{"--max-conns", "0"}, &bytes.Buffer{}, &bytes.Buffer{}); code != report.ExitUsage {
		t.Errorf("bad flags exit %d, want 2", code)
	}
}
