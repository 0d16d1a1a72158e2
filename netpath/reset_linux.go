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

// maxResetsRead bounds how many captured packets stop reads: one reset
// and one SYN-ACK per TTL at most, plus stragglers.
const maxResetsRead = 4 * MaxHopsLimit

// resetSnap is how much of each captured packet the filter keeps: the
// largest IPv4 header and a TCP header.
const resetSnap = 60 + 20

// rawResetCapture is a raw IPPROTO_TCP socket whose BPF filter keeps only
// the resets and SYN-ACKs sent from dst's address and port; the kernel
// queues them while the trace runs, and stop reads their IP TTL.
type rawResetCapture struct {
	fd  int
	dst netip.AddrPort
}

// openResetCapture opens the capture before any SYN leaves. Without
// CAP_NET_RAW it returns ResetNoteNoCap.
func openResetCapture(dst netip.AddrPort) (resetCapture, string) {
	c, note := openRawCapture(dst)
	if c == nil {
		return nil, note
	}
	return c, ""
}

// openRawCapture is openResetCapture with its concrete type.
func openRawCapture(dst netip.AddrPort) (*rawResetCapture, string) {
	a := dst.Addr().Unmap()
	fam := unix.AF_INET6
	if a.Is4() {
		fam = unix.AF_INET
	}
	fd, err := unix.Socket(fam, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return nil, ResetNoteNoCap
	}
	if err != nil {
		return nil, "raw socket: " + err.Error()
	}
	if err := setupCapture(fd, a, dst.Port()); err != nil {
		unix.Close(fd)
		return nil, "raw socket filter: " + err.Error()
	}
	return &rawResetCapture{fd: fd, dst: netip.AddrPortFrom(a, dst.Port())}, ""
}

// HandshakeCapture reads, with a raw socket (CAP_NET_RAW), the IP TTL of
// the SYN-ACKs and resets one destination sends to this host, so the TCP
// probe can tell how far away whatever answered in its name is.
type HandshakeCapture struct{ c *rawResetCapture }

// CaptureHandshake opens a HandshakeCapture for dst; open it before the
// SYN leaves. Without CAP_NET_RAW (or off Linux) it returns nil and a
// SynAckNote* text saying why.
func CaptureHandshake(dst netip.AddrPort) (*HandshakeCapture, string) {
	c, note := openRawCapture(dst)
	if c == nil {
		return nil, synAckNote(note)
	}
	return &HandshakeCapture{c: c}, ""
}

// Stop ends the capture and returns the IP TTL evidence of the first
// SYN-ACK and the first reset dst sent to localPort; nil for what did not
// come.
func (h *HandshakeCapture) Stop(localPort uint16) (synAck, reset *ResetEvidence) {
	got := h.c.stop()[localPort]
	if got.synAck != 0 {
		synAck = ResetFromTTL(got.synAck)
	}
	if got.rst != 0 {
		reset = ResetFromTTL(got.rst)
	}
	return synAck, reset
}

// setupCapture attaches the filter, asks for IPv6 hop limits, and drops
// whatever was queued before the filter was in place.
func setupCapture(fd int, a netip.Addr, port uint16) error {
	prog, err := bpf.Assemble(resetFilter(a, port))
	if err != nil {
		return err
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return err
	}
	if a.Is6() {
		if err := unix.SetsockoptInt(fd, unix.SOL_IPV6, unix.IPV6_RECVHOPLIMIT, 1); err != nil {
			return err
		}
	}
	buf := make([]byte, resetSnap)
	for range maxResetsRead {
		if _, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT); err != nil {
			break
		}
	}
	return nil
}

// resetFilter keeps TCP segments from a:port with RST set, and SYN-ACKs.
// IPv4 raw sockets see the IP header; IPv6 ones start at the TCP header
// (the source address is checked when reading).
func resetFilter(a netip.Addr, port uint16) []bpf.Instruction {
	flags := []bpf.Instruction{
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: tcpFlagRST, SkipTrue: 2},
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: tcpFlagSYN | tcpFlagACK},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: tcpFlagSYN | tcpFlagACK, SkipFalse: 1},
		bpf.RetConstant{Val: resetSnap},
		bpf.RetConstant{Val: 0},
	}
	if a.Is6() {
		return append([]bpf.Instruction{
			bpf.LoadAbsolute{Off: 0, Size: 2},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(port), SkipFalse: 5},
			bpf.LoadAbsolute{Off: 13, Size: 1},
		}, flags...)
	}
	ip := a.As4()
	return append([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 12, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: binary.BigEndian.Uint32(ip[:]), SkipFalse: 8},
		bpf.LoadMemShift{Off: 0},
		bpf.LoadIndirect{Off: 0, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(port), SkipFalse: 5},
		bpf.LoadIndirect{Off: 13, Size: 1},
	}, flags...)
}

// stop reads every queued reset and SYN-ACK and closes the socket. The
// kernel hands a raw socket its copy before TCP processes the segment, so
// every one that ended a probe is already queued.
func (c *rawResetCapture) stop() map[uint16]captured {
	defer unix.Close(c.fd)
	out := map[uint16]captured{}
	buf, oob := make([]byte, resetSnap), make([]byte, 64)
	for range maxResetsRead {
		n, oobn, _, from, err := unix.Recvmsg(c.fd, buf, oob, unix.MSG_DONTWAIT)
		if err != nil {
			break
		}
		var seg rstSegment
		var ok bool
		if c.dst.Addr().Is4() {
			seg, ok = parseRST4(buf[:n])
		} else {
			seg, ok = parseRST6(buf[:n], sockaddrAddr(from), hopLimit(oob[:oobn]))
		}
		if ok && seg.from == c.dst {
			got := out[seg.localPort]
			got.add(seg)
			out[seg.localPort] = got
		}
	}
	return out
}

func sockaddrAddr(sa unix.Sockaddr) netip.Addr {
	if s, ok := sa.(*unix.SockaddrInet6); ok {
		return netip.AddrFrom16(s.Addr).Unmap()
	}
	if s, ok := sa.(*unix.SockaddrInet4); ok {
		return netip.AddrFrom4(s.Addr)
	}
	return netip.Addr{}
}

// hopLimit reads the IPV6_HOPLIMIT control message; -1 when absent.
func hopLimit(oob []byte) int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_HOPLIMIT && len(m.Data) >= 4 {
			return int(int32(binary.NativeEndian.Uint32(m.Data)))
		}
	}
	return -1
}
