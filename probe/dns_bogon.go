package probe

import (
	"net/netip"
	"strings"
)

// Kinds of bogon address, as reported in a DNS result's reason and detail.
const (
	BogonUnspecified = "unspecified" // 0.0.0.0/8, ::  (the usual sinkhole)
	BogonLoopback    = "loopback"    // 127.0.0.0/8, ::1
	BogonPrivate     = "private"     // RFC 1918, fc00::/7
	BogonLinkLocal   = "link_local"  // 169.254.0.0/16, fe80::/10
	BogonCGNAT       = "cgnat"       // 100.64.0.0/10 (RFC 6598)
	BogonMulticast   = "multicast"   // 224.0.0.0/4, ff00::/8
	BogonReserved    = "reserved"    // documentation, benchmarking, class E, IPv4-mapped…
)

type bogonNet struct {
	p    netip.Prefix
	kind string
}

// bogonNets is the table of addresses a public name must not resolve to.
// 64:ff9b::/96 (DNS64) is deliberately absent: a NAT64 network synthesises
// it for every public name.
var bogonNets = mustBogons(map[string]string{
	"0.0.0.0/8": BogonUnspecified, "::/128": BogonUnspecified,
	"127.0.0.0/8": BogonLoopback, "::1/128": BogonLoopback,
	"10.0.0.0/8": BogonPrivate, "172.16.0.0/12": BogonPrivate, "192.168.0.0/16": BogonPrivate, "fc00::/7": BogonPrivate,
	"169.254.0.0/16": BogonLinkLocal, "fe80::/10": BogonLinkLocal,
	"100.64.0.0/10": BogonCGNAT,
	"224.0.0.0/4":   BogonMulticast, "ff00::/8": BogonMulticast,
	"192.0.0.0/24": BogonReserved, "192.0.2.0/24": BogonReserved, "198.18.0.0/15": BogonReserved,
	"198.51.100.0/24": BogonReserved, "203.0.113.0/24": BogonReserved, "240.0.0.0/4": BogonReserved,
	"::ffff:0:0/96": BogonReserved, "100::/64": BogonReserved, "2001:db8::/32": BogonReserved,
})

func mustBogons(m map[string]string) []bogonNet {
	out := make([]bogonNet, 0, len(m))
	for s, k := range m {
		out = append(out, bogonNet{netip.MustParsePrefix(s), k})
	}
	return out
}

// BogonKind returns the kind of bogon a is, or "" for a public address. An
// IPv4-mapped IPv6 address is judged by its IPv4 address when that is a
// bogon, and as reserved otherwise (no public name should resolve to one).
func BogonKind(a netip.Addr) string {
	a = a.WithZone("")
	if a.Is4In6() {
		if k := BogonKind(a.Unmap()); k != "" {
			return k
		}
	}
	for _, b := range bogonNets {
		if b.p.Contains(a) {
			return b.kind
		}
	}
	return ""
}

// privateSuffixes are the zones whose names are not public: their private
// answers are expected (RFC 6761, RFC 8375, and common internal TLDs).
var privateSuffixes = []string{
	"localhost", "local", "internal", "home.arpa", "lan", "home", "corp", "intranet", "private",
	"in-addr.arpa", "ip6.arpa", "test", "invalid",
}

// publicName reports whether name is one whose private answers are bogons:
// anything with a dot that is not under a private or special-use zone.
func publicName(name string) bool {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	if !strings.Contains(n, ".") {
		return false
	}
	for _, s := range privateSuffixes {
		if n == s || strings.HasSuffix(n, "."+s) {
			return false
		}
	}
	return true
}

// allowedBy returns the --allow-net network that holds a, if any.
func allowedBy(a netip.Addr, nets []netip.Prefix) (netip.Prefix, bool) {
	for _, p := range nets {
		if p.Contains(a.WithZone("").Unmap()) || p.Contains(a.WithZone("")) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}
