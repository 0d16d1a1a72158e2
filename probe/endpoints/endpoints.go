// Package endpoints is the embedded, editable profile of the Zoom names and
// ports that a Zoom Room and its controller need (probe/endpoints/zoom.yaml).
// dnscheck resolves its names, proxycheck and the TLS check connect to its
// HTTPS names on its cloud ports.
package endpoints

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/roompath/roompath/internal/strictyaml"
	"github.com/roompath/roompath/internal/targets"
)

//go:embed zoom.yaml
var defaultYAML []byte

// Endpoint is one name in the profile.
type Endpoint struct {
	// Name is a DNS name, e.g. "zoomstatus.com".
	Name string `yaml:"name"`
	// Role says what the room or controller uses it for.
	Role string `yaml:"role"`
	// HTTPS is true when the name serves HTTPS (TLS and proxy checks).
	HTTPS bool `yaml:"https"`
}

// Ports lists the ports of the profile.
type Ports struct {
	CloudTCP        []int    `yaml:"cloud_tcp"`
	CloudUDP        []string `yaml:"cloud_udp"`
	RoomTCP         []int    `yaml:"room_tcp"`
	RoomOptionalTCP []int    `yaml:"room_optional_tcp"`
}

// Profile is the whole endpoint profile.
type Profile struct {
	Endpoints []Endpoint `yaml:"endpoints"`
	Ports     Ports      `yaml:"ports"`
}

// Default returns the embedded profile.
func Default() Profile {
	p, err := Parse(defaultYAML)
	if err != nil {
		panic("embedded endpoint profile is invalid: " + err.Error()) // caught by tests
	}
	return p
}

// Limits of an endpoint profile.
const (
	// MaxFileSize bounds a profile file.
	MaxFileSize = 1 << 20
	// MaxEndpoints bounds the names of a profile (each is resolved and
	// probed: the embedded profile has 13).
	MaxEndpoints = 1000
)

// Load reads and validates a profile file (at most MaxFileSize bytes).
func Load(path string) (Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return Profile{}, fmt.Errorf("endpoint profile: %w", err)
	}
	defer f.Close()
	p, err := decode(f)
	if err != nil {
		return Profile{}, fmt.Errorf("endpoint profile %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes a profile strictly: unknown keys, a second document, bad
// or too many names and bad ports are errors, each on one line that does
// not echo the file.
func Parse(b []byte) (Profile, error) { return decode(bytes.NewReader(b)) }

func decode(r io.Reader) (Profile, error) {
	var p Profile
	if err := strictyaml.Decode(r, MaxFileSize, "endpoint profile", &p); err != nil {
		if errors.Is(err, strictyaml.ErrEmpty) {
			return Profile{}, errors.New("no endpoints")
		}
		return Profile{}, err
	}
	return p, p.validate()
}

func (p Profile) validate() error {
	switch {
	case len(p.Endpoints) == 0:
		return errors.New("no endpoints")
	case len(p.Endpoints) > MaxEndpoints:
		return fmt.Errorf("%d endpoints: at most %d", len(p.Endpoints), MaxEndpoints)
	}
	for i, e := range p.Endpoints {
		if e.Name == "" {
			return fmt.Errorf("endpoint %d has no name", i+1)
		}
		if err := targets.ValidHostname(e.Name); err != nil {
			return fmt.Errorf("endpoint %d: %v", i+1, err)
		}
	}
	for _, l := range []struct {
		key   string
		ports []int
	}{{"cloud_tcp", p.Ports.CloudTCP}, {"room_tcp", p.Ports.RoomTCP}, {"room_optional_tcp", p.Ports.RoomOptionalTCP}} {
		for _, n := range l.ports {
			if n < 1 || n > 65535 {
				return fmt.Errorf("ports.%s: port %d: want 1-65535", l.key, n)
			}
		}
	}
	for _, s := range p.Ports.CloudUDP {
		if _, err := targets.ParsePorts(s); err != nil || strings.Contains(s, ",") {
			return fmt.Errorf("ports.cloud_udp: %q: want a port or a range such as 8801-8810", s)
		}
	}
	return nil
}

// Names returns every endpoint name in profile order.
func (p Profile) Names() []string {
	out := make([]string, 0, len(p.Endpoints))
	for _, e := range p.Endpoints {
		out = append(out, e.Name)
	}
	return out
}

// HTTPSNames returns the names that serve HTTPS.
func (p Profile) HTTPSNames() []string {
	var out []string
	for _, e := range p.Endpoints {
		if e.HTTPS {
			out = append(out, e.Name)
		}
	}
	return out
}
