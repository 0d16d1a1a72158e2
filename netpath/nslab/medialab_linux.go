//go:build linux

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

// NewMediaLab builds the MediaLab topology, loads R1's and R2's rules and
// starts the relay in R2, and returns once every address is ready. Close it
// to tear everything down; on error, everything built so far has already
// been removed.
func NewMediaLab(cfg MediaLabConfig) (*MediaLab, error) {
	if err := checkMediaLabConfig(cfg); err != nil {
		return nil, err
	}
	lab, err := New()
	if err != nil {
		return nil, err
	}
	m := &MediaLab{
		Lab: lab, Config: cfg, ClientAddr: mlClient, ClientAddrV6: mlClient6,
		Hop1: mlR1Client, Hop1V6: mlR1Client6, Hop2: mlR2R1, Hop2V6: mlR2R16, ResponderHops: 3,
		Clean: mlClean, Blocked: mlBlocked, Remarked: mlRemarked, Impaired: mlImpaired, RelayTarget: mlTarget,
		CleanV6: mlClean6, BlockedV6: mlBlocked6, RemarkedV6: mlRemarked6, ImpairedV6: mlImpaired6, RelayTargetV6: mlTarget6,
		BlockedPorts: [2]int{mlBlockedLo, mlBlockedHi}, RejectedPort: mlRejected, RelayedPorts: mediaRelayedPorts(),
	}
	for _, step := range []func() error{m.addNamespaces, m.wire, m.routeAll, m.configure, m.startRelay, m.settle} {
		if err := step(); err != nil {
			m.Close()
			return nil, fmt.Errorf("nslab: media lab: %w", err)
		}
	}
	return m, nil
}

// addNamespaces creates the four namespaces.
func (m *MediaLab) addNamespaces() error {
	return m.Lab.addAll([]nsSlot{{&m.Client, "client"}, {&m.R1, "r1"}, {&m.R2, "r2"}, {&m.Responder, "responder"}})
}

// wire links Client–R1, R1–R2 and R2–Responder; Responder holds every
// target address, RelayTarget first: it is the primary address, the
// source a wildcard socket there (iperf3 -s) answers the relay from.
func (m *MediaLab) wire() error {
	var resp []string
	for _, a := range [][2]string{{mlTarget, mlTarget6}, {mlClean, mlClean6}, {mlBlocked, mlBlocked6}, {mlRemarked, mlRemarked6}, {mlImpaired, mlImpaired6}} {
		resp = append(resp, cidrs(a[0], a[1])...)
	}
	return m.Lab.linkAll([]veth{
		{m.Client, mlIfClientR1, cidrs(mlClient, mlClient6), m.R1, mlIfR1Client, cidrs(mlR1Client, mlR1Client6)},
		{m.R1, mlIfR1R2, cidrs(mlR1R2, mlR1R26), m.R2, mlIfR2R1, cidrs(mlR2R1, mlR2R16)},
		{m.R2, mlIfR2Resp, cidrs(mlR2Resp, mlR2Resp6), m.Responder, mlIfResp, resp},
	})
}

// routeAll installs every namespace's routes.
func (m *MediaLab) routeAll() error {
	routes := []struct {
		ns       *NS
		dst, via string
	}{
		{m.Client, mlNet4, mlR1Client}, {m.Client, mlNet6, mlR1Client6},
		{m.R1, "default", mlR2R1}, {m.R1, "default", mlR2R16},
		{m.R2, mlClient + "/24", mlR1R2}, {m.R2, mlClient6 + "/64", mlR1R26},
		{m.Responder, "default", mlR2Resp}, {m.Responder, "default", mlR2Resp6},
	}
	for _, r := range routes {
		if err := r.ns.Route(r.dst, r.via); err != nil {
			return err
		}
	}
	return nil
}

