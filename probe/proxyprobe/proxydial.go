package proxyprobe

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"

	"github.com/roompath/roompath/internal/version"
)

// userAgent names roompath in the requests it sends.
var userAgent = "roompath-proxycheck/" + version.Version

// ProxyAnswer is what a proxy said to a tunnel request.
type ProxyAnswer struct {
	// Status is the HTTP status of the CONNECT answer; 0 for SOCKS.
	Status int `json:"status,omitempty"`
	// SOCKSReply is the SOCKS5 reply code (0 granted, 2 not allowed by
	// ruleset, …); nil for HTTP proxies.
	SOCKSReply *int `json:"socks_reply,omitempty"`
	// AuthRequired is true on 407, or when a SOCKS5 proxy accepted none of
	// the offered methods.
	AuthRequired bool `json:"auth_required,omitempty"`
	// Challenges are the Proxy-Authenticate challenges of a 407.
	Challenges []Challenge `json:"challenges,omitempty"`
	// Server is the proxy's Server header, when it sent one.
	Server string `json:"server,omitempty"`
	// Via is the proxy's Via header, when it sent one.
	Via string `json:"via,omitempty"`
}

// Granted reports whether the tunnel was opened.
func (a *ProxyAnswer) Granted() bool {
	if a.SOCKSReply != nil {
		return *a.SOCKSReply == 0 && !a.AuthRequired
	}
	return a.Status >= 200 && a.Status < 300
}

// tunnel opens a connection to target ("host:port") through hop. A nil
// error with a non-granted answer means the proxy refused; the connection
// is then closed. An error means the proxy could not be reached or did not
// answer in time (the returned answer may still be nil).
func tunnel(ctx context.Context, d *Dialer, proxyRoots *x509.CertPool, hop Hop, target string) (net.Conn, *ProxyAnswer, error) {
	conn, err := dialProxy(ctx, d, proxyRoots, hop)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", hop, err)
	}
	stop := deadlineFromContext(ctx, conn)
	var (
		c   net.Conn
		ans *ProxyAnswer
	)
	if hop.Kind == HopSOCKS5 {
		c, ans, err = socks5Connect(conn, hop, target)
	} else {
		c, ans, err = httpConnect(conn, hop, target)
	}
	stop()
	if err != nil || !ans.Granted() {
		conn.Close()
		return nil, ans, err
	}
	conn.SetDeadline(noDeadline)
	return c, ans, nil
}

// dialProxy reaches the proxy itself, over TLS for HTTPS proxies.
func dialProxy(ctx context.Context, d *Dialer, roots *x509.CertPool, hop Hop) (net.Conn, error) {
	if hop.Kind != HopHTTP && hop.Kind != HopHTTPS && hop.Kind != HopSOCKS5 {
		return nil, fmt.Errorf("proxy kind %q is not supported", hop.Kind)
	}
	conn, err := d.DialContext(ctx, hop.Addr)
	if err != nil || hop.Kind != HopHTTPS {
		return conn, err
	}
	host, _, _ := net.SplitHostPort(hop.Addr)
	tc := tls.Client(conn, &tls.Config{ServerName: host, RootCAs: roots})
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// httpConnect sends CONNECT and reads the bounded answer.
func httpConnect(conn net.Conn, hop Hop, target string) (net.Conn, *ProxyAnswer, error) {
	req := &http.Request{Method: http.MethodConnect, Host: target, Header: http.Header{}}
	head := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: " + userAgent + "\r\n"
	if hop.User != nil {
		pw, _ := hop.User.Password()
		head += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(hop.User.Username()+":"+pw)) + "\r\n"
	}
	if _, err := conn.Write([]byte(head + "\r\n")); err != nil {
		return nil, nil, err
	}
	rr := newResponseReader(conn)
	resp, err := rr.head(req)
	if err != nil {
		return nil, nil, err
	}
	ans := &ProxyAnswer{Status: resp.StatusCode, Server: peerText(resp.Header.Get("Server"), maxPeerField), Via: peerText(resp.Header.Get("Via"), maxPeerField)}
	if resp.StatusCode == http.StatusProxyAuthRequired {
		ans.AuthRequired = true
		ans.Challenges = ParseChallenges(resp.Header.Values("Proxy-Authenticate"))
	}
	return &bufferedConn{Conn: conn, r: rr.br}, ans, nil
}

// bufferedConn reads first what the bufio.Reader already holds.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
