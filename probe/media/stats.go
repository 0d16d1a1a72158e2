package media

import (
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/roompath/roompath/probe/media/wire"
)

// replayAfter tells a duplicate from a replay: a second copy of a reply
// within this long of the first is the path's duplicate, a later one a
// replay (a hostile or broken responder).
const replayAfter = time.Second

// Detail is the evidence of a media result (the JSON is the contract of
// the HTML report and the exporter).
type Detail struct {
	Port            uint16    `json:"port"`
	PPS             int       `json:"pps"`
	Size            int       `json:"size"`
	Sent            int       `json:"sent"`
	Received        int       `json:"received"`
	LossPct         float64   `json:"loss_pct"`
	BurstLossMaxPct float64   `json:"burst_loss_max_pct"`
	JitterUpMS      float64   `json:"jitter_up_ms"`
	JitterDownMS    float64   `json:"jitter_down_ms"`
	RTT             *RTT      `json:"rtt_ms"`
	ReorderPct      float64   `json:"reorder_pct"`
	Duplicates      int       `json:"duplicates"`
	DSCP            DSCP      `json:"dscp"`
	Thresholds      string    `json:"thresholds"`
	Crossed         []Crossed `json:"crossed"`
	Windows         []Window  `json:"windows"`
	Ignored         Ignored   `json:"ignored"`
	// Note says what the figures do not cover, when something is missing.
	Note string `json:"note,omitempty"`

	// The windowed figures the thresholds judge (worst Window).
	windowedLossPct, windowedJitterUp, windowedJitterDown float64
	windowedSpanMS                                        int64
}

