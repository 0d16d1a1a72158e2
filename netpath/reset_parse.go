package netpath

import (
	"encoding/binary"
	"net/netip"
)

// TCP flag bits of the flags byte.
const (
	tcpFlagSYN = 0x02
	tcpFlagRST = 0x04
	tcpFlagACK = 0x10
)

// rstSegment is a captured TCP reset or SYN-ACK: its sender, the local
// port it was sent to, the TTL (hop limit) it arrived with, and which of
// the two it is (synAck false: a reset).
type rstSegment struct {
	from      netip.AddrPort
	localPort uint16
	ttl       int
	synAck    bool
}

// captured is what the raw capture read for one local port: the IP TTL of
// the first reset and of the first SYN-ACK; zero when none came.
type captured struct {
	rst, synAck int
}

// parseRST4 decodes an IPv4 packet holding a TCP segment with RST set, or
// a SYN-ACK.
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
// from src with RST set, or a SYN-ACK, received with hop limit hops.
func parseRST6(b []byte, src netip.Addr, hops int) (rstSegment, bool) {
	if hops < 0 || hops > 255 || !src.IsValid() {
		return rstSegment{}, false
	}
	seg, ok := parseRSTHeader(b, src)
	seg.ttl = hops
	return seg, ok
}

// parseRSTHeader reads the ports and the flags of a TCP header: a reset,
// or a SYN-ACK (SYN and ACK set, RST not).
func parseRSTHeader(tcp []byte, src netip.Addr) (rstSegment, bool) {
	if len(tcp) < 14 {
		return rstSegment{}, false
	}
	flags := tcp[13]
	synAck := flags&(tcpFlagSYN|tcpFlagACK|tcpFlagRST) == tcpFlagSYN|tcpFlagACK
	if flags&tcpFlagRST == 0 && !synAck {
		return rstSegment{}, false
	}
	sport, dport := binary.BigEndian.Uint16(tcp[0:2]), binary.BigEndian.Uint16(tcp[2:4])
	return rstSegment{from: netip.AddrPortFrom(src, sport), localPort: dport, synAck: synAck}, true
}

// add records seg's TTL for its local port, keeping the first of each
// kind.
func (c *captured) add(seg rstSegment) {
	switch {
	case seg.synAck && c.synAck == 0:
		c.synAck = seg.ttl
	case !seg.synAck && c.rst == 0:
		c.rst = seg.ttl
	}
}
