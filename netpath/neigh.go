package netpath

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Neighbour states, named as `ip neigh` prints them.
const (
	NeighReachable  = "reachable"
	NeighStale      = "stale"
	NeighDelay      = "delay"
	NeighProbe      = "probe"
	NeighFailed     = "failed"
	NeighIncomplete = "incomplete"
	NeighPermanent  = "permanent"
	NeighNoARP      = "noarp"
	// NeighNone: the table has no entry for the address.
	NeighNone = "none"
	// NeighUnknown: this platform does not read the neighbour table.
	NeighUnknown = "unknown"
)

// DiscardPort is the UDP port (RFC 863 discard) the neighbour nudge and
// the path-MTU probe send to: nothing should listen there, so a live host
// answers with ICMP port unreachable.
const DiscardPort = 9

// Neighbor is the state of one on-link address in this host's neighbour
// (ARP/ND) table, after resolution was provoked.
type Neighbor struct {
	// Address is the neighbour's IP address.
	Address string `json:"address"`
	// Interface is the interface whose table holds the entry.
	Interface string `json:"interface,omitempty"`
	// State is one of the Neigh* constants.
	State string `json:"state"`
	// MAC is the link-layer address the entry holds (lower-case,
	// colon-separated), when resolved; empty otherwise and where the
	// table is not read. It is whoever answered ARP/ND for Address: a
	// router doing proxy ARP answers with its own.
	MAC string `json:"mac,omitempty"`
	// Answered is true when the address answered a UDP datagram to its
	// discard port (ICMP port unreachable): it is up at layer 3.
	Answered bool `json:"answered"`
}

// Resolved reports whether the neighbour's link-layer address is known
// and was not found unusable.
func (n Neighbor) Resolved() bool {
	switch n.State {
	case NeighReachable, NeighStale, NeighDelay, NeighProbe, NeighPermanent, NeighNoARP:
		return true
	}
	return false
}

// Reachable is the tri-state "does this neighbour answer": true when it
// answered or its entry was confirmed, false when resolution failed, nil
// when neither is known.
func (n Neighbor) Reachable() *bool {
	t, f := true, false
	switch {
	case n.Answered, n.State == NeighReachable, n.State == NeighPermanent:
		return &t
	case n.State == NeighFailed, n.State == NeighIncomplete:
		return &f
	}
	return nil
}

// settled reports whether polling can stop: the kernel decided, or the
// address answered.
func (n Neighbor) settled() bool {
	switch n.State {
	case NeighReachable, NeighFailed, NeighPermanent, NeighNoARP:
		return true
	}
	return n.Answered
}

// nudge sends one datagram to addr's discard port, which makes the kernel
// resolve addr if it is on-link, and returns a channel that yields true if
// addr answers with ICMP port unreachable before ctx ends.
func nudge(ctx context.Context, addr netip.Addr) <-chan bool {
	out := make(chan bool, 1)
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(addr, DiscardPort)))
	if err != nil {
		out <- false
		return out
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
	go func() {
		defer c.Close()
		defer stop()
		_, _ = c.Write([]byte("roompath neighbour check"))
		_, err := c.Read(make([]byte, 64))
		out <- isRefused(err)
	}()
	return out
}

// isRefused reports whether err says the peer answered ICMP port
// unreachable (ECONNREFUSED, WSAECONNRESET on Windows).
func isRefused(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && refusedErrno(errno)
}
