package dnsprobe

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// Limits of a DNS name in presentation form (RFC 1035 §2.3.4).
const (
	maxLabelLen = 63
	maxNameLen  = 253 // without the trailing dot; 255 octets on the wire
)

// DefaultPort is the port a resolver address without one gets.
const DefaultPort = 53

// ParseName checks a name as a user would type it ("zoom.us",
// "zoom.us.") and returns it unchanged except for surrounding space. It
// rejects empty names, empty labels, labels past 63 octets, names past 253,
// and characters that have no place in a host name (letters, digits, '-',
// '_' and '.' are accepted; IDNs must be given in their xn-- form).
func ParseName(s string) (string, error) {
	name := strings.TrimSpace(s)
	if name == "" {
		return "", errors.New("empty name")
	}
	if name == "." {
		return "", errors.New(`name "." (the root) has no addresses`)
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if err := checkLabel(label); err != nil {
			return "", fmt.Errorf("name %s: %w", short(name), err)
		}
	}
	if len(strings.TrimSuffix(name, ".")) > maxNameLen {
		return "", fmt.Errorf("name %s is %d characters long (at most %d)", short(name), len(name), maxNameLen)
	}
	return name, nil
}

// short quotes s, cut to 40 characters for error messages.
func short(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}

func checkLabel(label string) error {
	switch {
	case label == "":
		return errors.New("empty label (two dots in a row, or a leading dot)")
	case len(label) > maxLabelLen:
		return fmt.Errorf("label %s is %d characters long (at most %d)", short(label), len(label), maxLabelLen)
	}
	for i := 0; i < len(label); i++ {
		if !nameByte(label[i]) {
			return fmt.Errorf("label %q has character %q (give IDNs in their xn-- form)", label, label[i])
		}
	}
	return nil
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// ParseResolver parses a resolver address: an IPv4 or IPv6 address with an
// optional port ("10.0.0.53", "10.0.0.53:5353", "2001:db8::53",
// "[2001:db8::53]:53", "[fe80::1%eth0]:53"). The port defaults to 53. Host
// names are rejected: the point is to ask one resolver, not whichever one a
// name resolves to.
func ParseResolver(s string) (netip.AddrPort, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.AddrPort{}, errors.New("empty resolver address")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return checkResolverAddr(netip.AddrPortFrom(a, DefaultPort), s)
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return checkResolverAddr(netip.AddrPortFrom(a, DefaultPort), s)
		}
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("resolver %q is not an IP address with an optional port (e.g. 10.0.0.53, 10.0.0.53:5353, [2001:db8::53]:53)", s)
	}
	if ap.Port() == 0 {
		return netip.AddrPort{}, fmt.Errorf("resolver %q: port 0", s)
	}
	return checkResolverAddr(ap, s)
}

func checkResolverAddr(ap netip.AddrPort, s string) (netip.AddrPort, error) {
	a := ap.Addr()
	if a.IsUnspecified() || a.IsMulticast() {
		return netip.AddrPort{}, fmt.Errorf("resolver %q: not a unicast address", s)
	}
	return netip.AddrPortFrom(a.Unmap(), ap.Port()), nil
}

// ParseType parses a query type by its mnemonic ("A", "aaaa", "TXT") or
// as TYPEnnn. Meta types that are not questions (OPT, AXFR, IXFR, TSIG) are
// rejected.
func ParseType(s string) (uint16, error) {
	up := strings.ToUpper(strings.TrimSpace(s))
	t, ok := dns.StringToType[up]
	if !ok && strings.HasPrefix(up, "TYPE") {
		n, err := strconv.ParseUint(up[4:], 10, 16)
		if err == nil && n > 0 {
			t, ok = uint16(n), true
		}
	}
	if !ok || t == dns.TypeNone {
		return 0, fmt.Errorf("unknown DNS type %q (e.g. A, AAAA, CNAME, TXT, MX, HTTPS)", s)
	}
	switch t {
	case dns.TypeReserved:
		return 0, fmt.Errorf("DNS type 65535 is reserved (RFC 6895) and cannot be asked")
	case dns.TypeOPT, dns.TypeAXFR, dns.TypeIXFR, dns.TypeTSIG, dns.TypeTKEY, dns.TypeMAILA, dns.TypeMAILB:
		return 0, fmt.Errorf("DNS type %s cannot be asked of a resolver here", up)
	}
	return t, nil
}

// ParseWhoamiType parses the query type of the whoami check, in
// ParseType's forms: only A, AAAA and TXT, the types whose answers the
// check reads as the egress address.
func ParseWhoamiType(s string) (uint16, error) {
	t, err := ParseType(s)
	if err != nil {
		return 0, err
	}
	if !whoamiType(t) {
		return 0, fmt.Errorf("DNS type %s cannot carry a whoami answer (use A, AAAA or TXT)", typeString(t))
	}
	return t, nil
}

// whoamiType reports whether the whoami check can read an answer of type
// t.
func whoamiType(t uint16) bool { return t == dns.TypeA || t == dns.TypeAAAA || t == dns.TypeTXT }

// ParseAllowNet parses a --allow-net network in CIDR form; a bare address is
// taken as a host route (/32 or /128).
func ParseAllowNet(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.Prefix{}, fmt.Errorf("network %q is not in CIDR form (e.g. 10.20.0.0/16)", s)
}
