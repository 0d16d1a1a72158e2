package exporter

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roompath/roompath/probe/status/statustest"
)

// secret is in the body of an internal service on 127.0.0.2, outside the
// allowlist of the SSRF tests.
const secret = "internal-secret-7f3a"

// listenOn serves h on addr until the test ends and counts its requests.
func listenOn(t *testing.T, addr string, h http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	var hits atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); h(w, r) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), &hits
}

// TestStatusRedirectsHeldToTheAllowlist: an allowed status server that
// redirects to an internal one, and names that resolve to it, never bring
// its body into /probe's answer.
func TestStatusRedirectsHeldToTheAllowlist(t *testing.T) {
	body := strings.Replace(string(statustest.Body(statustest.Critical)), `"name": "Zoom"`, `"name": "`+secret+`"`, 1)
	sec, hits := listenOn(t, "127.0.0.2:0", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	})
	_, secPort, _ := net.SplitHostPort(sec)
	front, _ := listenOn(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		to := "http://" + sec + statustest.Path
		if r.URL.Query().Get("to") == "name" {
			to = "http://internal.test:" + secPort + statustest.Path
		}
		http.Redirect(w, r, to, http.StatusFound)
	})
	e, err := New(&Config{Allow: []string{"127.0.0.1", "status.test"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.modules["status"].(*statusModule).resolve = func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.2")}, nil
	}
	h := e.Handler()
	for _, target := range []string{
		"http://" + front + statustest.Path,               // a redirect to 127.0.0.2
		"http://" + front + statustest.Path + "?to=name",  // a redirect to a name resolving to it
		"http://status.test:" + secPort + statustest.Path, // allowed by name, resolving to it
	} {
		for _, debug := range []string{"", "&debug=true"} {
			code, out := get(t, h, "/probe?module=status&target="+target+debug)
			if code != 200 || strings.Contains(out, secret) || !strings.Contains(out, "address_not_allowed") {
				t.Errorf("%s%s: code %d, want 200 with address_not_allowed and no secret:\n%s", target, debug, code, out)
			}
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the internal service got %d requests", hits.Load())
	}
}

// TestProxyModuleGuard: a proxy outside the allowlist's networks and not
// public is never connected to.
func TestProxyModuleGuard(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	defer ln.Close()
	e, err := New(&Config{Allow: []string{"127.0.0.1"}, Modules: map[string]ModuleConfig{
		"via_internal": {Prober: "proxy", Proxy: ProxyModule{Proxy: "http://" + ln.Addr().String()}},
	}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	closed, _ := listenOn(t, "127.0.0.1:0", func(http.ResponseWriter, *http.Request) {})
	code, out := get(t, e.Handler(), "/probe?module=via_internal&target="+closed+"&debug=true")
	if code != 200 || !strings.Contains(out, "address_not_allowed") || conns.Load() != 0 {
		t.Errorf("code %d, %d connections to the proxy:\n%s", code, conns.Load(), out)
	}
}
