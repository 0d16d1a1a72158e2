package proxyprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DefaultControlName is the control handshake's server name: IANA's
// reserved example domain (RFC 2606), which URL-category and application
// filters have no reason to stop and no Zoom service answers to. The
// server presents its default certificate, or one for the name; either way
// it is not valid for the target, and it is not judged.
const DefaultControlName = "example.com"

// The small-MSS control's sizes.
const (
	// mtuControlPacket is the largest packet the small-MSS control lets
	// the server send: 1280 bytes, IPv6's minimum link MTU, which every
	// IPv6 path and nearly every IPv4 tunnel carries.
	mtuControlPacket = 1280
	// IP and TCP header sizes without options: the MSS is the packet
	// less these (the kernel takes TCP options out of the MSS itself).
	ipv4Header, ipv6Header, tcpHeader = 20, 40, 20
)

// ControlDetail is the control handshake: the same address and port (or
// the same proxy) as the check's, under ControlName.
type ControlDetail struct {
	// Name is the server name the control sent.
	Name string `json:"name"`
	// Addr is the address the control connected to: the first attempt's
	// peer when direct, the proxy otherwise; empty when it was skipped.
	Addr string `json:"addr,omitempty"`
	// Completed says whether the control's handshake completed (its
	// certificate, not expected to be valid for Name, is not judged).
	Completed bool `json:"completed"`
	// Failure and Operation say how the control failed; empty when it
	// completed or was skipped.
	Failure vocab.Failure `json:"failure,omitempty"`
	// Operation is the step of the control that failed.
	Operation vocab.Operation `json:"operation,omitempty"`
	// Issuer is the issuer of the certificate the control was shown.
	Issuer string `json:"issuer,omitempty"`
	// Skipped says why no control ran, or why it was stopped before it
	// ended (the small-MSS control decided first); empty otherwise.
	Skipped string `json:"skipped,omitempty"`
}

// MTUProbe is the small-MSS control: the same address, port and name as
// the check's, with a SYN advertising an MSS that keeps every packet of
// the server's flight within PacketBytes.
type MTUProbe struct {
	// MSSTried is the MSS the SYN advertised (TCP_MAXSEG); 0 when skipped.
	MSSTried int `json:"mss_tried,omitempty"`
	// PacketBytes is the largest packet the server could then send, IP
	// and TCP headers included; 0 when skipped.
	PacketBytes int `json:"packet_bytes,omitempty"`
	// Completed says whether the handshake completed with MSSTried.
	Completed bool `json:"completed"`
	// Failure says how the control failed; empty when it completed or was
	// skipped.
	Failure vocab.Failure `json:"failure,omitempty"`
	// Operation is the step of the control that failed.
	Operation vocab.Operation `json:"operation,omitempty"`
	// Skipped says why no small-MSS control ran; empty when one did.
	Skipped string `json:"skipped,omitempty"`
}

// stopped judges a handshake that failed with err after the TCP
// connection of rt opened. The controls run only here, never on the
// healthy path, at once: the control name for every failure, the small
// MSS only after a stall, each within controlBudget; a small-MSS control
// that completes decides, so it stops the other. A caller's interruption
// gives not_run.
func (t *TLS) stopped(ctx context.Context, host string, rt route, err error, d *TLSDetail) report.Result {
	f := handshakeFailure(err)
	if f == vocab.FailureInterrupted {
		return tlsNotRun(vocab.OpTLSHandshake)
	}
	if ctx.Err() != nil {
		d.Control = &ControlDetail{Name: t.cfg.ControlName, Skipped: "the check's time ran out before a control could run"}
		return blockedResult(host, f, d.Control, nil)
	}
	peer := peerAddr(rt)
	nameCtx, stopName := context.WithCancel(ctx)
	defer stopName()
	var wg sync.WaitGroup
	wg.Go(func() { d.Control = t.controlName(nameCtx, host, rt, peer) })
	if f == vocab.FailureTimeout {
		wg.Go(func() {
			if d.MTUProbe = t.controlMSS(ctx, host, rt, peer); d.MTUProbe.Completed {
				stopName()
			}
		})
	}
	wg.Wait()
	if errors.Is(ctx.Err(), context.Canceled) {
		return tlsNotRun(vocab.OpTLSHandshake)
	}
	if c := d.Control; c.Failure == vocab.FailureInterrupted {
		c.Failure, c.Operation, c.Skipped = "", "", "stopped when the small-MSS control completed: the name passes"
	}
	return blockedResult(host, f, d.Control, d.MTUProbe)
}

// controlName runs the control handshake under ControlName.
func (t *TLS) controlName(ctx context.Context, host string, rt route, peer string) *ControlDetail {
	c := &ControlDetail{Name: t.cfg.ControlName}
	switch {
	case net.ParseIP(host) != nil:
		c.Skipped = "the target is an address: no server name was sent to compare with another"
		return c
	case strings.EqualFold(host, c.Name):
		c.Skipped = "the target is the control name"
		return c
	}
	cs, out := t.control(ctx, rt, peer, c.Name, 0)
	c.Addr, c.Completed, c.Failure, c.Operation = out.addr, out.ok, out.failure, out.op
	if len(cs.PeerCertificates) > 0 {
		c.Issuer = cs.PeerCertificates[0].Issuer.String()
	}
	return c
}

