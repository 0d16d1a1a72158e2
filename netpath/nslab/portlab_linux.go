package nslab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// Interface names inside the port lab's namespaces.
const (
	ifClientRouter = "to-router"
	ifRouterClient = "to-client"
	ifRouterRoom   = "to-room"
	ifRoomRouter   = "to-router"
	ifRouterFarm   = "to-farm"
	ifFarmRouter   = "to-router"
)

// NewPortLab builds the PortLab topology, loads its nftables rules, starts
// its listeners (each accepts and closes at once) and returns once every
// address is ready to probe. Close it to tear everything down; on error,
// everything built so far has already been removed.
func NewPortLab() (*PortLab, error) {
	lab, err := New()
	if err != nil {
		return nil, err
	}
	p := newPortLabFields(lab)
	steps := []func() error{p.addNamespaces, p.wire, p.route, p.configureRouter, p.configureFarm, p.listen, p.warm}
	for _, step := range steps {
		if err := step(); err != nil {
			p.Close()
			return nil, fmt.Errorf("nslab: port lab: %w", err)
		}
	}
	return p, nil
}

// newPortLabFields fills in the address plan.
func newPortLabFields(lab *Lab) *PortLab {
	p := &PortLab{
		Lab:        lab,
		ClientAddr: clientAddr, ClientAddrV6: clientAddr6,
		RouterAddr: routerAddr, RouterAddrV6: routerAddr6,
		Open: roomOpen, Closed: roomClosed, Dropped: roomDropped,
		Rejected: roomRejected, ForgedReset: roomForgedReset,
		NoNeighbor: noNeighbor, NetUnreach: netUnreach,
		LocalUnreachable: localUnreach, LocalProhibit: localProhibit, LocalBlackhole: localBlackhole,
		OpenV6: roomOpen6, ClosedV6: roomClosed6, DroppedV6: roomDropped6, RejectedV6: roomRejected6,
		NoNeighborV6: noNeighbor6, NetUnreachV6: netUnreach6,
		Port: labPort, OtherPort: labOtherPort,
		SweepCIDR: sweepCIDR,
		FarmCIDRs: farmCIDRs(), FarmPortFirst: farmPortFirst, FarmPortLast: farmPortLast,
	}
	p.SweepOpen, p.SweepClosed, p.SweepDropped = sweepCounts()
	p.FarmOpen, p.FarmClosed, p.FarmDropped = sweepCountsOf(p.FarmCIDRs[0])
	return p
}

// addNamespaces creates the four namespaces.
func (p *PortLab) addNamespaces() error {
	return p.Lab.addAll([]nsSlot{{&p.Client, "client"}, {&p.Router, "router"}, {&p.Room, "room"}, {&p.Farm, "farm"}})
}

// wire connects Client, Room and Farm to Router.
func (p *PortLab) wire() error {
	var room []string
	for _, a := range []string{roomOpen, roomClosed, roomDropped, roomRejected, roomForgedReset} {
		room = append(room, a+"/24")
	}
	for _, a := range []string{roomOpen6, roomClosed6, roomDropped6, roomRejected6} {
		room = append(room, a+"/64")
	}
	if err := p.Lab.Link(p.Client, ifClientRouter, []string{clientAddr + "/24", clientAddr6 + "/64"},
		p.Router, ifRouterClient, []string{routerAddr + "/24", routerAddr6 + "/64"}); err != nil {
		return err
	}
	if err := p.Lab.Link(p.Router, ifRouterRoom, []string{routerRoom + "/24", routerRoom6 + "/64"},
		p.Room, ifRoomRouter, room); err != nil {
		return err
	}
	return p.Lab.Link(p.Router, ifRouterFarm, []string{routerFarm + "/24"},
		p.Farm, ifFarmRouter, []string{farmAddr + "/24"})
}

