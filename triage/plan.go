package triage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/endpoints"
	"github.com/roompath/roompath/probe/media"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
)

// plan is a checked Config with its probes built: nothing is sent until
// run.
type plan struct {
	cfg     Config
	ports   []uint16 // Port first, then RoomPorts
	control uint16   // 0: none
	status  *status.Status
	dns     *dnsprobe.DNS
	proxy   *proxyprobe.Suite
	media   *media.Probe
}

// Check reports whether cfg can be run: a bad value is an error naming
// it, found before anything is sent.
func (cfg Config) Check() error {
	_, err := newPlan(cfg)
	return err
}

func newPlan(cfg Config) (*plan, error) {
	if cfg.Room.Kind != targets.KindAddr && cfg.Room.Kind != targets.KindHost || cfg.Room.Port != 0 {
		return nil, fmt.Errorf("room %q: want one address or hostname", cfg.Room.Raw)
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	p := &plan{cfg: cfg, ports: []uint16{cfg.Port}}
	for _, rp := range cfg.RoomPorts {
		if !slices.Contains(p.ports, rp) {
			p.ports = append(p.ports, rp)
		}
	}
	if cfg.ControlPort != 0 && !slices.Contains(p.ports, cfg.ControlPort) {
		p.control = cfg.ControlPort
	}
	for _, step := range []func() error{p.planStatus, p.planDNS, p.planProxy, p.planMedia} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// planMedia builds the media layer's probe: mediacheck's defaults (Zoom's
// audio mark, the zoom thresholds) against --media-responder.
func (p *plan) planMedia() error {
	if p.cfg.MediaResponder == "" {
		return nil
	}
	m, err := media.New(media.Config{Responder: p.cfg.MediaResponder, Ports: p.cfg.MediaPorts,
		Duration: p.cfg.MediaDuration, DSCP: media.DefaultDSCP, Timeout: p.cfg.Timeout})
	if err != nil {
		return fmt.Errorf("media responder: %w", err)
	}
	p.media = m
	return nil
}

func (p *plan) planStatus() error {
	if p.cfg.Skip.Status {
		return nil
	}
	sc := status.StatusConfig{Timeout: p.cfg.Timeout}
	if p.cfg.StatusURL != "" {
		sc.URL, sc.FallbackURL = p.cfg.StatusURL, p.cfg.StatusFallbackURL
		if sc.FallbackURL == "" {
			sc.FallbackURL = status.NoFallback
		}
	}
	s, err := status.NewStatus(sc)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	p.status = s
	return nil
}

func (p *plan) planDNS() error {
	if p.cfg.Skip.DNS {
		return nil
	}
	o := dnsprobe.Options{
		Names: p.cfg.CloudHosts, Resolvers: p.cfg.Resolvers, AllowNets: p.cfg.AllowNets,
		Types: []string{"A", "AAAA"}, Timeout: p.cfg.Timeout, TimeoutSet: true,
	}
	cfg, _, err := o.Config()
	if err == nil {
		p.dns, err = dnsprobe.NewDNS(cfg)
	}
	if err != nil {
		return fmt.Errorf("dnscheck: %w", err)
	}
	return nil
}

func (p *plan) planProxy() error {
	c := p.cfg
	if c.Skip.Proxy && c.Skip.TLS {
		return nil
	}
	hosts := c.CloudHosts
	if len(hosts) == 0 {
		hosts = endpoints.Default().HTTPSNames()
	}
	// 443 only: the web names of the profile do not serve the media ports,
	// and a "blocked" 8801 there would be a false finding in a verdict.
	sc := proxyprobe.SuiteConfig{
		Hosts: hosts, Ports: []uint16{443}, TLSPorts: []uint16{443}, Timeout: c.Timeout,
		RunProxy: !c.Skip.Proxy, RunTLS: !c.Skip.TLS, RunCaptive: !c.Skip.Proxy,
		Discovery: proxyprobe.DiscoveryConfig{Proxy: c.Proxy},
	}
	if err := p.proxyURLs(&sc); err != nil {
		return fmt.Errorf("proxycheck: %w", err)
	}
	if err := proxyRules(&sc, c); err != nil {
		return fmt.Errorf("proxycheck: %w", err)
	}
	s, err := proxyprobe.NewSuite(sc)
	if err != nil {
		return fmt.Errorf("proxycheck: %w", err)
	}
	p.proxy = s
	return nil
}

// proxyURLs sets the responder (the HTTP check runs only against one:
// without it proxycheck's weaker probe of port 80 is left to proxycheck)
// and the captive-portal URL.
func (p *plan) proxyURLs(sc *proxyprobe.SuiteConfig) error {
	c := p.cfg
	var err error
	if c.Echo != "" {
		if sc.Echo, err = proxyprobe.ParseHTTPURL(c.Echo); err != nil {
			return fmt.Errorf("--echo: %w", err)
		}
		sc.RunHTTP = !c.Skip.Proxy
	}
	captive := c.CaptiveURL
	if captive == "" {
		captive = proxyprobe.DefaultCaptiveURL
	}
	if strings.EqualFold(captive, "none") {
		sc.RunCaptive = false
		return nil
	}
	if sc.Captive, err = proxyprobe.ParseHTTPURL(captive); err != nil {
		return fmt.Errorf("--captive-url: %w", err)
	}
	return nil
}

// proxyRules sets the --connect-to rules and the roots of --ca.
func proxyRules(sc *proxyprobe.SuiteConfig, c Config) error {
	for _, s := range c.ConnectTo {
		r, err := proxyprobe.ParseConnectTo(s)
		if err != nil {
			return fmt.Errorf("--connect-to: %w", err)
		}
		sc.ConnectTo = append(sc.ConnectTo, r)
	}
	if c.CAFile != "" {
		pool, err := proxyprobe.LoadRoots(c.CAFile)
		if err != nil {
			return fmt.Errorf("--ca: %w", err)
		}
		sc.Roots, sc.RootsName = pool, c.CAFile
	}
	return nil
}
