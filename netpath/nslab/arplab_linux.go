package nslab

import (
	"fmt"
	"net"
	"strconv"
)

// NewProxyARPLab builds the ProxyARPLab topology, loads its nftables rules
// and sysctls, starts the listeners and returns once every address is
// ready to trace. Close it to tear everything down; on error, everything
// built so far has already been removed.
func NewProxyARPLab() (*ProxyARPLab, error) {
	lab, err := New()
	if err != nil {
		return nil, err
	}
	p := &ProxyARPLab{
		Lab: lab, ClientAddr: alClient, ClientIf: alIfWifi, GatewayAddr: alGateway, R2Addr: alR2Gw, RoomHops: 3,
		Isolated: alWifiRoom, Peer: alPeer, RoomFirewall: alFirewall, LastRouterDrop: alLastRt, EarlyDrop: alEarly,
		Port: labPort, OtherPort: labOtherPort,
	}
	steps := []func() error{p.addNamespaces, p.wireAP, p.wireRouted, p.routeAll, p.configure, p.listen, p.readMACs}
	for _, step := range steps {
		if err := step(); err != nil {
			p.Close()
			return nil, fmt.Errorf("nslab: proxy-ARP lab: %w", err)
		}
	}
	return p, nil
}

// addNamespaces creates the seven namespaces.
func (p *ProxyARPLab) addNamespaces() error {
	return p.Lab.addAll([]nsSlot{{&p.Client, "client"}, {&p.AP, "ap"}, {&p.Gateway, "gateway"}, {&p.WifiRoom, "wifi-room"}, {&p.WifiPeer, "wifi-peer"}, {&p.R2, "r2"}, {&p.Room, "room"}})
}

// wireAP builds the AP's bridge and its four ports; Client's and
// WifiRoom's are isolated.
func (p *ProxyARPLab) wireAP() error {
	if err := p.AP.AddBridge(alBridge, nil); err != nil {
		return err
	}
	ports := []struct {
		port     string
		ns       *NS
		addr     string
		isolated bool
	}{
		{"p-client", p.Client, alClient, true},
		{"p-room", p.WifiRoom, alWifiRoom, true},
		{"p-peer", p.WifiPeer, alPeer, false},
		{"p-gw", p.Gateway, alGateway, false},
	}
	for _, pt := range ports {
		if err := p.Lab.Link(p.AP, pt.port, nil, pt.ns, alIfWifi, []string{pt.addr + "/24"}); err != nil {
			return err
		}
		if err := p.AP.SetMaster(pt.port, alBridge); err != nil {
			return err
		}
		if err := p.AP.SetIsolated(pt.port, pt.isolated); err != nil {
			return err
		}
	}
	return p.AP.WaitReady(alBridge)
}

// wireRouted links Gateway–R2–Room.
func (p *ProxyARPLab) wireRouted() error {
	if err := p.Lab.Link(p.Gateway, alIfGwR2, []string{alGwR2 + "/24"}, p.R2, alIfR2Gw, []string{alR2Gw + "/24"}); err != nil {
		return err
	}
	room := []string{alFirewall + "/24", alLastRt + "/24", alEarly + "/24"}
	return p.Lab.Link(p.R2, alIfR2Room, []string{alR2Room + "/24"}, p.Room, alIfRoomR2, room)
}

// routeAll installs every namespace's routes.
func (p *ProxyARPLab) routeAll() error {
	routes := []struct {
		ns       *NS
		dst, via string
	}{
		{p.Client, "default", alGateway}, {p.WifiRoom, "default", alGateway}, {p.WifiPeer, "default", alGateway},
		{p.Gateway, alRoomNet, alR2Gw}, {p.R2, "default", alGwR2}, {p.Room, "default", alR2Room},
	}
	for _, r := range routes {
		if err := r.ns.Route(r.dst, r.via); err != nil {
			return err
		}
	}
	return nil
}

// configure turns forwarding on in the routers, proxy ARP on at Gateway's
// Wi-Fi interface, and loads the three rulesets.
func (p *ProxyARPLab) configure() error {
	for _, r := range []*NS{p.Gateway, p.R2} {
		if err := r.EnableForwarding(); err != nil {
			return err
		}
	}
	conf, neigh := "net/ipv4/conf/"+alIfWifi+"/", "net/ipv4/neigh/"+alIfWifi+"/"
	err := p.Gateway.sysctls([][2]string{
		{conf + "proxy_arp", "1"}, {conf + "proxy_arp_pvlan", "1"}, {neigh + "proxy_delay", "0"},
		{"net/ipv4/conf/all/send_redirects", "0"}, {conf + "send_redirects", "0"},
	})
	if err != nil {
		return err
	}
	for _, r := range []struct {
		ns      *NS
		ruleset string
	}{{p.Gateway, alGatewayRuleset()}, {p.R2, alR2Ruleset()}, {p.Room, alRoomRuleset()}} {
		if err := r.ns.Nft(r.ruleset); err != nil {
			return err
		}
	}
	return nil
}

// listen starts the listeners: Port and OtherPort on Room and WifiRoom,
// Port on WifiPeer.
func (p *ProxyARPLab) listen() error {
	port, other := ":"+strconv.Itoa(labPort), ":"+strconv.Itoa(labOtherPort)
	servers := []struct {
		ns   *NS
		addr string
	}{{p.Room, port}, {p.Room, other}, {p.WifiRoom, port}, {p.WifiRoom, other}, {p.WifiPeer, port}}
	for _, s := range servers {
		ln, err := s.ns.Listen("tcp4", s.addr)
		if err != nil {
			return fmt.Errorf("listen %s in %s: %w", s.addr, s.ns.Name, err)
		}
		p.servers.Go(func() { acceptAndClose(ln) })
	}
	return nil
}

// readMACs records the MACs of Gateway's, WifiRoom's and WifiPeer's Wi-Fi
// interfaces.
func (p *ProxyARPLab) readMACs() error {
	for _, m := range []struct {
		ns  *NS
		dst *string
	}{{p.Gateway, &p.GatewayMAC}, {p.WifiRoom, &p.IsolatedMAC}, {p.WifiPeer, &p.PeerMAC}} {
		mac, err := m.ns.mac(alIfWifi)
		if err != nil {
			return err
		}
		*m.dst = mac
	}
	return nil
}

// mac is the MAC address of interface ifName, as net.HardwareAddr prints
// it.
func (n *NS) mac(ifName string) (string, error) {
	lk, err := n.link(ifName)
	if err != nil {
		return "", err
	}
	hw := lk.Attrs().HardwareAddr
	if len(hw) == 0 {
		return "", fmt.Errorf("nslab: %s in %s has no MAC", ifName, n.Name)
	}
	return net.HardwareAddr(hw).String(), nil
}
