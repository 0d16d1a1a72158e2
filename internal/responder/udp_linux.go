//go:build linux

package responder

import (
	"encoding/binary"
	"net"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// setRecvOptions asks for the TOS (traffic class) and destination of each
// datagram; on a dual-stack socket both families' options apply.
func setRecvOptions(c *net.UDPConn) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		for _, o := range [][2]int{{unix.IPPROTO_IP, unix.IP_RECVTOS}, {unix.IPPROTO_IP, unix.IP_PKTINFO},
			{unix.IPPROTO_IPV6, unix.IPV6_RECVTCLASS}, {unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO}} {
			_ = unix.SetsockoptInt(int(fd), o[0], o[1], 1)
		}
	})
}

// parseRecvOOB reads IP_TOS, IPV6_TCLASS and the PKTINFO messages.
func parseRecvOOB(oob []byte) recvInfo {
	info := recvInfo{tos: -1}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return info
	}
	for _, m := range msgs {
		switch {
		case m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_TOS && len(m.Data) >= 1:
			info.tos = int(m.Data[0])
		case m.Header.Level == unix.IPPROTO_IPV6 && m.Header.Type == unix.IPV6_TCLASS && len(m.Data) >= 4:
			info.tos = int(binary.NativeEndian.Uint32(m.Data)) & 0xff
		case m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_PKTINFO && len(m.Data) >= unix.SizeofInet4Pktinfo:
			pi := (*unix.Inet4Pktinfo)(unsafe.Pointer(&m.Data[0]))
			info.dst, info.ifindex = netip.AddrFrom4(pi.Addr), int(pi.Ifindex)
		case m.Header.Level == unix.IPPROTO_IPV6 && m.Header.Type == unix.IPV6_PKTINFO && len(m.Data) >= unix.SizeofInet6Pktinfo:
			pi := (*unix.Inet6Pktinfo)(unsafe.Pointer(&m.Data[0]))
			info.dst, info.ifindex = netip.AddrFrom16(pi.Addr), int(pi.Ifindex)
		}
	}
	return info
}

// replyOOBFor appends the PKTINFO that sends the reply from the address
// the request was sent to (a wildcard socket would pick by route).
func replyOOBFor(b []byte, info recvInfo) []byte {
	if !info.dst.IsValid() {
		return nil
	}
	if info.dst.Is4() {
		pi := unix.Inet4Pktinfo{Spec_dst: info.dst.As4()}
		return appendCmsg(b, unix.IPPROTO_IP, unix.IP_PKTINFO, unsafe.Slice((*byte)(unsafe.Pointer(&pi)), unix.SizeofInet4Pktinfo))
	}
	pi := unix.Inet6Pktinfo{Addr: info.dst.As16()}
	if info.dst.IsLinkLocalUnicast() {
		pi.Ifindex = uint32(info.ifindex)
	}
	return appendCmsg(b, unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, unsafe.Slice((*byte)(unsafe.Pointer(&pi)), unix.SizeofInet6Pktinfo))
}

func appendCmsg(b []byte, level, typ int, data []byte) []byte {
	start := len(b)
	b = append(b, make([]byte, unix.CmsgSpace(len(data)))...)
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[start]))
	h.Level, h.Type = int32(level), int32(typ)
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[start+unix.CmsgLen(0):], data)
	return b
}
