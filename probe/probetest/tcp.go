// Package probetest holds loopback fakes for the probes' tests: TCP
// servers that accept, refuse, or stay silent on command. Each returns its
// address once ready, and a cleanup.
package probetest

import (
	"net"
	"net/netip"
	"syscall"
	"testing"
)

// Open starts a listener on 127.0.0.1 that accepts and closes every
// connection.
func Open(tb testing.TB) netip.AddrPort {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return netip.MustParseAddrPort(ln.Addr().String())
}

// Closed returns a loopback port that nobody listens on: a SYN gets a RST.
func Closed(tb testing.TB) netip.AddrPort {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ap := netip.MustParseAddrPort(ln.Addr().String())
	ln.Close()
	return ap
}

// Silent returns a loopback port whose SYNs are dropped without an answer,
// without root and without a firewall: a listener with a backlog of zero
// that never accepts, its queue filled by one connection. Linux drops SYNs
// to a listener whose accept queue is full.
func Silent(tb testing.TB) netip.AddrPort {
	tb.Helper()
	fd, ap := silentListener(tb)
	tb.Cleanup(func() { syscall.Close(fd) })
	filler, err := net.Dial("tcp", ap.String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { filler.Close() })
	return ap
}
