package netpath

import (
	"encoding/binary"
	"net/netip"
)

// tcpFlagRST is the RST bit of the TCP flags byte.
const tcpFlagRST = 0x04

// rstSegment is a captured TCP reset: its sender, the local port it was
// sent to and the TTL (hop limit) it arrived with.
type rstSegment struct {
	from      netip.AddrPort
	localPort uint16
	ttl       int
}

// parseRST4 decodes an IPv4 packet holding a TCP segment with RST set.
func parseRST4(b []byte) (rstSegment, bool) {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != 6 {
		return rstSegment{}, false
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || len(b) < ihl+14 {
		return rstSegment{}, false
	}
	src := netip.AddrFrom4([4]byte(b[12:16]))
	seg, ok := parseRSTHeader(b[ihl:], src)
	seg.ttl = int(b[8])
	return seg, ok
}

// parseRST6 decodes a TCP segment (an IPv6 raw socket gets no IP header)
// from src with RST set, received with hop limit hops.
func parseRST6(b []byte, src netip.Addr, hops int) (rstSegment, bool) {
	if hops < 0 || hops > 255 || !src.IsValid() {
		return rstSegment{}, false
	}
	seg, ok := parseRSTHeader(b, src)
	seg.ttl = hops
	return seg, ok
}

// parseRSTHeader reads the ports and the RST flag of a TCP header.
func parseRSTHeader(tcp []byte, src netip.Addr) (rstSegment, bool) {
	if len(tcp) < 14 || tcp[13]&tcpFlagRST == 0 {
		return rstSegment{}, false
	}
	sport, dport := binary.BigEndian.Uint16(tcp[0:2]), binary.BigEndian.Uint16(tcp[2:4])
	return rstSegment{from: netip.AddrPortFrom(src, sport), localPort: dport}, true
}
