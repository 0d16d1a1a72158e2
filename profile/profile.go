// Package profile is the schema of a roompath profile (docs/profiles.md):
// sites, their rooms and controller networks, and what each network must
// and must not reach; its strict loader; and the expansion of a network's
// expectations into checks. `roompath run` and the exporter's profile
// schedules share it.
package profile

import (
	"fmt"
	"net/netip"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/roompath/roompath/internal/targets"
)

// Profile describes sites, their rooms and controller networks, and what
// each network must and must not reach. See docs/profiles.md.
type Profile struct {
	Version  int      `yaml:"version"`
	Name     string   `yaml:"name"`
	Defaults Defaults `yaml:"defaults"`
	Sites    []Site   `yaml:"sites"`
}

// Defaults apply to every check unless a flag overrides them.
type Defaults struct {
	// Timeout per attempt; zero means the portcheck default.
	Timeout Duration `yaml:"timeout"`
	// Attempts per check; zero means 1.
	Attempts int `yaml:"attempts"`
}

// Site groups rooms and the controller networks that serve them.
type Site struct {
	Name     string    `yaml:"name"`
	Rooms    []Room    `yaml:"rooms"`
	Networks []Network `yaml:"networks"`
}

// Room is a room computer or appliance.
type Room struct {
	Name    string `yaml:"name"`
	Address Host   `yaml:"address"`
}

// Network is a controller network (an SSID, a VLAN) identified by its
// subnets, with its expectations.
type Network struct {
	Name         string        `yaml:"name"`
	CIDRs        []CIDR        `yaml:"cidrs"`
	MustReach    []Expectation `yaml:"must_reach"`
	MustNotReach []Expectation `yaml:"must_not_reach"`
}

// Expectation names rooms ("*" for all of the site's) and TCP ports.
type Expectation struct {
	Rooms []RoomRef `yaml:"rooms"`
	Ports []Port    `yaml:"ports"`
}

// Host is a room address: an IP address or a hostname, checked on load.
type Host struct {
	Spec targets.Spec
	Line int
}

// UnmarshalYAML checks the address where it is written.
func (h *Host) UnmarshalYAML(n *yaml.Node) error {
	s, err := targets.Parse(n.Value)
	if err == nil && (s.Kind != targets.KindAddr && s.Kind != targets.KindHost || s.Port != 0) {
		err = fmt.Errorf("want one address or hostname without a port")
	}
	if err != nil {
		return lineErr(n, "address %q: %v", n.Value, err)
	}
	h.Spec, h.Line = s, n.Line
	return nil
}

// Port is a TCP port, 1-65535.
type Port uint16

// UnmarshalYAML checks the port where it is written.
func (p *Port) UnmarshalYAML(n *yaml.Node) error {
	v, err := targets.ParsePort(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return lineErr(n, "port %q: want 1-65535", n.Value)
	}
	*p = Port(v)
	return nil
}

// CIDR is a network prefix.
type CIDR struct{ netip.Prefix }

// UnmarshalYAML checks the prefix where it is written.
func (c *CIDR) UnmarshalYAML(n *yaml.Node) error {
	p, err := netip.ParsePrefix(n.Value)
	if err != nil {
		return lineErr(n, "cidr %q: not a network like 10.0.40.0/24", n.Value)
	}
	c.Prefix = p.Masked()
	return nil
}

// Duration is a Go duration string such as "2s".
type Duration time.Duration

// UnmarshalYAML checks the duration where it is written.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 || v > 5*time.Minute {
		return lineErr(n, "duration %q: want e.g. 500ms or 2s (at most 5m)", n.Value)
	}
	*d = Duration(v)
	return nil
}

// RoomRef names a room of the site, or "*" for all of them.
type RoomRef struct {
	Name string
	Line int
}

// UnmarshalYAML keeps the line for later validation.
func (r *RoomRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Value == "" {
		return lineErr(n, "room reference: want a room name or \"*\"")
	}
	r.Name, r.Line = n.Value, n.Line
	return nil
}

func lineErr(n *yaml.Node, format string, a ...any) error {
	return fmt.Errorf("line %d: %s", n.Line, fmt.Sprintf(format, a...))
}
