package proxyprobe

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// DefaultConcurrency is how many checks a Suite runs at once when
// SuiteConfig.Concurrency is zero.
const DefaultConcurrency = 16

// SuiteConfig configures a whole proxycheck run: which checks run against
// which hosts, how the proxy settings are found and where connections go.
// The zero value runs nothing.
type SuiteConfig struct {
	// Hosts are the hosts under test, each HOST or HOST:PORT ([v6]:PORT
	// for IPv6): a HOST is tried on every port of Ports, a HOST:PORT only
	// on its port.
	Hosts []string
	// Ports are the ports of the proxy check, e.g. 443, 8801, 8802.
	Ports []uint16
	// TLSPorts are the ports whose targets also get the TLS check: a
	// host:port planned from Hosts and Ports is TLS-checked when its port
	// is in TLSPorts.
	TLSPorts []uint16
	// RunProxy runs the proxy check: the "proxy/config" result, then one
	// result per planned host:port.
	RunProxy bool
	// RunTLS runs the TLS check of each planned host:port on TLSPorts.
	RunTLS bool
	// RunHTTP runs the transparent-proxy check: against Echo, or the weak
	// check against Weak when Echo is nil; with both nil it runs nothing.
	RunHTTP bool
	// RunCaptive runs the captive-portal check against Captive.
	RunCaptive bool
	// Discovery configures how the proxy settings are found; they are
	// found once per Run, whatever checks run. A nil Discovery.Dialer
	// means the ConnectTo rules.
	Discovery DiscoveryConfig
	// ConnectTo rules redirect the checks' connections (curl's
	// --connect-to); nil dials every target itself.
	ConnectTo []ConnectTo
	// Guard, when set, is asked about every address any check connects
	// to (targets, proxies, PAC and WPAD fetches, every redirect hop, the
	// WPAD DNS servers): the exporter's allowlist. It is also given to
	// Discovery.Dialer when that has none. Nil allows every address.
	Guard probe.AddrGuard
	// Roots are the roots the genuine service chains to in the TLS check;
	// nil means BundledRoots (LoadRoots reads a --ca file).
	Roots *x509.CertPool
	// RootsName says where Roots came from, for the report (the --ca
	// path); with nil Roots it is "bundled".
	RootsName string
	// Echo is the responder of the HTTP check (a roompath responder,
	// http://); nil means the weak check against Weak.
	Echo *url.URL
	// Weak is the http:// URL of the weak HTTP check, used when Echo is
	// nil; nil with Echo nil means no HTTP check.
	Weak *url.URL
	// Captive is the known-answer URL of the captive-portal check; nil
	// means DefaultCaptiveURL.
	Captive *url.URL
	// Timeout bounds each attempt of each check; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Concurrency is how many checks run at once; zero means
	// DefaultConcurrency.
	Concurrency int
}

// Suite is a planned proxycheck run. Build it with NewSuite; it is safe for
// concurrent use.
type Suite struct {
	cfg    SuiteConfig // Discovery.Dialer and Concurrency filled in
	getenv func(string) string
	// the planned checks, in report order; Proxy and TLS get the proxy
	// settings when the Suite runs
	proxies []*Proxy
	tlss    []*TLS
	http    runner // nil: none
	captive *Captive
}

// runner is one planned check.
type runner interface {
	Run(ctx context.Context, emit report.Emit)
}

// suiteSeams are what the Suite's tests replace.
type suiteSeams struct {
	// getenv reads the proxy environment.
	getenv func(string) string
	// system stands for this host's store in the TLS check; nil means the
	// platform verifier.
	system *x509.CertPool
}

// NewSuite checks cfg and plans the run: hosts × ports into the proxy and
// TLS targets, without repeats. An error names the bad value.
func NewSuite(cfg SuiteConfig) (*Suite, error) {
	return newSuite(cfg, suiteSeams{getenv: os.Getenv})
}

