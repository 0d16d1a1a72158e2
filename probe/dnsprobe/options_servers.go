package dnsprobe

import (
	"fmt"
	"net/netip"
)

// servers fills cfg.Servers: the Resolvers, or the system's resolvers
// (with their search list, and resolv.conf's timeout and attempts where
// TimeoutSet and AttemptsSet are false), then the References.
func (o Options) servers(cfg *DNSConfig) ([]string, error) {
	seen := map[netip.AddrPort]bool{}
	var notes []string
	if len(o.Resolvers) > 0 {
		if err := addParsed(cfg, o.Resolvers, RoleResolver, "--resolver", seen); err != nil {
			return nil, err
		}
	} else {
		sys, err := ReadSystem(o.ResolvConf)
		if err != nil {
			return nil, fmt.Errorf("%w (or pass --resolver ADDR)", err)
		}
		notes = sys.Notes
		o.applySystem(cfg, sys, seen)
	}
	if err := addParsed(cfg, o.References, RoleReference, "--reference", seen); err != nil {
		return nil, err
	}
	return notes, nil
}

func addParsed(cfg *DNSConfig, addrs []string, role Role, flag string, seen map[netip.AddrPort]bool) error {
	for _, a := range addrs {
		ap, err := ParseResolver(a)
		if err != nil {
			return fmt.Errorf("%s: %w", flag, err)
		}
		if !seen[ap] {
			seen[ap] = true
			cfg.Servers = append(cfg.Servers, Server{Addr: ap, Role: role})
		}
	}
	return nil
}

func (o Options) applySystem(cfg *DNSConfig, sys System, seen map[netip.AddrPort]bool) {
	for _, s := range sys.Servers {
		if seen[s.Addr] {
			continue
		}
		seen[s.Addr] = true
		if o.NoSearch {
			s.Search = nil
		}
		cfg.Servers = append(cfg.Servers, s)
	}
	if sys.Timeout > 0 && !o.TimeoutSet {
		cfg.Timeout = sys.Timeout
	}
	if sys.Attempts > 0 && !o.AttemptsSet {
		cfg.Attempts = sys.Attempts
	}
}
