package dnsprobe

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/endpoints"
)

// Bounds Options holds the numbers to (DNSConfig.check holds a library
// caller to MaxParallel and MaxLookups too).
const (
	// MaxAttempts is the most UDP tries per query.
	MaxAttempts = 10
	// MaxParallel is the most queries in flight: each holds a socket,
	// and more than this would run into the open-file limit before it
	// made a run faster.
	MaxParallel = 4096
	// MaxLookups is the most lookups (names x types x resolvers) a run
	// may plan: beyond it a run is a sweep no one asked for.
	MaxLookups = 65536
)

// Options is the DNS check as a user states it, in the words of
// dnscheck's flags: names, resolvers and networks as text, the system's
// resolvers when none is given. Config turns it into a DNSConfig. Every
// zero field means its default, stated on the field, so a caller sets
// only what it has an opinion on; the No* fields turn a check off.
type Options struct {
	// Names are the names to resolve, each checked with ParseName and
	// deduplicated in order; nil or empty means the names of Profile.
	Names []string
	// Profile is an endpoint profile file (YAML) whose names are resolved
	// when Names is empty; empty means the embedded Zoom profile. Names
	// and Profile together are an error.
	Profile string
	// Resolvers are the resolvers to ask, ADDR[:PORT] (ParseResolver);
	// empty means the system's (ResolvConf), with their search list, and
	// resolv.conf's timeout and attempts where TimeoutSet and AttemptsSet
	// are false.
	Resolvers []string
	// References are reference resolvers, ADDR[:PORT]: asked too, and a
	// resolver's addresses with none in common with theirs are a mismatch.
	References []string
	// Types are the query types by mnemonic (ParseType), deduplicated; nil
	// means A and AAAA. A non-nil empty list is an error (no type given).
	Types []string
	// AllowNets are networks whose private answers are expected, in CIDR
	// form (ParseAllowNet).
	AllowNets []string
	// Timeout bounds one attempt; zero means DefaultTimeout (or
	// resolv.conf's timeout option, when the system's resolvers are asked
	// and TimeoutSet is false).
	Timeout time.Duration
	// TimeoutSet says the user chose Timeout: resolv.conf's timeout
	// option does not override it.
	TimeoutSet bool
	// Attempts is the number of UDP tries per query, 1 to MaxAttempts;
	// zero means DefaultAttempts (or resolv.conf's attempts option, when
	// the system's resolvers are asked and AttemptsSet is false).
	Attempts int
	// AttemptsSet says the user chose Attempts: resolv.conf's attempts
	// option does not override it, and a zero Attempts is an error.
	AttemptsSet bool
	// TCP sends every query over TCP instead of UDP.
	TCP bool
	// DNSSEC sets the DO and AD bits and reports the AD bit of replies.
	DNSSEC bool
	// EDNSSize is the EDNS UDP payload size to advertise, 512 to 65535;
	// zero means DefaultEDNSSize.
	EDNSSize int
	// NoEDNS sends no EDNS at all; EDNSSize is then unused.
	NoEDNS bool
	// NXZone is the zone under which a random name is asked to detect
	// NXDOMAIN rewriting; empty means DefaultNXZone.
	NXZone string
	// NoNXZone turns the NXDOMAIN rewriting check off.
	NoNXZone bool
	// Whoami is the name whose answer is the address that really asks the
	// authoritative servers; empty means DefaultWhoami.
	Whoami string
	// NoWhoami turns the whoami check off.
	NoWhoami bool
	// WhoamiType is the query type of Whoami (A, AAAA or TXT, as
	// ParseWhoamiType reads them); empty means A.
	WhoamiType string
	// NoSearch asks names as given, without the system's search list.
	NoSearch bool
	// Parallel caps the queries in flight, 1 to MaxParallel; zero means
	// DefaultParallel.
	Parallel int
	// ResolvConf is the system configuration read when Resolvers is
	// empty; empty means the platform's (netpath.ReadResolverConfig).
	ResolvConf string
}

