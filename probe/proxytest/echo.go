package proxytest

import (
	"net"
	"strconv"
)

// PlainEcho is an HTTP echo server that is not a roompath responder: it
// answers every request 200 with the request head as its body but without
// the X-Roompath-Echo header (an echo service of another make, a
// developer's test server). The HTTP check cannot tell anything from it.
type PlainEcho struct {
	// Rewrite, when set, is applied to the head before it is echoed (the
	// echo server's own re-serialisation, as a web framework does); nil
	// echoes the head byte for byte.
	Rewrite func(head []byte) []byte
}

// Serve runs the echo server on ln until cleanup.
func (e PlainEcho) Serve(ln net.Listener) (cleanup func()) { return serve(ln, e.handle) }

func (e PlainEcho) handle(c net.Conn) {
	head, _, ok := readHead(c)
	if !ok {
		return
	}
	if e.Rewrite != nil {
		head = e.Rewrite(head)
	}
	c.Write(append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "+strconv.Itoa(len(head))+"\r\nConnection: close\r\n\r\n"), head...))
}

// BlockPage is a filtering proxy answering every request itself with its
// block page: 403, an HTML body, and the headers Squid adds (Via,
// X-Squid-Error).
type BlockPage struct{}

// blockBody is BlockPage's page.
const blockBody = "<html><head><title>Access Denied</title></head><body>The requested URL is blocked by policy.</body></html>"

// Serve runs the block page on ln until cleanup.
func (BlockPage) Serve(ln net.Listener) (cleanup func()) {
	return serve(ln, func(c net.Conn) {
		if _, _, ok := readHead(c); !ok {
			return
		}
		c.Write([]byte("HTTP/1.1 403 Forbidden\r\nServer: squid/6.6\r\nVia: 1.1 fakeproxy (squid/6.6)\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\n" +
			"Content-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(blockBody)) + "\r\nConnection: close\r\n\r\n" + blockBody))
	})
}
