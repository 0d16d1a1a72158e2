package dnsprobe

import (
	"net/netip"
	"strings"

	"github.com/roompath/roompath/probe/vocab"
)

type bogonNet struct {
	p    netip.Prefix
	kind vocab.Reason
}

// bogonNets is the table of addresses a public name must not resolve to.
// 64:ff9b::/96 (DNS64) is deliberately absent: a NAT64 network synthesises
// it for every public name.
var bogonNets = mustBogons(map[string]vocab.Reason{
	"0.0.0.0/8": vocab.ReasonBogonUnspecified, "::/128": vocab.ReasonBogonUnspecified,
	"127.0.0.0/8": vocab.ReasonBogonLoopback, "::1/128": vocab.ReasonBogonLoopback,
	"10.0.0.0/8": vocab.ReasonBogonPrivate, "172.16.0.0/12": vocab.ReasonBogonPrivate, "192.168.0.0/16": vocab.ReasonBogonPrivate, "fc00::/7": vocab.ReasonBogonPrivate,
	"169.254.0.0/16": vocab.ReasonBogonLinkLocal, "fe80::/10": vocab.ReasonBogonLinkLocal,
	"100.64.0.0/10": vocab.ReasonBogonCGNAT,
	"224.0.0.0/4":   vocab.ReasonBogonMulticast, "ff00::/8": vocab.ReasonBogonMulticast,
	"192.0.0.0/24": vocab.ReasonBogonReserved, "192.0.2.0/24": vocab.ReasonBogonReserved, "198.18.0.0/15": vocab.ReasonBogonReserved,
	"198.51.100.0/24": vocab.ReasonBogonReserved, "203.0.113.0/24": vocab.ReasonBogonReserved, "240.0.0.0/4": vocab.ReasonBogonReserved,
	"::ffff:0:0/96": vocab.ReasonBogonReserved, "100::/64": vocab.ReasonBogonReserved, "2001:db8::/32": vocab.ReasonBogonReserved,
})

func mustBogons(m map[string]vocab.Reason) []bogonNet {
	out := make([]bogonNet, 0, len(m))
	for s, k := range m {
		out = append(out, bogonNet{netip.MustParsePrefix(s), k})
	}
	return out
}

// BogonKind returns the kind of bogon a is, or "" for a public address. An
// IPv4-mapped IPv6 address is judged by its IPv4 address when that is a
// bogon, and as reserved otherwise (no public name should resolve to one).
func BogonKind(a netip.Addr) vocab.Reason {
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
