package proxyprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
)

// maxPACBytes caps a PAC file; real ones are a few KiB to a few hundred.
const maxPACBytes = 1 << 20

// PACOptions are the seams of the PAC helper functions.
type PACOptions struct {
	// Lookup resolves names for dnsResolve, isResolvable and isInNet; nil
	// means the system resolver.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// MyIP returns this host's address for myIpAddress; nil means the
	// source address of a route toward a public address (found with an
	// unconnected UDP socket: no packet is sent).
	MyIP func() netip.Addr
}

// PAC is a compiled proxy auto-config file. It is safe for concurrent use;
// evaluations are serialised. Every evaluation runs under the limits of
// pacguard.go; a PAC that exceeded one fails every later call at once.
type PAC struct {
	sem  chan struct{} // held by the evaluation in progress
	vm   *goja.Runtime
	find goja.Callable
	opt  PACOptions
	// of the evaluation in progress, for the helpers
	ctx      context.Context
	lookups  int
	lookupNS int64 // time spent in name lookups, atomic
	// spent is the JavaScript time used so far, against pacBudget.
	spent time.Duration
	// limit is the sticky error of a PAC that exceeded its limits.
	limit atomic.Pointer[error]
}

// CompilePAC runs a PAC file's top level and finds FindProxyForURLEx (the
// IPv6-aware variant, preferred when present) or FindProxyForURL. The
// top level runs within ctx and the PAC's limits: an error is a PAC
// failure (pac_invalid), a limit (pac_limit_exceeded) or ctx's end.
func CompilePAC(ctx context.Context, src string, opt PACOptions) (*PAC, error) {
	if len(src) > maxPACBytes {
		return nil, &errPAC{fmt.Errorf("file exceeds %d bytes", maxPACBytes)}
	}
	p := &PAC{sem: make(chan struct{}, 1), vm: goja.New(), opt: opt}
	p.vm.SetMaxCallStackSize(pacMaxStack)
	p.installHelpers()
	err := p.do(ctx, func() error {
		if _, err := p.vm.RunString(pacHarden + pacPrelude); err != nil {
			return fmt.Errorf("prelude: %w", err)
		}
		if _, err := p.vm.RunScript("proxy.pac", src); err != nil {
			return err
		}
		for _, name := range []string{"FindProxyForURLEx", "FindProxyForURL"} {
			if fn, ok := goja.AssertFunction(p.vm.Get(name)); ok {
				p.find = fn
				return nil
			}
		}
		return errors.New("no FindProxyForURL function")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// do takes the PAC's turn (or gives up when ctx ends first) and evaluates
// f under the limits.
func (p *PAC) do(ctx context.Context, f func() error) error {
	if err := p.limit.Load(); err != nil {
		return *err
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return ctxLimit(ctx)
	}
	defer func() { <-p.sem }()
	return p.evaluate(ctx, f)
}

// FindProxy evaluates the PAC for rawURL and returns its raw answer, e.g.
// "PROXY a:1; DIRECT". Errors are PAC failures (pac_invalid), its limits
// (pac_limit_exceeded) or ctx's end.
func (p *PAC) FindProxy(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("PAC target %q: %w", truncate(rawURL, 64), err)
	}
	var answer string
	err = p.do(ctx, func() error {
		v, err := p.find(goja.Undefined(), p.vm.ToValue(rawURL), p.vm.ToValue(u.Hostname()))
		if err != nil {
			return err
		}
		answer, err = answerString(v)
		return err
	})
	return answer, err
}

// Hops evaluates the PAC for rawURL and parses the answer.
func (p *PAC) Hops(ctx context.Context, rawURL string) (answer string, hops []Hop, err error) {
	answer, err = p.FindProxy(ctx, rawURL)
	if err != nil {
		return "", nil, err
	}
	hops, err = ParsePACResult(answer)
	return answer, hops, err
}

// lookup resolves host for the PAC helpers within the evaluation's
// deadline.
func (p *PAC) lookup(host string) []netip.Addr {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}
	}
	if p.lookups++; p.lookups > pacMaxLookups {
		p.vm.Interrupt(&errPACLimit{fmt.Sprintf("more than %d name lookups in one evaluation", pacMaxLookups)})
		return nil
	}
	ctx := p.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	defer func(start time.Time) { atomic.AddInt64(&p.lookupNS, int64(time.Since(start))) }(time.Now())
	f := p.opt.Lookup
	if f == nil {
		f = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	addrs, err := f(ctx, host)
	if err != nil {
		return nil
	}
	return addrs
}

// myIP is this host's preferred outbound address.
func (p *PAC) myIP() netip.Addr {
	if p.opt.MyIP != nil {
		return p.opt.MyIP()
	}
	// A UDP "connect" only selects a route and source address; no packet
	// leaves the host. 192.0.2.1 is TEST-NET-1.
	c, err := net.Dial("udp4", "192.0.2.1:9")
	if err != nil {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	defer c.Close()
	if ua, ok := c.LocalAddr().(*net.UDPAddr); ok {
		if a, ok := netip.AddrFromSlice(ua.IP); ok {
			return a.Unmap()
		}
	}
	return netip.AddrFrom4([4]byte{127, 0, 0, 1})
}
