package nslab

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
)

// NewSynproxyLab builds the SynproxyLab topology, loads R's synproxy and
// S's rules, starts the listeners, and returns once every address is ready
// to probe. Close it to tear everything down; on error, everything built
// so far has already been removed. When the kernel has no nftables
// synproxy, the error wraps ErrNoSynproxy.
func NewSynproxyLab() (*SynproxyLab, error) {
	lab, err := New()
	if err != nil {
		return nil, err
	}
	p := &SynproxyLab{
		Lab: lab, ClientAddr: slClient, ClientAddrV6: slClient6,
		Hop1: slRClient, Hop1V6: slRClient6, Hop2: slSR, Hop2V6: slSR6, RoomHops: 2, FarHops: 3,
		Refused: slRefused, RefusedV6: slRefused6, NoHost: slNoHost, NoHostV6: slNoHost6,
		Proxied: slProxied, ProxiedV6: slProxied6, BehindSilent: slBehindSilent, BehindSilentV6: slBehind6,
		RejectedBehindSilent: slRejectedSilent, Port: labPort, OtherPort: labOtherPort,
	}
	steps := []func() error{p.addNamespaces, p.wire, p.routeAll, p.configure, p.listen}
	for _, step := range steps {
		if err := step(); err != nil {
			p.Close()
			return nil, fmt.Errorf("nslab: synproxy lab: %w", err)
		}
	}
	return p, nil
}

// addNamespaces creates the five namespaces.
func (p *SynproxyLab) addNamespaces() error {
	return p.Lab.addAll([]nsSlot{{&p.Client, "client"}, {&p.R, "r"}, {&p.Room, "room"}, {&p.S, "s"}, {&p.Far, "far"}})
}

// wire links Client–R, R–Room, R–S and S–Far.
func (p *SynproxyLab) wire() error {
	if err := p.Lab.linkAll([]veth{
		{p.Client, slIfClientR, cidrs(slClient, slClient6), p.R, slIfRClient, cidrs(slRClient, slRClient6)},
		{p.R, slIfRRoom, cidrs(slRRoom, slRRoom6), p.Room, slIfUp, append(cidrs(slRefused, slRefused6), cidrs(slProxied, slProxied6)...)},
		{p.R, slIfRS, cidrs(slRS, slRS6), p.S, slIfSR, cidrs(slSR, slSR6)},
		{p.S, slIfSFar, cidrs(slSFar, slSFar6), p.Far, slIfUp, append(cidrs(slBehindSilent, slBehind6), slRejectedSilent+"/24")},
	}); err != nil {
		return err
	}
	return nil
}

// routeAll installs every namespace's routes.
func (p *SynproxyLab) routeAll() error {
	routes := []struct {
		ns       *NS
		dst, via string
	}{
		{p.Client, slNet4, slRClient}, {p.Client, slNet6, slRClient6},
		{p.R, slFarNet, slSR}, {p.R, slFarNet6, slSR6},
		{p.S, "default", slRS}, {p.S, "default", slRS6},
		{p.Room, "default", slRRoom}, {p.Room, "default", slRRoom6},
		{p.Far, "default", slSFar}, {p.Far, "default", slSFar6},
	}
	for _, r := range routes {
		if err := r.ns.Route(r.dst, r.via); err != nil {
			return err
		}
	}
	return nil
}

// configure turns forwarding on in R and S, loads the synproxy into R
// (after making sure the kernel has it) and S's rules, and turns off
// conntrack's pick-up of connections it did not see start, which the
// synproxy needs (the client's ACK must be invalid to reach it).
func (p *SynproxyLab) configure() error {
	for _, r := range []*NS{p.R, p.S} {
		if err := r.EnableForwarding(); err != nil {
			return err
		}
	}
	if err := p.R.haveSynproxy(); err != nil {
		return err
	}
	if err := p.R.Nft(synproxyRuleset()); err != nil {
		return err
	}
	if err := p.R.Sysctl("net.netfilter.nf_conntrack_tcp_loose", "0"); err != nil {
		return err
	}
	return p.S.Nft(silentRuleset())
}

// haveSynproxy loads the synproxy modules where the kernel has them as
// modules (modprobe, best effort), then asks nft to accept one synproxy
// rule; its refusal is ErrNoSynproxy.
func (n *NS) haveSynproxy() error {
	if path, err := exec.LookPath("modprobe"); err == nil {
		for _, m := range []string{"nf_synproxy", "nft_synproxy"} {
			_ = exec.CommandContext(context.Background(), path, "-q", m).Run()
		}
	}
	if err := n.Nft(synproxyProbeRuleset); err != nil {
		return fmt.Errorf("%w: %v", ErrNoSynproxy, err)
	}
	return nil
}

// listen starts the listeners: Port at Proxied and BehindSilent (and
// their IPv6 addresses), OtherPort at every Room and Far address. Refused
// has no listener on Port.
func (p *SynproxyLab) listen() error {
	port, other := strconv.Itoa(labPort), strconv.Itoa(labOtherPort)
	servers := []struct {
		ns   *NS
		addr string
	}{{p.Room, ":" + other}, {p.Far, ":" + other}}
	for _, s := range []struct {
		ns   *NS
		addr string
	}{{p.Room, slProxied}, {p.Room, slProxied6}, {p.Far, slBehindSilent}, {p.Far, slBehind6}} {
		servers = append(servers, struct {
			ns   *NS
			addr string
		}{s.ns, net.JoinHostPort(s.addr, port)})
	}
	for _, s := range servers {
		ln, err := s.ns.Listen("tcp", s.addr)
		if err != nil {
			return fmt.Errorf("listen %s in %s: %w", s.addr, s.ns.Name, err)
		}
		p.servers.Go(func() { acceptAndClose(ln) })
	}
	return nil
}