// configure turns forwarding on in R1 and R2, ICMP rate limits off in
// Responder too, and loads the routers' rules.
func (m *MediaLab) configure() error {
	for _, r := range []*NS{m.R1, m.R2} {
		if err := r.EnableForwarding(); err != nil {
			return err
		}
	}
	// The responders' own ICMP errors (port unreachable at a traced
	// port nothing listens on) are not rate limited either.
	if err := m.Responder.sysctls([][2]string{{"net.ipv4.icmp_ratelimit", "0"}, {"net.ipv4.icmp_ratemask", "0"}, {"net.ipv6.icmp.ratelimit", "0"}}); err != nil {
		return err
	}
	if err := m.R1.Nft(mediaR1Ruleset(m.Config.LossPct)); err != nil {
		return err
	}
	return m.R2.Nft(mediaR2Ruleset())
}

// startRelay opens the relay's sockets in R2, on every relayed port of
// both families, and its flows' sockets toward RelayTarget (the family
// of the flow's client).
func (m *MediaLab) startRelay() error {
	var pcs []net.PacketConn
	var ports []int
	for _, p := range m.RelayedPorts {
		for _, network := range []string{"udp4", "udp6"} {
			pc, err := m.R2.ListenPacket(network, ":"+strconv.Itoa(p))
			if err != nil {
				return fmt.Errorf("relay listen %s %d: %w", network, p, err)
			}
			pcs, ports = append(pcs, pc), append(ports, p)
		}
	}
	dial := func(client netip.AddrPort, port int) (net.Conn, error) {
		target := mlTarget
		if client.Addr().Unmap().Is6() {
			target = mlTarget6
		}
		return m.R2.Dial(context.Background(), "udp", net.JoinHostPort(target, strconv.Itoa(port)))
	}
	r, err := NewRelay(RelayConfig{Delay: m.Config.Delay, Jitter: m.Config.Jitter, LossPct: m.Config.RelayLossPct}, pcs, ports, dial)
	if err != nil {
		return err
	}
	m.Relay = r
	return nil
}

// Serve opens a UDP socket in Responder on every port at every one of
// ResponderAddrs and hands each to serve on its own goroutine (e.g. the
// responder package's Reflector.Serve), with a context that Close ends.
// serve owns the socket and returns once the context ends.
func (m *MediaLab) Serve(ports []int, serve func(ctx context.Context, c *net.UDPConn) error) error {
	if m.stopServe == nil {
		var ctx context.Context
		ctx, m.stopServe = context.WithCancel(context.Background())
		m.serveCtx = ctx
	}
	for _, a := range m.ResponderAddrs() {
		for _, p := range ports {
			pc, err := m.Responder.ListenPacket("udp", net.JoinHostPort(a, strconv.Itoa(p)))
			if err != nil {
				return fmt.Errorf("nslab: media lab: listen %s:%d: %w", a, p, err)
			}
			c := pc.(*net.UDPConn)
			setBuffers(c)
			m.served.Go(func() { _ = serve(m.serveCtx, c) })
		}
	}
	return nil
}

// settleWait bounds settle's wait for one address: time for an ARP or ND
// retry (1 s) and more.
const settleWait = 3 * time.Second

// settle sends datagrams from Client to port 9 (where nothing listens) of
// every target until each answers port unreachable: the neighbour entries
// along every path are then resolved, so the first measurement in a new
// lab does not wait out an ARP or ND retry.
func (m *MediaLab) settle() error {
	for _, a := range append(m.ResponderAddrs(), m.Impaired, m.ImpairedV6) {
		if err := m.Client.Do(func() error { return settleOne(a) }); err != nil {
			return fmt.Errorf("path to %s: %w", a, err)
		}
	}
	return nil
}

// settleOne waits for a's port unreachable, resending every 100 ms.
func settleOne(a string) error {
	c, err := net.Dial("udp", net.JoinHostPort(a, "9"))
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 64)
	for end := time.Now().Add(settleWait); time.Now().Before(end); {
		if _, err := c.Write([]byte("settle")); err != nil && !errors.Is(err, syscall.ECONNREFUSED) {
			return err
		}
		_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.Read(buf); errors.Is(err, syscall.ECONNREFUSED) {
			return nil
		}
	}
	return fmt.Errorf("no port unreachable within %v", settleWait)
}
