package proxyprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// TLSConfig configures the interception check of one HTTPS endpoint.
type TLSConfig struct {
	// Target is host:port; the host is sent as SNI and verified.
	Target string
	// Settings are the proxy settings used when direct TCP fails; nil
	// means no proxy.
	Settings *Settings
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds the TCP (or proxy) connection and, separately, the
	// handshake; zero means DefaultTimeout.
	Timeout time.Duration
	// Roots are the roots the genuine service chains to; nil means
	// BundledRoots (--ca FILE replaces them: LoadRoots).
	Roots *x509.CertPool
	// RootsName says where Roots came from, for the report; with nil Roots
	// it is "bundled".
	RootsName string
	// ProxyRoots verifies HTTPS proxies; nil means the system store.
	ProxyRoots *x509.CertPool
	// ControlName is the server name of the control handshake that runs,
	// to the same address and port, only after a handshake was stopped:
	// one no filter is expected to stop. Its certificate is not judged (it
	// is not expected to be valid for the name). Empty means
	// DefaultControlName.
	ControlName string
}

// TLS is a ready TLS interception check. Build it with NewTLS; it is safe
// for concurrent use.
type TLS struct {
	cfg TLSConfig
	// system stands for this host's store when asking whether it trusts
	// the chain; nil means the platform verifier.
	system *x509.CertPool
	now    func() time.Time
	// dialMSS connects to addr (an IP and port) with a SYN advertising
	// mss, for the MTU control; the lab replaces it to dial from a
	// namespace.
	dialMSS func(ctx context.Context, addr string, mss int) (net.Conn, error)
}

// NewTLS checks cfg's target and fills in the defaults. An error names the
// bad value.
func NewTLS(cfg TLSConfig) (*TLS, error) { return newTLS(cfg, nil) }

