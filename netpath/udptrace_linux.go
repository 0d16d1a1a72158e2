//go:build linux

package netpath

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/netpath/sockerr"
	"github.com/roompath/roompath/probe/vocab"
)

// udpProbe is one TTL's datagram from its own connected UDP socket with
// IP_RECVERR (IPV6_RECVERR): the ICMP error it causes, with its sender,
// lands in that socket's error queue.
type udpProbe struct {
	ttl   int
	f     *os.File // owns the socket; nil when the probe ended at once
	rc    syscall.RawConn
	t0    time.Time
	port  uint16
	local netip.Addr
	dst   netip.Addr
	early *Hop // set when the datagram could not be sent
}

// startUDPProbe opens the socket with the TTL, the error queue and the TOS
// set, connects it to dst and sends cfg.Payload: the datagram leaves now.
func startUDPProbe(dst netip.AddrPort, ttl int, cfg UDPTraceConfig) ttlProbe {
	fam, sa := traceSockaddr(dst)
	p := &udpProbe{ttl: ttl, dst: dst.Addr().Unmap()}
	fd, err := unix.Socket(fam, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		p.early = localErrorHop(ttl, os.NewSyscallError("socket", err))
		return p
	}
	if err := setUDPTraceOptions(fd, fam, ttl, cfg.TOS); err != nil {
		unix.Close(fd)
		p.early = localErrorHop(ttl, err)
		return p
	}
	p.f = os.NewFile(uintptr(fd), "udp-trace")
	if p.rc, err = p.f.SyscallConn(); err != nil {
		p.f.Close()
		p.f, p.early = nil, localErrorHop(ttl, err)
		return p
	}
	p.t0 = time.Now()
	if err := unix.Connect(fd, sa); err != nil {
		p.early = localErrorHop(ttl, os.NewSyscallError("connect", err))
		return p
	}
	if lsa, err := unix.Getsockname(fd); err == nil {
		p.port, p.local = sockaddrPort(lsa), sockaddrAddr(lsa)
	}
	if err := unix.Send(fd, cfg.Payload, 0); err != nil {
		h := p.sendFailed(err)
		p.early = &h
	}
	return p
}

// setUDPTraceOptions sets the TTL and error queue (setTraceOptions) and
// the TOS or traffic class when one is asked for.
func setUDPTraceOptions(fd, fam, ttl, tos int) error {
	if err := setTraceOptions(fd, fam, ttl); err != nil {
		return err
	}
	if tos == 0 {
		return nil
	}
	lvl, opt := unix.SOL_IP, unix.IP_TOS
	if fam == unix.AF_INET6 {
		lvl, opt = unix.SOL_IPV6, unix.IPV6_TCLASS
	}
	return os.NewSyscallError("setsockopt tos", unix.SetsockoptInt(fd, lvl, opt, tos))
}

// sendFailed classifies a send that failed at once: an ICMP error already
// queued (a neighbour failure reported on an earlier datagram) names the
// hop; otherwise it is a local error.
func (p *udpProbe) sendFailed(err error) Hop {
	if e, ok := sockerr.LastICMP(sockerr.Read(p.rc)); ok {
		if h, ok := icmpHop(p.ttl, e, time.Since(p.t0), p.local); ok {
			return h
		}
	}
	return *localErrorHop(p.ttl, os.NewSyscallError("send", err))
}

func (p *udpProbe) localPort() uint16 { return p.port }

// wait waits through the runtime poller for an ICMP error in the queue or
// a datagram from dst, until ctx ends or deadline passes. It closes the
// socket.
func (p *udpProbe) wait(ctx context.Context, deadline time.Time, _ func(Hop)) Hop {
	if p.f != nil {
		defer p.f.Close()
	}
	if p.early != nil {
		return *p.early
	}
	if err := p.f.SetReadDeadline(deadline); err != nil {
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	}
	stop := context.AfterFunc(ctx, func() { _ = p.f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var h *Hop
	buf := make([]byte, 64)
	err := p.rc.Read(func(fd uintptr) bool { h = p.look(int(fd), buf); return h != nil })
	switch {
	case h != nil:
		return *h
	case err != nil && ctx.Err() != nil:
		return Hop{TTL: p.ttl, Reply: ReplyNone, cancelled: true}
	}
	return Hop{TTL: p.ttl, Reply: ReplyNone}
}

// look is one look at the socket: an ICMP error in the queue, a datagram,
// or a pending error; nil while there is nothing yet.
func (p *udpProbe) look(fd int, buf []byte) *Hop {
	if e, ok := sockerr.LastICMP(sockerr.ReadFD(fd)); ok {
		if h, ok := icmpHop(p.ttl, e, time.Since(p.t0), p.local); ok {
			return &h
		}
	}
	_, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
	switch {
	case err == nil:
		// A connected socket only receives from its peer.
		a := p.dst.String()
		return &Hop{TTL: p.ttl, Reply: ReplyUDP, Address: &a, RTTMS: rttMS(time.Since(p.t0))}
	case errors.Is(err, unix.EAGAIN):
		return nil
	}
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return nil
	}
	// The ICMP error can land between the queue read above and this
	// recv, which then reports only its errno: the queued copy names the
	// sender and quotes the packet, so it is read once more.
	if e, ok := sockerr.LastICMP(sockerr.ReadFD(fd)); ok {
		if h, ok := icmpHop(p.ttl, e, time.Since(p.t0), p.local); ok {
			return &h
		}
	}
	h := udpErrnoHop(p.ttl, errno, time.Since(p.t0))
	return &h
}

// udpErrnoHop classifies a pending socket error that came without an ICMP
// message in the queue.
func udpErrnoHop(ttl int, errno unix.Errno, rtt time.Duration) Hop {
	if errno == unix.ECONNREFUSED {
		return Hop{TTL: ttl, Reply: ReplyUnreachable, Unreachable: vocab.ReasonPortUnreach, RTTMS: rttMS(rtt)}
	}
	if errno == unix.ECONNRESET || errno == unix.ETIMEDOUT {
		return Hop{TTL: ttl, Reply: ReplyNone}
	}
	return errnoHop(ttl, errno, rtt)
}

// udpTraceSupported is true: the error queue names every hop.
const udpTraceSupported = true
