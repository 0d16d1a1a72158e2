package proxytest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// ConnectProxy configures an explicit HTTP proxy fake.
type ConnectProxy struct {
	// Upstream maps a CONNECT target "host:port" to the address the fake
	// dials; targets not listed get 502. The fake never resolves names.
	Upstream map[string]string
	// AllowPorts, when non-empty, lists the only ports CONNECT may reach;
	// others get 403.
	AllowPorts []string
	// User and Password, when User is set, are required as Basic
	// Proxy-Authorization; without them the answer is 407 with the
	// challenges of AuthSchemes (default `Basic realm="roompath-lab"`).
	User, Password string
	AuthSchemes    []string
	// Intercept, when set, terminates TLS inside granted tunnels with a
	// leaf from this CA (an inspection box) and answers HTTP itself.
	Intercept *CA
	// Silent accepts connections and never answers.
	Silent bool
	// EndlessHeaders answers "200" and then header lines forever (until
	// the client leaves or 64 MiB were sent).
	EndlessHeaders bool
	// Server is sent as the Server header of the fake's answers.
	Server string
	// Dial reaches upstreams; nil means net.Dialer (in the lab, pass the
	// namespace's Dial so upstream connections leave from there).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Serve runs the proxy on ln until cleanup.
func (p ConnectProxy) Serve(ln net.Listener) (cleanup func()) { return serve(ln, p.handle) }

// Start runs the proxy on a loopback port; it returns the address and
// the cleanup.
func (p ConnectProxy) Start() (addr string, cleanup func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	return ln.Addr().String(), p.Serve(ln), nil
}

func (p ConnectProxy) handle(c net.Conn) {
	if p.Silent {
		io.Copy(io.Discard, io.LimitReader(c, maxFakeHead))
		return
	}
	head, _, ok := readHead(c)
	if !ok {
		return
	}
	if p.EndlessHeaders {
		endless(c)
		return
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil || req.Method != http.MethodConnect {
		p.answer(c, "405 Method Not Allowed", "")
		return
	}
	p.connect(c, req)
}

func (p ConnectProxy) connect(c net.Conn, req *http.Request) {
	target := req.Host
	_, port, _ := net.SplitHostPort(target)
	switch {
	case p.User != "" && !p.authorized(req):
		p.answer(c, "407 Proxy Authentication Required", p.challenges())
		return
	case len(p.AllowPorts) > 0 && !contains(p.AllowPorts, port):
		p.answer(c, "403 Forbidden", "")
		return
	}
	up, ok := p.Upstream[target]
	if !ok {
		p.answer(c, "502 Bad Gateway", "")
		return
	}
	if p.Intercept != nil {
		p.answer(c, "200 Connection established", "")
		interceptTLS(c, p.Intercept)
		return
	}
	u, err := dialUpstream(p.Dial, up)
	if err != nil {
		p.answer(c, "502 Bad Gateway", "")
		return
	}
	p.answer(c, "200 Connection established", "")
	pipe(c, u)
}

func (p ConnectProxy) authorized(req *http.Request) bool {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User+":"+p.Password))
	return req.Header.Get("Proxy-Authorization") == want
}

func (p ConnectProxy) challenges() string {
	schemes := p.AuthSchemes
	if len(schemes) == 0 {
		schemes = []string{`Basic realm="roompath-lab"`}
	}
	var b strings.Builder
	for _, s := range schemes {
		b.WriteString("Proxy-Authenticate: " + s + "\r\n")
	}
	return b.String()
}

func (p ConnectProxy) answer(c net.Conn, status, extra string) {
	server := p.Server
	if server == "" {
		server = "roompath-fake-proxy"
	}
	body := ""
	if !strings.HasPrefix(status, "200") {
		body = "<html><title>" + status + "</title></html>"
	}
	fmt.Fprintf(c, "HTTP/1.1 %s\r\nServer: %s\r\nVia: 1.1 fakeproxy\r\n%sContent-Length: %d\r\n\r\n%s", status, server, extra, len(body), body)
}

// endless sends a status line and header lines until the client leaves.
func endless(c net.Conn) {
	io.WriteString(c, "HTTP/1.1 200 OK\r\n")
	line := []byte("X-Endless: " + strings.Repeat("a", 100) + "\r\n")
	for sent := 0; sent < 64<<20; sent += len(line) {
		if _, err := c.Write(line); err != nil {
			return
		}
	}
}

// interceptTLS terminates TLS with a leaf for the client's SNI from ca
// and answers one HTTP request itself, as inspection boxes' block pages do.
func interceptTLS(c net.Conn, ca *CA) {
	tc := tls.Server(c, ca.TLSConfig())
	if err := tc.Handshake(); err != nil {
		return
	}
	if _, _, ok := readHead(tc); ok {
		io.WriteString(tc, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
	}
	tc.Close()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// upstreamTimeout bounds a fake's connection to its upstream.
const upstreamTimeout = 5 * time.Second

func dialUpstream(dial func(ctx context.Context, network, addr string) (net.Conn, error), addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), upstreamTimeout)
	defer cancel()
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	return dial(ctx, "tcp", addr)
}
