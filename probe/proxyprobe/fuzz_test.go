package proxyprobe

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fuzzPACDeadline bounds each fuzzed PAC evaluation, so a looping input
// ends the iteration instead of hanging the fuzzer.
const fuzzPACDeadline = 30 * time.Millisecond

// addHostilePACSeeds seeds with the hostile PAC files (the loops
// and the doubling string cost a deadline each, so not all of
// hostilePACs) and real ones.
func addHostilePACSeeds(f *testing.F) {
	for _, h := range hostilePACs {
		switch h.name {
		case "toString throws", "toString loops", "FindProxyForURL loops", "string doubling", "repeat",
			"deep recursion", "throws", "throws Symbol", "Proxy answer", "typed array", "lookup flood":
			f.Add(h.src)
		}
	}
	f.Add(testPAC)
	f.Add(`function FindProxyForURL(u, h) { return "PROXY a:1; DIRECT"; }`)
	f.Add(`function FindProxyForURLEx(u, h) { return sortIpAddressList("::1;10.0.0.1"); }`)
	f.Add(`function FindProxyForURL(u, h) { return dateRange("JAN", "DEC") ? "DIRECT" : "PROXY x:1"; }`)
	f.Add(`[].join.call({length: 1e9})`)
}

func FuzzCompilePAC(f *testing.F) {
	addHostilePACSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), fuzzPACDeadline)
		defer cancel()
		pac, err := CompilePAC(ctx, src, testPACOptions())
		if err != nil {
			checkOneLine(t, err)
			return
		}
		if pac.find == nil {
			t.Fatal("compiled without a FindProxyForURL function")
		}
	})
}

func FuzzFindProxy(f *testing.F) {
	addHostilePACSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), fuzzPACDeadline)
		defer cancel()
		pac, err := CompilePAC(ctx, src, testPACOptions())
		if err != nil {
			return
		}
		for _, u := range []string{"https://zoom.us/", "http://[::1]:9090/x?y"} {
			answer, _, err := pac.Hops(ctx, u)
			if err != nil {
				checkOneLine(t, err)
				continue
			}
			if len(answer) > maxPACAnswer {
				t.Fatalf("answer of %d bytes", len(answer))
			}
		}
	})
}

// checkOneLine fails when an error message holds a line break or is
// empty: errors end up on one line of stderr or in a report.
func checkOneLine(t *testing.T, err error) {
	t.Helper()
	if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error %q is not one line", msg)
	}
	if classify(err) == "" {
		t.Fatalf("error %v is not classified", err)
	}
}

func FuzzParseProxyURL(f *testing.F) {
	for _, s := range []string{"proxy:3128", "http://u:p@proxy:3128", "https://[::1]:443", "socks5h://s", "ftp://x",
		"http://a\r\nb:1", "proxy:99999", "http://[::1", "http://%zz", "socks5://u@:1", "http://h:0", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseProxyURL(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q is not one line", err)
			}
			return
		}
		host, port, err := net.SplitHostPort(h.Addr)
		if err != nil || host == "" || port == "" || strings.ContainsAny(h.Addr, " \t\r\n/@") {
			t.Fatalf("ParseProxyURL(%q) = %+v: bad address", s, h)
		}
		if _, err := ParsePACResult(h.String()); err != nil {
			t.Fatalf("hop %q does not parse back: %v", h.String(), err)
		}
	})
}

func FuzzParseConnectTo(f *testing.F) {
	for _, s := range []string{"zoom.us:443:127.0.0.1:8443", "::[::1]:", "zoom.us:443:[::1]:8443", "a:b:c:d", "[", "]:::",
		"::::", "x:0:y:1", "x:1:y:65536", "a:1:b\r\n:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseConnectTo(s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q is not one line", err)
			}
			return
		}
		d := &Dialer{Rules: []ConnectTo{r}}
		for _, hp := range []string{"zoom.us:443", "[::1]:9090", net.JoinHostPort(r.Host, "443")} {
			if _, _, err := net.SplitHostPort(d.Rewrite(hp)); err != nil {
				t.Fatalf("rule %+v rewrites %q to %q: %v", r, hp, d.Rewrite(hp), err)
			}
		}
	})
}

// scriptConn reads a fixed script and discards what is written: a SOCKS5
// proxy that answers with exactly those bytes.
type scriptConn struct {
	net.Conn
	r *bytes.Reader
}

func (c *scriptConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *scriptConn) Write(p []byte) (int, error) { return len(p), nil }

func FuzzSOCKS5Reply(f *testing.F) {
	for _, s := range [][]byte{
		{5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80},
		{5, 0, 5, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80},
		{5, 0, 5, 0, 0, 3, 4, 'h', 'o', 's', 't', 0, 80},
		{5, 2, 1, 0, 5, 0, 0, 1, 1, 2, 3, 4, 0, 1},
		{5, 0xff}, {4, 0}, {5, 0, 5, 0, 0, 9}, {5, 0, 5, 0, 0, 3, 255}, {}, {5},
		[]byte("HTTP/1.1 200 OK\r\n\r\n"),
	} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, script []byte, auth bool) {
		h := Hop{Kind: HopSOCKS5, Addr: "127.0.0.1:1080"}
		if auth {
			h.User = url.UserPassword("u", "p")
		}
		c, ans, err := socks5Connect(&scriptConn{r: bytes.NewReader(script)}, h, "zoom.us:443")
		switch {
		case err != nil:
			if f := classify(err); f == "" || strings.HasPrefix(string(f), "unknown_failure") {
				t.Fatalf("unclassified %v (%q)", err, f)
			}
		case ans == nil:
			t.Fatal("no answer and no error")
		case ans.Granted() && c == nil:
			t.Fatal("granted without a connection")
		}
	})
}
