// Package targets parses what a user may name as a target: an address, a
// hostname, host:port, [v6]:port, a CIDR, or a range (10.0.0.10-40,
// 10.0.0.10-10.0.1.20), and the port lists of -p ("443,8801-8802"). It
// expands them lazily, so a /16 never sits in memory.
package targets

import (
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Kind says what form a Spec was written in.
type Kind int

// The forms a target can take.
const (
	KindAddr Kind = iota
	KindHost
	KindPrefix
	KindRange
)

// Spec is one parsed target.
type Spec struct {
	Raw  string
	Kind Kind
	// First and Last bound the addresses (equal for KindAddr; unset for
	// KindHost).
	First, Last netip.Addr
	// Host is the name for KindHost.
	Host string
	// Port overrides the port list when the target named one (host:port).
	Port uint16
}

// maxHostLen and maxLabelLen are the DNS limits (RFC 1035).
const (
	maxHostLen  = 253
	maxLabelLen = 63
)

// Parse parses one target. Errors are one line naming the bad value.
func Parse(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Spec{}, fmt.Errorf("empty target")
	}
	sp := Spec{Raw: s}
	body, port, err := splitPort(s)
	if err != nil {
		return Spec{}, err
	}
	sp.Port = port
	switch {
	case strings.Contains(body, "/"):
		err = sp.parsePrefix(body)
	case strings.Contains(body, "-") && looksNumeric(body):
		err = sp.parseRange(body)
	default:
		err = sp.parseAddrOrHost(body)
	}
	if err != nil {
		return Spec{}, err
	}
	if sp.Kind != KindHost {
		if err := checkZone(s, sp.First); err != nil {
			return Spec{}, err
		}
	}
	return sp, nil
}

// splitPort separates an explicit port: "host:9090", "[v6]:9090". A bare
// IPv6 address (several colons, no brackets) has no port.
func splitPort(s string) (string, uint16, error) {
	if strings.HasPrefix(s, "[") {
		host, p, err := net.SplitHostPort(s)
		if err != nil {
			if strings.HasSuffix(s, "]") {
				return s[1 : len(s)-1], 0, nil
			}
			return "", 0, fmt.Errorf("invalid target %q: %v", s, unwrapAddrErr(err))
		}
		port, err := ParsePort(p)
		return host, port, err
	}
	if strings.Count(s, ":") != 1 {
		return s, 0, nil
	}
	i := strings.LastIndexByte(s, ':')
	port, err := ParsePort(s[i+1:])
	if err != nil {
		return "", 0, fmt.Errorf("invalid target %q: %v", s, err)
	}
	return s[:i], port, nil
}

func unwrapAddrErr(err error) string {
	if ae, ok := err.(*net.AddrError); ok {
		return ae.Err
	}
	return err.Error()
}

// looksNumeric is true for strings made only of digits, dots, colons, hex
// digits and dashes, i.e. address ranges rather than hostnames with dashes.
func looksNumeric(s string) bool {
	a, _, ok := strings.Cut(s, "-")
	if !ok {
		return false
	}
	_, err := netip.ParseAddr(a)
	return err == nil || allDigitsDots(a)
}

func allDigitsDots(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

func (sp *Spec) parsePrefix(s string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return fmt.Errorf("invalid CIDR %q: %v", s, errText(err))
	}
	p = p.Masked()
	sp.Kind, sp.First, sp.Last = KindPrefix, p.Addr(), lastOf(p)
	return nil
}

func (sp *Spec) parseRange(s string) error {
	a, b, _ := strings.Cut(s, "-")
	first, err := netip.ParseAddr(a)
	if err != nil {
		return fmt.Errorf("invalid range %q: %v", s, errText(err))
	}
	last, err := rangeEnd(first, b)
	if err != nil {
		return fmt.Errorf("invalid range %q: %v", s, err)
	}
	if last.Less(first) {
		return fmt.Errorf("invalid range %q: end before start", s)
	}
	sp.Kind, sp.First, sp.Last = KindRange, first, last
	return nil
}

