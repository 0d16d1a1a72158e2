package exporter

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/roompath/roompath/internal/strictyaml"
	"go.yaml.in/yaml/v3"
)

// Config is the exporter's configuration file (docs/serve.md). The zero
// value serves the built-in modules with an empty allowlist.
type Config struct {
	// Allow lists what /probe may target: CIDRs ("10.10.0.0/16"), names
	// ("room-101.corp.example") and name suffixes ("*.corp.example"). Empty
	// allows nothing but the status modules' own pages.
	Allow []string `yaml:"allow"`
	// Modules add modules, or replace built-in ones of the same name.
	Modules map[string]ModuleConfig `yaml:"modules"`
	// Schedules are probes the exporter runs by itself; their results are
	// on /metrics.
	Schedules []Schedule `yaml:"schedules"`
	// Profiles run the expectations of `roompath run` profiles on a
	// schedule; their results are on /metrics too.
	Profiles []ProfileSchedule `yaml:"profiles"`
	// MaxConcurrentProbes bounds the /probe probes in flight (1-4096);
	// zero means DefaultMaxConcurrent. --max-concurrent-probes wins.
	MaxConcurrentProbes int `yaml:"max_concurrent_probes"`
}

// ModuleConfig configures one module.
type ModuleConfig struct {
	// Prober is tcp, path, dns, tls, proxy, status or media.
	Prober string `yaml:"prober"`
	// Timeout caps the whole probe; zero means the scrape's own timeout
	// (X-Prometheus-Scrape-Timeout-Seconds less half a second), or
	// DefaultTimeout without one.
	Timeout Duration `yaml:"timeout"`
	// Exactly the block named by Prober is read.
	TCP    TCPModule    `yaml:"tcp"`
	DNS    DNSModule    `yaml:"dns"`
	TLS    TLSModule    `yaml:"tls"`
	Proxy  ProxyModule  `yaml:"proxy"`
	Status StatusModule `yaml:"status"`
	Path   PathModule   `yaml:"path"`
	Media  MediaModule  `yaml:"media"`
}

// TCPModule configures a tcp module.
type TCPModule struct {
	// Port is probed on targets that name none; zero means 9090.
	Port uint16 `yaml:"port"`
	// Attempts per address, sharing the budget; zero means 1.
	Attempts int `yaml:"attempts"`
	// Expect is "open" (the default) or "blocked" for must-not-reach
	// checks (anything but open succeeds).
	Expect string `yaml:"expect"`
}

// DNSModule configures a dns module; its target is the resolver.
type DNSModule struct {
	// Names are resolved through the target; empty means the Zoom names of
	// the embedded endpoint profile.
	Names []string `yaml:"names"`
	// Types are query types; empty means A and AAAA.
	Types []string `yaml:"types"`
	// References are resolvers the target's answers are compared with
	// (tampering shows as a mismatch).
	References []string `yaml:"references"`
	// AllowNets are networks whose private answers are not bogons.
	AllowNets []string `yaml:"allow_nets"`
	// TCP asks over TCP instead of UDP.
	TCP bool `yaml:"tcp"`
	// Attempts per UDP query; zero means the probe's default.
	Attempts int `yaml:"attempts"`
}

// TLSModule configures a tls module (interception check); its target is
// host[:port].
type TLSModule struct {
	// Port is used when the target names none; zero means 443.
	Port uint16 `yaml:"port"`
	// CAFile holds the PEM roots the genuine service chains to; empty means
	// the bundled roots. A chain to any other root is interception.
	CAFile string `yaml:"ca_file"`
	// Proxy is a proxy URL used when direct TCP fails; empty means the
	// environment, "none" means no proxy.
	Proxy string `yaml:"proxy"`
}

// ProxyModule configures a proxy module (reachability directly and through
// the proxy); its target is host[:port].
type ProxyModule struct {
	// Port is used when the target names none; zero means 443.
	Port uint16 `yaml:"port"`
	// Proxy is a proxy URL; empty means the environment, "none" none.
	Proxy string `yaml:"proxy"`
	// PAC is a PAC file's URL or path; empty means none.
	PAC string `yaml:"pac"`
}

// StatusModule configures a status module; a target, when given, is the
// summary URL to read instead of URL.
type StatusModule struct {
	// URL is the Statuspage summary; empty means Zoom's.
	URL string `yaml:"url"`
	// FallbackURL is read when URL cannot be; empty means Zoom's older
	// page, "none" none.
	FallbackURL string `yaml:"fallback_url"`
}

// PathModule configures a path module (hop-by-hop trace toward room:port);
// its target is an address or name with an optional port.
type PathModule struct {
	// Port is traced when the target names none; zero means 9090.
	Port uint16 `yaml:"port"`
	// MaxHops is the highest TTL probed; zero means the trace's default.
	MaxHops int `yaml:"max_hops"`
}

// Schedule runs one module against targets every Interval.
type Schedule struct {
	// Name labels the results (schedule="…"); required and unique.
	Name string `yaml:"name"`
	// Module is a built-in or configured module.
	Module string `yaml:"module"`
	// Targets are probed concurrently; each must pass the allowlist.
	Targets []string `yaml:"targets"`
	// Interval between runs; zero means DefaultInterval.
	Interval Duration `yaml:"interval"`
	// Timeout of each probe; zero means the module's timeout or
	// DefaultTimeout.
	Timeout Duration `yaml:"timeout"`
}

// Duration is a YAML duration such as "2s" or "500ms".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: duration %q: want e.g. 500ms, 5s or 1m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// maxConfig bounds a configuration file.
const maxConfig = 1 << 20

// LoadConfig reads and checks a configuration file.
func LoadConfig(path string) (*Config, error) {
	var c Config
	if err := strictyaml.Load(path, maxConfig, "configuration", &c); err != nil && !errors.Is(err, strictyaml.ErrEmpty) {
		return nil, err
	}
	return &c, nil
}

// ParseConfig decodes a configuration strictly: unknown keys are errors
// that name their line; an empty one is the zero Config. Values are
// checked when the exporter is built.
func ParseConfig(r io.Reader) (*Config, error) {
	var c Config
	if err := strictyaml.Decode(r, maxConfig, "configuration", &c); err != nil && !errors.Is(err, strictyaml.ErrEmpty) {
		return nil, err
	}
	return &c, nil
}