// newTLS is NewTLS with system standing for this host's store (tests use
// an empty or a chosen pool, never the machine's).
func newTLS(cfg TLSConfig, system *x509.CertPool) (*TLS, error) {
	if err := checkTarget(cfg.Target); err != nil {
		return nil, err
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Roots == nil {
		cfg.Roots, cfg.RootsName = BundledRoots(), "bundled"
	}
	if cfg.ControlName == "" {
		cfg.ControlName = DefaultControlName
	}
	if err := checkControlName(cfg.ControlName); err != nil {
		return nil, err
	}
	return &TLS{cfg: cfg, system: system, now: time.Now, dialMSS: dialWithMSS}, nil
}

// withSettings is t with other proxy settings (a Suite learns them only
// when it runs).
func (t *TLS) withSettings(s *Settings) *TLS {
	u := *t
	u.cfg.Settings = s
	return &u
}

// TLSDetail is the evidence of a TLS check (the Detail of its result).
type TLSDetail struct {
	// SNI is the name sent and verified.
	SNI string `json:"sni"`
	// Via is how the endpoint was reached ("DIRECT", "PROXY host:port").
	Via string `json:"via"`
	// Addr is the address dialled, after the connect-to rules.
	Addr string `json:"addr"`
	// Roots names the roots the genuine chain must reach (TLSConfig.RootsName).
	Roots string `json:"roots"`
	// Version is the negotiated TLS version; empty when the handshake
	// failed.
	Version string `json:"tls_version,omitempty"`
	// Cipher is the negotiated cipher suite; empty when the handshake
	// failed.
	Cipher string `json:"cipher,omitempty"`
	// Issuer is the leaf certificate's issuer, e.g. "CN=FortiGate CA,O=Fortinet";
	// empty when no certificate was presented.
	Issuer string `json:"issuer,omitempty"`
	// Subjects are the subjects of the presented chain, leaf first.
	Subjects []string `json:"subjects,omitempty"`
	// SystemTrusts says whether this host's store accepts the chain for
	// SNI; nil when it could not be told (no handshake, no store).
	SystemTrusts *bool `json:"system_trusts"`
	// Vendor names the inspection product of an intercepted chain (Vendor);
	// nil when the chain is not intercepted or names no known vendor.
	Vendor *string `json:"vendor"`
	// Chain is the presented chain, leaf first.
	Chain []CertJSON `json:"chain,omitempty"`
	// Control is the control handshake under ControlName; nil unless the
	// handshake was stopped (observed blocked).
	Control *ControlDetail `json:"control,omitempty"`
	// MTUProbe is the same handshake with a small MSS; nil unless the
	// handshake stalled after the TCP connection opened.
	MTUProbe *MTUProbe `json:"mtu_probe,omitempty"`
}

// Run connects (directly, or through the proxy when direct TCP fails),
// shakes hands with SNI, judges the chain presented and emits one result,
// with seq 0, whose Detail is a *TLSDetail. A handshake stopped after the
// TCP connection opened is blocked: only then do the control handshakes
// run (TLSDetail.Control, TLSDetail.MTUProbe), and their outcome is the
// reason (BlockedReason); such a check takes up to three Timeouts.
func (t *TLS) Run(ctx context.Context, emit report.Emit) { emit(0, t.measure(ctx)) }

func (t *TLS) measure(ctx context.Context) report.Result {
	start := time.Now()
	host, _, _ := net.SplitHostPort(t.cfg.Target)
	d := &TLSDetail{SNI: host, Roots: t.cfg.RootsName}
	res := t.run(ctx, host, d)
	res.ID, res.Check, res.Target, res.Layer = "tls/"+t.cfg.Target, vocab.CheckTLS, t.cfg.Target, vocab.LayerTLS
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	return res
}

func (t *TLS) run(ctx context.Context, host string, d *TLSDetail) report.Result {
	rt, err := openRoute(ctx, t.cfg.Dialer, t.cfg.Settings, t.cfg.ProxyRoots, t.cfg.Target, t.cfg.Timeout)
	d.Via, d.Addr = rt.hop.String(), rt.addr
	if err != nil {
		return noRoute(err, rt.hop, t.cfg.Target)
	}
	defer rt.conn.Close()
	cs, rtt, err := t.handshake(ctx, rt.conn, host)
	if err != nil {
		rt.conn.Close()
		return t.stopped(ctx, host, rt, err, d)
	}
	t.describe(d, cs)
	v := JudgeChain(cs.PeerCertificates, host, t.cfg.Roots, t.system, t.now())
	d.SystemTrusts = v.SystemTrusts
	vendor := ""
	if v.Observed == vocab.TLSIntercepted {
		vendor = Vendor(cs.PeerCertificates)
		if vendor != "" {
			d.Vendor = &vendor
		}
	}
	r := tlsResult(v, vendor, d.Issuer)
	r.RTTMS = report.Float(report.MS(rtt))
	return r
}

// handshake shakes hands with conn under name, within the check's
// Timeout, without verifying (the chain is judged afterwards).
func (t *TLS) handshake(ctx context.Context, conn net.Conn, name string) (tls.ConnectionState, time.Duration, error) {
	hctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	start := time.Now()
	tc := tls.Client(conn, &tls.Config{ServerName: name, InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}})
	if err := tc.HandshakeContext(hctx); err != nil {
		return tls.ConnectionState{}, 0, err
	}
	return tc.ConnectionState(), time.Since(start), nil
}

// noRoute is the result of a check that found no TCP path (or was
// interrupted before it found one).
func noRoute(err error, hop Hop, target string) report.Result {
	f := routeFailure(err)
	if f == vocab.FailureInterrupted {
		return tlsNotRun(routeOp(hop))
	}
	r := failed(vocab.TLSUnreachable, vocab.ReasonNoPath, f, routeOp(hop), "No TCP path to this endpoint; see the proxy check for "+target+".")
	r.Status = report.StatusError
	return r
}

// tlsNotRun is the result of a check the caller interrupted during op.
func tlsNotRun(op vocab.Operation) report.Result {
	r := report.Result{Status: report.StatusError, Observed: vocab.TLSNotRun}
	r.SetFailure(vocab.FailureInterrupted, op)
	return r
}

func (t *TLS) describe(d *TLSDetail, cs tls.ConnectionState) {
	d.Version, d.Cipher = tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite)
	d.Chain = chainJSON(cs.PeerCertificates)
	for _, c := range cs.PeerCertificates {
		d.Subjects = append(d.Subjects, c.Subject.String())
	}
	if len(cs.PeerCertificates) > 0 {
		d.Issuer = cs.PeerCertificates[0].Issuer.String()
	}
}

func routeFailure(err error) vocab.Failure {
	var re *refusedError
	if errors.As(err, &re) {
		if re.ans.AuthRequired {
			return vocab.FailureProxyAuthRequired
		}
		return vocab.FailureProxyDenied
	}
	return classify(err)
}

func routeOp(h Hop) vocab.Operation {
	if h.Kind == HopDirect {
		return vocab.OpConnect
	}
	return vocab.OpProxyConnect
}
