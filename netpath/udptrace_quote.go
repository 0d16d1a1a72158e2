package netpath

import (
	"encoding/binary"
	"net/netip"
)

// ICMP and ICMPv6 error types whose quote a UDP trace reads.
const (
	icmp4Unreach      = 3
	icmp4TimeExceeded = 11
	icmp6Unreach      = 1
	icmp6TimeExceeded = 3
	protoUDP          = 17
)

// parseQuote4 reads an ICMP error as an IPv4 raw socket receives it (IP
// header, ICMP header, the quoted IP header and at least 8 bytes of what
// followed it) and returns the quote of a UDP datagram sent to dst. ok is
// false for anything else: other types, other destinations, truncated or
// malformed packets.
func parseQuote4(b []byte, dst netip.AddrPort) (quote, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return quote{}, false
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || len(b) < ihl+8 {
		return quote{}, false
	}
	from := netip.AddrFrom4([4]byte(b[12:16]))
	icmp := b[ihl:]
	if icmp[0] != icmp4Unreach && icmp[0] != icmp4TimeExceeded {
		return quote{}, false
	}
	return quotedUDP4(icmp[8:], from, dst)
}

// quotedUDP4 reads the quoted IPv4 header and UDP ports in q.
func quotedUDP4(q []byte, from netip.Addr, dst netip.AddrPort) (quote, bool) {
	if len(q) < 20 || q[0]>>4 != 4 {
		return quote{}, false
	}
	ihl := int(q[0]&0x0f) * 4
	if ihl < 20 || len(q) < ihl+4 || q[9] != protoUDP {
		return quote{}, false
	}
	if netip.AddrFrom4([4]byte(q[16:20])) != dst.Addr().Unmap() {
		return quote{}, false
	}
	udp := q[ihl:]
	if binary.BigEndian.Uint16(udp[2:4]) != dst.Port() {
		return quote{}, false
	}
	return quote{from: from, localPort: binary.BigEndian.Uint16(udp[0:2]), tos: int(q[1])}, true
}

// parseQuote6 reads an ICMPv6 error as an IPv6 raw socket receives it
// (from the ICMPv6 header on; from is its sender) and returns the quote of
// a UDP datagram sent to dst. A quote whose UDP header follows extension
// headers is not read.
func parseQuote6(b []byte, from netip.Addr, dst netip.AddrPort) (quote, bool) {
	if len(b) < 8+40+4 || (b[0] != icmp6Unreach && b[0] != icmp6TimeExceeded) {
		return quote{}, false
	}
	q := b[8:]
	if q[0]>>4 != 6 || q[6] != protoUDP {
		return quote{}, false
	}
	if netip.AddrFrom16([16]byte(q[24:40])) != dst.Addr().WithZone("") {
		return quote{}, false
	}
	udp := q[40:]
	if binary.BigEndian.Uint16(udp[2:4]) != dst.Port() {
		return quote{}, false
	}
	tclass := int(q[0]&0x0f)<<4 | int(q[1]>>4)
	return quote{from: from, localPort: binary.BigEndian.Uint16(udp[0:2]), tos: tclass}, true
}