// route installs every namespace's routes. Router gets none beyond its
// connected subnets and the sweep /20: no default route.
func (p *PortLab) route() error {
	steps := []func() error{
		func() error { return p.Client.Route(labNet4, routerAddr) },
		func() error { return p.Client.Route(labNet6, routerAddr6) },
		func() error { return p.Client.Route(farmNet, routerAddr) },
		func() error { return p.Router.Route(farmNet, farmAddr) },
		func() error { return p.Farm.RouteType(farmNet, "local") },
		func() error { return p.Client.RouteType(localUnreachNet, "unreachable") },
		func() error { return p.Client.RouteType(localProhibitNet, "prohibit") },
		func() error { return p.Client.RouteType(localBlackholeNet, "blackhole") },
		func() error { return p.Room.Route("default", routerRoom) },
		func() error { return p.Room.Route("default", routerRoom6) },
		func() error { return p.Router.Route(sweepCIDR, farmAddr) },
		func() error { return p.Farm.Route("default", routerFarm) },
		func() error { return p.Farm.RouteType(sweepCIDR, "local") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// configureRouter turns forwarding on, makes neighbour failure fast on the
// Room side and loads the fault rules.
func (p *PortLab) configureRouter() error {
	if err := p.Router.EnableForwarding(); err != nil {
		return err
	}
	ms := strconv.Itoa(neighRetransMS)
	for _, fam := range []string{"ipv4", "ipv6"} {
		base := "net/" + fam + "/neigh/" + ifRouterRoom + "/"
		if err := p.Router.sysctls([][2]string{
			{base + "mcast_solicit", "1"},
			{base + "retrans_time_ms", ms},
		}); err != nil {
			return err
		}
	}
	return p.Router.Nft(routerRuleset())
}

// configureFarm raises Farm's listen backlogs and loads the sweep rules.
func (p *PortLab) configureFarm() error {
	n := strconv.Itoa(farmBacklog)
	if err := p.Farm.sysctls([][2]string{{"net.core.somaxconn", n}, {"net.ipv4.tcp_max_syn_backlog", n}}); err != nil {
		return err
	}
	return p.Farm.Nft(farmRuleset())
}

// listen starts Room's and Farm's listeners.
func (p *PortLab) listen() error {
	port := strconv.Itoa(labPort)
	for _, a := range []string{roomOpen, roomDropped, roomRejected, roomForgedReset, roomOpen6, roomDropped6, roomRejected6} {
		if err := p.serve(p.Room, net.JoinHostPort(a, port)); err != nil {
			return err
		}
	}
	if err := p.serve(p.Room, ":"+strconv.Itoa(labOtherPort)); err != nil {
		return err
	}
	for port := farmPortFirst; port <= farmPortLast; port++ {
		if err := p.serve(p.Farm, "0.0.0.0:"+strconv.Itoa(port)); err != nil {
			return err
		}
	}
	return nil
}

// warmWait bounds the warm-up connections.
const warmWait = 3 * time.Second

// warm connects once from Client to the first sweep address and to Open, so
// every neighbour (ARP/ND) entry on those paths is resolved before a test
// runs: the first burst of a sweep would otherwise queue on an unresolved
// neighbour, whose queue holds only about 200 SYNs, and the rest would be
// lost and answered only by the retransmission a second later.
func (p *PortLab) warm() error {
	ctx, cancel := context.WithTimeout(context.Background(), warmWait)
	defer cancel()
	first := netip.MustParsePrefix(sweepCIDR).Addr().String()
	for _, a := range []string{first, roomOpen, roomOpen6} {
		c, err := p.Client.Dial(ctx, "tcp", net.JoinHostPort(a, strconv.Itoa(labPort)))
		if err != nil {
			return fmt.Errorf("warming the path to %s: %w", a, err)
		}
		c.Close()
	}
	return nil
}

// serve listens on addr in ns and accepts and closes connections until the
// lab closes the listener. Farm's listeners get farmBacklog (listen(2)
// again on a listening socket only changes its backlog).
func (p *PortLab) serve(ns *NS, addr string) error {
	ln, err := ns.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s in %s: %w", addr, ns.Name, err)
	}
	if ns == p.Farm {
		if err := relisten(ln, farmBacklog); err != nil {
			return fmt.Errorf("backlog of %s in %s: %w", addr, ns.Name, err)
		}
	}
	p.acceptors.Add(1)
	go func() {
		defer p.acceptors.Done()
		acceptAndClose(ln)
	}()
	return nil
}

// relisten sets ln's listen backlog to n.
func relisten(ln net.Listener, n int) error {
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		return nil
	}
	rc, err := tl.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) { lerr = syscall.Listen(int(fd), n) }); err != nil {
		return err
	}
	return lerr
}

// acceptAndClose accepts and immediately closes connections until ln is
// closed. Transient errors (e.g. out of file descriptors) back off briefly.
func acceptAndClose(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		c.Close()
	}
}