// Config checks o and builds the probe's configuration, every default
// filled in. The notes are remarks on the system's configuration (a line
// ignored, a default applied), worth a line on stderr. An error names the
// bad value; it is worded for the command line (it names the flag of the
// field, as dnscheck and triage spell it), so a command can show it as is.
func (o Options) Config() (DNSConfig, []string, error) {
	if err := o.checkNumbers(); err != nil {
		return DNSConfig{}, nil, err
	}
	cfg := DNSConfig{
		Timeout: orDefault(o.Timeout, DefaultTimeout), Attempts: orDefault(o.Attempts, DefaultAttempts),
		TCP: o.TCP, DNSSEC: o.DNSSEC, EDNSSize: orDefault(o.EDNSSize, DefaultEDNSSize),
		Parallel: orDefault(o.Parallel, DefaultParallel),
	}
	if o.NoEDNS {
		cfg.EDNSSize = -1
	}
	var err error
	if cfg.Names, err = o.names(); err != nil {
		return DNSConfig{}, nil, err
	}
	if cfg.Types, err = o.types(); err != nil {
		return DNSConfig{}, nil, err
	}
	if cfg.AllowNets, err = parseNets(o.AllowNets); err != nil {
		return DNSConfig{}, nil, err
	}
	if err = o.interception(&cfg); err != nil {
		return DNSConfig{}, nil, err
	}
	notes, err := o.servers(&cfg)
	if err != nil {
		return DNSConfig{}, nil, err
	}
	if err := cfg.checkSize(); err != nil {
		return DNSConfig{}, nil, err
	}
	return cfg, notes, nil
}

// orDefault is v, or def when v is zero.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (o Options) checkNumbers() error {
	switch {
	case o.Timeout < 0 || o.TimeoutSet && o.Timeout == 0:
		return fmt.Errorf("--timeout must be positive, got %s", o.Timeout)
	case o.Attempts < 0 || o.Attempts > MaxAttempts || o.AttemptsSet && o.Attempts == 0:
		return fmt.Errorf("--attempts must be between 1 and %d, got %d", MaxAttempts, o.Attempts)
	case o.EDNSSize != 0 && (o.EDNSSize < 512 || o.EDNSSize > 65535):
		return fmt.Errorf("--edns-size must be 0 (no EDNS) or between 512 and 65535, got %d", o.EDNSSize)
	case o.Parallel < 0 || o.Parallel > MaxParallel:
		return fmt.Errorf("--parallel must be 1-%d, got %d", MaxParallel, o.Parallel)
	}
	return nil
}

// names returns Names, checked and deduplicated, or the profile's names.
func (o Options) names() ([]string, error) {
	names := o.Names
	if len(names) == 0 {
		prof := endpoints.Default()
		if o.Profile != "" {
			var err error
			if prof, err = endpoints.Load(o.Profile); err != nil {
				return nil, fmt.Errorf("--profile: %w", err)
			}
		}
		names = prof.Names()
	} else if o.Profile != "" {
		return nil, errors.New("--profile and NAME arguments do not mix: give one or the other")
	}
	out := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, a := range names {
		n, err := ParseName(a)
		if err != nil {
			return nil, fmt.Errorf("bad name: %w", err)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// types returns Types parsed, or A and AAAA when it is nil.
func (o Options) types() ([]uint16, error) {
	if o.Types == nil {
		return []uint16{dns.TypeA, dns.TypeAAAA}, nil
	}
	return parseTypes(o.Types, "--type")
}

func parseTypes(ss []string, flag string) ([]uint16, error) {
	var out []uint16
	seen := map[uint16]bool{}
	for _, s := range ss {
		t, err := ParseType(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no type given", flag)
	}
	return out, nil
}

func parseNets(ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := ParseAllowNet(s)
		if err != nil {
			return nil, fmt.Errorf("--allow-net: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// interception fills the NXDOMAIN rewriting and whoami checks.
func (o Options) interception(cfg *DNSConfig) error {
	if !o.NoNXZone {
		cfg.NXZone = orDefault(o.NXZone, DefaultNXZone)
	}
	if !o.NoWhoami {
		cfg.Whoami = orDefault(o.Whoami, DefaultWhoami)
	}
	for _, c := range []struct{ flag, v string }{{"--nx-zone", cfg.NXZone}, {"--whoami", cfg.Whoami}} {
		if c.v == "" {
			continue
		}
		if _, err := ParseName(c.v); err != nil {
			return fmt.Errorf("%s: %w", c.flag, err)
		}
	}
	t, err := ParseWhoamiType(orDefault(o.WhoamiType, "A"))
	if err != nil {
		return fmt.Errorf("--whoami-type: %w", err)
	}
	cfg.WhoamiType = t
	return nil
}
