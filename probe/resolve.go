package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// ResolveTimeout bounds the lookup of one name by Resolve.
const ResolveTimeout = 5 * time.Second

// ErrNoAddress is the error of a lookup that answered without an address.
// The error Resolve returns for it wraps ErrNoAddress and is classified
// dns_no_answer; Unresolved classifies any error wrapping it so.
var ErrNoAddress = errors.New("no addresses")

// Resolution is what a name resolved to.
type Resolution struct {
	// Name is the name looked up.
	Name string
	// Addrs are its addresses, ascending, IPv4-mapped IPv6 addresses
	// unmapped; never empty when Resolve returns no error.
	Addrs []netip.Addr
	// Via says where each address came from: the resolver (ADDR:PORT)
	// whose reply carried it, or ViaSystem when no reply seen here did
	// (the hosts file, or a platform resolver that asks for itself).
	Via map[netip.Addr]string
}

// ViaSystem is Resolution.Via of an address that no DNS reply seen by
// Resolve carried: the hosts file, or the platform's own resolver.
const ViaSystem = "system"

// ViaOf returns where a came from, or "" when a is not one of the
// resolution's addresses.
func (r Resolution) ViaOf(a netip.Addr) string { return r.Via[a] }

// Resolve returns every address (IPv4 and IPv6) of host through the
// system resolver, bounded by ResolveTimeout. A name without an address
// is an error wrapping ErrNoAddress, classified vocab.FailureDNSNoAnswer.
func Resolve(ctx context.Context, host string) (Resolution, error) {
	w := &replyWatch{}
	r := &net.Resolver{Dial: w.dial}
	res, err := resolveWith(ctx, r.LookupNetIP, host)
	res.Via = w.via(res.Addrs)
	return res, err
}

// resolveWith is Resolve with the lookup as a seam for tests.
func resolveWith(ctx context.Context, lookup func(context.Context, string, string) ([]netip.Addr, error), host string) (Resolution, error) {
	ctx, cancel := context.WithTimeout(ctx, ResolveTimeout)
	defer cancel()
	res := Resolution{Name: host}
	addrs, err := lookup(ctx, "ip", host)
	if err != nil {
		return res, err
	}
	if len(addrs) == 0 {
		return res, &Error{Failure: vocab.FailureDNSNoAnswer, Operation: vocab.OpResolve, Err: fmt.Errorf("%s has %w", host, ErrNoAddress)}
	}
	res.Addrs = make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		res.Addrs[i] = a.Unmap()
	}
	slices.SortFunc(res.Addrs, netip.Addr.Compare)
	return res, nil
}

// Unresolved is the result of a check of name:port that could not run
// because name did not resolve (err, from Resolve or a lookup): observed
// "unresolved", a failure of the resolve step at the DNS layer. It fails,
// except for a must-not-reach check (expect ExpectBlocked), which passes.
// hint is the caller's advice; empty means the usual one (check the name,
// the search domain and the resolver).
func Unresolved(check vocab.Check, name string, port uint16, err error, expect string, hint string) report.Result {
	target := net.JoinHostPort(name, strconv.Itoa(int(port)))
	st := report.StatusFail
	if expect == ExpectBlocked {
		st = report.StatusPass
	}
	failure := Classify(err)
	if errors.Is(err, ErrNoAddress) {
		failure = vocab.FailureDNSNoAnswer
	}
	if hint == "" {
		hint = fmt.Sprintf("%s does not resolve from here: check the name, the search domain and the resolver (run dnscheck %s).", name, name)
	}
	observed := vocab.TCPUnresolved
	if check == vocab.CheckPath {
		observed = vocab.PathUnresolved
	}
	return report.Result{
		ID: string(check) + "/" + target, Check: check, Target: target, Status: st, Expect: expect,
		Observed: observed, Failure: report.Str(failure), Operation: report.Str(vocab.OpResolve),
		Layer: vocab.LayerDNS, Hint: hint,
	}
}
