// Package endpoints is the embedded, editable profile of the Zoom names and
// ports that a Zoom Room and its controller need (probe/endpoints/zoom.yaml).
// dnscheck resolves its names, proxycheck and the TLS check connect to its
// HTTPS names on its cloud ports.
package endpoints

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
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

// Load reads and validates a profile file.
func Load(path string) (Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("endpoint profile: %w", err)
	}
	p, err := Parse(b)
	if err != nil {
		return Profile{}, fmt.Errorf("endpoint profile %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes a profile strictly: unknown keys and empty names are errors.
func Parse(b []byte) (Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Profile{}, err
	}
	if len(p.Endpoints) == 0 {
		return Profile{}, fmt.Errorf("no endpoints")
	}
	for i, e := range p.Endpoints {
		if e.Name == "" {
			return Profile{}, fmt.Errorf("endpoint %d has no name", i+1)
		}
	}
	return p, nil
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
