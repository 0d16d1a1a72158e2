package dnsprobe

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/miekg/dns"
)

// Defaults of DNSConfig's zero values.
const (
	// DefaultTimeout bounds one attempt: a resolver on the LAN answers
	// a cached name in a few ms and an uncached one in a few hundred; two
	// seconds leaves room for a slow recursion without making a dead
	// resolver cost long.
	DefaultTimeout = 2 * time.Second
	// DefaultAttempts is the number of UDP tries per query: one loss
	// on a busy Wi-Fi should not read as a dead resolver.
	DefaultAttempts = 2
	// DefaultEDNSSize is the advertised UDP payload size (DNS Flag Day
	// 2020: 1232 avoids IP fragmentation on any path).
	DefaultEDNSSize = 1232
	// DefaultParallel caps the queries in flight. It is high on
	// purpose: every name through every resolver should be in flight at
	// once, so a dead resolver costs one timeout, not one per name.
	DefaultParallel = 512
	// DefaultNXZone is the zone under which a random label is asked to
	// detect NXDOMAIN rewriting: example.com (RFC 2606) has no wildcard.
	DefaultNXZone = "example.com"
	// DefaultWhoami is the name whose authoritative servers answer with
	// the address of the resolver that asked them.
	DefaultWhoami = "whoami.akamai.net"
)

// Role is the part a resolver plays in a run (Server.Role, Detail.Role).
type Role string

// Roles of a resolver in a run.
const (
	RoleSystem    Role = "system"    // from the system's configuration
	RoleResolver  Role = "resolver"  // given with --resolver
	RoleReference Role = "reference" // given with --reference: compared against
)

// Server is one resolver to ask.
type Server struct {
	// Addr is the resolver's address and port.
	Addr netip.AddrPort
	// Role is RoleSystem, RoleResolver or RoleReference; empty means
	// RoleResolver.
	Role Role
	// Search is the search list applied to names without a trailing dot,
	// as the system's stub resolver does; nil means names are absolute.
	Search []string
	// Ndots is the number of dots below which a name is tried with the
	// search list first (resolv.conf's ndots; zero means as is first).
	Ndots int
}

// DNSConfig configures a DNS probe. The zero value of every field but
// Names and Servers has a sensible meaning, stated on the field.
type DNSConfig struct {
	// Names are the names to resolve, checked with ParseName.
	Names []string
	// Types are the query types; nil means A and AAAA.
	Types []uint16
	// Servers are the resolvers, references included (Role says which).
	Servers []Server
	// Timeout bounds one attempt; zero means DefaultTimeout.
	Timeout time.Duration
	// Attempts is the number of UDP tries per query; zero means
	// DefaultAttempts.
	Attempts int
	// TCP sends every query over TCP instead of UDP.
	TCP bool
	// EDNSSize is the advertised UDP size; zero means DefaultEDNSSize,
	// negative means no EDNS at all.
	EDNSSize int
	// DNSSEC sets the DO and AD bits and reports the AD bit of replies.
	DNSSEC bool
	// AllowNets are networks whose addresses are not bogons (on-premises
	// connectors, split-horizon views).
	AllowNets []netip.Prefix
	// NXZone is the zone under which a random label is asked to detect
	// NXDOMAIN rewriting; empty turns the check off.
	NXZone string
	// Whoami is the name asked to learn which address really queries the
	// authoritative servers; empty turns the check off.
	Whoami string
	// WhoamiType is the type asked for Whoami: A, AAAA or TXT; zero means
	// A.
	WhoamiType uint16
	// Parallel caps the queries in flight, at most MaxParallel; zero
	// means DefaultParallel.
	Parallel int
}

// DNS resolves every name through every resolver at once. Build it
// with NewDNS.
type DNS struct {
	cfg      DNSConfig
	exchange exchangeFunc
	random   func() string // the random label of the NXDOMAIN check
}

// NewDNS checks cfg, fills in its defaults and returns the probe. An error
// names the bad value.
func NewDNS(cfg DNSConfig) (*DNS, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return newDNS(cfg, dnsSockets{}), nil
}

// newDNS is NewDNS with the sockets a query uses (nil: the net package's);
// the namespace-lab test opens them inside a client namespace.
func newDNS(cfg DNSConfig, sockets dnsSockets) *DNS {
	cfg.fillDefaults()
	return &DNS{cfg: cfg, exchange: sockets.exchange, random: randomLabel}
}

func (c *DNSConfig) check() error {
	if len(c.Names) == 0 {
		return errors.New("no names to resolve")
	}
	if len(c.Servers) == 0 {
		return errors.New("no resolvers to ask")
	}
	for _, n := range c.Names {
		if _, err := ParseName(n); err != nil {
			return err
		}
	}
	for _, s := range c.Servers {
		if !s.Addr.IsValid() || s.Addr.Port() == 0 {
			return fmt.Errorf("resolver %v: invalid address", s.Addr)
		}
	}
	for _, n := range []string{c.NXZone, c.Whoami} {
		if n != "" {
			if _, err := ParseName(n); err != nil {
				return err
			}
		}
	}
	if c.Timeout < 0 || c.Attempts < 0 || c.Parallel < 0 {
		return errors.New("timeout, attempts and parallel must not be negative")
	}
	if c.Parallel > MaxParallel {
		return fmt.Errorf("parallel %d is above the maximum %d", c.Parallel, MaxParallel)
	}
	if c.WhoamiType != 0 && !whoamiType(c.WhoamiType) {
		return fmt.Errorf("whoami type %s cannot carry a whoami answer (use A, AAAA or TXT)", typeString(c.WhoamiType))
	}
	return c.checkSize()
}

// checkSize refuses a plan of more than MaxLookups lookups before any is
// built.
func (c *DNSConfig) checkSize() error {
	types := len(c.Types)
	if c.Types == nil {
		types = 2 // A and AAAA
	}
	// Each factor is at most what one run can hold in memory, so the
	// product of two fits an int; the third is checked by division.
	n := len(c.Names) * types
	if n > MaxLookups || len(c.Servers) > MaxLookups/max(n, 1) {
		return fmt.Errorf("refusing to plan %d names x %d types x %d resolvers: more than %d lookups", len(c.Names), types, len(c.Servers), MaxLookups)
	}
	return nil
}

func (c *DNSConfig) fillDefaults() {
	if c.Types == nil {
		c.Types = []uint16{dns.TypeA, dns.TypeAAAA}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Attempts == 0 {
		c.Attempts = DefaultAttempts
	}
	if c.EDNSSize == 0 {
		c.EDNSSize = DefaultEDNSSize
	}
	if c.WhoamiType == 0 {
		c.WhoamiType = dns.TypeA
	}
	if c.Parallel == 0 {
		c.Parallel = DefaultParallel
	}
	for i := range c.Servers {
		if c.Servers[i].Role == "" {
			c.Servers[i].Role = RoleResolver
		}
	}
}
