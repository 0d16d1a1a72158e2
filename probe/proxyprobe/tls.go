package proxyprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// TLSCheck configures the interception check of one HTTPS endpoint.
type TLSCheck struct {
	// Target is host:port; the host is sent as SNI and verified.
	Target string
	// Config is the proxy configuration used when direct TCP fails; nil
	// means none.
	Config *ProxyConfig
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds the TCP (or proxy) connection and, separately, the
	// handshake; zero means DefaultTimeout.
	Timeout time.Duration
	// Roots are the roots the genuine service chains to; nil means
	// BundledRoots (--ca FILE replaces them).
	Roots *x509.CertPool
	// RootsName says where Roots came from, for the report ("bundled" when
	// empty).
	RootsName string
	// SystemRoots stands for this host's store when asking whether it
	// trusts the chain; nil means the platform verifier. Tests inject a
	// pool here instead of touching the machine's store.
	SystemRoots *x509.CertPool
	// ProxyRoots verifies HTTPS proxies; nil means the system store.
	ProxyRoots *x509.CertPool
	// now is the clock seam; nil means time.Now.
	now func() time.Time
}

// TLS is a ready TLS interception check.
type TLS struct{ cfg TLSCheck }

// NewTLS captures cfg.
func NewTLS(cfg TLSCheck) *TLS {
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Roots == nil {
		cfg.Roots, cfg.RootsName = BundledRoots(), "bundled"
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	return &TLS{cfg: cfg}
}

// tlsDetail is the evidence of a TLS check.
type tlsDetail struct {
	SNI          string     `json:"sni"`
	Via          string     `json:"via"`
	Addr         string     `json:"addr"`
	Roots        string     `json:"roots"`
	Version      string     `json:"tls_version,omitempty"`
	Cipher       string     `json:"cipher,omitempty"`
	Issuer       string     `json:"issuer,omitempty"`
	Subjects     []string   `json:"subjects,omitempty"`
	SystemTrusts *bool      `json:"system_trusts"`
	Vendor       *string    `json:"vendor"`
	Chain        []CertJSON `json:"chain,omitempty"`
}

// Run connects (directly, or through the proxy when direct TCP fails),
// shakes hands with SNI and judges the chain presented.
func (t *TLS) Run(ctx context.Context) report.Result {
	start := time.Now()
	host, _, _ := net.SplitHostPort(t.cfg.Target)
	d := &tlsDetail{SNI: host, Roots: t.cfg.RootsName}
	res := t.run(ctx, host, d)
	res.ID, res.Check, res.Target, res.Layer = "tls/"+t.cfg.Target, "tls", t.cfg.Target, report.LayerTLS
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	return res
}

func (t *TLS) run(ctx context.Context, host string, d *tlsDetail) report.Result {
	rt, err := openRoute(ctx, t.cfg.Dialer, t.cfg.Config, t.cfg.ProxyRoots, t.cfg.Target, t.cfg.Timeout)
	d.Via, d.Addr = rt.hop.String(), rt.addr
	if err != nil {
		r := failed(ObservedUnreachable, "no_path", routeFailure(err), routeOp(rt.hop), "No TCP path to this endpoint; see the proxy check for "+t.cfg.Target+".")
		r.Status = report.StatusError
		return r
	}
	defer rt.conn.Close()
	hctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	hsStart := time.Now()
	tc := tls.Client(rt.conn, &tls.Config{ServerName: host, InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}})
	if err := tc.HandshakeContext(hctx); err != nil {
		return handshakeFailed(err)
	}
	rtt := report.MS(time.Since(hsStart))
	cs := tc.ConnectionState()
	t.describe(d, cs)
	v := JudgeChain(cs.PeerCertificates, host, t.cfg.Roots, t.cfg.SystemRoots, t.cfg.now())
	d.SystemTrusts = v.SystemTrusts
	vendor := ""
	if v.Observed == ObservedIntercepted {
		vendor = Vendor(cs.PeerCertificates)
		if vendor != "" {
			d.Vendor = &vendor
		}
	}
	r := tlsResult(v, vendor, d.Issuer)
	r.RTTMS = report.Float(rtt)
	return r
}

func (t *TLS) describe(d *tlsDetail, cs tls.ConnectionState) {
	d.Version, d.Cipher = tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite)
	d.Chain = chainJSON(cs.PeerCertificates)
	for _, c := range cs.PeerCertificates {
		d.Subjects = append(d.Subjects, c.Subject.String())
	}
	if len(cs.PeerCertificates) > 0 {
		d.Issuer = cs.PeerCertificates[0].Issuer.String()
	}
}

// handshakeFailed classifies a failed handshake: alerts and bad records
// (ssl_failed_handshake), resets, EOFs and stalls keep their transport
// failure, which says how the peer broke the handshake.
func handshakeFailed(err error) report.Result {
	f := classify(err)
	if strings.HasPrefix(f, probe.FailureUnknownPrefix) {
		f = probe.FailureSSLHandshake
	}
	return failed(ObservedInvalid, "handshake_failed", f, probe.OpTLSHandshake, hintHandshake)
}

func routeFailure(err error) string {
	var re *refusedError
	if errors.As(err, &re) {
		if re.ans.AuthRequired {
			return probe.FailureProxyAuthRequired
		}
		return probe.FailureProxyDenied
	}
	return classify(err)
}

func routeOp(h Hop) string {
	if h.Kind == HopDirect {
		return probe.OpConnect
	}
	return probe.OpProxyConnect
}
