package nslab

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sort"
	"sync"
	"time"
)

// RelayConfig is the impairment a Relay applies to the datagrams it carries
// toward the far end (upstream). Replies come back unimpaired, so what a
// tool measures upstream is what the relay did.
type RelayConfig struct {
	// Delay is added to every upstream datagram. 0-10s.
	Delay time.Duration
	// Jitter is the upper bound of a uniformly random extra delay per
	// datagram, [0, Jitter). The relay keeps the datagrams in order (each
	// leaves no earlier than the one before it), so it delays and jitters
	// without reordering. 0-10s.
	Jitter time.Duration
	// LossPct is the share of upstream datagrams the relay drops itself,
	// at random, in percent (0-100).
	LossPct float64
}

// Bounds of RelayConfig.
const (
	maxRelayDelay = 10 * time.Second
	// relayQueue is how many datagrams one flow may hold in its delay line:
	// at 1,000 datagrams a second with 10 s of delay, none overflows.
	relayQueue = 16384
	// relayMaxFlows caps the flows (client address and port, relayed port)
	// one relay keeps; datagrams of further flows are counted and dropped.
	relayMaxFlows = 4096
	// relayBuffer is the socket buffer the relay asks for on each socket,
	// so bursts are queued by the kernel rather than dropped.
	relayBuffer      = 4 << 20
	relayMaxDatagram = 65535
)

// errRelayConfig is NewRelay's error for a config out of bounds.
var errRelayConfig = errors.New("nslab: relay: delay and jitter must be 0-10s and loss 0-100%")

// FlowStats is what a relay did to one flow.
type FlowStats struct {
	// Client is the flow's source (address:port) as the relay saw it.
	Client string
	// Port is the relayed port.
	Port int
	// Up counts the flow's datagrams that reached the relay; UpDropped
	// those it dropped (LossPct); UpOverflow those its delay line had no
	// room for (dropped too). Up - UpDropped - UpOverflow were sent on.
	Up, UpDropped, UpOverflow uint64
	// Down counts the replies carried back to Client.
	Down uint64
}

// Relay is a userspace UDP relay that delays, jitters and drops: each
// datagram that reaches one of its sockets (an nftables redirect sends
// them there) goes on, impaired, from a socket of its own per flow to the
// far end; the far end's replies go back unimpaired. The kernel's
// connection tracking restores the addresses the client used.
type Relay struct {
	cfg  RelayConfig
	dial func(client netip.AddrPort, port int) (net.Conn, error)

	mu     sync.Mutex
	flows  map[flowKey]*relayFlow
	order  []flowKey
	over   uint64 // datagrams refused for want of a flow
	closed bool
	done   chan struct{} // closed by Close: the delay lines stop
	wg     sync.WaitGroup
	lns    []relayListener
}

// relayListener is one relayed port's socket.
type relayListener struct {
	pc   net.PacketConn
	port int
}

type flowKey struct {
	client netip.AddrPort
	port   int
}

// relayFlow is one client's flow through one relayed port: the socket to
// the far end and the delay line toward it.
type relayFlow struct {
	key   flowKey
	up    net.Conn
	queue chan relayed
	last  time.Time // release time of the latest datagram queued
	stats FlowStats
}

// relayed is one datagram waiting in a delay line.
type relayed struct {
	data    []byte
	release time.Time
	tos     int // the TOS it arrived with; -1 when not known
}

// NewRelay starts a relay serving listeners (ports[i] is the port of
// listeners[i]); dial opens the socket of a flow from client to the far
// end's port. Close stops it and closes every socket.
func NewRelay(cfg RelayConfig, listeners []net.PacketConn, ports []int, dial func(client netip.AddrPort, port int) (net.Conn, error)) (*Relay, error) {
	if cfg.Delay < 0 || cfg.Delay > maxRelayDelay || cfg.Jitter < 0 || cfg.Jitter > maxRelayDelay ||
		cfg.LossPct < 0 || cfg.LossPct > 100 || len(listeners) != len(ports) {
		return nil, errRelayConfig
	}
	r := &Relay{cfg: cfg, dial: dial, flows: map[flowKey]*relayFlow{}, done: make(chan struct{})}
	for i, pc := range listeners {
		setBuffers(pc)
		l := relayListener{pc: pc, port: ports[i]}
		r.lns = append(r.lns, l)
		r.wg.Go(func() { r.serve(l) })
	}
	return r, nil
}

// setBuffers asks for large socket buffers, where the connection has
// them: beyond the host's rmem_max and wmem_max where the platform lets
// root force them (forceBuffers).
func setBuffers(c any) {
	if forceBuffers(c, relayBuffer) {
		return
	}
	if b, ok := c.(interface{ SetReadBuffer(int) error }); ok {
		_ = b.SetReadBuffer(relayBuffer)
	}
	if b, ok := c.(interface{ SetWriteBuffer(int) error }); ok {
		_ = b.SetWriteBuffer(relayBuffer)
	}
}

