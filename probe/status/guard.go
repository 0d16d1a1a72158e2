package status

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
)

// Guard holds every connection of a status probe to an allowlist (the
// exporter's): the first URL, each hop of a redirect, each address a name
// resolves to at connect time, and the proxy.
//
// A connection for a host allowed by name (Name) may go to an address
// Addr allows or to a public address; one for any other host only to an
// address Addr allows. Through a proxy (which resolves the names itself)
// a request's host must be allowed by name or be an address Addr allows.
// A refused connection is the classified failure address_not_allowed,
// operation connect; nothing of the refused host is read.
type Guard struct {
	// Addr allows addresses by network (the allowlist's CIDRs); nil
	// allows none that way.
	Addr probe.AddrGuard
	// Name reports whether a host name is allowed by name; nil allows
	// none.
	Name func(host string) bool
	// Resolve resolves a name at connect time; nil means the system
	// resolver. Tests point names at loopback addresses with it.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// allowsName reports whether host is a name allowed by name.
func (g *Guard) allowsName(host string) bool {
	_, err := netip.ParseAddr(host)
	return err != nil && g.Name != nil && g.Name(host)
}

// allowsAddr reports whether a connection may go to a, for a host allowed
// by name or not.
func (g *Guard) allowsAddr(a netip.Addr, byName bool) bool {
	a = a.Unmap().WithZone("")
	return g.Addr != nil && g.Addr(a) || byName && Public(a)
}

// allowsHost reports whether a request for host may go through a proxy.
func (g *Guard) allowsHost(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return g.allowsAddr(a, false)
	}
	return g.allowsName(host)
}

// refused is the classified error of a connection the guard refuses.
func refused(hostport string) error {
	return probe.AddrGuard(func(netip.Addr) bool { return false }).Check(hostport)
}

// nonPublic are the IPv4 networks that are not public besides those
// netip's predicates name: this network, shared address space (CGNAT),
// IETF protocol assignments, benchmarking and the reserved 240/4.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"), netip.MustParsePrefix("64:ff9b:1::/48"),
}

// Public reports whether a is a globally routable unicast address: not
// loopback, private, link-local, shared (CGNAT), reserved or multicast.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// dial connects to addr ("host:port"), refusing every address the guard
// does not allow for host.
func (g *Guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	byName := g.allowsName(host)
	check := probe.AddrGuard(func(a netip.Addr) bool { return g.allowsAddr(a, byName) })
	d := net.Dialer{Control: check.Control(nil)}
	if _, err := netip.ParseAddr(host); err == nil || g.Resolve == nil {
		return d.DialContext(ctx, network, addr)
	}
	addrs, err := g.Resolve(ctx, host)
	if err != nil || len(addrs) == 0 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	var first error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		first = cmpErr(first, err)
	}
	return nil, first
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// newTransport returns the transport of a probe: a clone of base (nil:
// http.DefaultTransport) that checks every answer's head (headConn), reads
// one request per connection, and, with a guard, holds every connection
// to it. A base that is not an *http.Transport is used as it is, and
// cannot carry a guard.
func newTransport(base http.RoundTripper, g *Guard) (http.RoundTripper, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	t, ok := base.(*http.Transport)
	if !ok {
		if g != nil {
			return nil, errors.New("status: a Guard needs an *http.Transport")
		}
		return base, nil
	}
	t = t.Clone()
	t.DisableKeepAlives = true
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	t.MaxResponseHeaderBytes = 2 * maxHead
	dial := (&net.Dialer{}).DialContext
	if g != nil {
		dial = g.dial
	}
	var raw sync.Map // proxies whose stream is not HTTP (SOCKS): not checked
	proxy := t.Proxy
	t.Proxy = func(req *http.Request) (*url.URL, error) {
		return checkProxy(proxy, req, g, &raw)
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if _, skip := raw.Load(addr); err != nil || skip {
			return c, err
		}
		return newHeadConn(c), nil
	}
	tlsConf := t.TLSClientConfig
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialTLS(ctx, dial, tlsConf, network, addr)
	}
	return t, nil
}

// checkProxy asks the configured proxy function about req; with a guard,
// a request through a proxy must be for a host the guard allows.
func checkProxy(proxy func(*http.Request) (*url.URL, error), req *http.Request, g *Guard, raw *sync.Map) (*url.URL, error) {
	if proxy == nil {
		return nil, nil
	}
	u, err := proxy(req)
	if err != nil || u == nil {
		return u, err
	}
	if g != nil && !g.allowsHost(req.URL.Hostname()) {
		return nil, refused(req.URL.Host)
	}
	if u.Scheme == "socks5" || u.Scheme == "socks5h" {
		port := u.Port()
		if port == "" {
			port = "1080"
		}
		raw.Store(net.JoinHostPort(u.Hostname(), port), true)
	}
	return u, nil
}

// dialTLS connects, completes the handshake itself and checks the head
// under TLS, where it is plaintext.
func dialTLS(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), base *tls.Config, network, addr string) (net.Conn, error) {
	c, err := dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(addr)
	cfg := base.Clone()
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return newHeadConn(tc), nil
}

// checkRedirect re-checks each hop: an address the guard does not allow
// is refused before it is dialled (a name is held at connect time).
func checkRedirect(g *Guard, req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return ErrTooManyRedirects
	}
	if g == nil {
		return nil
	}
	if a, err := netip.ParseAddr(req.URL.Hostname()); err == nil && !g.allowsAddr(a, false) {
		return refused(req.URL.Host)
	}
	return nil
}

// errOperation is the operation a classified error names, if it does.
func errOperation(err error) (vocab.Failure, vocab.Operation, bool) {
	var pe *probe.Error
	if errors.As(err, &pe) && pe.Operation != "" {
		return pe.Failure, pe.Operation, true
	}
	return "", "", false
}
