package probe

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// SystemDNS is the system's stub resolver configuration.
type SystemDNS struct {
	// Servers are the nameservers in order, with the search list and ndots
	// that apply to relative names.
	Servers []DNSServer
	// Timeout is resolv.conf's "options timeout:N"; zero when not set.
	Timeout time.Duration
	// Attempts is resolv.conf's "options attempts:N"; zero when not set.
	Attempts int
	// Source says where the configuration came from (a file path).
	Source string
	// Notes are remarks about the configuration (a default applied, a line
	// ignored), for the report's diagnostics.
	Notes []string
}

// defaultNdots is glibc's ndots when resolv.conf does not set it.
const defaultNdots = 1

// ParseResolvConf reads a resolv.conf: nameserver, search, domain and the
// ndots, timeout and attempts options. Unknown lines are ignored, as the C
// library does. With no nameserver line the C library asks 127.0.0.1, and
// so does the result (with a note).
func ParseResolvConf(r io.Reader, source string) (SystemDNS, error) {
	c := SystemDNS{Source: source}
	var addrs []netip.Addr
	var search []string
	ndots := defaultNdots
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			a, err := netip.ParseAddr(f[1])
			if err != nil {
				c.Notes = append(c.Notes, fmt.Sprintf("%s: nameserver %q ignored: not an IP address", source, f[1]))
				continue
			}
			addrs = append(addrs, a.Unmap())
		case "search", "domain":
			search = f[1:] // the last search or domain line wins
		case "options":
			c.options(f[1:], &ndots)
		}
	}
	if err := sc.Err(); err != nil {
		return SystemDNS{}, fmt.Errorf("%s: %w", source, err)
	}
	if len(addrs) == 0 {
		addrs = []netip.Addr{netip.MustParseAddr("127.0.0.1")}
		c.Notes = append(c.Notes, source+" lists no nameserver: asking 127.0.0.1, as the C library does")
	}
	for _, a := range addrs {
		c.Servers = append(c.Servers, DNSServer{Addr: netip.AddrPortFrom(a, DefaultDNSPort), Role: RoleSystem, Search: search, Ndots: ndots})
	}
	return c, nil
}

// options applies "options" words; values outside glibc's ranges are
// clamped as glibc does (ndots ≤ 15, timeout ≤ 30, attempts ≤ 5).
func (c *SystemDNS) options(words []string, ndots *int) {
	for _, w := range words {
		k, v, ok := strings.Cut(w, ":")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			continue
		}
		switch k {
		case "ndots":
			*ndots = min(n, 15)
		case "timeout":
			c.Timeout = time.Duration(max(min(n, 30), 1)) * time.Second
		case "attempts":
			c.Attempts = max(min(n, 5), 1)
		}
	}
}
