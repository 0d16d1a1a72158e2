//go:build linux

package sockerr

import (
	"encoding/binary"
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Origins of a queued error (SO_EE_ORIGIN_*).
const (
	OriginLocal = unix.SO_EE_ORIGIN_LOCAL
	OriginICMP  = unix.SO_EE_ORIGIN_ICMP
	OriginICMP6 = unix.SO_EE_ORIGIN_ICMP6
)

// maxDrain bounds how many entries one Read takes off the queue.
const maxDrain = 8

// Error is one entry of a socket's error queue: struct sock_extended_err
// and the offender's address.
type Error struct {
	// Errno is the error the entry reports (ee_errno), e.g. EHOSTUNREACH.
	Errno syscall.Errno
	// Origin is OriginLocal, OriginICMP or OriginICMP6.
	Origin uint8
	// Type and Code are the ICMP or ICMPv6 type and code; zero for local
	// errors.
	Type, Code uint8
	// Info is ee_info: the next-hop MTU of a fragmentation-needed or
	// packet-too-big message, or the MTU of a local EMSGSIZE.
	Info uint32
	// From is the sender of the ICMP message (the offender); invalid when
	// the kernel gave none.
	From netip.Addr
}

// ICMP reports whether the entry is an ICMP or ICMPv6 message.
func (e Error) ICMP() bool { return e.Origin == OriginICMP || e.Origin == OriginICMP6 }

// V6 reports whether the entry is an ICMPv6 message.
func (e Error) V6() bool { return e.Origin == OriginICMP6 }

// Read drains the error queue of the socket behind rc without blocking and
// returns its entries in arrival order (at most 8). It never fails: an
// empty or unreadable queue gives nil.
func Read(rc syscall.RawConn) []Error {
	var out []Error
	_ = rc.Control(func(fd uintptr) { out = ReadFD(int(fd)) })
	return out
}

// ReadFD is Read for a raw file descriptor.
func ReadFD(fd int) []Error {
	var out []Error
	buf, oob := make([]byte, 128), make([]byte, 512)
	for range maxDrain {
		_, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
		if err != nil {
			return out
		}
		if e, ok := Parse(oob[:oobn]); ok {
			out = append(out, e)
		}
	}
	return out
}

// LastICMP returns the last ICMP or ICMPv6 entry of errs.
func LastICMP(errs []Error) (Error, bool) {
	for i := len(errs) - 1; i >= 0; i-- {
		if errs[i].ICMP() {
			return errs[i], true
		}
	}
	return Error{}, false
}

// Parse decodes the IP_RECVERR or IPV6_RECVERR control message in oob: a
// sock_extended_err followed by the offender's sockaddr. ok is false when
// oob holds no such message.
func Parse(oob []byte) (Error, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return Error{}, false
	}
	for _, m := range msgs {
		isV4 := m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_RECVERR
		isV6 := m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_RECVERR
		if (!isV4 && !isV6) || len(m.Data) < int(unsafe.Sizeof(unix.SockExtendedErr{})) {
			continue
		}
		return decode(m.Data), true
	}
	return Error{}, false
}

// decode reads a sock_extended_err and the sockaddr after it from b, which
// holds at least the former.
func decode(b []byte) Error {
	n := unsafe.Sizeof(unix.SockExtendedErr{})
	var ee unix.SockExtendedErr
	copy((*[unsafe.Sizeof(unix.SockExtendedErr{})]byte)(unsafe.Pointer(&ee))[:], b[:n])
	e := Error{Errno: syscall.Errno(ee.Errno), Origin: ee.Origin, Info: ee.Info}
	if e.ICMP() {
		e.Type, e.Code = ee.Type, ee.Code
	}
	e.From = Offender(b[n:])
	return e
}

// Offender decodes the sockaddr_in or sockaddr_in6 that follows a
// sock_extended_err; IPv4-mapped addresses come back unmapped.
func Offender(b []byte) netip.Addr {
	if len(b) < 2 {
		return netip.Addr{}
	}
	switch binary.NativeEndian.Uint16(b) {
	case unix.AF_INET:
		if len(b) >= 8 {
			return netip.AddrFrom4([4]byte(b[4:8]))
		}
	case unix.AF_INET6:
		if len(b) >= 24 {
			return netip.AddrFrom16([16]byte(b[8:24])).Unmap()
		}
	}
	return netip.Addr{}
}

// IsLocal reports whether a is an address of this host (in this network
// namespace): binding to a non-local address fails. The kernel reports its
// own neighbour (ARP/ND) failure as an ICMP host-unreachable from itself.
func IsLocal(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() {
		return false
	}
	fam := unix.AF_INET6
	var sa unix.Sockaddr = &unix.SockaddrInet6{Addr: a.As16()}
	if a.Is4() {
		fam, sa = unix.AF_INET, &unix.SockaddrInet4{Addr: a.As4()}
	}
	fd, err := unix.Socket(fam, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return unix.Bind(fd, sa) == nil
}
