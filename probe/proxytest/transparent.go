package proxytest

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"time"
)

// TransparentProxy is an intercepting HTTP proxy, as found behind an
// nftables redirect or a WCCP/PBR policy: it reads each request, rewrites
// the head the way Squid does (upper-case method, canonical header names,
// Via and X-Forwarded-For added, hop-by-hop headers dropped), forwards it
// and marks the response with Via and X-Cache.
type TransparentProxy struct {
	// Upstream is where requests go; empty means the connection's original
	// destination (Linux SO_ORIGINAL_DST, behind an nftables redirect).
	Upstream string
	// Rewrite, when set, replaces the default head rewriting; it gets and
	// returns raw head bytes.
	Rewrite func(head []byte, client string) []byte
	// Dial reaches upstreams; nil means net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Serve runs the proxy on ln until cleanup.
func (p TransparentProxy) Serve(ln net.Listener) (cleanup func()) { return serve(ln, p.handle) }

func (p TransparentProxy) handle(c net.Conn) {
	head, rest, ok := readHead(c)
	if !ok {
		return
	}
	up := p.Upstream
	if up == "" {
		var err error
		if up, err = originalDst(c); err != nil {
			return
		}
	}
	u, err := dialUpstream(p.Dial, up)
	if err != nil {
		c.Write([]byte("HTTP/1.1 502 Bad Gateway\r\nVia: 1.1 fakeproxy (squid/6.6)\r\nContent-Length: 0\r\n\r\n"))
		return
	}
	defer u.Close()
	u.SetDeadline(time.Now().Add(peerTimeout))
	rw := p.Rewrite
	if rw == nil {
		rw = SquidRewrite
	}
	client, _, _ := net.SplitHostPort(c.RemoteAddr().String())
	u.Write(append(rw(head, client), rest...))
	respHead, respRest, ok := readHead(u)
	if !ok {
		c.Write(respHead)
		return
	}
	c.Write(append(markResponse(respHead), respRest...))
	pipe(c, u)
}

// hopByHop are the headers a proxy consumes.
var hopByHop = []string{"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}

// SquidRewrite rewrites a request head the way Squid re-serialises it.
func SquidRewrite(head []byte, client string) []byte {
	lines := strings.Split(strings.TrimSuffix(string(head), "\r\n\r\n"), "\r\n")
	var out []string
	if parts := strings.SplitN(lines[0], " ", 2); len(parts) == 2 {
		out = append(out, strings.ToUpper(parts[0])+" "+parts[1])
	}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok || contains(hopByHop, strings.ToLower(name)) {
			continue
		}
		out = append(out, http.CanonicalHeaderKey(name)+": "+strings.Join(strings.Fields(value), " "))
	}
	out = append(out, "Via: 1.1 fakeproxy (squid/6.6)", "X-Forwarded-For: "+client, "Cache-Control: max-age=259200", "Connection: keep-alive")
	return []byte(strings.Join(out, "\r\n") + "\r\n\r\n")
}

// markResponse adds the headers a caching proxy adds to responses.
func markResponse(head []byte) []byte {
	i := bytes.Index(head, []byte("\r\n"))
	if i < 0 {
		return head
	}
	mark := []byte("\r\nVia: 1.1 fakeproxy (squid/6.6)\r\nX-Cache: MISS from fakeproxy")
	return append(append(append([]byte{}, head[:i]...), mark...), head[i:]...)
}
