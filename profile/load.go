package profile

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/roompath/roompath/internal/strictyaml"
)

// Load opens and parses the profile at path. An error opening it names
// the file (it is the *os.PathError); a parse error is prefixed with path.
func Load(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse decodes a profile strictly: unknown keys, bad addresses, ports and
// CIDRs, unknown room names and contradictions are errors that name the
// line, each on one line.
func Parse(r io.Reader) (*Profile, error) {
	var p Profile
	if err := strictyaml.Decode(r, MaxFileSize, "profile", &p); err != nil {
		if errors.Is(err, strictyaml.ErrEmpty) {
			return nil, errors.New("empty profile")
		}
		return nil, err
	}
	return &p, p.validate()
}

func (p *Profile) validate() error {
	if p.Version != 1 {
		return fmt.Errorf("version: want 1, got %d", p.Version)
	}
	if len(p.Sites) == 0 {
		return fmt.Errorf("no sites")
	}
	if err := p.checkLimits(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range p.Sites {
		s := &p.Sites[i]
		if s.Name == "" || seen[s.Name] {
			return fmt.Errorf("site %d: a unique name is required", i+1)
		}
		seen[s.Name] = true
		if err := s.validate(); err != nil {
			return fmt.Errorf("site %s: %w", short(s.Name), err)
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
	first := ""
	if len(s.Rooms) > 0 {
		first = s.Rooms[0].Name
	}
	for _, n := range s.Networks {
		if err := n.validate(rooms, first); err != nil {
			return fmt.Errorf("network %s: %w", short(n.Name), err)
		}
	}
	return nil
}

func (n *Network) validate(rooms map[string]bool, firstRoom string) error {
	if n.Name == "" {
		return fmt.Errorf("a network needs a name")
	}
	if len(n.MustReach)+len(n.MustNotReach) == 0 {
		return fmt.Errorf("no must_reach or must_not_reach expectations")
	}
	for _, list := range []struct {
		name string
		exps []Expectation
	}{{"must_reach", n.MustReach}, {"must_not_reach", n.MustNotReach}} {
		for _, e := range list.exps {
			if err := e.validate(rooms, list.name); err != nil {
				return err
			}
		}
	}
	return n.contradiction(firstRoom)
}

// validate checks that an expectation has rooms and ports and names only
// rooms of the site.
func (e Expectation) validate(rooms map[string]bool, list string) error {
	if len(e.Rooms) == 0 || len(e.Ports) == 0 {
		return fmt.Errorf("%s: every expectation needs rooms and ports", list)
	}
	for _, r := range e.Rooms {
		if r.Name != "*" && !rooms[r.Name] {
			return fmt.Errorf("line %d: %s names unknown room %s", r.Line, list, excerpt(r.Name))
		}
	}
	return nil
}
