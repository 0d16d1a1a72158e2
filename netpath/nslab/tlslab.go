package nslab

import "fmt"

// TLSLab is the topology the TLS check's blocking faults are staged in: an
// MTU black hole and SNI filters. Tools run in Client; the servers (TLS
// origins on Port, the SNI-filtering relays in R1) are the caller's: this
// package builds the network only (probe/proxytest.ServeTLSLab starts them).
//
//	Client 10.95.1.2 ── 10.95.1.1 R1 10.95.2.1 ══ 10.95.2.2 R2 10.95.3.1 ── Far 10.95.3.11
//	  fd00:95:1::2    fd00:95:1::1  (MTU 1280)  fd00:95:2::2  fd00:95:3::1   fd00:95:3::11
//	                             R1 10.95.4.1 ── Near 10.95.4.10–.14
//	                              fd00:95:4::1      fd00:95:4::10
//
// Client's and Far's interfaces have LinkMTU (1500), so both ends advertise
// an MSS of 1460; only the R1–R2 link in the middle has SmallMTU (1280),
// and R1 and R2 drop ICMP fragmentation needed (3/4) and ICMPv6 packet too
// big (type 2), in their output and forward chains, so neither end ever
// learns the smaller MTU: a full-sized packet in either direction vanishes.
// Nothing clamps the MSS, and Client and Far have TCP black-hole detection
// off (net.ipv4.tcp_mtu_probing=0, the Linux default), so only a smaller
// MSS chosen by the client gets a large flight through. Far answers
// datagrams to closed ports without a rate limit (the path-MTU probe's
// answers).
//
// Near is one hop from R1 over full-sized links, untouched by the black
// hole; R1 is also its firewall: it redirects TCP Port to SNIReset and
// SNIDrop into the relays the caller serves at SNIResetRelay and
// SNIDropRelay, and resets (HardReset) or drops (HardDrop) every data
// segment toward Port at two more addresses, whatever the name.
//
// Zero TLSLab is not useful; build one with NewTLSLab and Close it.
type TLSLab struct {
	// Lab owns the namespaces; TLSLab.Close closes it.
	Lab *Lab
	// Client is the controller-side vantage point.
	Client *NS
	// R1 is hop 1: the firewall with the redirects and per-address rules.
	R1 *NS
	// R2 is hop 2 toward Far, across the small-MTU link.
	R2 *NS
	// Far is behind the small-MTU link, hop 3.
	Far *NS
	// Near is behind R1 only, hop 2.
	Near *NS

	// ClientAddr and ClientAddrV6 are Client's addresses.
	ClientAddr, ClientAddrV6 string
	// Hop1 and Hop1V6 are R1's Client-facing addresses.
	Hop1, Hop1V6 string
	// Hop2 and Hop2V6 are R2's R1-facing addresses.
	Hop2, Hop2V6 string

	// BigChain (in Far) is for an origin whose flight (a long certificate
	// chain) needs full-sized packets: its handshake stalls in the black
	// hole. Any client whose ClientHello fills a packet (Go's, with its
	// post-quantum key share) stalls there too.
	BigChain, BigChainV6 string
	// Clean (in Near) is for an origin no fault touches.
	Clean, CleanV6 string
	// SNIReset (in Near): R1 redirects TCP Port to it into SNIResetRelay,
	// a relay that resets a ClientHello naming a filtered host and passes
	// others to SNIReset itself.
	SNIReset string
	// SNIDrop (in Near): the same with SNIDropRelay, which drops instead.
	SNIDrop string
	// SNIResetRelay and SNIDropRelay are the host:port the relays must
	// listen on in R1 (where the redirects deliver).
	SNIResetRelay, SNIDropRelay string
	// HardReset (in Near): R1 answers every data segment toward Port with
	// a TCP reset in the server's name, so every handshake is reset.
	HardReset string
	// HardDrop (in Near): R1 drops every data segment toward Port, so
	// every handshake stalls.
	HardDrop string

	// Port is the TLS port, 443.
	Port int
	// SmallMTU is the R1–R2 link's MTU; LinkMTU that of every other link.
	SmallMTU, LinkMTU int
}