// rangeEnd parses the end of a range: a full address of the same family, or
// the last octet (IPv4, decimal) or last group (IPv6, hex) alone.
func rangeEnd(first netip.Addr, s string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Is4() != first.Is4() {
			return netip.Addr{}, fmt.Errorf("mixed address families")
		}
		return a, nil
	}
	if first.Is4() {
		n, err := strconv.ParseUint(s, 10, 8)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("end %q is not an address or an octet 0-255", s)
		}
		b := first.As4()
		b[3] = byte(n)
		return netip.AddrFrom4(b), nil
	}
	n, err := strconv.ParseUint(s, 16, 16)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("end %q is not an address or a hex group", s)
	}
	b := first.As16()
	b[14], b[15] = byte(n>>8), byte(n)
	return netip.AddrFrom16(b).WithZone(first.Zone()), nil
}

func (sp *Spec) parseAddrOrHost(s string) error {
	if a, err := netip.ParseAddr(s); err == nil {
		sp.Kind, sp.First, sp.Last = KindAddr, a.Unmap(), a.Unmap()
		return nil
	} else if allDigitsDots(s) || strings.Contains(s, ":") {
		return fmt.Errorf("invalid address %q: %v", s, errText(err))
	}
	if err := ValidHostname(s); err != nil {
		return err
	}
	sp.Kind, sp.Host = KindHost, strings.TrimSuffix(s, ".")
	return nil
}

// errText strips netip's repetition of the input from its error.
func errText(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "): "); i >= 0 {
		return msg[i+3:]
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// ValidHostname checks a DNS name: at most 253 characters, labels of 1 to 63
// letters, digits, hyphens or underscores, not starting or ending with a
// hyphen, and a last label that is not all digits.
func ValidHostname(s string) error {
	name := strings.TrimSuffix(s, ".")
	if name == "" || len(name) > maxHostLen {
		return fmt.Errorf("invalid hostname %q: length must be 1-%d", s, maxHostLen)
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if err := validLabel(l); err != nil {
			return fmt.Errorf("invalid hostname %q: %v", s, err)
		}
	}
	if allDigitsDots(labels[len(labels)-1]) {
		return fmt.Errorf("invalid hostname %q: last label is numeric", s)
	}
	return nil
}

func validLabel(l string) error {
	if l == "" || len(l) > maxLabelLen {
		return fmt.Errorf("label %q must be 1-%d characters", trunc(l), maxLabelLen)
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return fmt.Errorf("label %q starts or ends with a hyphen", l)
	}
	for _, r := range l {
		ok := r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return fmt.Errorf("label %q has character %q", trunc(l), r)
		}
	}
	return nil
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

func lastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a.WithZone(p.Addr().Zone())
}

// Count is the number of addresses the spec names; hostnames count as 1
// (their addresses are known only after resolution).
func (sp Spec) Count() *big.Int {
	if sp.Kind == KindHost {
		return big.NewInt(1)
	}
	f := new(big.Int).SetBytes(sp.First.AsSlice())
	l := new(big.Int).SetBytes(sp.Last.AsSlice())
	return l.Sub(l, f).Add(l, big.NewInt(1))
}

// ParsePort parses one port, 1-65535.
func ParsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil || n == 0 || n > 65535 {
		return 0, fmt.Errorf("invalid port %q (want 1-65535)", s)
	}
	return uint16(n), nil
}

// MaxPorts bounds a port list; a full 1-65535 list is allowed.
const MaxPorts = 65535

// ParsePorts parses a list such as "9090" or "443,8801-8802", keeping the
// order given and dropping duplicates.
func ParsePorts(s string) ([]uint16, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty port list")
	}
	seen := map[uint16]bool{}
	var out []uint16
	for _, part := range strings.Split(s, ",") {
		lo, hi, err := portRange(part)
		if err != nil {
			return nil, err
		}
		for p := uint32(lo); p <= uint32(hi); p++ {
			if !seen[uint16(p)] {
				seen[uint16(p)] = true
				out = append(out, uint16(p))
			}
		}
	}
	return out, nil
}

func portRange(part string) (uint16, uint16, error) {
	a, b, isRange := strings.Cut(part, "-")
	lo, err := ParsePort(a)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	hi, err := ParsePort(b)
	if err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("invalid port range %q: end before start", part)
	}
	return lo, hi, nil
}
