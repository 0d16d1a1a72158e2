package nslab

import (
	"fmt"
	"net"
	"strconv"
)

// NewPathLab builds the PathLab topology, loads R2's rules, starts the
// listeners and the tunnel relay, and returns once every address is ready
// to trace. Close it to tear everything down; on error, everything built so
// far has already been removed.
func NewPathLab() (*PathLab, error) {
	lab, err := New()
	if err != nil {
		return nil, err
	}
	p := newPathLabFields(lab)
	steps := []func() error{p.addNamespaces, p.wireChain, p.wireWifi, p.tunnel, p.routeAll, p.configure, p.listen}
	for _, step := range steps {
		if err := step(); err != nil {
			p.Close()
			return nil, fmt.Errorf("nslab: path lab: %w", err)
		}
	}
	return p, nil
}

// newPathLabFields fills in the address plan.
func newPathLabFields(lab *Lab) *PathLab {
	return &PathLab{
		Lab:        lab,
		ClientAddr: plClient, ClientAddrV6: plClient6,
		ClientIf: plIfClientR1, ClientWifiIf: plIfClientWifi, TunnelIf: plIfTunnel,
		Hop1: plR1Client, Hop1V6: plR1Cl6, Hop2: plR2R1, Hop2V6: plR2R16, TunnelHop1: plTunR1,
		RoomHops: 3,
		Open:     plOpen, OpenV6: plOpen6, Closed: plClosed,
		Dropped: plDropped, DroppedV6: plDropped6, Rejected: plReject, RejectedV6: plReject6,
		ForgedReset: plForged, ForgedResetV6: plForged6,
		NoNeighbor: plNoNeighbor, NetUnreach: plNetUnreach, Unreachable: plUnreach, TunnelRoom: plTunnelRoom,
		Isolated: plWifiRoom, IsolatedV6: plWifiRoom6, WifiPeerAddr: plWifiPeer,
		WifiGateway: plWifiGW, WifiGatewayV6: plWifiGW6,
		Port: labPort, OtherPort: labOtherPort, PathMTU: plPathMTU, LinkMTU: plLinkMTU,
	}
}

// addNamespaces creates the seven namespaces.
func (p *PathLab) addNamespaces() error {
	return p.Lab.addAll([]nsSlot{{&p.Client, "client"}, {&p.R1, "r1"}, {&p.R2, "r2"}, {&p.Room, "room"}, {&p.Wifi, "wifi"}, {&p.WifiRoom, "wifi-room"}, {&p.WifiPeer, "wifi-peer"}})
}

// wireChain links Client–R1–R2–Room and lowers the R1–R2 MTU.
func (p *PathLab) wireChain() error {
	room := []string{}
	for _, a := range []string{plOpen, plDropped, plReject, plForged, plClosed, plTunnelRoom} {
		room = append(room, a+"/24")
	}
	for _, a := range []string{plOpen6, plDropped6, plReject6, plForged6} {
		room = append(room, a+"/64")
	}
	if err := p.Lab.linkAll([]veth{
		{p.Client, plIfClientR1, cidrs(plClient, plClient6), p.R1, plIfR1Client, cidrs(plR1Client, plR1Cl6)},
		{p.R1, plIfR1R2, cidrs(plR1R2, plR1R26), p.R2, plIfR2R1, cidrs(plR2R1, plR2R16)},
		{p.R2, plIfR2Room, cidrs(plR2Room, plR2Room6), p.Room, plIfRoomR2, room},
	}); err != nil {
		return err
	}
	if err := p.R1.setMTU(plIfR1R2, plPathMTU); err != nil {
		return err
	}
	return p.R2.setMTU(plIfR2R1, plPathMTU)
}

// cidrs gives an IPv4 address a /24 and an IPv6 one a /64.
func cidrs(v4, v6 string) []string { return []string{v4 + "/24", v6 + "/64"} }

