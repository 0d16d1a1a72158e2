package status

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
)

// secret is in the body of the internal service the guard must keep out
// of reports.
const secret = "internal-secret-7f3a"

// serveOn serves h on addr (e.g. "127.0.0.2:0") until the test ends and
// counts the requests.
func serveOn(t *testing.T, addr string, h http.Handler) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	var hits atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); h.ServeHTTP(w, r) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), &hits
}

// secretServer is an internal service answering a valid summary that
// names the secret: were it read, the report would carry it.
func secretServer(t *testing.T) (string, *atomic.Int32) {
	body := strings.Replace(string(statustest.Body(statustest.Critical)), `"name": "Zoom"`, `"name": "`+secret+`"`, 1)
	if !strings.Contains(body, secret) {
		t.Fatal("the secret is not in the summary")
	}
	return serveOn(t, "127.0.0.2:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
}

// redirector redirects every request to to.
func redirector(t *testing.T, to string) string {
	addr, _ := serveOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to, http.StatusFound)
	}))
	return "http://" + addr + statustest.Path
}

// loopbackGuard allows 127.0.0.1 only, names of allowed by name, and
// resolves every name to resolveTo.
func loopbackGuard(allowed []string, resolveTo string) *Guard {
	return &Guard{
		Addr: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") },
		Name: func(h string) bool { return strings.Contains(strings.Join(allowed, ","), h) },
		Resolve: func(context.Context, string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr(resolveTo)}, nil
		},
	}
}

func TestGuardRefusesHopsOutsideTheAllowlist(t *testing.T) {
	sec, hits := secretServer(t)
	_, secPort, _ := net.SplitHostPort(sec)
	ok := statustest.New(t, statustest.Operational) // on 127.0.0.1
	okURL, _ := url.Parse(ok)
	tests := []struct {
		name    string
		url     string
		guard   *Guard
		refused bool
	}{
		{"redirect to a disallowed address", redirector(t, "http://"+sec+statustest.Path), loopbackGuard(nil, "127.0.0.1"), true},
		{"redirect to a name resolving to a disallowed address", redirector(t, "http://internal.test:"+secPort+statustest.Path), loopbackGuard(nil, "127.0.0.2"), true},
		{"a name allowed by name resolving to a disallowed address", "http://status.test:" + secPort + statustest.Path, loopbackGuard([]string{"status.test"}, "127.0.0.2"), true},
		{"control: a name allowed by name resolving to an allowed address", "http://status.test:" + okURL.Port() + statustest.Path, loopbackGuard([]string{"status.test"}, "127.0.0.1"), false},
		{"control: a redirect to an allowed address", redirector(t, ok), loopbackGuard(nil, "127.0.0.1"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, _ := run(t, StatusConfig{URL: tt.url, FallbackURL: NoFallback, Timeout: 5 * time.Second, Guard: tt.guard})
			b, _ := json.Marshal(res)
			if strings.Contains(string(b), secret) || hits.Load() != 0 {
				t.Fatalf("the internal service was read (%d requests):\n%s", hits.Load(), b)
			}
			f, op := deref(res.Failure), deref(res.Operation)
			switch {
			case tt.refused && (f != vocab.FailureAddrNotAllowed || op != vocab.OpConnect || res.Observed != vocab.StateUnknown):
				t.Errorf("got %s %s %s, want unknown address_not_allowed connect:\n%s", res.Observed, f, op, b)
			case tt.refused && !strings.Contains(res.Hint, "allowlist"):
				t.Errorf("hint %q", res.Hint)
			case !tt.refused && res.Observed != vocab.StateOperational:
				t.Errorf("control: got %s %s:\n%s", res.Observed, f, b)
			}
		})
	}
}

func TestGuardThroughAProxy(t *testing.T) {
	proxy, hits := serveOn(t, "127.0.0.1:0", statustest.Handler(statustest.Operational, nil))
	pu, _ := url.Parse("http://" + proxy)
	tr := &http.Transport{Proxy: http.ProxyURL(pu)}
	res, _, _ := run(t, StatusConfig{URL: "http://internal.test" + statustest.Path, FallbackURL: NoFallback, Timeout: 5 * time.Second,
		Transport: tr, Guard: loopbackGuard(nil, "127.0.0.1")})
	if deref(res.Failure) != vocab.FailureAddrNotAllowed || hits.Load() != 0 {
		t.Errorf("through a proxy, a host not allowed: failure %s, %d requests to the proxy", deref(res.Failure), hits.Load())
	}
	res, _, _ = run(t, StatusConfig{URL: "http://status.test" + statustest.Path, FallbackURL: NoFallback, Timeout: 5 * time.Second,
		Transport: tr, Guard: loopbackGuard([]string{"status.test"}, "127.0.0.1")})
	if res.Observed != vocab.StateOperational || hits.Load() != 1 {
		t.Errorf("through a proxy, a host allowed by name: %s %s, %d requests", res.Observed, deref(res.Failure), hits.Load())
	}
}

func TestGuardNeedsAnHTTPTransport(t *testing.T) {
	rt := http.RoundTripper(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil }))
	if _, err := NewStatus(StatusConfig{Transport: rt, Guard: &Guard{}}); err == nil {
		t.Error("a Guard over a transport it cannot hold was accepted")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPublic(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1": true, "::ffff:1.1.1.1": true,
		"127.0.0.2": false, "10.1.2.3": false, "192.168.1.1": false, "172.16.0.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.1.2.3": false, "240.0.0.1": false, "255.255.255.255": false, "fd00::1": false,
		"fe80::1": false, "::1": false, "::": false, "224.0.0.1": false, "::ffff:10.0.0.1": false,
	} {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v, want %v", s, got, want)
		}
	}
}

// TestHTTPS: the head is checked under TLS (where it is plaintext), and a
// certificate that is not trusted is still ssl_unknown_authority.
func TestHTTPS(t *testing.T) {
	for _, tt := range []struct {
		kind    statustest.Kind
		trusted bool
		want    vocab.Observed
		failure vocab.Failure
		op      vocab.Operation
	}{
		{statustest.Operational, true, vocab.StateOperational, "", ""},
		{statustest.Garbage, true, vocab.StateUnknown, vocab.FailureHTTPInvalidResponse, vocab.OpStatusFetch},
		{statustest.Operational, false, vocab.StateUnknown, vocab.FailureSSLUnknownAuth, vocab.OpTLSHandshake},
	} {
		stop := make(chan struct{})
		srv := httptest.NewUnstartedServer(statustest.Handler(tt.kind, stop))
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
		srv.StartTLS()
		tr := &http.Transport{}
		if tt.trusted {
			tr = srv.Client().Transport.(*http.Transport).Clone()
		}
		res, _, _ := run(t, StatusConfig{URL: srv.URL + statustest.Path, FallbackURL: NoFallback, Timeout: 5 * time.Second,
			Transport: tr, Guard: loopbackGuard(nil, "127.0.0.1")})
		close(stop)
		srv.Close()
		if res.Observed != tt.want || deref(res.Failure) != tt.failure || deref(res.Operation) != tt.op {
			t.Errorf("%s trusted %v: %s %s %s, want %s %s %s", tt.kind, tt.trusted, res.Observed, deref(res.Failure), deref(res.Operation), tt.want, tt.failure, tt.op)
		}
	}
}
