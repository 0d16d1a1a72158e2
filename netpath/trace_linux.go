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

// traceMode: hops come from each socket's error queue.
const traceMode = TraceModeRecvErr

// recvErrProbe is one TTL's non-blocking connect with IP_RECVERR.
type recvErrProbe struct {
	ttl   int
	fam   int
	f     *os.File // owns the socket; nil when the probe ended at once
	rc    syscall.RawConn
	t0    time.Time
	port  uint16
	local netip.Addr // the socket's own address, once bound
	early *Hop       // set when connect ended at once
	// queued holds error-queue entries already drained while waiting.
	queued []sockerr.Error
}

// startTTLProbe opens a TCP socket with the TTL (hop limit) and the error
// queue set and starts a non-blocking connect to dst: the SYN leaves now.
func startTTLProbe(dst netip.AddrPort, ttl int) ttlProbe {
	fam, sa := traceSockaddr(dst)
	p := &recvErrProbe{ttl: ttl, fam: fam}
	fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		p.early = localErrorHop(ttl, os.NewSyscallError("socket", err))
		return p
	}
	if err := setTraceOptions(fd, fam, ttl); err != nil {
		unix.Close(fd)
		p.early = localErrorHop(ttl, err)
		return p
	}
	p.f = os.NewFile(uintptr(fd), "tcp-trace")
	if p.rc, err = p.f.SyscallConn(); err != nil {
		p.f.Close()
		p.early = localErrorHop(ttl, err)
		return p
	}
	p.t0 = time.Now()
	p.connect(fd, sa)
	return p
}

// connect sends the SYN and records an outcome that came at once.
func (p *recvErrProbe) connect(fd int, sa unix.Sockaddr) {
	err := unix.Connect(fd, sa)
	if lsa, gerr := unix.Getsockname(fd); gerr == nil {
		p.port, p.local = sockaddrPort(lsa), sockaddrAddr(lsa)
	}
	switch {
	case err == nil:
		p.early = &Hop{TTL: p.ttl, Reply: ReplySynAck, RTTMS: rttMS(time.Since(p.t0))}
	case errors.Is(err, unix.EINPROGRESS):
	default:
		h := p.failed(err, true)
		p.early = &h
	}
}

func (p *recvErrProbe) localPort() uint16 { return p.port }

// wait waits through the runtime poller until the connect ends, ctx ends or
// the deadline passes, and reads the error queue. After a SYN-ACK it hands
// the hop to early and checks what follows (afterSynAck).
func (p *recvErrProbe) wait(ctx context.Context, deadline time.Time, early func(Hop)) Hop {
	if p.f != nil {
		defer p.f.Close()
	}
	if p.early != nil {
		if p.early.Reply == ReplySynAck && p.f != nil {
			return p.afterSynAck(ctx, *p.early, deadline, early)
		}
		return *p.early
	}
	c := sockerr.WaitConnect(ctx, p.f, p.rc, deadline)
	switch {
	case c.Canceled:
		return Hop{TTL: p.ttl, Reply: ReplyNone, cancelled: true}
	case c.TimedOut:
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	case c.Connected:
		return p.afterSynAck(ctx, Hop{TTL: p.ttl, Reply: ReplySynAck, RTTMS: rttMS(time.Since(p.t0))}, deadline, early)
	case c.Errno == 0:
		// An ICMP error queued while connect() held the socket (a soft
		// error to the kernel): time exceeded or a reject, all the same.
		if e, ok := sockerr.LastICMP(c.Queued); ok {
			if h, ok := icmpHop(p.ttl, e, time.Since(p.t0), p.local); ok {
				return h
			}
		}
		return Hop{TTL: p.ttl, Reply: ReplyNone}
	}
	p.queued = c.Queued
	return p.failed(c.Errno, false)
}

