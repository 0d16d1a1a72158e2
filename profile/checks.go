package profile

import (
	"net"
	"net/netip"
	"strconv"

	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
)

// Located is a network of a profile together with the site it belongs to.
type Located struct {
	Site    *Site
	Network *Network
}

// Match returns, in profile order, every network for which match is
// true, with its site.
func (p *Profile) Match(match func(*Network) bool) []Located {
	var out []Located
	for i := range p.Sites {
		s := &p.Sites[i]
		for j := range s.Networks {
			if n := &s.Networks[j]; match(n) {
				out = append(out, Located{Site: s, Network: n})
			}
		}
	}
	return out
}

// Network returns the first network called name, with its site; ok is
// false when there is none.
func (p *Profile) Network(name string) (site *Site, network *Network, ok bool) {
	m := p.Match(func(n *Network) bool { return n.Name == name })
	if len(m) == 0 {
		return nil, nil, false
	}
	return m[0].Site, m[0].Network, true
}

// Contains reports whether any of addrs lies in one of the network's
// CIDRs.
func (n *Network) Contains(addrs []netip.Addr) bool {
	for _, p := range n.CIDRs {
		for _, a := range addrs {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// Check is one room port of a network's expectations.
type Check struct {
	// Site and Room name the room.
	Site, Room string
	// Host is the room's address: an IP address or a hostname.
	Host targets.Spec
	// Port is the TCP port.
	Port uint16
	// Expect is probe.ExpectOpen for must_reach, probe.ExpectBlocked for
	// must_not_reach.
	Expect string
}

// HostPort is the check's target as host:port, the hostname unresolved.
func (c Check) HostPort() string {
	host := c.Host.Host
	if c.Host.Kind != targets.KindHost {
		host = c.Host.First.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(int(c.Port)))
}

// Checks expands network n of site s into its checks, in profile order:
// must_reach first, then must_not_reach; "*" stands for every room of the
// site in the site's order; each room port once.
func (s *Site) Checks(n *Network) []Check {
	rooms := map[string]Room{}
	var names []string
	for _, r := range s.Rooms {
		rooms[r.Name] = r
		names = append(names, r.Name)
	}
	var out []Check
	seen := map[string]bool{}
	for _, list := range []struct {
		exps   []Expectation
		expect string
	}{{n.MustReach, probe.ExpectOpen}, {n.MustNotReach, probe.ExpectBlocked}} {
		for _, e := range list.exps {
			for _, ref := range e.Rooms {
				for _, name := range refNames(ref, names) {
					for _, p := range e.Ports {
						key := name + ":" + strconv.Itoa(int(p))
						if !seen[key] {
							seen[key] = true
							out = append(out, Check{Site: s.Name, Room: name, Host: rooms[name].Address.Spec, Port: uint16(p), Expect: list.expect})
						}
					}
				}
			}
		}
	}
	return out
}

// refNames is the room names a reference stands for.
func refNames(ref RoomRef, all []string) []string {
	if ref.Name == "*" {
		return all
	}
	return []string{ref.Name}
}
