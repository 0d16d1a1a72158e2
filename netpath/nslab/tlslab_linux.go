package nslab

import (
	"fmt"
	"net"
	"strconv"
)

// NewTLSLab builds the TLSLab topology and loads the routers' rules, and
// returns once every link is up. Nothing listens yet: the caller serves
// Port at the server addresses (NS.Listen in Far and Near) and the relays
// at SNIResetRelay and SNIDropRelay (in R1). Close it to tear everything
// down; on error, everything built so far has already been removed.
func NewTLSLab() (*TLSLab, error) {
	lab, err := New()
	if err != nil {
		return nil, err
	}
	p := newTLSLabFields(lab)
	for _, step := range []func() error{p.addNamespaces, p.wire, p.routeAll, p.configure} {
		if err := step(); err != nil {
			p.Close()
			return nil, fmt.Errorf("nslab: tls lab: %w", err)
		}
	}
	return p, nil
}

// newTLSLabFields fills in the address plan.
func newTLSLabFields(lab *Lab) *TLSLab {
	relay := func(port int) string { return net.JoinHostPort(tlR1Client, strconv.Itoa(port)) }
	return &TLSLab{
		Lab:        lab,
		ClientAddr: tlClient, ClientAddrV6: tlClient6,
		Hop1: tlR1Client, Hop1V6: tlR1Client6, Hop2: tlR2R1, Hop2V6: tlR2R16,
		Clean: tlClean, CleanV6: tlClean6, BigChain: tlBig, BigChainV6: tlBig6,
		SNIReset: tlSNIReset, SNIDrop: tlSNIDrop,
		SNIResetRelay: relay(tlResetRelay), SNIDropRelay: relay(tlDropRly),
		HardReset: tlHardReset, HardDrop: tlHardDrop,
		Port: tlPort, SmallMTU: tlSmallMTU, LinkMTU: tlLinkMTU,
	}
}

// addNamespaces creates the five namespaces.
func (p *TLSLab) addNamespaces() error {
	return p.Lab.addAll([]nsSlot{{&p.Client, "client"}, {&p.R1, "r1"}, {&p.R2, "r2"}, {&p.Far, "far"}, {&p.Near, "near"}})
}

// wire links Client–R1–R2–Far and R1–Near, and lowers the R1–R2 MTU at
// both ends.
func (p *TLSLab) wire() error {
	near := []string{tlClean6 + "/64"}
	for _, a := range []string{tlClean, tlSNIReset, tlSNIDrop, tlHardReset, tlHardDrop} {
		near = append(near, a+"/24")
	}
	if err := p.Lab.linkAll([]veth{
		{p.Client, tlIfClientR1, cidrs(tlClient, tlClient6), p.R1, tlIfR1Client, cidrs(tlR1Client, tlR1Client6)},
		{p.R1, tlIfR1R2, cidrs(tlR1R2, tlR1R26), p.R2, tlIfR2R1, cidrs(tlR2R1, tlR2R16)},
		{p.R2, tlIfR2Far, cidrs(tlR2Far, tlR2Far6), p.Far, tlIfFarR2, cidrs(tlBig, tlBig6)},
		{p.R1, tlIfR1Near, cidrs(tlR1Near, tlR1Near6), p.Near, tlIfNearR1, near},
	}); err != nil {
		return err
	}
	if err := p.R1.setMTU(tlIfR1R2, tlSmallMTU); err != nil {
		return err
	}
	return p.R2.setMTU(tlIfR2R1, tlSmallMTU)
}

// routeAll installs every namespace's routes.
func (p *TLSLab) routeAll() error {
	for _, r := range []struct {
		ns       *NS
		dst, via string
	}{
		{p.Client, tlNet4, tlR1Client}, {p.Client, tlNet6, tlR1Client6},
		{p.R1, tlFarNet4, tlR2R1}, {p.R1, tlFarNet6, tlR2R16},
		{p.R2, tlCliNet4, tlR1R2}, {p.R2, tlCliNet6, tlR1R26},
		{p.Far, "default", tlR2Far}, {p.Far, "default", tlR2Far6},
		{p.Near, "default", tlR1Near}, {p.Near, "default", tlR1Near6},
	} {
		if err := r.ns.Route(r.dst, r.via); err != nil {
			return err
		}
	}
	return nil
}

// configure turns forwarding on in the routers, loads their rules, and
// keeps the ends' TCP from detecting the black hole on its own; Far
// answers every datagram to a closed port (the path-MTU probe's answer)
// without a rate limit.
func (p *TLSLab) configure() error {
	for _, r := range []*NS{p.R1, p.R2} {
		if err := r.EnableForwarding(); err != nil {
			return err
		}
		if err := r.Nft(tlsICMPRuleset); err != nil {
			return err
		}
	}
	if err := p.R1.Nft(tlsFirewallRuleset()); err != nil {
		return err
	}
	for _, end := range []*NS{p.Client, p.Far} {
		if err := end.Sysctl("net.ipv4.tcp_mtu_probing", "0"); err != nil {
			return err
		}
	}
	return p.Far.sysctls([][2]string{
		{"net.ipv4.icmp_ratelimit", "0"}, {"net.ipv4.icmp_ratemask", "0"}, {"net.ipv6.icmp.ratelimit", "0"},
	})
}
