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
)

// Header bytes in front of a UDP payload.
const (
	udp4Overhead = 20 + 8
	udp6Overhead = 40 + 8
)

// pmtuSock is a connected UDP socket with DF set and the error queue on.
type pmtuSock struct {
	f   *os.File
	rc  syscall.RawConn
	fam int
}

// ProbePathMTU finds the path MTU toward dst the way tracepath does: UDP
// datagrams with DF set to dst's discard port, starting at the MTU the
// kernel holds for the route; each ICMP fragmentation-needed (packet too
// big) lowers the size, and an answer from dst (port unreachable) confirms
// it. The kernel learns the path MTU from the same messages. ifMTU is the
// egress interface's MTU, reported as is.
//
// Beside the first datagram it sends one of each smaller pmtuLadder size:
// when the last full-sized datagram goes unanswered, without a
// fragmentation needed, while a smaller one reaches dst, the result is a
// possible black hole (BlackHole, Note) and Path is nil; when nothing
// answers at all, the kernel's value is reported with a Note saying it is
// unconfirmed.
func ProbePathMTU(ctx context.Context, dst netip.Addr, ifMTU int) PathMTU {
	out := PathMTU{Interface: ifMTU}
	dst = dst.Unmap()
	s, err := openPMTUSock(dst)
	if err != nil {
		out.Note = "path MTU not measured: " + err.Error()
		return out
	}
	defer s.f.Close()
	var rungs ladder
	defer func() { rungs.close() }()
	lost := s.probe(ctx, dst, &out, func(first int) { rungs = sendLadder(dst, first) })
	if mtu := s.kernelMTU(); mtu > 0 {
		out.Path = &mtu
		if out.Source == "" {
			out.Source = PMTUKernel
		}
	}
	judgeSilence(&out, dst, lost, rungs.reached(dst, lost))
	return out
}

// probe sends datagrams of the current path MTU until dst answers, nothing
// does, or the probes run out; sent is called once, after the first
// datagram has gone out, with its size. It returns the size of a datagram
// that got no answer at all, 0 when every one was answered.
func (s *pmtuSock) probe(ctx context.Context, dst netip.Addr, out *PathMTU, sent func(int)) (lost int) {
	for out.Probes < pmtuMaxProbes && ctx.Err() == nil {
		mtu := s.kernelMTU()
		if mtu <= 0 {
			return 0
		}
		out.Probes++
		if err := s.send(mtu); errors.Is(err, unix.EMSGSIZE) {
			continue // the kernel already knows a smaller MTU
		} else if err != nil {
			return 0
		}
		if sent != nil {
			sent(mtu)
			sent = nil
		}
		e, ok := s.await(ctx)
		switch {
		case !ok:
			return mtu
		case isFragNeeded(e):
			out.Source, out.ReportedBy = PMTUFragNeeded, e.From.String()
		case e.From == dst:
			out.Source = PMTUConfirmed
			return 0
		default:
			return 0 // another router's error: the datagrams go no further
		}
	}
	return 0
}

// isFragNeeded reports whether e is ICMP fragmentation needed or ICMPv6
// packet too big.
func isFragNeeded(e sockerr.Error) bool {
	return e.ICMP() && (!e.V6() && e.Type == 3 && e.Code == 4 || e.V6() && e.Type == 2)
}

func openPMTUSock(dst netip.Addr) (*pmtuSock, error) {
	fam, sa := traceSockaddr(netip.AddrPortFrom(dst, DiscardPort))
	fd, err := unix.Socket(fam, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	lvl, disc, recverr := unix.SOL_IP, unix.IP_MTU_DISCOVER, unix.IP_RECVERR
	if fam == unix.AF_INET6 {
		lvl, disc, recverr = unix.SOL_IPV6, unix.IPV6_MTU_DISCOVER, unix.IPV6_RECVERR
	}
	for _, opt := range [][2]int{{disc, unix.IP_PMTUDISC_DO}, {recverr, 1}} {
		if err := unix.SetsockoptInt(fd, lvl, opt[0], opt[1]); err != nil {
			unix.Close(fd)
			return nil, os.NewSyscallError("setsockopt", err)
		}
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("connect", err)
	}
	f := os.NewFile(uintptr(fd), "pmtu-probe")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &pmtuSock{f: f, rc: rc, fam: fam}, nil
}

// kernelMTU is IP_MTU (IPV6_MTU): the path MTU the kernel holds for the
// connected destination.
func (s *pmtuSock) kernelMTU() int {
	mtu := -1
	_ = s.rc.Control(func(fd uintptr) {
		if s.fam == unix.AF_INET6 {
			mtu, _ = unix.GetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_MTU)
		} else {
			mtu, _ = unix.GetsockoptInt(int(fd), unix.SOL_IP, unix.IP_MTU)
		}
	})
	return mtu
}

// send sends one datagram that fills mtu bytes on the wire.
func (s *pmtuSock) send(mtu int) error {
	overhead := udp4Overhead
	if s.fam == unix.AF_INET6 {
		overhead = udp6Overhead
	}
	payload := make([]byte, max(mtu-overhead, 1))
	var serr error
	err := s.rc.Control(func(fd uintptr) {
		_, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR) // clear a stale error
		serr = unix.Send(int(fd), payload, 0)
	})
	if err != nil {
		return err
	}
	return serr
}

// await waits up to pmtuStep for an entry in the error queue.
func (s *pmtuSock) await(ctx context.Context) (sockerr.Error, bool) {
	deadline := time.Now().Add(pmtuStep)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := s.f.SetReadDeadline(deadline); err != nil {
		return sockerr.Error{}, false
	}
	stop := context.AfterFunc(ctx, func() { _ = s.f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var errs []sockerr.Error
	_ = s.rc.Read(func(fd uintptr) bool {
		errs = sockerr.ReadFD(int(fd))
		_, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR)
		return len(errs) > 0
	})
	for _, e := range errs {
		if e.ICMP() {
			return e, true
		}
	}
	return sockerr.Error{}, false
}
