package exporter

import (
	"cmp"
	"context"
	"crypto/x509"
	"fmt"
	"net/netip"
	"os"

	"github.com/roompath/roompath/probe/proxyprobe"
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
		pem, err := os.ReadFile(m.cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		m.roots, m.rootsName = x509.NewCertPool(), m.cfg.CAFile
		if !m.roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file %s: no PEM certificate in it", m.cfg.CAFile)
		}
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
			return Outcome{Results: []report.Result{notRun("tls", "tls/"+hp, hp, err)}}
		}
		c := proxyprobe.TLSCheck{Target: hp, Config: cfg, Dialer: d, Timeout: perAttempt(ctx, 2), Roots: m.roots, RootsName: m.rootsName}
		return Outcome{Results: []report.Result{proxyprobe.NewTLS(c).Run(ctx)}}
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

// discoverProxy builds the proxy configuration of one probe: the setting
// ("" the environment, "none" none, else a URL), a PAC file if given, and
// never WPAD.
func discoverProxy(ctx context.Context, proxy, pac string, d *proxyprobe.Dialer) (*proxyprobe.ProxyConfig, error) {
	cfg, _, err := proxyprobe.Discover(ctx, proxyprobe.Discovery{Proxy: proxy, PAC: pac, NoWPAD: true, Dialer: d})
	return cfg, err
}