// failed classifies a connect that ended with err: an ICMP error in the
// queue names the hop; otherwise the errno says what it can.
func (p *recvErrProbe) failed(err error, sync bool) Hop {
	rtt := time.Since(p.t0)
	errs := p.queued
	if p.rc != nil {
		errs = append(errs, sockerr.Read(p.rc)...)
	}
	if e, ok := sockerr.LastICMP(errs); ok {
		if h, ok := icmpHop(p.ttl, e, rtt, p.local); ok {
			return h
		}
	}
	var errno unix.Errno
	if !errors.As(err, &errno) || sync && errno != unix.ECONNREFUSED && errno != unix.ECONNRESET {
		return *localErrorHop(p.ttl, err)
	}
	return errnoHop(p.ttl, errno, rtt)
}

// icmpHop turns a queued ICMP error into the hop it names. local is the
// probe's own address: the kernel reports its neighbour failure from it.
func icmpHop(ttl int, e sockerr.Error, rtt time.Duration, local netip.Addr) (Hop, bool) {
	reply, kind, ok := ClassifyICMP(e.V6(), e.Type, e.Code)
	if !ok {
		return Hop{}, false
	}
	h := Hop{TTL: ttl, Reply: reply, Unreachable: kind, RTTMS: rttMS(rtt), ICMP: &HopICMP{V6: e.V6(), Type: e.Type, Code: e.Code}}
	if e.From.IsValid() {
		a := e.From.String()
		h.Address = &a
		h.Local = e.From == local || sockerr.IsLocal(e.From)
	}
	return h, true
}

// errnoHop classifies an asynchronous connect error that came without an
// ICMP message in the queue.
func errnoHop(ttl int, errno unix.Errno, rtt time.Duration) Hop {
	h := Hop{TTL: ttl, Reply: ReplyUnreachable, RTTMS: rttMS(rtt), Failure: errnoOrUnknown(errno)}
	switch errno {
	case unix.ECONNREFUSED:
		h.Reply, h.Failure = ReplyRST, ""
	case unix.ECONNRESET, unix.EPIPE:
		// Reset once established: the handshake completed, then a reset
		// came before the probe looked.
		h.Reply, h.Failure, h.AfterHandshake = ReplySynAck, "", AfterHandshakeReset
	case unix.ETIMEDOUT:
		// The kernel gave up resending the SYN before the deadline.
		h.Reply, h.RTTMS, h.Failure = ReplyNone, nil, ""
	case unix.EHOSTUNREACH:
		h.Unreachable = vocab.ReasonHostUnreach
	case unix.ENETUNREACH:
		h.Unreachable = vocab.ReasonNetUnreach
	case unix.EACCES, unix.EPERM:
		h.Unreachable = vocab.ReasonAdminProhibited
	default:
		h.Reply, h.RTTMS = ReplyLocalError, nil
	}
	return h
}

// setTraceOptions sets the probe's TTL or hop limit and turns the error
// queue on.
func setTraceOptions(fd, fam, ttl int) error {
	lvl, ttlOpt, errOpt := unix.SOL_IP, unix.IP_TTL, unix.IP_RECVERR
	if fam == unix.AF_INET6 {
		lvl, ttlOpt, errOpt = unix.SOL_IPV6, unix.IPV6_UNICAST_HOPS, unix.IPV6_RECVERR
	}
	if err := unix.SetsockoptInt(fd, lvl, ttlOpt, ttl); err != nil {
		return os.NewSyscallError("setsockopt ttl", err)
	}
	if err := unix.SetsockoptInt(fd, lvl, errOpt, 1); err != nil {
		return os.NewSyscallError("setsockopt recverr", err)
	}
	return nil
}

// traceSockaddr returns the family and sockaddr of dst.
func traceSockaddr(dst netip.AddrPort) (int, unix.Sockaddr) {
	a := dst.Addr().Unmap()
	if a.Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(dst.Port()), Addr: a.As4()}
	}
	sa := &unix.SockaddrInet6{Port: int(dst.Port()), Addr: a.As16()}
	if z := a.Zone(); z != "" {
		if ifc, err := interfaceIndexByName(z); err == nil {
			sa.ZoneId = uint32(ifc)
		}
	}
	return unix.AF_INET6, sa
}

func sockaddrPort(sa unix.Sockaddr) uint16 {
	switch s := sa.(type) {
	case *unix.SockaddrInet4:
		return uint16(s.Port)
	case *unix.SockaddrInet6:
		return uint16(s.Port)
	}
	return 0
}
