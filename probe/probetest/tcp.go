// Package probetest holds loopback fakes for the probes' tests and for the
// demo's loopback mode: TCP servers that accept, refuse, or stay silent on
// command. Each returns its address once ready, and a cleanup.
package probetest

import (
	"net"
	"net/netip"
	"testing"
)

// StartOpen starts a listener on 127.0.0.1 that accepts and closes every
// connection.
func StartOpen() (netip.AddrPort, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return netip.AddrPort{}, nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return netip.MustParseAddrPort(ln.Addr().String()), func() { ln.Close() }, nil
}

// StartClosed returns a loopback port that nobody listens on, so a SYN
// gets a RST. The port stays bound (without listening) until cleanup, so no
// other test can take it in the meantime and turn it open.
func StartClosed() (netip.AddrPort, func(), error) {
	closeFn, ap, err := boundSocket()
	return ap, closeFn, err
}

// StartSilent returns a loopback port whose SYNs are dropped without an
// answer, without root and without a firewall: a listener with a backlog of
// zero that never accepts, its queue filled by one connection. Linux drops
// SYNs to a listener whose accept queue is full.
func StartSilent() (netip.AddrPort, func(), error) {
	closeLn, ap, err := silentListener()
	if err != nil {
		return ap, nil, err
	}
	filler, err := net.Dial("tcp", ap.String())
	if err != nil {
		closeLn()
		return ap, nil, err
	}
	return ap, func() { filler.Close(); closeLn() }, nil
}

// Open is StartOpen for tests: it fails tb on error and cleans up after.
func Open(tb testing.TB) netip.AddrPort { return must(tb)(StartOpen()) }

// Silent is StartSilent for tests.
func Silent(tb testing.TB) netip.AddrPort { return must(tb)(StartSilent()) }

// Closed is StartClosed for tests.
func Closed(tb testing.TB) netip.AddrPort { return must(tb)(StartClosed()) }

func must(tb testing.TB) func(netip.AddrPort, func(), error) netip.AddrPort {
	tb.Helper()
	return func(ap netip.AddrPort, cleanup func(), err error) netip.AddrPort {
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(cleanup)
		return ap
	}
}
