// Package profile is the schema of a roompath profile (docs/profiles.md):
// sites, their rooms and controller networks, and what each network must
// and must not reach; its strict loader; and the expansion of a network's
// expectations into checks. `roompath run` and the exporter's profile
// schedules share it.
package profile

import (
	"fmt"
	"net/netip"
	"strconv"
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
	// Timeout per attempt, MinTimeout to MaxTimeout; zero (absent) means
	// the portcheck default.
	Timeout Duration `yaml:"timeout"`
	// Attempts per check, 1 to MaxAttempts; zero (absent) means 1. An
	// explicit 0 is refused.
	Attempts int `yaml:"attempts"`
}

// Bounds of the defaults (the same as the --timeout and --attempts flags
// of roompath run, except that a profile's timeout stays at most 5m).
const (
	MinTimeout  = 10 * time.Millisecond
	MaxTimeout  = 5 * time.Minute
	MaxAttempts = 100
)

// UnmarshalYAML decodes the defaults strictly and refuses an attempts
// value out of range where it is written: absent is "unset", 0 is not.
func (d *Defaults) UnmarshalYAML(unmarshal func(any) error) error {
	// The old-style unmarshaler keeps the decoder's unknown-key check.
	var raw struct {
		Timeout  Duration  `yaml:"timeout"`
		Attempts *attempts `yaml:"attempts"`
	}
	if err := unmarshal(&raw); err != nil {
		return err
	}
	d.Timeout = raw.Timeout
	if raw.Attempts != nil {
		d.Attempts = int(*raw.Attempts)
	}
	return nil
}

type attempts int

func (a *attempts) UnmarshalYAML(n *yaml.Node) error {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 1 || v > MaxAttempts {
		return lineErr(n, "defaults.attempts: want 1-%d", MaxAttempts)
	}
	*a = attempts(v)
	return nil
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
		return lineErr(n, "address %s: %v", excerpt(n.Value), err)
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
		return lineErr(n, "port %s: want 1-65535", excerpt(n.Value))
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
		return lineErr(n, "cidr %s: not a network like 10.0.40.0/24", excerpt(n.Value))
	}
	c.Prefix = p.Masked()
	return nil
}

// Duration is a Go duration string such as "2s".
type Duration time.Duration

// UnmarshalYAML checks the duration where it is written.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < MinTimeout || v > MaxTimeout {
		return lineErr(n, "duration %s: want e.g. 500ms or 2s (%s to %s)", excerpt(n.Value), MinTimeout, MaxTimeout)
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

// excerpt quotes a value for an error: escaped, at most 40 bytes of it.
func excerpt(v string) string {
	const max = 40
	if len(v) > max {
		return strconv.Quote(v[:max]) + "…"
	}
	return strconv.Quote(v)
}

func lineErr(n *yaml.Node, format string, a ...any) error {
	return fmt.Errorf("line %d: %s", n.Line, fmt.Sprintf(format, a...))
}
