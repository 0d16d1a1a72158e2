package proxytest

import (
	"io"
	"net"
	"strings"
	"time"
)

// HostilePeer is a TCP peer that misbehaves in its answer: a proxy, an
// origin or a PAC server that drips, sends garbage or never ends its head.
// It reads the request head (whatever it is), then writes Answer, one byte
// every Drip when Drip is set, then Endless over and over (until the client
// leaves or 64 MiB were sent) when it is set; then it holds the connection
// open, silent, until the client leaves.
type HostilePeer struct {
	// Answer is written first, e.g. "HTTP/1.1 200 OK\r\n".
	Answer string
	// Drip is the pause before each byte of Answer; zero writes it at once.
	Drip time.Duration
	// Endless is written after Answer until the client leaves.
	Endless string
}

// Serve runs the peer on ln until cleanup.
func (p HostilePeer) Serve(ln net.Listener) (cleanup func()) { return serve(ln, p.handle) }

func (p HostilePeer) handle(c net.Conn) {
	if _, _, ok := readHead(c); !ok {
		return
	}
	if !p.write(c) {
		return
	}
	if p.Endless != "" {
		chunk := []byte(strings.Repeat(p.Endless, 1+4096/len(p.Endless)))
		for sent := 0; sent < 64<<20; sent += len(chunk) {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	}
	io.Copy(io.Discard, c)
}

// write sends Answer, dripping it when Drip is set; false when the client
// left.
func (p HostilePeer) write(c net.Conn) bool {
	if p.Drip <= 0 {
		_, err := io.WriteString(c, p.Answer)
		return err == nil
	}
	for i := 0; i < len(p.Answer); i++ {
		time.Sleep(p.Drip)
		if _, err := c.Write([]byte{p.Answer[i]}); err != nil {
			return false
		}
	}
	return true
}
