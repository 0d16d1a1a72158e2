package proxyprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// maxPACEval bounds one FindProxyForURL call: PAC files are small programs,
// and one that loops or waits on DNS for longer would stall a browser too.
const maxPACEval = 3 * time.Second

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
// evaluations are serialised.
type PAC struct {
	mu   sync.Mutex
	vm   *goja.Runtime
	find goja.Callable
	opt  PACOptions
	ctx  context.Context // of the evaluation in progress, for the helpers
}

// CompilePAC runs a PAC file's top level and finds FindProxyForURLEx (the
// IPv6-aware variant, preferred when present) or FindProxyForURL. The
// top level gets maxPACEval to finish.
func CompilePAC(ctx context.Context, src string, opt PACOptions) (*PAC, error) {
	if len(src) > maxPACBytes {
		return nil, &errPAC{fmt.Errorf("file exceeds %d bytes", maxPACBytes)}
	}
	p := &PAC{vm: goja.New(), opt: opt}
	p.installHelpers()
	if _, err := p.run(ctx, func() (goja.Value, error) { return p.vm.RunString(pacPrelude) }); err != nil {
		return nil, &errPAC{fmt.Errorf("prelude: %w", err)}
	}
	if _, err := p.run(ctx, func() (goja.Value, error) { return p.vm.RunScript("proxy.pac", src) }); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("PAC top level: %w", err)
		}
		return nil, &errPAC{err}
	}
	for _, name := range []string{"FindProxyForURLEx", "FindProxyForURL"} {
		if fn, ok := goja.AssertFunction(p.vm.Get(name)); ok {
			p.find = fn
			return p, nil
		}
	}
	return nil, &errPAC{errors.New("no FindProxyForURL function")}
}

// run calls f with the evaluation context set and an interrupt armed for
// ctx's end or maxPACEval, whichever comes first.
func (p *PAC) run(ctx context.Context, f func() (goja.Value, error)) (goja.Value, error) {
	ctx, cancel := context.WithTimeout(ctx, maxPACEval)
	defer cancel()
	p.ctx = ctx
	stop := context.AfterFunc(ctx, func() { p.vm.Interrupt(context.DeadlineExceeded) })
	defer func() {
		stop()
		p.vm.ClearInterrupt()
		p.ctx = nil
	}()
	v, err := f()
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return nil, fmt.Errorf("evaluation interrupted: %w", context.DeadlineExceeded)
	}
	return v, err
}

// FindProxy evaluates the PAC for rawURL and returns its raw answer, e.g.
// "PROXY a:1; DIRECT". Errors are PAC failures (FailurePACInvalid) or the
// evaluation deadline.
func (p *PAC) FindProxy(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("PAC target %q: %w", rawURL, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	v, err := p.run(ctx, func() (goja.Value, error) {
		return p.find(goja.Undefined(), p.vm.ToValue(rawURL), p.vm.ToValue(u.Hostname()))
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", err
		}
		return "", &errPAC{err}
	}
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return "", nil
	}
	return v.String(), nil
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
	ctx := p.ctx
	if ctx == nil {
		ctx = context.Background()
	}
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
