package media

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
)

// streamRun is what a stream measured.
type streamRun struct {
	detail      Detail
	interrupted bool
	sendErr     error // the first send error, when one came
	sendErrs    int   // sends that failed (counted as sent and lost)
	dialErr     error
}

// stream sends cfg.PPS requests a second for cfg.Duration to dst and
// gathers the replies until cfg.Timeout after the last send (or every
// reply came). ctx ending stops it early: the figures cover what was sent.
func (p *Probe) stream(ctx context.Context, dst netip.AddrPort) streamRun {
	conn, err := dialUDP(ctx, dst, p.cfg.tos())
	if err != nil {
		return streamRun{dialErr: err}
	}
	defer conn.Close()
	codec, n := wire.NewCodec(p.cfg.Key), p.cfg.packets()
	col := newCollector(codec, newSession(), p.cfg.Size, p.cfg.PPS, n)
	start := time.Now()
	var run streamRun
	sendDone := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { defer close(sendDone); run.sendErrs, run.sendErr = p.send(ctx, conn, col, start, n) })
	wg.Go(func() { p.receive(ctx, conn, col, start, sendDone) })
	wg.Wait()
	run.interrupted = ctx.Err() != nil
	run.detail = col.detail(p.cfg.Thresholds.Window)
	run.detail.Port = dst.Port()
	if tos, ok := col.receivedTOS(); ok {
		dscp, ecn := tos>>2, tos&3
		run.detail.DSCP.Received, run.detail.DSCP.ECNReceived = &dscp, &ecn
	}
	return run
}

// send paces n requests at cfg.PPS from start; it returns the first send
// error and how many sends failed (the rest of the stream is still sent:
// a failed send, such as one an earlier datagram's pending ICMP error
// fails, is a loss).
func (p *Probe) send(ctx context.Context, conn *net.UDPConn, col *collector, start time.Time, n int) (failed int, first error) {
	codec := wire.NewCodec(p.cfg.Key)
	buf := make([]byte, 0, wire.MaxLen)
	interval := time.Second / time.Duration(p.cfg.PPS)
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	pkt := wire.Packet{Kind: wire.KindRequest, Session: col.session}
	for seq := range n {
		if d := time.Until(start.Add(time.Duration(seq) * interval)); d > 0 {
			timer.Reset(d)
			select {
			case <-ctx.Done():
				return failed, first
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return failed, first
		}
		pkt.Seq, pkt.SendNS = uint32(seq), time.Since(start).Nanoseconds()
		buf, _ = codec.Append(buf[:0], &pkt, p.cfg.Size)
		col.sent(seq, pkt.SendNS)
		if _, err := conn.Write(buf); err != nil {
			if failed++; first == nil {
				first = err
			}
		}
	}
	return failed, first
}

// receive records every datagram until cfg.Timeout after the last send,
// until every request has its reply, or until ctx ends.
func (p *Probe) receive(ctx context.Context, conn *net.UDPConn, col *collector, start time.Time, sendDone <-chan struct{}) {
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, wire.MaxLen+1)
	deadline := time.Time{}
	for {
		select {
		case <-sendDone:
			if deadline.IsZero() {
				deadline = time.Now().Add(p.cfg.Timeout)
				conn.SetReadDeadline(deadline)
			}
			if col.recv == len(col.sendNS) {
				return
			}
		default:
		}
		if deadline.IsZero() {
			conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		}
		n, err := conn.Read(buf)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			col.record(buf[:n], time.Since(start).Nanoseconds())
			if !deadline.IsZero() && col.recv == len(col.sendNS) {
				return
			}
			continue
		}
		if isTimeout(err) && !deadline.IsZero() && !time.Now().Before(deadline) {
			return
		}
		// Other errors: a queued ICMP error of one datagram (a loss), or
		// the sender's timeout tick; go on.
		if !isTimeout(err) {
			queuedICMP(conn)
		}
	}
}