// newSuite is NewSuite with seams, for tests.
func newSuite(cfg SuiteConfig, sm suiteSeams) (*Suite, error) {
	if cfg.Concurrency < 0 {
		return nil, fmt.Errorf("concurrency %d: want 1 or more (0 for %d)", cfg.Concurrency, DefaultConcurrency)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if p := cfg.Discovery.Proxy; p != "" && !strings.EqualFold(p, "none") {
		if _, err := ParseProxyURL(p); err != nil {
			return nil, err
		}
	}
	if p := cfg.Discovery.PAC; p != "" {
		if err := CheckPACSource(p); err != nil {
			return nil, fmt.Errorf("PAC %w", err)
		}
	}
	d := &Dialer{Rules: cfg.ConnectTo, Guard: cfg.Guard}
	switch {
	case cfg.Discovery.Dialer == nil:
		cfg.Discovery.Dialer = d
	case cfg.Discovery.Dialer.Guard == nil && cfg.Guard != nil:
		dd := *cfg.Discovery.Dialer
		dd.Guard = cfg.Guard
		cfg.Discovery.Dialer = &dd
	}
	s := &Suite{cfg: cfg, getenv: sm.getenv}
	if err := s.planTCP(d, sm.system); err != nil {
		return nil, err
	}
	if err := s.planHTTP(d); err != nil {
		return nil, err
	}
	return s, nil
}

// planTCP builds the proxy and TLS checks of the planned targets.
func (s *Suite) planTCP(d *Dialer, system *x509.CertPool) error {
	targets, tlsTargets, err := planTargets(s.cfg.Hosts, s.cfg.Ports, s.cfg.TLSPorts)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if !s.cfg.RunProxy {
			break
		}
		p, err := NewProxy(ProxyConfig{Target: t, Dialer: d, Timeout: s.cfg.Timeout})
		if err != nil {
			return err
		}
		s.proxies = append(s.proxies, p)
	}
	for _, t := range tlsTargets {
		if !s.cfg.RunTLS {
			break
		}
		c, err := newTLS(TLSConfig{Target: t, Dialer: d, Timeout: s.cfg.Timeout, Roots: s.cfg.Roots, RootsName: s.cfg.RootsName}, system)
		if err != nil {
			return err
		}
		s.tlss = append(s.tlss, c)
	}
	return nil
}

// planHTTP builds the HTTP check (echo, else weak) and the captive check.
func (s *Suite) planHTTP(d *Dialer) error {
	switch {
	case s.cfg.RunHTTP && s.cfg.Echo != nil:
		h, err := NewHTTPEcho(HTTPEchoConfig{URL: s.cfg.Echo, Dialer: d, Timeout: s.cfg.Timeout})
		if err != nil {
			return err
		}
		s.http = h
	case s.cfg.RunHTTP && s.cfg.Weak != nil:
		w, err := NewHTTPWeak(HTTPWeakConfig{URL: s.cfg.Weak, Dialer: d, Timeout: s.cfg.Timeout})
		if err != nil {
			return err
		}
		s.http = w
	}
	if !s.cfg.RunCaptive {
		return nil
	}
	c, err := NewCaptive(CaptiveConfig{URL: s.cfg.Captive, Dialer: d, Timeout: s.cfg.Timeout})
	s.captive = c
	return err
}

// Run finds the proxy settings (Discover), runs the planned checks, at most
// Concurrency at once, and emits each result as it completes, its seq the
// plan's order: the "proxy/config" result 0 (with RunProxy), then the
// proxy, TLS, HTTP and captive results from 1. emit is called from several
// goroutines at once. A done ctx ends the running checks by their
// deadlines and skips those not started. The error is Discover's: the
// proxy settings could not be found at all (NewSuite already rejects a bad
// Discovery.Proxy); every network failure is a result.
func (s *Suite) Run(ctx context.Context, emit report.Emit) error {
	settings, res, err := discover(ctx, s.cfg.Discovery, s.getenv)
	if err != nil {
		return err
	}
	if s.cfg.RunProxy {
		emit(0, res)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, s.cfg.Concurrency)
	for i, r := range s.runners(settings) {
		seq := i + 1
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			r.Run(ctx, func(_ int, res report.Result) { emit(seq, res) })
		})
	}
	wg.Wait()
	return nil
}

// runners are the planned checks in report order, with the settings.
func (s *Suite) runners(settings *Settings) []runner {
	var rs []runner
	for _, p := range s.proxies {
		rs = append(rs, p.withSettings(settings))
	}
	for _, t := range s.tlss {
		rs = append(rs, t.withSettings(settings))
	}
	if s.http != nil {
		rs = append(rs, s.http)
	}
	if s.captive != nil {
		rs = append(rs, s.captive)
	}
	return rs
}