// controlMSS runs the handshake again under host with a small MSS.
func (t *TLS) controlMSS(ctx context.Context, host string, rt route, peer string) *MTUProbe {
	m := &MTUProbe{}
	ip, err := netip.ParseAddrPort(peer)
	switch {
	case rt.hop.Kind != HopDirect:
		m.Skipped = "reached through a proxy: a smaller MSS would shrink only the leg to the proxy"
	case !mssSupported:
		m.Skipped = runtime.GOOS + ": the MSS of a SYN cannot be set here"
	case err != nil:
		m.Skipped = "the peer's address is not known"
	}
	if m.Skipped != "" {
		return m
	}
	m.MSSTried, m.PacketBytes = controlMSSFor(ip.Addr()), mtuControlPacket
	_, out := t.control(ctx, rt, peer, host, m.MSSTried)
	m.Completed, m.Failure, m.Operation = out.ok, out.failure, out.op
	return m
}

// controlMSSFor is the MSS that keeps packets to or from a within
// mtuControlPacket.
func controlMSSFor(a netip.Addr) int {
	if a.Unmap().Is4() {
		return mtuControlPacket - ipv4Header - tcpHeader
	}
	return mtuControlPacket - ipv6Header - tcpHeader
}

// controlBudget bounds one control, connection and handshake together:
// one Timeout, as long as the first handshake was given. The first
// connection opened moments ago, so a control that needs longer has
// stalled as well, and the controls run side by side, so a stopped check
// ends within three Timeouts (connection, handshake, controls).
func (t *TLS) controlBudget() time.Duration { return t.cfg.Timeout }

// controlOutcome is how one control ended.
type controlOutcome struct {
	addr    string
	ok      bool
	failure vocab.Failure
	op      vocab.Operation
}

// control connects again the way rt did (to peer when direct, through the
// same proxy otherwise) and shakes hands under name; mss > 0 sets the
// SYN's MSS (direct only).
func (t *TLS) control(ctx context.Context, rt route, peer, name string, mss int) (tls.ConnectionState, controlOutcome) {
	cctx, cancel := context.WithTimeout(ctx, t.controlBudget())
	defer cancel()
	conn, out, err := t.reconnect(cctx, rt, peer, mss)
	if err != nil {
		out.failure, out.op = routeFailure(err), routeOp(rt.hop)
		return tls.ConnectionState{}, out
	}
	defer conn.Close()
	cs, _, err := t.handshake(cctx, conn, name)
	if err != nil {
		out.failure, out.op = handshakeFailure(err), vocab.OpTLSHandshake
		return cs, out
	}
	out.ok = true
	return cs, out
}

// reconnect opens the control's connection.
func (t *TLS) reconnect(ctx context.Context, rt route, peer string, mss int) (net.Conn, controlOutcome, error) {
	if rt.hop.Kind != HopDirect {
		c, ans, err := tunnel(ctx, t.cfg.Dialer, t.cfg.ProxyRoots, rt.hop, t.cfg.Target)
		if c == nil && err == nil {
			err = &refusedError{ans}
		}
		return c, controlOutcome{addr: rt.addr}, err
	}
	out := controlOutcome{addr: peer}
	if peer == "" { // not a TCP connection: dial as the check did
		out.addr = rt.addr
		c, err := t.cfg.Dialer.DialContext(ctx, t.cfg.Target)
		return c, out, err
	}
	if mss > 0 {
		if err := t.cfg.Dialer.Guard.Check(peer); err != nil {
			return nil, out, err
		}
		c, err := t.dialMSS(ctx, peer, mss)
		return c, out, err
	}
	c, err := dialAddr(ctx, t.cfg.Dialer, peer)
	return c, out, err
}

// peerAddr is the IP and port rt's connection reached; empty when it is
// not known.
func peerAddr(rt route) string {
	if rt.conn == nil || rt.conn.RemoteAddr() == nil {
		return ""
	}
	if _, err := netip.ParseAddrPort(rt.conn.RemoteAddr().String()); err != nil {
		return ""
	}
	return rt.conn.RemoteAddr().String()
}

// dialAddr connects to addr, an IP and port, through d's dial seam but
// without its connect-to rules (the address is already the rewritten one),
// held to d's Guard.
func dialAddr(ctx context.Context, d *Dialer, addr string) (net.Conn, error) {
	if d.dial != nil {
		return d.seamDial(ctx, addr)
	}
	nd := net.Dialer{Control: d.Guard.Control(nil)}
	return nd.DialContext(ctx, "tcp", addr)
}

// handshakeFailure classifies a failed handshake: resets, EOFs and stalls
// keep their transport failure, which says how the handshake was broken;
// alerts and anything unmapped are ssl_failed_handshake.
func handshakeFailure(err error) vocab.Failure {
	f := classify(err)
	if strings.HasPrefix(string(f), vocab.UnknownPrefix) {
		f = vocab.FailureSSLHandshake
	}
	return f
}

// checkControlName accepts a bare host name.
func checkControlName(name string) error {
	if strings.ContainsAny(name, ":/ \t") || net.ParseIP(name) != nil {
		return fmt.Errorf("control name %q: want a host name", name)
	}
	return nil
}