// wireWifi builds the bridge and its four ports; Client's and WifiRoom's
// are isolated.
func (p *PathLab) wireWifi() error {
	if err := p.Wifi.AddBridge("br0", nil); err != nil {
		return err
	}
	ports := []struct {
		port     string
		ns       *NS
		ifName   string
		addrs    []string
		isolated bool
	}{
		{"p-client", p.Client, plIfClientWifi, cidrs(plWifiCl, plWifiCl6), true},
		{"p-room", p.WifiRoom, plIfHost, cidrs(plWifiRoom, plWifiRoom6), true},
		{"p-peer", p.WifiPeer, plIfHost, []string{plWifiPeer + "/24"}, false},
		{"p-gw", p.R1, plIfR1Wifi, cidrs(plWifiGW, plWifiGW6), false},
	}
	for _, pt := range ports {
		if err := p.Lab.Link(p.Wifi, pt.port, nil, pt.ns, pt.ifName, pt.addrs); err != nil {
			return err
		}
		if err := p.Wifi.SetMaster(pt.port, "br0"); err != nil {
			return err
		}
		if err := p.Wifi.SetIsolated(pt.port, pt.isolated); err != nil {
			return err
		}
	}
	return p.Wifi.WaitReady("br0")
}

// routeAll installs every namespace's routes.
func (p *PathLab) routeAll() error {
	steps := []func() error{
		func() error { return p.Client.Route(plNet4, plR1Client) },
		func() error { return p.Client.Route(plNet6, plR1Cl6) },
		func() error { return p.Client.Route("default", plWifiGW) },
		func() error { return p.Client.Route("default", plWifiGW6) },
		func() error { return p.Client.routeDev(plTunnelRoom+"/32", plIfTunnel) },
		func() error { return p.Client.RouteType(plUnreachNet, "unreachable") },
		func() error { return p.R1.Route(plOpen+"/24", plR2R1) },
		func() error { return p.R1.Route(plOpen6+"/64", plR2R16) },
		func() error { return p.R1.Route(plNetUnreachNet, plR2R1) },
		func() error { return p.R2.Route(plClient+"/24", plR1R2) },
		func() error { return p.R2.Route(plWifiCl+"/24", plR1R2) },
		func() error { return p.R2.Route(plTunClient+"/30", plR1R2) },
		func() error { return p.R2.Route(plClient6+"/64", plR1R26) },
		func() error { return p.R2.Route(plWifiCl6+"/64", plR1R26) },
		func() error { return p.Room.Route("default", plR2Room) },
		func() error { return p.Room.Route("default", plR2Room6) },
		func() error { return p.WifiRoom.Route("default", plWifiGW) },
		func() error { return p.WifiPeer.Route("default", plWifiGW) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// configure turns forwarding on in the routers, makes neighbour failure
// fast where the lab provokes it, and loads R2's rules.
func (p *PathLab) configure() error {
	for _, r := range []*NS{p.R1, p.R2} {
		if err := r.EnableForwarding(); err != nil {
			return err
		}
	}
	if err := p.R2.fastNeighFailure(plIfR2Room); err != nil {
		return err
	}
	if err := p.Client.fastNeighFailure(plIfClientWifi); err != nil {
		return err
	}
	return p.R2.Nft(pathRuleset())
}

// fastNeighFailure makes ARP and ND on ifName give up after one probe and
// neighRetransMS.
func (n *NS) fastNeighFailure(ifName string) error {
	ms := strconv.Itoa(neighRetransMS)
	for _, fam := range []string{"ipv4", "ipv6"} {
		base := "net/" + fam + "/neigh/" + ifName + "/"
		if err := n.sysctls([][2]string{{base + "mcast_solicit", "1"}, {base + "retrans_time_ms", ms}}); err != nil {
			return err
		}
	}
	return nil
}

// listen starts the listeners: Port on every room address but Closed,
// OtherPort on all of Room's.
func (p *PathLab) listen() error {
	port := strconv.Itoa(labPort)
	servers := []struct {
		ns   *NS
		addr string
	}{{p.Room, ":" + strconv.Itoa(labOtherPort)}, {p.WifiRoom, ":" + port}, {p.WifiPeer, ":" + port}}
	for _, a := range []string{plOpen, plDropped, plReject, plForged, plTunnelRoom, plOpen6, plDropped6, plReject6, plForged6} {
		servers = append(servers, struct {
			ns   *NS
			addr string
		}{p.Room, net.JoinHostPort(a, port)})
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
