package profile

import "fmt"

// Limits of a profile, checked on load before anything is expanded, so a
// hostile or generated profile is refused in milliseconds instead of
// exhausting memory (a 512 KB profile once multiplied into 24 GB).
const (
	// MaxFileSize bounds a profile file.
	MaxFileSize = 1 << 20
	// MaxRooms bounds the rooms of all sites together.
	MaxRooms = 10000
	// MaxNetworks bounds the networks of all sites together (and the
	// sites).
	MaxNetworks = 1000
	// MaxExpectations bounds the entries of one network's must_reach, and
	// of its must_not_reach.
	MaxExpectations = 100
	// MaxCIDRs bounds the cidrs of one network.
	MaxCIDRs = 1000
	// MaxChecks bounds the checks one network expands to (rooms x ports of
	// each expectation, counted before duplicates are merged). `roompath
	// run` refuses far fewer by default (its --max-checks).
	MaxChecks = 1 << 20
)

// CountChecks is how many checks network n of site s expands to at most:
// for each expectation, the rooms it names ("*" counting every room of the
// site) times its ports, before a room port named twice is merged. It
// builds nothing, so a caller can refuse a plan before expanding it.
func (s *Site) CountChecks(n *Network) int64 {
	var total int64
	for _, list := range [][]Expectation{n.MustReach, n.MustNotReach} {
		for _, e := range list {
			var rooms int64
			for _, r := range e.Rooms {
				if r.Name == "*" {
					rooms += int64(len(s.Rooms))
				} else {
					rooms++
				}
			}
			total += rooms * int64(len(e.Ports))
		}
	}
	return total
}

// checkLimits refuses a profile beyond the limits above; it runs before
// the rest of validation, which must not be quadratic in a huge profile.
func (p *Profile) checkLimits() error {
	var rooms, networks int
	if len(p.Sites) > MaxNetworks {
		return fmt.Errorf("%d sites: at most %d", len(p.Sites), MaxNetworks)
	}
	for i := range p.Sites {
		s := &p.Sites[i]
		rooms += len(s.Rooms)
		networks += len(s.Networks)
		if rooms > MaxRooms {
			return fmt.Errorf("more than %d rooms", MaxRooms)
		}
		if networks > MaxNetworks {
			return fmt.Errorf("more than %d networks", MaxNetworks)
		}
		for j := range s.Networks {
			if err := s.checkNetworkLimits(&s.Networks[j]); err != nil {
				return fmt.Errorf("site %s: network %s: %w", short(s.Name), short(s.Networks[j].Name), err)
			}
		}
	}
	return nil
}

func (s *Site) checkNetworkLimits(n *Network) error {
	switch {
	case len(n.CIDRs) > MaxCIDRs:
		return fmt.Errorf("%d cidrs: at most %d", len(n.CIDRs), MaxCIDRs)
	case len(n.MustReach) > MaxExpectations || len(n.MustNotReach) > MaxExpectations:
		return fmt.Errorf("more than %d entries in must_reach or must_not_reach", MaxExpectations)
	}
	if c := s.CountChecks(n); c > MaxChecks {
		return fmt.Errorf("expands to %d checks (rooms x ports), more than the limit of %d a profile network may have", c, MaxChecks)
	}
	return nil
}

// short is a name for an error line: at most 64 bytes of it.
func short(name string) string {
	if len(name) > 64 {
		return name[:64] + "…"
	}
	return name
}