// RTT is the round-trip distribution of the replies.
type RTT struct {
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

// DSCP is the mark sent, the one the responder saw, and where it changed.
type DSCP struct {
	Sent     *int `json:"sent"`
	Received *int `json:"received"`
	// ECNReceived is the ECN field of the TOS the responder saw most.
	ECNReceived *int `json:"ecn_received,omitempty"`
	// ChangedAfterHop is the TTL of the last hop whose ICMP quote still
	// carried the mark sent (a UDP trace with CAP_NET_RAW); nil unknown.
	ChangedAfterHop *int   `json:"changed_after_hop"`
	Note            string `json:"note,omitempty"`
}

// Window is one second of the stream.
type Window struct {
	StartMS      int64    `json:"start_ms"`
	Sent         int      `json:"sent"`
	Received     int      `json:"received"`
	LossPct      float64  `json:"loss_pct"`
	JitterUpMS   float64  `json:"jitter_up_ms"`
	JitterDownMS float64  `json:"jitter_down_ms"`
	RTTP50MS     *float64 `json:"rtt_p50_ms"`
}

// Ignored counts the replies that were not figures.
type Ignored struct {
	WrongSession int `json:"wrong_session"`
	Replays      int `json:"replays"`
	Malformed    int `json:"malformed"`
	Oversized    int `json:"oversized"`
}

// Total is every ignored reply.
func (i Ignored) Total() int { return i.WrongSession + i.Replays + i.Malformed + i.Oversized }

// collector gathers a stream's figures. The sender calls sent (from its
// goroutine), the receiver record (from its own); neither allocates.
type collector struct {
	codec   *wire.Codec
	session uint64
	size    int
	pps     int
	sendNS  []atomic.Int64 // send time + 1 (0: not sent), by seq
	rttNS   []int64        // -1: no reply yet, by seq
	win     []winAcc       // by second
	maxSeq  int
	recv    int
	dups    int
	reorder int
	ign     Ignored

	jUp, jDown         float64 // RFC 3550 running jitter, ns
	prevUp, prevDown   int64
	havePrev           bool
	tos                [256]int32
	tosKnown, tosUnkwn int
}

type winAcc struct {
	jUp, jDown float64
	set        bool
}

func newCollector(codec *wire.Codec, session uint64, size, pps, planned int) *collector {
	c := &collector{codec: codec, session: session, size: size, pps: pps, maxSeq: -1,
		sendNS: make([]atomic.Int64, planned), rttNS: make([]int64, planned),
		win: make([]winAcc, (planned+pps-1)/pps)}
	for i := range c.rttNS {
		c.rttNS[i] = -1
	}
	return c
}

// sent records that seq left at ns (since the stream's start).
func (c *collector) sent(seq int, ns int64) { c.sendNS[seq].Store(ns + 1) }

// record takes one datagram that arrived at ns: a reply counts once; the
// rest is counted in ign and changes no figure.
func (c *collector) record(b []byte, ns int64) {
	if len(b) > c.size {
		c.ign.Oversized++
		return
	}
	p, err := c.codec.Parse(b)
	if err != nil || p.Kind != wire.KindReply || len(b) != c.size || p.ReplyNS < p.RecvNS {
		c.ign.Malformed++
		return
	}
	if p.Session != c.session {
		c.ign.WrongSession++
		return
	}
	seq := int(p.Seq)
	if seq >= len(c.sendNS) || c.sendNS[seq].Load() == 0 || p.SendNS != c.sendNS[seq].Load()-1 || ns < p.SendNS {
		c.ign.Malformed++ // a sequence number never sent, not as sent, or back before it was
		return
	}
	if rtt := c.rttNS[seq]; rtt >= 0 {
		if ns-(p.SendNS+rtt) <= int64(replayAfter) {
			c.dups++
		} else {
			c.ign.Replays++
		}
		return
	}
	c.rttNS[seq] = ns - p.SendNS
	c.recv++
	if seq < c.maxSeq {
		c.reorder++
	}
	c.maxSeq = max(c.maxSeq, seq)
	c.jitter(p, ns)
	w := &c.win[seq/c.pps]
	w.jUp, w.jDown, w.set = c.jUp, c.jDown, true
	if p.TOSKnown {
		c.tos[p.TOS]++
		c.tosKnown++
	} else {
		c.tosUnkwn++
	}
}

// jitter updates both directions' RFC 3550 interarrival jitter: J +=
// (|D| - J)/16, D the change in transit time between consecutive replies.
// Up uses the responder's receive time against the send time, down this
// host's arrival time against the responder's send time: each pair of
// clocks' offset cancels out in D.
func (c *collector) jitter(p wire.Packet, ns int64) {
	up, down := p.RecvNS-p.SendNS, ns-p.ReplyNS
	if c.havePrev {
		c.jUp += (math.Abs(float64(up-c.prevUp)) - c.jUp) / 16
		c.jDown += (math.Abs(float64(down-c.prevDown)) - c.jDown) / 16
	}
	c.prevUp, c.prevDown, c.havePrev = up, down, true
}

// detail computes the figures of what was sent; window is the span the
// thresholds average loss and jitter over.
func (c *collector) detail(window time.Duration) Detail {
	d := Detail{Size: c.size, PPS: c.pps, Received: c.recv, Duplicates: c.dups, Ignored: c.ign}
	for i := range c.sendNS {
		if c.sendNS[i].Load() != 0 {
			d.Sent = i + 1
		}
	}
	if d.Sent == 0 {
		return d
	}
	d.LossPct = pct(d.Sent-d.Received, d.Sent)
	d.BurstLossMaxPct = c.burstLoss(d.Sent)
	d.JitterUpMS, d.JitterDownMS = round2(c.jUp/1e6), round2(c.jDown/1e6)
	d.RTT = rttOf(c.rttNS[:d.Sent])
	if d.Received > 0 {
		d.ReorderPct = pct(c.reorder, d.Received)
	}
	d.Windows = c.windows(d.Sent)
	c.windowed(&d, window)
	return d
}

// burstLoss is the worst loss of any 200 ms of sending (at least one
// packet's worth).
func (c *collector) burstLoss(sent int) float64 {
	k := min(max(1, int(math.Round(float64(c.pps)*BurstWindow.Seconds()))), sent)
	lost := 0
	for i := range k {
		if c.rttNS[i] < 0 {
			lost++
		}
	}
	worst := lost
	for i := k; i < sent; i++ {
		if c.rttNS[i] < 0 {
			lost++
		}
		if c.rttNS[i-k] < 0 {
			lost--
		}
		worst = max(worst, lost)
	}
	return pct(worst, k)
}

// windows is one entry per second of sending.
func (c *collector) windows(sent int) []Window {
	out := make([]Window, 0, len(c.win))
	var jUp, jDown float64
	for w := 0; w*c.pps < sent; w++ {
		lo, hi := w*c.pps, min((w+1)*c.pps, sent)
		if c.win[w].set {
			jUp, jDown = c.win[w].jUp, c.win[w].jDown
		}
		win := Window{StartMS: int64(w) * 1000, Sent: hi - lo, JitterUpMS: round2(jUp / 1e6), JitterDownMS: round2(jDown / 1e6)}
		if r := rttOf(c.rttNS[lo:hi]); r != nil {
			win.RTTP50MS = &r.P50
		}
		for _, rtt := range c.rttNS[lo:hi] {
			if rtt >= 0 {
				win.Received++
			}
		}
		win.LossPct = pct(win.Sent-win.Received, win.Sent)
		out = append(out, win)
	}
	return out
}

// windowed sets the worst loss and mean jitter of any span of window
// (whole seconds; a shorter stream is one span, judged by its own loss and
// jitter).
func (c *collector) windowed(d *Detail, window time.Duration) {
	k := min(max(1, int(window/time.Second)), len(d.Windows))
	d.windowedSpanMS = int64(k) * 1000
	if k == len(d.Windows) {
		// One window: the stream's own figures, as the detail reports them.
		d.windowedLossPct, d.windowedJitterUp, d.windowedJitterDown = d.LossPct, d.JitterUpMS, d.JitterDownMS
		return
	}
	for i := 0; i+k <= len(d.Windows); i++ {
		sent, recv := 0, 0
		var up, down float64
		for _, w := range d.Windows[i : i+k] {
			sent, recv = sent+w.Sent, recv+w.Received
			up, down = up+w.JitterUpMS, down+w.JitterDownMS
		}
		d.windowedLossPct = max(d.windowedLossPct, pct(sent-recv, sent))
		d.windowedJitterUp = max(d.windowedJitterUp, up/float64(k))
		d.windowedJitterDown = max(d.windowedJitterDown, down/float64(k))
	}
}

// receivedTOS is the TOS byte the responder saw most; ok false when it
// never said.
func (c *collector) receivedTOS() (int, bool) {
	if c.tosKnown == 0 {
		return 0, false
	}
	best := 0
	for i, n := range c.tos {
		if n > c.tos[best] {
			best = i
		}
	}
	return best, true
}

// rttOf is the distribution of the replies' round trips in ns (-1: none);
// nil when none came.
func rttOf(ns []int64) *RTT {
	var got []float64
	for _, v := range ns {
		if v >= 0 {
			got = append(got, float64(v)/1e6)
		}
	}
	if len(got) == 0 {
		return nil
	}
	slices.Sort(got)
	rank := func(p float64) float64 { return round2(got[max(0, int(math.Ceil(p*float64(len(got))))-1)]) }
	return &RTT{Min: round2(got[0]), P50: rank(0.5), P95: rank(0.95), Max: round2(got[len(got)-1])}
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return round2(100 * float64(n) / float64(of))
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