// serve reads one relayed port's datagrams until its socket is closed,
// with the TOS each arrived with where the platform tells it.
func (r *Relay) serve(l relayListener) {
	uc, _ := l.pc.(*net.UDPConn)
	if uc != nil {
		enableTOS(uc)
	}
	buf, oob := make([]byte, relayMaxDatagram), make([]byte, 128)
	for {
		n, tos, from, err := readRelayed(l.pc, uc, buf, oob)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		f := r.flow(flowKey{from, l.port}, l)
		if f == nil {
			continue
		}
		r.enqueue(f, append([]byte(nil), buf[:n]...), tos)
	}
}

// readRelayed reads one datagram and its TOS (-1 when not told).
func readRelayed(pc net.PacketConn, uc *net.UDPConn, buf, oob []byte) (int, int, netip.AddrPort, error) {
	if uc != nil {
		n, oobn, _, from, err := uc.ReadMsgUDPAddrPort(buf, oob)
		return n, tosOf(oob[:oobn]), from, err
	}
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		return 0, -1, netip.AddrPort{}, err
	}
	ua, ok := from.(*net.UDPAddr)
	if !ok {
		return 0, -1, netip.AddrPort{}, errors.New("nslab: relay: not a UDP address")
	}
	return n, -1, ua.AddrPort(), nil
}

// flow returns the flow of k, opening it on its first datagram; nil when
// the relay is closed, full, or cannot reach the far end.
func (r *Relay) flow(k flowKey, l relayListener) *relayFlow {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.flows[k]; ok || r.closed {
		return f
	}
	if len(r.flows) >= relayMaxFlows {
		r.over++
		return nil
	}
	up, err := r.dial(k.client, k.port)
	if err != nil {
		r.over++
		return nil
	}
	setBuffers(up)
	f := &relayFlow{key: k, up: up, queue: make(chan relayed, relayQueue)}
	f.stats.Client, f.stats.Port = k.client.String(), k.port
	r.flows[k] = f
	r.order = append(r.order, k)
	r.wg.Go(func() { r.upstream(f) })
	r.wg.Go(func() { r.downstream(f, l) })
	return f
}

// enqueue counts a datagram and drops it, or puts it in the flow's delay
// line with its release time.
func (r *Relay) enqueue(f *relayFlow, data []byte, tos int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	f.stats.Up++
	if r.cfg.LossPct > 0 && rand.Float64()*100 < r.cfg.LossPct {
		f.stats.UpDropped++
		return
	}
	release := time.Now().Add(r.cfg.Delay)
	if r.cfg.Jitter > 0 {
		release = release.Add(rand.N(r.cfg.Jitter))
	}
	if release.Before(f.last) {
		release = f.last // in order: never before the datagram ahead
	}
	select {
	case f.queue <- relayed{data: data, release: release, tos: tos}:
		f.last = release
	default:
		f.stats.UpOverflow++
	}
}

// upstream sends the flow's datagrams on as each one's release time
// comes, each with the TOS it arrived with: the relay delays, it does not
// re-mark.
func (r *Relay) upstream(f *relayFlow) {
	t := time.NewTimer(0)
	defer t.Stop()
	tos := 0
	for d := range f.queue {
		if d.tos >= 0 && d.tos != tos {
			setTOS(f.up, d.tos)
			tos = d.tos
		}
		t.Reset(time.Until(d.release))
		select {
		case <-r.done:
			return
		case <-t.C:
		}
		_, _ = f.up.Write(d.data)
	}
}

// downstream carries the far end's replies back to the client.
func (r *Relay) downstream(f *relayFlow, l relayListener) {
	buf := make([]byte, relayMaxDatagram)
	to := net.UDPAddrFromAddrPort(f.key.client)
	for {
		n, err := f.up.Read(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue // an ICMP error from the far end: nothing to carry
		}
		if _, err := l.pc.WriteTo(buf[:n], to); err == nil {
			r.mu.Lock()
			f.stats.Down++
			r.mu.Unlock()
		}
	}
}

// Stats returns what the relay did to each flow so far, in the order the
// flows began, and how many datagrams it refused for want of a flow.
func (r *Relay) Stats() (flows []FlowStats, refused uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range r.order {
		flows = append(flows, r.flows[k].stats)
	}
	return flows, r.over
}

// Busiest returns the stats of the flow through port with the most
// upstream datagrams: a measurement's stream, beside its shorter probes.
func Busiest(flows []FlowStats, port int) (FlowStats, bool) {
	var out []FlowStats
	for _, f := range flows {
		if f.Port == port {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return FlowStats{}, false
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Up > out[j].Up })
	return out[0], true
}

// Close stops the relay: it closes the relayed ports' sockets and every
// flow's, drops what waits in the delay lines, and waits for its
// goroutines. It is idempotent.
func (r *Relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.done)
	for _, f := range r.flows {
		f.up.Close()
		close(f.queue)
	}
	r.mu.Unlock()
	for _, l := range r.lns {
		l.pc.Close()
	}
	r.wg.Wait()
	return nil
}
