package exporter

import (
	"context"
	"net"
	"net/netip"
	"strconv"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// splitTarget parses host[:port] ([v6]:port for IPv6), with port def when
// none is given.
func splitTarget(target string, def uint16) (host string, port uint16, err error) {
	if h, p, err := net.SplitHostPort(target); err == nil {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 || h == "" {
			return "", 0, badTarget("target %q: want host or host:port with a port 1-65535", target)
		}
		if ip, err := netip.ParseAddr(h); err == nil && !probe.ValidZone(ip.Zone()) {
			return "", 0, badTarget("target %q: the zone is not an interface name", target)
		}
		return h, uint16(n), nil
	}
	if ip, err := netip.ParseAddr(target); err == nil {
		if !probe.ValidZone(ip.Zone()) {
			return "", 0, badTarget("target %q: the zone is not an interface name", target)
		}
		return ip.String(), def, nil
	}
	if target == "" || net.ParseIP(target) == nil && !validName(target) {
		return "", 0, badTarget("target %q: want host or host:port", target)
	}
	return target, def, nil
}

// pinHost allows host by name, by address, or by resolving it (every
// address must be allowed). A resolved name is pinned to its first
// address with a connect-to rule, so the probe cannot be steered
// elsewhere by a second lookup. The dialer's guard holds every connection
// of the probe (to the target, a proxy, a PAC file's host) to an address
// in the allowlist's networks or a public one: never an internal address
// the allowlist does not name.
func pinHost(ctx context.Context, lookup func(context.Context, string) ([]netip.Addr, error), allow *Allowlist, host string, port uint16) (*proxyprobe.Dialer, error) {
	target := net.JoinHostPort(host, strconv.Itoa(int(port)))
	guard := connectGuard(allow)
	if allow.AllowsHost(host) {
		return &proxyprobe.Dialer{Guard: guard}, nil
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil, notAllowed(target)
	}
	addrs, err := lookup(ctx, host)
	if err != nil || len(addrs) == 0 || !allAllowed(allow, addrs) {
		return nil, notAllowed(target)
	}
	p := strconv.Itoa(int(port))
	return &proxyprobe.Dialer{Rules: []proxyprobe.ConnectTo{{Host: host, Port: p, ToHost: addrs[0].String(), ToPort: p}}, Guard: guard}, nil
}

// connectGuard allows the addresses of allow's networks and public
// addresses (status.Public).
func connectGuard(allow *Allowlist) probe.AddrGuard {
	return func(a netip.Addr) bool { return allow.AllowsAddr(a) || status.Public(a) }
}

// planHostPort parses a host[:port] target (port def when none is given)
// and pins it under the allowlist; it returns "host:port" and the dialer
// that keeps the probe on the allowed address.
func planHostPort(ctx context.Context, target string, def uint16, lookup func(context.Context, string) ([]netip.Addr, error), allow *Allowlist) (string, *proxyprobe.Dialer, error) {
	host, port, err := splitTarget(target, def)
	if err != nil {
		return "", nil, err
	}
	d, err := pinHost(ctx, lookup, allow, host, port)
	if err != nil {
		return "", nil, err
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port))), d, nil
}

func validName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return len(s) <= 253
}

// notRun is the result of a check that could not be attempted: the
// probe refused the module's settings, the operation it would have
// started with failed.
func notRun(check vocab.Check, id, target string, err error) report.Result {
	r := report.Result{ID: id, Check: check, Target: target, Status: report.StatusError, Observed: notRunOf[check]}
	r.SetFailure(probe.Classify(err), firstOp[check])
	return r
}

// notRunOf and firstOp are the not_run state and the first operation of
// the checks a module can fail to build.
var (
	notRunOf = map[vocab.Check]vocab.Observed{vocab.CheckTCP: vocab.TCPNotRun, vocab.CheckPath: vocab.PathNotRun,
		vocab.CheckDNS: vocab.DNSNotRun, vocab.CheckTLS: vocab.TLSNotRun, vocab.CheckProxy: vocab.ProxyNotRun, vocab.CheckMedia: vocab.MediaNotRun}
	firstOp = map[vocab.Check]vocab.Operation{vocab.CheckTCP: vocab.OpConnect, vocab.CheckPath: vocab.OpRouteLookup,
		vocab.CheckDNS: vocab.OpDNSRoundTrip, vocab.CheckTLS: vocab.OpTLSHandshake, vocab.CheckProxy: vocab.OpProxyConnect, vocab.CheckMedia: vocab.OpMediaStream}
)

// runOne runs a probe that emits one result (seq 0) and returns it as an
// outcome's results.
func runOne(ctx context.Context, p interface {
	Run(context.Context, report.Emit)
}) []report.Result {
	var rs []report.Result
	p.Run(ctx, func(_ int, r report.Result) { rs = append(rs, r) })
	return rs
}
