//go:build linux

package netpath

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// maxQuotesRead bounds how many ICMP errors a quote capture reads: one per
// TTL at most from the trace, plus other traffic's errors on a busy host.
const maxQuotesRead = 8 * MaxHopsLimit

// quoteSnap is how much of each ICMP error the capture reads: the largest
// IPv4 header, the ICMP header, the largest quoted IPv4 header (or an
// IPv6 one) and the UDP ports.
const quoteSnap = 60 + 8 + 60 + 8

// rawQuoteCapture is a raw ICMP (ICMPv6) socket, filtered to the errors
// about datagrams to dst (quoteFilter), that queues them while the trace
// runs; stop reads the TOS their quotes carry.
type rawQuoteCapture struct {
	fd  int
	dst netip.AddrPort
}

// openQuoteCapture opens the capture before the first datagram leaves.
// Without CAP_NET_RAW it returns TOSNoteNoCap.
func openQuoteCapture(dst netip.AddrPort) (quoteCapture, string) {
	a := dst.Addr().Unmap()
	fam, proto := unix.AF_INET6, unix.IPPROTO_ICMPV6
	if a.Is4() {
		fam, proto = unix.AF_INET, unix.IPPROTO_ICMP
	}
	fd, err := unix.Socket(fam, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return nil, TOSNoteNoCap
	}
	if err != nil {
		return nil, "raw ICMP socket: " + err.Error()
	}
	if err := setQuoteFilter(fd, netip.AddrPortFrom(a.WithZone(""), dst.Port())); err != nil {
		unix.Close(fd)
		return nil, "raw ICMP socket filter: " + err.Error()
	}
	return &rawQuoteCapture{fd: fd, dst: netip.AddrPortFrom(a.WithZone(""), dst.Port())}, ""
}

// quoteRcvBuf is the receive buffer the capture asks for: room for every
// TTL's error and more, should the filter let others' through.
const quoteRcvBuf = 1 << 20

// setQuoteFilter attaches quoteFilter, enlarges the receive buffer, and
// drops whatever was queued before the filter was in place.
func setQuoteFilter(fd int, dst netip.AddrPort) error {
	prog, err := bpf.Assemble(quoteFilter(dst))
	if err != nil {
		return err
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return err
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, quoteRcvBuf) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, quoteRcvBuf)
	}
	buf := make([]byte, quoteSnap)
	for range maxQuotesRead {
		if _, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT); err != nil {
			break
		}
	}
	return nil
}

// quoteFilter keeps the destination unreachable and time exceeded errors
// that quote a UDP datagram to dst, so errors about other traffic (a
// busy host, the traces of other ports run at once) never fill the
// socket's queue. IPv4 raw sockets see the IP header (its length in X);
// the quoted header is taken to be 20 bytes long, as the trace's own
// datagrams are. IPv6 ones start at the ICMPv6 header.
func quoteFilter(dst netip.AddrPort) []bpf.Instruction {
	type check struct {
		off, size int
		vals      []uint32
	}
	var load func(off, size int) bpf.Instruction
	var checks []check
	a := dst.Addr()
	if a.Is4() {
		ip := a.As4()
		load = func(off, size int) bpf.Instruction { return bpf.LoadIndirect{Off: uint32(off), Size: size} }
		checks = []check{{0, 1, []uint32{icmp4Unreach, icmp4TimeExceeded}}, {8 + 9, 1, []uint32{protoUDP}},
			{8 + 16, 4, []uint32{binary.BigEndian.Uint32(ip[:])}}, {8 + 20 + 2, 2, []uint32{uint32(dst.Port())}}}
	} else {
		ip := a.As16()
		load = func(off, size int) bpf.Instruction { return bpf.LoadAbsolute{Off: uint32(off), Size: size} }
		checks = []check{{0, 1, []uint32{icmp6Unreach, icmp6TimeExceeded}}, {8 + 6, 1, []uint32{protoUDP}}}
		for i := range 4 {
			checks = append(checks, check{8 + 24 + 4*i, 4, []uint32{binary.BigEndian.Uint32(ip[4*i:])}})
		}
		checks = append(checks, check{8 + 40 + 2, 2, []uint32{uint32(dst.Port())}})
	}
	prog := []bpf.Instruction{}
	if a.Is4() {
		prog = append(prog, bpf.LoadMemShift{Off: 0})
	}
	var rejects []int // jumps to patch: they go to the final "drop"
	for _, c := range checks {
		prog = append(prog, load(c.off, c.size))
		for i, v := range c.vals {
			if i < len(c.vals)-1 { // one of several values: on to the next check
				prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipTrue: uint8(len(c.vals) - 1 - i)})
				continue
			}
			rejects = append(rejects, len(prog))
			prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: v})
		}
	}
	prog = append(prog, bpf.RetConstant{Val: quoteSnap}, bpf.RetConstant{Val: 0})
	for _, i := range rejects {
		j := prog[i].(bpf.JumpIf)
		j.SkipFalse = uint8(len(prog) - 1 - i - 1)
		prog[i] = j
	}
	return prog
}

// stop reads every queued error and closes the socket. The kernel hands a
// raw socket its copy before the UDP socket's error queue gets it, so
// every error that ended a probe is already queued.
func (c *rawQuoteCapture) stop() map[uint16]quote {
	defer unix.Close(c.fd)
	out := map[uint16]quote{}
	buf := make([]byte, quoteSnap)
	for range maxQuotesRead {
		n, from, err := unix.Recvfrom(c.fd, buf, unix.MSG_DONTWAIT)
		if err != nil {
			break
		}
		var q quote
		var ok bool
		if c.dst.Addr().Is4() {
			q, ok = parseQuote4(buf[:n], c.dst)
		} else {
			q, ok = parseQuote6(buf[:n], sockaddrAddr(from), c.dst)
		}
		if _, seen := out[q.localPort]; ok && !seen {
			out[q.localPort] = q
		}
	}
	return out
}