// The TLS lab's address plan; everything lives only inside lab namespaces.
const (
	tlNet4, tlNet6 = "10.95.0.0/16", "fd00:95::/32"

	tlClient, tlClient6     = "10.95.1.2", "fd00:95:1::2"
	tlR1Client, tlR1Client6 = "10.95.1.1", "fd00:95:1::1"
	tlR1R2, tlR1R26         = "10.95.2.1", "fd00:95:2::1"
	tlR2R1, tlR2R16         = "10.95.2.2", "fd00:95:2::2"
	tlR2Far, tlR2Far6       = "10.95.3.1", "fd00:95:3::1"
	tlBig, tlBig6           = "10.95.3.11", "fd00:95:3::11"
	tlR1Near, tlR1Near6     = "10.95.4.1", "fd00:95:4::1"
	tlClean, tlClean6       = "10.95.4.10", "fd00:95:4::10"
	tlSNIReset, tlSNIDrop   = "10.95.4.11", "10.95.4.12"
	tlHardReset, tlHardDrop = "10.95.4.13", "10.95.4.14"
	tlFarNet4, tlFarNet6    = "10.95.3.0/24", "fd00:95:3::/64"
	tlCliNet4, tlCliNet6    = "10.95.1.0/24", "fd00:95:1::/64"

	tlPort                  = 443
	tlResetRelay, tlDropRly = 8443, 8444
	tlSmallMTU, tlLinkMTU   = 1280, 1500
	// tlDataLen: an IPv4 packet longer than this toward Port carries data
	// (a bare ACK with timestamps is 52 bytes; a ClientHello hundreds).
	tlDataLen = 100
)

// Interface names in the TLS lab.
const (
	tlIfClientR1 = "to-r1"
	tlIfR1Client = "to-client"
	tlIfR1R2     = "to-r2"
	tlIfR1Near   = "to-near"
	tlIfR2R1     = "to-r1"
	tlIfR2Far    = "to-far"
	tlIfFarR2    = "to-r2"
	tlIfNearR1   = "to-r1"
)

// tlsICMPRuleset drops fragmentation needed and packet too big, whoever
// sends them: the routers' own (output) and those they forward.
const tlsICMPRuleset = `table inet roompath_tlslab_icmp {
	chain output {
		type filter hook output priority filter; policy accept;
		icmp type destination-unreachable icmp code frag-needed drop
		icmpv6 type packet-too-big drop
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		icmp type destination-unreachable icmp code frag-needed drop
		icmpv6 type packet-too-big drop
	}
}
`

// tlsFirewallRuleset is R1's own: the redirects into the SNI relays and
// the name-blind resets and drops.
func tlsFirewallRuleset() string {
	return fmt.Sprintf(`table ip roompath_tlslab_nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "%[1]s" ip daddr %[2]s tcp dport %[4]d redirect to :%[5]d
		iifname "%[1]s" ip daddr %[3]s tcp dport %[4]d redirect to :%[6]d
	}
}
table ip roompath_tlslab_filter {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[7]s tcp dport %[4]d ip length > %[9]d reject with tcp reset
		ip daddr %[8]s tcp dport %[4]d ip length > %[9]d drop
	}
}
`, tlIfR1Client, tlSNIReset, tlSNIDrop, tlPort, tlResetRelay, tlDropRly, tlHardReset, tlHardDrop, tlDataLen)
}

// Close removes every namespace of the lab (and with them the sockets the
// caller created there). It is idempotent and safe on a partly built
// TLSLab.
func (p *TLSLab) Close() error {
	if p == nil || p.Lab == nil {
		return nil
	}
	return p.Lab.Close()
}
