package proxyprobe

import (
	"context"
	"crypto/x509"
	"net"
	"sync"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// DefaultTimeout is the per-attempt timeout when a config leaves it zero.
const DefaultTimeout = 5 * time.Second

// Proxy check observed states (docs/proxycheck.md).
const (
	ObservedDirect            = "direct"              // reachable without a proxy
	ObservedViaProxy          = "via_proxy"           // only through the proxy
	ObservedProxyDenied       = "proxy_denied"        // the proxy refused CONNECT
	ObservedProxyAuthRequired = "proxy_auth_required" // the proxy wants credentials (407)
	ObservedBlocked           = "blocked"             // neither way
)

// ProxyCheck configures the reachability check of one host:port, directly
// and through the configured proxy.
type ProxyCheck struct {
	// Target is host:port, e.g. "zoom.us:8801".
	Target string
	// Config is the proxy configuration; nil means none.
	Config *ProxyConfig
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds each attempt (direct, and through the proxy); zero
	// means DefaultTimeout.
	Timeout time.Duration
	// ProxyRoots verifies HTTPS proxies; nil means the system store.
	ProxyRoots *x509.CertPool
}

// Proxy is a ready proxy check.
type Proxy struct{ cfg ProxyCheck }

// NewProxy captures cfg.
func NewProxy(cfg ProxyCheck) *Proxy {
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Proxy{cfg: cfg}
}

// outcome is one attempt: direct (hop.Kind == HopDirect) or through a proxy.
type outcome struct {
	hop  Hop
	ok   bool
	err  error
	ans  *ProxyAnswer
	dur  time.Duration
	addr string
}

// Run tries the target directly and through the configured proxy at the
// same time and names what it found.
func (p *Proxy) Run(ctx context.Context) report.Result {
	start := time.Now()
	dec, pacErr := p.cfg.Config.Decide(ctx, TargetURL(p.cfg.Target))
	var direct, viaProxy *outcome
	var wg sync.WaitGroup
	wg.Go(func() { direct = p.tryDirect(ctx) })
	if hops := proxyHops(dec.Hops); len(hops) > 0 {
		wg.Go(func() { viaProxy = p.tryProxies(ctx, hops) })
	}
	wg.Wait()
	res := proxyVerdict(direct, viaProxy)
	if viaProxy != nil && viaProxy.ans != nil && res.Observed != ObservedDirect {
		res.ReportedBy = hostOfAddr(viaProxy.addr) // the proxy said so
	}
	res.ID, res.Check, res.Target, res.Layer = "proxy/"+p.cfg.Target, "proxy", p.cfg.Target, report.LayerProxy
	res.DurationMS = report.MS(time.Since(start))
	res.Attempts = attempts(direct, viaProxy)
	res.Detail = proxyDetail(dec, pacErr, direct, viaProxy)
	return res
}

// proxyHops drops DIRECT entries: the direct path is always tried.
func proxyHops(hops []Hop) []Hop {
	var out []Hop
	for _, h := range hops {
		if h.Kind != HopDirect {
			out = append(out, h)
		}
	}
	return out
}

func (p *Proxy) tryDirect(ctx context.Context) *outcome {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	start := time.Now()
	o := &outcome{hop: Hop{Kind: HopDirect}, addr: p.cfg.Dialer.Rewrite(p.cfg.Target)}
	conn, err := p.cfg.Dialer.DialContext(ctx, p.cfg.Target)
	o.dur = time.Since(start)
	if err != nil {
		o.err = err
		return o
	}
	conn.Close()
	o.ok = true
	return o
}

// tryProxies asks each proxy in order; the first that answers decides. A
// proxy that cannot be reached passes the turn to the next.
func (p *Proxy) tryProxies(ctx context.Context, hops []Hop) *outcome {
	var last *outcome
	for _, h := range hops {
		last = p.tryProxy(ctx, h)
		if last.ans != nil {
			return last
		}
	}
	return last
}

func (p *Proxy) tryProxy(ctx context.Context, h Hop) *outcome {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	start := time.Now()
	o := &outcome{hop: h, addr: p.cfg.Dialer.Rewrite(h.Addr)}
	conn, ans, err := tunnel(ctx, p.cfg.Dialer, p.cfg.ProxyRoots, h, p.cfg.Target)
	o.dur, o.ans, o.err = time.Since(start), ans, err
	if conn != nil {
		conn.Close()
		o.ok = true
	}
	return o
}

// attempts lists the tries for the report.
func attempts(outs ...*outcome) []report.Attempt {
	var as []report.Attempt
	for _, o := range outs {
		if o == nil {
			continue
		}
		a := report.Attempt{N: len(as) + 1, Observed: o.hop.String(), DurationMS: report.MS(o.dur), ReportedBy: hostOfAddr(o.addr)}
		if o.ok {
			a.Reason, a.RTTMS = "connected", report.Float(report.MS(o.dur))
		} else {
			a.Reason, a.Failure = "failed", report.Str(outcomeFailure(o))
		}
		as = append(as, a)
	}
	return as
}

func hostOfAddr(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// outcomeFailure is the failure string of a failed attempt: the proxy's
// refusal when it refused, else the classified error.
func outcomeFailure(o *outcome) string {
	switch {
	case o.ans != nil && o.ans.AuthRequired:
		return probe.FailureProxyAuthRequired
	case o.ans != nil && !o.ans.Granted():
		return probe.FailureProxyDenied
	}
	return classify(o.err)
}
