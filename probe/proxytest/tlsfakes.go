package proxytest

import (
	"io"
	"net"
)

// TLSOrigin is a TLS server with leaves from CA for any SNI: the genuine
// service when CA is the test root, an intercepting middlebox when it is
// another CA. After the handshake it answers one HTTP request with 200.
type TLSOrigin struct {
	CA *CA
}

// Serve runs the origin on ln until cleanup.
func (o TLSOrigin) Serve(ln net.Listener) (cleanup func()) {
	return serve(ln, func(c net.Conn) { interceptTLS(c, o.CA) })
}

// StallTLS accepts connections, reads the ClientHello and never answers:
// a middlebox that stalls mid-handshake.
type StallTLS struct{}

// Serve runs the staller on ln until cleanup.
func (StallTLS) Serve(ln net.Listener) (cleanup func()) {
	return serve(ln, func(c net.Conn) { io.Copy(io.Discard, io.LimitReader(c, maxFakeHead)) })
}

// ResetTLS accepts connections and closes them at once (after reading
// what arrived first), like a firewall that kills TLS by SNI.
type ResetTLS struct{}

// Serve runs it on ln until cleanup.
func (ResetTLS) Serve(ln net.Listener) (cleanup func()) {
	return serve(ln, func(c net.Conn) {
		buf := make([]byte, 512)
		c.Read(buf)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST, not FIN
		}
	})
}
