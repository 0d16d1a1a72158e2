package exporter

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/roompath/roompath/internal/targets"
)

// Allowlist says which targets /probe may reach: addresses inside its
// CIDRs, and names equal to or under its names. The zero value allows
// nothing.
type Allowlist struct {
	nets     []netip.Prefix
	names    map[string]bool
	suffixes []string // ".corp.example" for "*.corp.example"
}

// ParseAllowlist parses CIDRs, single addresses, names and "*.suffix"
// patterns; an error names the bad entry.
func ParseAllowlist(entries []string) (*Allowlist, error) {
	a := &Allowlist{names: map[string]bool{}}
	for _, e := range entries {
		if err := a.add(strings.TrimSpace(e)); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *Allowlist) add(e string) error {
	if p, err := netip.ParsePrefix(e); err == nil {
		a.nets = append(a.nets, p.Masked())
		return nil
	}
	if ip, err := netip.ParseAddr(e); err == nil {
		a.nets = append(a.nets, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
		return nil
	}
	name, wild := strings.CutPrefix(e, "*.")
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if err := targets.ValidHostname(name); err != nil || name == "" {
		return fmt.Errorf("allow entry %q: want a CIDR, an address, a name or *.suffix", e)
	}
	if wild {
		a.suffixes = append(a.suffixes, "."+name)
	} else {
		a.names[name] = true
	}
	return nil
}

// AllowsAddr reports whether addr lies in an allowed network.
func (a *Allowlist) AllowsAddr(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	for _, p := range a.nets {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// AllowsName reports whether name is allowed by name (not by address).
func (a *Allowlist) AllowsName(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if a.names[name] {
		return true
	}
	for _, s := range a.suffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// AllowsHost reports whether host (an address literal or a name) is
// allowed without resolving it.
func (a *Allowlist) AllowsHost(host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return a.AllowsAddr(ip)
	}
	return a.AllowsName(host)
}

// Empty reports whether the list allows nothing.
func (a *Allowlist) Empty() bool {
	return len(a.nets) == 0 && len(a.names) == 0 && len(a.suffixes) == 0
}
