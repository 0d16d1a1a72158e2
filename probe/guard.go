package probe

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/roompath/roompath/probe/vocab"
)

// AddrGuard decides, at connect time, whether an address may be dialled:
// the exporter holds every connection of a probe (each hop of a redirect,
// each address a name resolves to) to its allowlist this way. A nil
// AddrGuard allows every address.
type AddrGuard func(addr netip.Addr) bool

// Check returns a classified address_not_allowed error when g refuses the
// address of hostport ("ip:port" or a bare address); nil when g is nil or
// allows it. A hostport that is not an address is refused: a guard sees
// only what is about to be connected, after resolution.
func (g AddrGuard) Check(hostport string) error {
	if g == nil {
		return nil
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err == nil && g(addr.Unmap().WithZone("")) {
		return nil
	}
	return &Error{Failure: vocab.FailureAddrNotAllowed, Operation: vocab.OpConnect,
		Err: fmt.Errorf("connection to %s refused: not in the allowlist", hostport)}
}

// Control returns a net.Dialer Control function that applies g to the
// address being connected, then calls next (nil: nothing more). With a nil
// g it returns next unchanged.
func (g AddrGuard) Control(next func(network, address string, c syscall.RawConn) error) func(network, address string, c syscall.RawConn) error {
	if g == nil {
		return next
	}
	return func(network, address string, c syscall.RawConn) error {
		if err := g.Check(address); err != nil {
			return err
		}
		if next != nil {
			return next(network, address, c)
		}
		return nil
	}
}
