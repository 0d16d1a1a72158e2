package dnsprobe

import (
	"net/netip"
	"time"

	"github.com/roompath/roompath/netpath"
)

// System is the system's stub resolver configuration as the probe asks
// it: the servers, with the search list and ndots that apply to relative
// names, and the timeout and attempts options.
type System struct {
	// Servers are the nameservers in order, with Role RoleSystem, the
	// search list and ndots.
	Servers []Server
	// Timeout is resolv.conf's "options timeout:N"; zero when not set.
	Timeout time.Duration
	// Attempts is resolv.conf's "options attempts:N"; zero when not set.
	Attempts int
	// Source says where the configuration came from (a file path, or
	// GetAdaptersAddresses on Windows).
	Source string
	// Notes are remarks about the configuration (a default applied, a line
	// ignored), for the report's diagnostics.
	Notes []string
}

// ReadSystem reads the system's resolver configuration with
// netpath.ReadResolverConfig (the file at path, or the platform's when
// path is empty) and returns it as the probe asks it (SystemFrom).
func ReadSystem(path string) (System, error) {
	c, err := netpath.ReadResolverConfig(path)
	if err != nil {
		return System{}, err
	}
	return SystemFrom(c), nil
}

// SystemFrom turns a resolver configuration into the servers to ask, on
// port 53, IPv4-mapped addresses unmapped. A configuration that lists no
// nameserver gives 127.0.0.1, the address the C library asks then, with a
// note: the probe asks what the host's own lookups ask (the report's
// vantage, which describes the configuration, lists none).
func SystemFrom(c netpath.ResolverConfig) System {
	sys := System{Timeout: c.Timeout, Attempts: c.Attempts, Source: c.Source, Notes: c.Notes}
	addrs, defaulted := c.LibcNameservers()
	if defaulted {
		sys.Notes = append(sys.Notes, c.Source+" lists no nameserver: asking 127.0.0.1, as the C library does")
	}
	for _, a := range addrs {
		sys.Servers = append(sys.Servers, Server{
			Addr: netip.AddrPortFrom(a.Unmap(), DefaultPort), Role: RoleSystem, Search: c.Search, Ndots: c.Ndots,
		})
	}
	return sys
}
