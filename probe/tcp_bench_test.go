package probe

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/vocab"
)

// BenchmarkTCPOpenLoopback measures one probe of an open loopback port:
// the connect and, where it runs, the check of what follows the handshake
// (the cost a healthy open port pays for it).
func BenchmarkTCPOpenLoopback(b *testing.B) {
	open := probetest.Open(b)
	p, err := NewTCP(TCPConfig{Timeout: 2 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	t := TCPTarget{Addr: open.Addr(), Port: open.Port()}
	b.ResetTimer()
	for range b.N {
		if res := p.probe(context.Background(), t); res.Observed != vocab.TCPOpen {
			b.Fatalf("got %s/%s", res.Observed, res.Reason)
		}
	}
}

// BenchmarkTCPOpenLoopbackHeld is BenchmarkTCPOpenLoopback against a
// listener that keeps every connection open: the FIN is acknowledged by
// its kernel alone (a delayed acknowledgement), the slowest healthy case.
func BenchmarkTCPOpenLoopbackHeld(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	defer func() { ln.Close(); <-done }()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	p, err := NewTCP(TCPConfig{Timeout: 2 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	t := TCPTarget{Addr: ap.Addr(), Port: ap.Port()}
	b.ResetTimer()
	for range b.N {
		if res := p.probe(context.Background(), t); res.Observed != vocab.TCPOpen {
			b.Fatalf("got %s/%s", res.Observed, res.Reason)
		}
	}
}
