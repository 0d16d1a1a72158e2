package proxyprobe

import (
	"context"
	"crypto/x509"
	"net"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultTimeout is the per-attempt timeout when a config leaves it zero.
const DefaultTimeout = 5 * time.Second

// ProxyConfig configures the reachability check of one host:port, directly
// and through the configured proxy.
type ProxyConfig struct {
	// Target is host:port, e.g. "zoom.us:8801".
	Target string
	// Settings are the proxy settings (Discover); nil means no proxy.
	Settings *Settings
	// Dialer applies connect-to rules; nil dials directly.
	Dialer *Dialer
	// Timeout bounds each attempt (direct, and through the proxy); zero
	// means DefaultTimeout.
	Timeout time.Duration
	// ProxyRoots verifies HTTPS proxies; nil means the system store.
	ProxyRoots *x509.CertPool
}

// Proxy is a ready proxy check. Build it with NewProxy; it is safe for
// concurrent use.
type Proxy struct{ cfg ProxyConfig }

// NewProxy checks cfg's target and fills in the defaults. An error names
// the bad value.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if err := checkTarget(cfg.Target); err != nil {
		return nil, err
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &Dialer{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Proxy{cfg: cfg}, nil
}

// withSettings is p with other proxy settings (a Suite learns them only
// when it runs).
func (p *Proxy) withSettings(s *Settings) *Proxy {
	q := *p
	q.cfg.Settings = s
	return &q
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
// same time and emits what it found: one result, with seq 0, whose Detail
// is a *ProxyDetail.
func (p *Proxy) Run(ctx context.Context, emit report.Emit) { emit(0, p.measure(ctx)) }

func (p *Proxy) measure(ctx context.Context) report.Result {
	start := time.Now()
	dec, pacErr := p.cfg.Settings.Decide(ctx, TargetURL(p.cfg.Target))
	var direct, viaProxy *outcome
	var wg sync.WaitGroup
	wg.Go(func() { direct = p.tryDirect(ctx) })
	if hops := proxyHops(dec.Hops); len(hops) > 0 {
		wg.Go(func() { viaProxy = p.tryProxies(ctx, hops) })
	}
	wg.Wait()
	res := proxyVerdict(direct, viaProxy)
	if viaProxy != nil && viaProxy.ans != nil && res.Observed != vocab.ProxyDirect {
		res.ReportedBy = hostOfAddr(viaProxy.addr) // the proxy said so
	}
	res.ID, res.Check, res.Target, res.Layer = "proxy/"+p.cfg.Target, vocab.CheckProxy, p.cfg.Target, vocab.LayerProxy
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
		// an attempt's observed state is the way it took ("DIRECT",
		// "PROXY host:port")
		a := report.Attempt{N: len(as) + 1, Observed: vocab.Observed(o.hop.String()), DurationMS: report.MS(o.dur), ReportedBy: hostOfAddr(o.addr)}
		if o.ok {
			a.Reason, a.RTTMS = vocab.ReasonConnected, report.Float(report.MS(o.dur))
		} else {
			a.Reason, a.Failure = vocab.ReasonFailed, report.Str(outcomeFailure(o))
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
func outcomeFailure(o *outcome) vocab.Failure {
	switch {
	case o.ans != nil && o.ans.AuthRequired:
		return vocab.FailureProxyAuthRequired
	case o.ans != nil && !o.ans.Granted():
		return vocab.FailureProxyDenied
	}
	return classify(o.err)
}
