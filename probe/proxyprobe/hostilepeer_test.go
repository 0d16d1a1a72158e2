package proxyprobe

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// garbage is a status line no HTTP peer sends, with escape sequences and
// 1 KiB of raw bytes a report must not copy.
var garbage = "SSH-2.0-\x1b[31mOpenSSH\r" + strings.Repeat("\x00\xffRAWPEERBYTES", 80) + "\r\n\r\n"

// TestProxyHostilePeers: a proxy that drips, sends garbage or never ends
// its head gets a failure string of its own, never unknown_failure, and no
// raw peer bytes reach the result.
func TestProxyHostilePeers(t *testing.T) {
	tests := []struct {
		name string
		peer proxytest.HostilePeer
		want vocab.Failure
	}{
		{"status line drip", proxytest.HostilePeer{Answer: "HTTP/1.1 200 Connection established\r\n\r\n", Drip: 100 * time.Millisecond}, vocab.FailureTimeout},
		{"header drip", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\nVia: 1.1 x" + strings.Repeat("y", 40), Drip: 20 * time.Millisecond}, vocab.FailureTimeout},
		{"garbage status line", proxytest.HostilePeer{Answer: garbage}, vocab.FailureHTTPInvalidResponse},
		{"garbage header", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\n\x01\x02 nonsense\r\n\r\n"}, vocab.FailureHTTPInvalidResponse},
		{"endless status headers", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\n", Endless: "X-A: " + strings.Repeat("b", 200) + "\r\n"}, vocab.FailureHTTPHeadTooLarge},
		{"partial head, then silence", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\nVia: x\r\n"}, vocab.FailureTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := start(t, tt.peer.Serve)
			cfg := ProxyConfig{Target: "zoom.us:443", Settings: fixed(t, p), Timeout: scenarioTimeout,
				Dialer: &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}}
			res := resultOf(t)(NewProxy(cfg))
			want := verdict{report.StatusFail, vocab.ProxyBlocked, tt.want, vocab.OpProxyConnect}
			if diff := cmp.Diff(want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			checkNoPeerBytes(t, res)
		})
	}
}

// checkNoPeerBytes fails when a result repeats a hostile peer's raw bytes.
func checkNoPeerBytes(t *testing.T, res report.Result) {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "RAWPEERBYTES") || strings.Contains(s, `\u001b`) || strings.Contains(s, "nonsense") {
		t.Errorf("the result repeats the peer's bytes: %s", s)
	}
}

// TestWeakHTTPHostilePeers: the same peers in front of the weak HTTP check.
func TestWeakHTTPHostilePeers(t *testing.T) {
	u, _ := url.Parse("http://zoom.us/")
	tests := []struct {
		name string
		peer proxytest.HostilePeer
		want vocab.Failure
	}{
		{"status line drip", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\n\r\n", Drip: 100 * time.Millisecond}, vocab.FailureTimeout},
		{"garbage status line", proxytest.HostilePeer{Answer: garbage}, vocab.FailureHTTPInvalidResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &Dialer{Rules: []ConnectTo{rule("zoom.us:80", start(t, tt.peer.Serve))}}
			res := resultOf(t)(NewHTTPWeak(HTTPWeakConfig{URL: u, Dialer: d, Timeout: scenarioTimeout}))
			if res.Failure == nil || *res.Failure != tt.want {
				t.Errorf("failure %v, want %q", deref(res.Failure), tt.want)
			}
			checkNoPeerBytes(t, res)
		})
	}
}

// TestPACFetchHostilePeers: a PAC server that drips, sends garbage or
// endless headers fails "proxy/config" with its own failure string.
func TestPACFetchHostilePeers(t *testing.T) {
	tests := []struct {
		name string
		peer proxytest.HostilePeer
		want vocab.Failure
	}{
		{"endless headers", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\n", Endless: "X-A: b\r\n"}, vocab.FailureHTTPHeadTooLarge},
		{"status line drip", proxytest.HostilePeer{Answer: "HTTP/1.1 200 OK\r\n\r\n", Drip: 300 * time.Millisecond}, vocab.FailureTimeout},
		{"garbage status line", proxytest.HostilePeer{Answer: garbage}, vocab.FailureHTTPInvalidResponse},
		{"not found", proxytest.HostilePeer{Answer: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"}, vocab.FailurePACInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := start(t, tt.peer.Serve)
			disc := DiscoveryConfig{PAC: "http://pac.lab.test/proxy.pac", Dialer: &Dialer{Rules: []ConnectTo{rule("pac.lab.test:80", addr)}}}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, res, err := discover(ctx, disc, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			want := verdict{report.StatusFail, vocab.ProxyConfigPACError, tt.want, vocab.OpPACFetch}
			if diff := cmp.Diff(want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			checkNoPeerBytes(t, res)
		})
	}
}

func TestPeerText(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"Squid/6.1", 64, "Squid/6.1"},
		{"\x1b[31mred\x00", 64, `\x1b[31mred\x00`},
		{"Caf\xe9 \"Wi-Fi\" ☕", 64, `Caf\xe9 "Wi-Fi" ☕`},
		{strings.Repeat("a", 100), 8, "aaaaaaaa…"},
		{"\u200bhidden", 64, `\u200bhidden`},
	}
	for _, tt := range tests {
		if got := peerText(tt.in, tt.n); got != tt.want {
			t.Errorf("peerText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestProxyHostileServerHeader: the Server and Via a proxy sends are kept
// as evidence, capped and escaped.
func TestProxyHostileServerHeader(t *testing.T) {
	answer := "HTTP/1.1 403 Forbidden\r\nServer: \x1b[2J" + strings.Repeat("RAWPEERBYTES", 100) + "\r\nContent-Length: 0\r\n\r\n"
	p := start(t, proxytest.HostilePeer{Answer: answer}.Serve)
	cfg := ProxyConfig{Target: "zoom.us:443", Settings: fixed(t, p), Timeout: scenarioTimeout,
		Dialer: &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}}
	res := resultOf(t)(NewProxy(cfg))
	b, _ := json.Marshal(res.Detail)
	if strings.Contains(string(b), `\u001b`) || strings.Count(string(b), "RAWPEERBYTES") > maxPeerField/len("RAWPEERBYTES")+1 {
		t.Errorf("detail repeats the raw Server header: %s", b)
	}
}
