//go:build linux

package probe

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/netpath/sockerr"
	"github.com/roompath/roompath/probe/vocab"
)

// tcpMode records that ICMP errors were read from the socket error queue
// (IP_RECVERR), unprivileged.
const tcpMode = "recverr"

// handshakeCheckMode is how a completed handshake is checked here: by what
// follows it on the socket (TCP_INFO).
const handshakeCheckMode = HandshakeCheckPost

// tcpUndistinguished is empty on Linux: every outcome is told apart.
var tcpUndistinguished []string

// dialTCP makes one non-blocking connect with IP_RECVERR set, waits for it
// through the runtime poller until the deadline, and classifies the end:
// SYN-ACK, RST, an ICMP error (type, code and sender from the error queue),
// a local failure, or silence.
func dialTCP(ctx context.Context, dst netip.AddrPort, timeout time.Duration) attempt {
	start := time.Now()
	fam, sa := sockaddrOf(dst)
	fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return attempt{err: os.NewSyscallError("socket", err), duration: time.Since(start)}
	}
	setProbeOptions(fd, fam)
	f := os.NewFile(uintptr(fd), "tcp-probe") // owns fd from here on
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return attempt{err: err, duration: time.Since(start)}
	}
	a := connectAndWait(ctx, f, rc, fd, sa, timeout)
	a.duration = time.Since(start)
	return a
}

// connectDeadline is when a connect made at t0 times out: the full
// timeout from the SYN, not from before the socket was made (on a loaded
// host a goroutine can wait longer than the timeout between the two, and
// a host that answered at once must not be called filtered for it), or
// the context's deadline when that comes first.
func connectDeadline(ctx context.Context, t0 time.Time, timeout time.Duration) time.Time {
	deadline := t0.Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return deadline
}

func sockaddrOf(dst netip.AddrPort) (int, unix.Sockaddr) {
	if dst.Addr().Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(dst.Port()), Addr: dst.Addr().As4()}
	}
	sa := &unix.SockaddrInet6{Port: int(dst.Port()), Addr: dst.Addr().As16()}
	if z := dst.Addr().Zone(); z != "" {
		if ifc, err := interfaceIndex(z); err == nil {
			sa.ZoneId = uint32(ifc)
		}
	}
	return unix.AF_INET6, sa
}

// setProbeOptions turns on the error queue. A failure is ignored: the probe
// still works, with less detail. Close stays an ordinary FIN: closing with a
// RST (SO_LINGER 0) would free the local port at once, and a sweep run
// again soon reuses ports whose 4-tuples the far side still remembers, so
// its SYNs go unanswered (seen on the lab's /20: 5-10% false "filtered").
func setProbeOptions(fd, fam int) {
	if fam == unix.AF_INET {
		_ = unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_RECVERR, 1)
	} else {
		_ = unix.SetsockoptInt(fd, unix.SOL_IPV6, unix.IPV6_RECVERR, 1)
	}
}

func connectAndWait(ctx context.Context, f *os.File, rc syscall.RawConn, fd int, sa unix.Sockaddr, timeout time.Duration) attempt {
	t0 := time.Now()
	deadline := connectDeadline(ctx, t0, timeout)
	err := unix.Connect(fd, sa)
	switch {
	case err == nil:
		return afterHandshake(ctx, f, rc, time.Since(t0), deadline)
	case !errors.Is(err, unix.EINPROGRESS):
		return syncFailure(rc, err, time.Since(t0))
	}
	c := sockerr.WaitConnect(ctx, f, rc, deadline)
	rtt := time.Since(t0)
	switch {
	case c.Canceled:
		return attempt{err: ctx.Err()}
	case c.TimedOut:
		c = lateLook(rc, c)
		if c.TimedOut {
			return attempt{out: reasonOutcome(vocab.ReasonNoResponse)}
		}
	}
	switch {
	case c.Connected:
		return afterHandshake(ctx, f, rc, rtt, deadline)
	case c.Errno == 0:
		// An ICMP error queued while connect() held the socket: the kernel
		// kept retrying, but the message is the answer.
		if m := icmpOf(c.Queued); m != nil {
			if out, ok := classifyICMP(*m); ok {
				return attempt{out: out, icmp: m}
			}
		}
		return attempt{out: reasonOutcome(vocab.ReasonNoResponse)}
	}
	return asyncFailure(rc, c.Errno, rtt, c.Queued)
}

// lateLook looks at a socket once more after its deadline: on a loaded
// host the deadline's timer can run before the poller reports a connect
// that ended in time, and that answer must not become "filtered". A
// handshake done or a reset received by now is the answer (its RTT an
// upper bound); only a socket still connecting timed out.
func lateLook(rc syscall.RawConn, c sockerr.Connect) sockerr.Connect {
	_ = rc.Control(func(fd uintptr) {
		if soErr, _ := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR); soErr != 0 {
			c.Errno, c.TimedOut = unix.Errno(soErr), false
			return
		}
		if _, err := unix.Getpeername(int(fd)); err == nil {
			c.Connected, c.TimedOut = true, false
		}
	})
	return c
}

// asyncFailure classifies a connect that failed after the SYN left: an ICMP
// error in the queue wins over the bare errno.
func asyncFailure(rc syscall.RawConn, errno unix.Errno, rtt time.Duration, queued []sockerr.Error) attempt {
	if m := icmpOf(append(queued, sockerr.Read(rc)...)); m != nil {
		if out, ok := classifyICMP(*m); ok {
			return attempt{out: out, icmp: m}
		}
	}
	f, ok := netpath.ErrnoFailure(errno)
	if !ok {
		f = vocab.Unknown(errno.Error())
	}
	a := attempt{out: classifyConnectFailure(f, false)}
	switch a.out.reason {
	case vocab.ReasonConnRefused:
		a.rtt = rtt
	case vocab.ReasonHandshakeByMiddlebox:
		// Established, then reset before the probe looked.
		a.rtt, a.after, a.checked = rtt, netpath.AfterHandshakeReset, true
	}
	return a
}

// afterHandshake checks what follows a completed handshake (see
// sockerr.AfterConnect): the far end acknowledging this side's FIN keeps
// the port open; a reset or silence shows a middlebox's handshake.
func afterHandshake(ctx context.Context, f *os.File, rc syscall.RawConn, rtt time.Duration, deadline time.Time) attempt {
	after := sockerr.AfterConnect(ctx, f, rc, sockerr.HandshakeAckWait(rtt), deadline)
	if after.Canceled {
		return attempt{err: ctx.Err()}
	}
	a := attempt{out: reasonOutcome(vocab.ReasonSynAck), rtt: rtt, after: after.Outcome, checked: true,
		waited: after.Waited, zeroWindow: after.ZeroWindow}
	judgeAfter(&a)
	return a
}

// syncFailure classifies a connect that failed before a packet left (no
// route, a local firewall) or at once (a RST on loopback).
func syncFailure(rc syscall.RawConn, err error, rtt time.Duration) attempt {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return attempt{err: err}
	}
	a := asyncFailure(rc, errno, rtt, nil)
	a.syncErr = a.icmp == nil
	return a
}

// icmpOf returns the last ICMP or ICMPv6 error of a drained error queue,
// with its sender.
func icmpOf(errs []sockerr.Error) *ICMP {
	e, ok := sockerr.LastICMP(errs)
	if !ok {
		return nil
	}
	icmp := &ICMP{V6: e.V6(), Type: e.Type, Code: e.Code}
	if e.From.IsValid() {
		icmp.From = e.From.String()
		icmp.Local = sockerr.IsLocal(e.From)
	}
	return icmp
}
