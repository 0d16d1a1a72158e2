package proxyprobe

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/roompath/roompath/probe/vocab"
)

// exchange is one raw HTTP/1.1 request and its bounded response.
type exchange struct {
	addr      string
	resp      *http.Response
	body      []byte
	truncated bool
	rtt       time.Duration
	op        vocab.Operation // the step that failed
	err       error
}

// rawExchange connects to hostport (after d's rules), writes raw as is and
// reads one response, all within timeout. Nothing in the head is
// normalised: that is the point of the HTTP checks.
func rawExchange(ctx context.Context, d *Dialer, hostport string, raw []byte, timeout time.Duration) exchange {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	x := exchange{addr: d.Rewrite(hostport), op: vocab.OpConnect}
	conn, err := d.DialContext(ctx, hostport)
	if err != nil {
		x.err = err
		return x
	}
	defer conn.Close()
	stop := deadlineFromContext(ctx, conn)
	defer stop()
	x.op = vocab.OpHTTPRoundTrip
	start := time.Now()
	if _, err := conn.Write(raw); err != nil {
		x.err = err
		return x
	}
	rr := newResponseReader(conn)
	x.resp, x.err = rr.head(&http.Request{Method: http.MethodGet})
	x.rtt = time.Since(start)
	if x.err != nil {
		return x
	}
	x.body, x.truncated, x.err = readBody(x.resp)
	return x
}

// hostPortOf is u's host:port with the scheme's default port.
func hostPortOf(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}
