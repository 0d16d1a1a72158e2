package proxyprobe

import (
	"context"
	"crypto/x509"
	"net"
	"time"
)

// route is how a check reached its target.
type route struct {
	conn net.Conn
	hop  Hop
	addr string // the address dialled (proxy or target, after the rules)
}

// openRoute connects to target ("host:port") as a client following cfg
// would get there: directly when that works, else through each configured
// proxy in turn. Each attempt gets timeout. On failure it returns the last
// attempt's error and the hop it was.
func openRoute(ctx context.Context, d *Dialer, cfg *Settings, proxyRoots *x509.CertPool, target string, timeout time.Duration) (route, error) {
	dctx, cancel := context.WithTimeout(ctx, timeout)
	conn, err := d.DialContext(dctx, target)
	cancel()
	if err == nil {
		return route{conn: conn, hop: Hop{Kind: HopDirect}, addr: d.Rewrite(target)}, nil
	}
	last := route{hop: Hop{Kind: HopDirect}, addr: d.Rewrite(target)}
	dec, _ := cfg.Decide(ctx, TargetURL(target))
	for _, h := range proxyHops(dec.Hops) {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		c, ans, perr := tunnel(pctx, d, proxyRoots, h, target)
		cancel()
		last = route{hop: h, addr: d.Rewrite(h.Addr)}
		if c != nil {
			last.conn = c
			return last, nil
		}
		if perr == nil && ans != nil {
			perr = &refusedError{ans}
		}
		err = perr
	}
	return last, err
}

// refusedError is a proxy's refusal met while routing another check.
type refusedError struct{ ans *ProxyAnswer }

func (e *refusedError) Error() string { return "the proxy refused the tunnel" }
