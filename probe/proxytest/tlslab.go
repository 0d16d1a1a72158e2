package proxytest

import (
	"fmt"
	"net"
	"strconv"

	"github.com/roompath/roompath/netpath/nslab"
)

// TLSLabIntermediates is the length of BigChain's intermediate line: four
// ECDSA intermediates and the leaf make a chain of about 2 KB, so the
// server flight needs full-sized segments, as a real service's RSA chain
// does.
const TLSLabIntermediates = 4

// TLSLabFiltered are the hosts the lab's SNI relays stop, with their
// subdomains.
var TLSLabFiltered = []string{"zoom.us", "zoom.com"}

// TLSLabServers are the servers of an nslab.TLSLab, started by
// ServeTLSLab; Close stops them.
type TLSLabServers struct {
	// Genuine is the root every origin in the lab chains to: the roots
	// the checks expect (TLSConfig.Roots, proxycheck --ca).
	Genuine *CA
	// BigChain is the origin served at the lab's BigChain addresses.
	BigChain *ChainOrigin
	cleanups []func()
}

// ServeTLSLab starts the lab's servers: a TLSOrigin of Genuine on Port at
// Clean, CleanV6, SNIReset, SNIDrop, HardReset and HardDrop (in Near); a
// ChainOrigin of Genuine with TLSLabIntermediates intermediates at
// BigChain and BigChainV6 (in Far); and in R1 the SNIFilter relays
// for TLSLabFiltered at SNIResetRelay (resets) and SNIDropRelay (drops),
// passing other names on to SNIReset and SNIDrop. On error, whatever
// started is stopped.
func ServeTLSLab(l *nslab.TLSLab) (*TLSLabServers, error) {
	genuine, err := NewCA("Roompath TLS Lab Root G2", "Roompath Lab PKI")
	if err != nil {
		return nil, err
	}
	big, err := NewChainOrigin(genuine, TLSLabIntermediates)
	if err != nil {
		return nil, err
	}
	s := &TLSLabServers{Genuine: genuine, BigChain: big}
	port := strconv.Itoa(l.Port)
	origin := TLSOrigin{CA: genuine}.Serve
	listeners := []struct {
		ns    *nslab.NS
		addr  string
		serve func(net.Listener) func()
	}{
		{l.Near, l.Clean, origin}, {l.Near, l.CleanV6, origin}, {l.Near, l.SNIReset, origin},
		{l.Near, l.SNIDrop, origin}, {l.Near, l.HardReset, origin}, {l.Near, l.HardDrop, origin},
		{l.Far, l.BigChain, big.Serve}, {l.Far, l.BigChainV6, big.Serve},
	}
	for _, ln := range listeners {
		if err := s.listen(ln.ns, net.JoinHostPort(ln.addr, port), ln.serve); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.relays(l, port); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// relays starts the two SNI relays in R1.
func (s *TLSLabServers) relays(l *nslab.TLSLab, port string) error {
	for _, r := range []struct {
		at, upstream string
		drop         bool
	}{{l.SNIResetRelay, l.SNIReset, false}, {l.SNIDropRelay, l.SNIDrop, true}} {
		f := SNIFilter{Upstream: net.JoinHostPort(r.upstream, port), Names: TLSLabFiltered, Drop: r.drop, Dial: l.R1.Dial}
		if err := s.listen(l.R1, r.at, f.Serve); err != nil {
			return err
		}
	}
	return nil
}

func (s *TLSLabServers) listen(ns *nslab.NS, addr string, serve func(net.Listener) func()) error {
	ln, err := ns.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("proxytest: listen %s in %s: %w", addr, ns.Name, err)
	}
	s.cleanups = append(s.cleanups, serve(ln))
	return nil
}

// Close stops every server; the lab's Close removes the namespaces.
func (s *TLSLabServers) Close() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	s.cleanups = nil
}
