package runcmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
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

// maxProfile bounds a profile file.
const maxProfile = 4 << 20

// ParseProfile decodes a profile strictly: unknown keys, bad addresses,
// ports and CIDRs, unknown room names and contradictions are errors that
// name the line.
func ParseProfile(r io.Reader) (*Profile, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxProfile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxProfile {
		return nil, fmt.Errorf("profile larger than %d MiB", maxProfile>>20)
	}
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("empty profile")
		}
		return nil, oneLine(err)
	}
	return &p, p.validate()
}

// oneLine folds yaml's multi-line type errors into one line.
func oneLine(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	return errors.New(strings.Join(strings.Fields(msg), " "))
}

func (p *Profile) validate() error {
	if p.Version != 1 {
		return fmt.Errorf("version: want 1, got %d", p.Version)
	}
	if len(p.Sites) == 0 {
		return fmt.Errorf("no sites")
	}
	if p.Defaults.Attempts < 0 || p.Defaults.Attempts > 100 {
		return fmt.Errorf("defaults.attempts: want 1-100, got %d", p.Defaults.Attempts)
	}
	seen := map[string]bool{}
	for i := range p.Sites {
		s := &p.Sites[i]
		if s.Name == "" || seen[s.Name] {
			return fmt.Errorf("site %d: a unique name is required", i+1)
		}
		seen[s.Name] = true
		if err := s.validate(); err != nil {
			return fmt.Errorf("site %s: %w", s.Name, err)
		}
	}
	return nil
}

func (s *Site) validate() error {
	rooms := map[string]bool{}
	for _, r := range s.Rooms {
		if r.Name == "" || rooms[r.Name] || r.Name == "*" {
			return fmt.Errorf("line %d: rooms need unique names", r.Address.Line)
		}
		if r.Address.Line == 0 {
			return fmt.Errorf("room %s has no address", r.Name)
		}
		rooms[r.Name] = true
	}
	for _, n := range s.Networks {
		if err := n.validate(rooms); err != nil {
			return fmt.Errorf("network %s: %w", n.Name, err)
		}
	}
	return nil
}

func (n *Network) validate(rooms map[string]bool) error {
	if n.Name == "" {
		return fmt.Errorf("a network needs a name")
	}
	if len(n.MustReach)+len(n.MustNotReach) == 0 {
		return fmt.Errorf("no must_reach or must_not_reach expectations")
	}
	want := map[string]string{}
	for _, list := range []struct {
		name string
		exps []Expectation
	}{{"must_reach", n.MustReach}, {"must_not_reach", n.MustNotReach}} {
		for _, e := range list.exps {
			if err := e.validate(rooms, list.name, want); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate checks room names and that no room port is both expected and
// forbidden; want records room/port → list.
func (e Expectation) validate(rooms map[string]bool, list string, want map[string]string) error {
	if len(e.Rooms) == 0 || len(e.Ports) == 0 {
		return fmt.Errorf("%s: every expectation needs rooms and ports", list)
	}
	for _, r := range e.Rooms {
		if r.Name != "*" && !rooms[r.Name] {
			return fmt.Errorf("line %d: %s names unknown room %q", r.Line, list, r.Name)
		}
		for _, name := range expand(r.Name, rooms) {
			for _, p := range e.Ports {
				key := fmt.Sprintf("%s:%d", name, p)
				if prev, ok := want[key]; ok && prev != list {
					return fmt.Errorf("line %d: room %s port %d is in both must_reach and must_not_reach", r.Line, name, p)
				}
				want[key] = list
			}
		}
	}
	return nil
}

// expand turns "*" into every room name.
func expand(name string, rooms map[string]bool) []string {
	if name != "*" {
		return []string{name}
	}
	out := make([]string, 0, len(rooms))
	for r := range rooms {
		out = append(out, r)
	}
	return out
}
