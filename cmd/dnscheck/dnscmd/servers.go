package dnscmd

import (
	"net/netip"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe"
)

// servers fills cfg.Servers: the --resolver addresses, or the system's
// resolvers (with their search list, and resolv.conf's timeout and
// attempts where the flags were not set), then the --reference addresses.
func (o *Options) servers(cfg *probe.DNSConfig, changed func(string) bool, resolvConf string) ([]string, error) {
	seen := map[netip.AddrPort]bool{}
	var notes []string
	if len(o.Resolvers) > 0 {
		if err := addParsed(cfg, o.Resolvers, probe.RoleResolver, "--resolver", seen); err != nil {
			return nil, err
		}
	} else {
		sys, err := probe.ReadSystemDNS(resolvConf)
		if err != nil {
			return nil, cli.Usagef("%v (or pass --resolver ADDR)", err)
		}
		notes = sys.Notes
		o.applySystem(cfg, sys, changed, seen)
	}
	if err := addParsed(cfg, o.References, probe.RoleReference, "--reference", seen); err != nil {
		return nil, err
	}
	return notes, nil
}

func addParsed(cfg *probe.DNSConfig, addrs []string, role, flag string, seen map[netip.AddrPort]bool) error {
	for _, a := range addrs {
		ap, err := probe.ParseResolver(a)
		if err != nil {
			return cli.Usagef("%s: %v", flag, err)
		}
		if !seen[ap] {
			seen[ap] = true
			cfg.Servers = append(cfg.Servers, probe.DNSServer{Addr: ap, Role: role})
		}
	}
	return nil
}

func (o *Options) applySystem(cfg *probe.DNSConfig, sys probe.SystemDNS, changed func(string) bool, seen map[netip.AddrPort]bool) {
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
	if sys.Timeout > 0 && !changed("timeout") {
		cfg.Timeout = sys.Timeout
	}
	if sys.Attempts > 0 && !changed("attempts") {
		cfg.Attempts = sys.Attempts
	}
}
