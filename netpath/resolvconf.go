package netpath

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// ResolverConfig is the system's stub resolver configuration as the system
// states it: the lines of a resolv.conf or, on Windows, the adapters' DNS
// settings. It reports what is configured and applies no default address:
// what to do with a configuration that names no nameserver is the caller's
// decision (see LibcNameservers).
type ResolverConfig struct {
	// Nameservers are the nameserver addresses in order, as written
	// (zones and IPv4-mapped forms kept). Empty when the configuration
	// lists none.
	Nameservers []netip.Addr
	// Search is the search list: the words of the last search or domain
	// line (on Windows, the adapters' connection-specific suffixes); nil
	// when there is none.
	Search []string
	// Ndots is "options ndots:N", at most 15; DefaultNdots when not set.
	Ndots int
	// Timeout is "options timeout:N", clamped to 1–30 s as glibc does;
	// zero when not set.
	Timeout time.Duration
	// Attempts is "options attempts:N", clamped to 1–5 as glibc does;
	// zero when not set.
	Attempts int
	// Source says where the configuration came from: a file path, or
	// "GetAdaptersAddresses" on Windows.
	Source string
	// Notes are remarks about lines ignored, for diagnostics.
	Notes []string
}

// DefaultNdots is glibc's ndots when resolv.conf does not set it.
const DefaultNdots = 1

// libcDefaultNameserver is what the C library asks when resolv.conf lists
// no nameserver.
var libcDefaultNameserver = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// LibcNameservers returns the nameservers the C library's stub resolver
// asks for c: its Nameservers or, when it lists none, 127.0.0.1 (glibc's
// and the BSDs' default), with defaulted true. A caller that sends queries
// the way the host's own lookups do uses this; a caller that describes the
// configuration (the report's vantage) reads Nameservers.
func (c ResolverConfig) LibcNameservers() (addrs []netip.Addr, defaulted bool) {
	if len(c.Nameservers) == 0 {
		return []netip.Addr{libcDefaultNameserver}, true
	}
	return c.Nameservers, false
}

// ReadResolverConfig reads the system's resolver configuration: the
// resolv.conf-style file at path when path is not empty; otherwise the
// platform's (ResolvConfPath on Unix; the adapters on Windows, where an
// error says when no adapter that is up lists a DNS server). On macOS
// /etc/resolv.conf holds the primary resolvers only; scoped (per-domain,
// VPN) resolvers are not seen.
func ReadResolverConfig(path string) (ResolverConfig, error) {
	if path == "" {
		return systemResolverConfig()
	}
	return readResolvConfFile(path)
}

// readResolvConfFile opens and parses one resolv.conf-style file.
func readResolvConfFile(path string) (ResolverConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return ResolverConfig{Source: path}, fmt.Errorf("reading the system resolver configuration: %w", err)
	}
	defer f.Close()
	return ParseResolvConf(f, path)
}

// ParseResolvConf reads a resolv.conf: nameserver, search, domain and the
// ndots, timeout and attempts options. Unknown lines are ignored, as the C
// library does; a nameserver that is not an IP address is ignored with a
// note. A file without a nameserver line gives no Nameservers (see
// LibcNameservers). On a read error it returns what it read before the
// error, and the error.
func ParseResolvConf(r io.Reader, source string) (ResolverConfig, error) {
	c := ResolverConfig{Source: source, Ndots: DefaultNdots}
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
			c.Nameservers = append(c.Nameservers, a)
		case "search", "domain":
			c.Search = f[1:] // the last search or domain line wins
		case "options":
			c.options(f[1:])
		}
	}
	if err := sc.Err(); err != nil {
		return c, fmt.Errorf("%s: %w", source, err)
	}
	return c, nil
}

// options applies "options" words; values outside glibc's ranges are
// clamped as glibc does (ndots ≤ 15, timeout ≤ 30, attempts ≤ 5).
func (c *ResolverConfig) options(words []string) {
	for _, w := range words {
		k, v, ok := strings.Cut(w, ":")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			continue
		}
		switch k {
		case "ndots":
			c.Ndots = min(n, 15)
		case "timeout":
			c.Timeout = time.Duration(max(min(n, 30), 1)) * time.Second
		case "attempts":
			c.Attempts = max(min(n, 5), 1)
		}
	}
}
