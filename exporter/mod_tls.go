package exporter

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/netip"

	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultTLSPort is the tls and proxy modules' port.
const DefaultTLSPort = 443

// tlsModule checks whether the chain an HTTPS endpoint presents is the
// genuine one or an interceptor's.
type tlsModule struct {
	cfg       TLSModule
	roots     *x509.CertPool // nil: the bundled roots
	rootsName string
	lookup    func(context.Context, string) ([]netip.Addr, error)
}

func newTLSModule(mc ModuleConfig) (Module, error) {
	m := &tlsModule{cfg: mc.TLS, lookup: lookupIP}
	m.cfg.Port = cmp.Or(m.cfg.Port, DefaultTLSPort)
	if err := checkProxySetting(m.cfg.Proxy); err != nil {
		return nil, fmt.Errorf("tls.proxy: %w", err)
	}
	if m.cfg.CAFile != "" {
		roots, err := proxyprobe.LoadRoots(m.cfg.CAFile)
		switch {
		case errors.Is(err, proxyprobe.ErrNoCertificates):
			return nil, fmt.Errorf("tls.ca_file %s: no PEM certificate in it", m.cfg.CAFile)
		case err != nil:
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		m.roots, m.rootsName = roots, m.cfg.CAFile
	}
	return m, nil
}

// Plan accepts host[:port].
func (m *tlsModule) Plan(ctx context.Context, target string, allow *Allowlist) (Run, error) {
	hp, d, err := planHostPort(ctx, target, m.cfg.Port, m.lookup, allow)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) Outcome {
		cfg, err := discoverProxy(ctx, m.cfg.Proxy, "", d)
		if err != nil {
			return Outcome{Results: []report.Result{notRun(vocab.CheckTLS, "tls/"+hp, hp, err)}}
		}
		t, err := proxyprobe.NewTLS(proxyprobe.TLSConfig{Target: hp, Settings: cfg, Dialer: d, Timeout: perAttempt(ctx, tlsBudgets), Roots: m.roots, RootsName: m.rootsName})
		if err != nil {
			return Outcome{Results: []report.Result{notRun(vocab.CheckTLS, "tls/"+hp, hp, err)}}
		}
		return Outcome{Results: runOne(ctx, t)}
	}, nil
}

// checkProxySetting accepts "", "none" or a proxy URL.
func checkProxySetting(s string) error {
	if s == "" || s == "none" {
		return nil
	}
	_, err := proxyprobe.ParseProxyURL(s)
	return err
}

// discoverProxy finds the proxy settings of one probe: the setting ("" the
// environment, "none" none, else a URL), a PAC file if given, and never
// WPAD.
func discoverProxy(ctx context.Context, proxy, pac string, d *proxyprobe.Dialer) (*proxyprobe.Settings, error) {
	st, _, err := proxyprobe.Discover(ctx, proxyprobe.DiscoveryConfig{Proxy: proxy, PAC: pac, NoWPAD: true, Dialer: d})
	return st, err
}

// tlsBudgets is how many per-attempt timeouts a TLS check may use: the
// connection, its handshake, and the control handshakes that run, side by
// side, after a stopped one (so a scrape deadline does not cut them short
// and turn mtu_black_hole or sni_filtered into timeout).
const tlsBudgets = 3
