package proxytest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"time"
)

// SNIFilter is a firewall's URL-category or application filter as a relay
// behind an nftables redirect: it reads the client's first TLS record,
// and when its ClientHello names a filtered host it resets the connection
// (or, with Drop, swallows it); any other name is relayed byte for byte to
// the upstream, where the real server answers. The relay completes the TCP
// handshake itself, as an inline proxying firewall does.
type SNIFilter struct {
	// Upstream is where passed connections go; empty means the
	// connection's original destination (Linux SO_ORIGINAL_DST, IPv4).
	Upstream string
	// Names are the filtered hosts: a server name equal to one, or under
	// it ("www.zoom.us" under "zoom.us"), is stopped, case aside.
	Names []string
	// Drop swallows a filtered connection (reads and discards until the
	// client gives up) instead of resetting it.
	Drop bool
	// Dial reaches upstreams; nil means net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Serve runs the filter on ln until cleanup.
func (f SNIFilter) Serve(ln net.Listener) (cleanup func()) { return serve(ln, f.handle) }

func (f SNIFilter) handle(c net.Conn) {
	name, first, ok := peekServerName(c)
	if !ok {
		return
	}
	if f.filtered(name) {
		f.stop(c)
		return
	}
	up := f.Upstream
	if up == "" {
		var err error
		if up, err = originalDst(c); err != nil {
			return
		}
	}
	u, err := dialUpstream(f.Dial, up)
	if err != nil {
		return
	}
	u.SetDeadline(time.Now().Add(peerTimeout))
	if _, err := u.Write(first); err != nil {
		u.Close()
		return
	}
	pipe(c, u)
}

// filtered reports whether name is one of Names or under one.
func (f SNIFilter) filtered(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for _, n := range f.Names {
		n = strings.ToLower(n)
		if name == n || strings.HasSuffix(name, "."+n) {
			return true
		}
	}
	return false
}

// stop resets c, or with Drop reads it dry without a word.
func (f SNIFilter) stop(c net.Conn) {
	if f.Drop {
		io.Copy(io.Discard, io.LimitReader(c, maxFakeHead))
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0) // RST, not FIN
	}
}

// errPeeked ends the parse once the ClientHello is read.
var errPeeked = errors.New("ClientHello read")

// peekServerName reads the client's first flight until its ClientHello
// parses and returns the server name it carries ("" for none) and every
// byte read, to be replayed upstream. ok is false when no ClientHello
// came; crypto/tls parses it, and nothing is ever written to c.
func peekServerName(c net.Conn) (name string, read []byte, ok bool) {
	rec := &recordingConn{Conn: c}
	cfg := &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		name, ok = h.ServerName, true
		return nil, errPeeked
	}}
	_ = tls.Server(rec, cfg).Handshake()
	return name, rec.buf.Bytes(), ok
}

// recordingConn keeps what is read from Conn and discards what is
// written to it.
type recordingConn struct {
	net.Conn
	buf bytes.Buffer
}

func (r *recordingConn) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.buf.Write(p[:n])
	return n, err
}

func (r *recordingConn) Write(p []byte) (int, error) { return len(p), nil }
