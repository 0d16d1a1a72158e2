package triage

import (
	"time"

	"github.com/roompath/roompath/internal/targets"
)

// Defaults of a Config's zero fields.
const (
	// DefaultPort is the Zoom Rooms controller port.
	DefaultPort = 9090
	// DefaultControlPort is the control port the command line uses (HTTPS,
	// which most room computers answer with a SYN-ACK or a reset).
	DefaultControlPort = 443
	// DefaultTimeout bounds each probe's attempt; long enough for an ARP
	// failure to come back as host-unreachable (about 3 s on Linux).
	DefaultTimeout = 3500 * time.Millisecond
)

// Config is one triage run. Only Room is required; every zero field means
// its default.
type Config struct {
	// Room is the room computer or appliance: one address or hostname
	// (targets.KindAddr or targets.KindHost, without a port).
	Room targets.Spec
	// Port is the room's controller port; zero means DefaultPort.
	Port uint16
	// RoomPorts are more room ports to check, such as 8888 (direct share)
	// and 2244 (control API).
	RoomPorts []uint16
	// ControlPort is probed only as a control: if the room answers there
	// (open or reset) but not on Port, a filter is specific to Port. Zero
	// turns the control off; it is left out when it is among the ports.
	ControlPort uint16
	// Timeout bounds each probe's attempt; zero means DefaultTimeout.
	Timeout time.Duration
	// StatusURL is Zoom's Statuspage summary URL; empty means the status
	// probe's default page and fallback.
	StatusURL string
	// StatusFallbackURL is read when StatusURL cannot be; with StatusURL
	// set, empty means no fallback (a test or a mirror must not quietly
	// fall back to the real page).
	StatusFallbackURL string
	// Resolvers are the resolvers to check, ADDR[:PORT]; none means the
	// system's.
	Resolvers []string
	// AllowNets are networks (CIDRs) whose private answers are expected.
	AllowNets []string
	// CAFile is a PEM file of the roots the genuine Zoom chain ends in;
	// empty means the bundled public roots.
	CAFile string
	// Echo is the http:// URL of a roompath responder, for the
	// transparent-proxy check; empty leaves that check out.
	Echo string
	// CaptiveURL is the captive-portal check's known-answer URL; empty
	// means the default, "none" turns the check off.
	CaptiveURL string
	// ConnectTo are HOST:PORT:TOHOST:TOPORT rules for the proxy and TLS
	// checks.
	ConnectTo []string
	// Proxy is used for the cloud checks instead of the configuration;
	// "none" means direct only; empty means the configuration.
	Proxy string
	// CloudHosts are the Zoom names checked for DNS, proxy and TLS; none
	// means the embedded endpoint profile's.
	CloudHosts []string
	// MediaResponder is the host, address or host:port of a roompath
	// responder run with --udp: the media layer (mediacheck's udp and
	// media results) is measured against it; empty leaves it out.
	MediaResponder string
	// MediaPorts are the UDP ports of the media layer; none means
	// media.DefaultPorts (8801-8810, 3478, 3479).
	MediaPorts []uint16
	// MediaDuration is the media stream's length; zero means
	// media.DefaultDuration (10 s).
	MediaDuration time.Duration
	// Skip leaves checks out.
	Skip Skip
}

// Skip names the checks a run leaves out.
type Skip struct {
	// Status leaves out Zoom's status page.
	Status bool
	// Path leaves out the route and hop-by-hop path.
	Path bool
	// DNS leaves out the DNS of the Zoom names.
	DNS bool
	// Proxy leaves out the proxy, transparent-proxy and captive-portal
	// checks.
	Proxy bool
	// TLS leaves out the TLS interception check.
	TLS bool
}

// Ranks order the results in the report along the decision path.
const (
	rankStatus = iota
	rankPath
	rankPorts
	rankControl
	rankDNS
	rankProxy
	rankMedia
)

// seqOf places result seq of a probe of rank in the report.
func seqOf(rank, seq int) int { return rank*1_000_000 + seq }
