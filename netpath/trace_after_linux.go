//go:build linux

package netpath

import (
	"context"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/netpath/sockerr"
)

// afterSynAck checks what follows the SYN-ACK h on the probe's socket: it
// hands h to early, puts the socket's TTL back to the default (the FIN
// must reach the room, not expire where the SYN-ACK came from), then sends
// a FIN and waits for the far end's answer (sockerr.AfterConnect). A
// cancelled wait is a cancelled hop: the trace was decided at a lower TTL.
func (p *recvErrProbe) afterSynAck(ctx context.Context, h Hop, deadline time.Time, early func(Hop)) Hop {
	early(h)
	lvl, opt := unix.SOL_IP, unix.IP_TTL
	if p.fam == unix.AF_INET6 {
		lvl, opt = unix.SOL_IPV6, unix.IPV6_UNICAST_HOPS
	}
	_ = p.rc.Control(func(fd uintptr) { _ = unix.SetsockoptInt(int(fd), lvl, opt, -1) })
	rtt := time.Duration(0)
	if h.RTTMS != nil {
		rtt = time.Duration(*h.RTTMS * float64(time.Millisecond))
	}
	a := sockerr.AfterConnect(ctx, p.f, p.rc, sockerr.HandshakeAckWait(rtt), deadline)
	if a.Canceled {
		return Hop{TTL: p.ttl, Reply: ReplySynAck, cancelled: true}
	}
	h.AfterHandshake = a.Outcome
	return h
}
