package exporter

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roompath/roompath/probe/media"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// MediaModule configures a media module (mediacheck's UDP reachability and
// stream toward a `roompath responder --udp`); its target is the responder,
// host[:port] (the port is the stream port).
type MediaModule struct {
	// Ports are the UDP ports checked; empty means Zoom's 8801-8810, 3478
	// and 3479.
	Ports []uint16 `yaml:"ports"`
	// StreamPort carries the stream when the target names no port; zero
	// means 8801.
	StreamPort uint16 `yaml:"stream_port"`
	// Duration of the stream, 1s-10m; zero means DefaultMediaDuration.
	// It is cut to fit the probe's budget, in whole seconds.
	Duration Duration `yaml:"duration"`
	// PPS is packets per second, 1-1000; zero means 50.
	PPS int `yaml:"pps"`
	// Size of each datagram in bytes; zero means 200.
	Size int `yaml:"size"`
	// DSCP marks the datagrams, 0-63, or -1 for none; unset means 56.
	DSCP *int `yaml:"dscp"`
	// Thresholds is "zoom" (the default), "teams" or a YAML file.
	Thresholds string `yaml:"thresholds"`
	// KeyFile holds the HMAC key shared with the responder; empty means
	// none.
	KeyFile string `yaml:"key_file"`
}

// DefaultMediaDuration is a media module's stream length: five seconds
// fit Prometheus's default 10 s scrape with the reachability checks.
const DefaultMediaDuration = 5 * time.Second

// mediaReach bounds the wait for each port's echo; the ports are checked
// side by side, before the stream.
const mediaReach = 2 * time.Second

// mediaModule probes UDP reachability of a responder's ports and runs a
// media-like stream to one of them.
type mediaModule struct {
	cfg    media.Config // Responder, Duration and Timeout set per probe
	lookup func(context.Context, string) ([]netip.Addr, error)
}

func newMediaModule(mc ModuleConfig) (Module, error) {
	c := mc.Media
	cfg := media.Config{Responder: "127.0.0.1", Ports: c.Ports, StreamPort: c.StreamPort, Duration: cmp.Or(time.Duration(c.Duration), DefaultMediaDuration),
		PPS: c.PPS, Size: c.Size, DSCP: media.DefaultDSCP, Timeout: mediaReach}
	if c.DSCP != nil {
		cfg.DSCP = *c.DSCP
	}
	th, err := media.LoadThresholds(c.Thresholds)
	if err != nil {
		return nil, fmt.Errorf("media.thresholds: %v", err)
	}
	cfg.Thresholds = th
	if c.KeyFile != "" {
		if cfg.Key, err = readKey(c.KeyFile); err != nil {
			return nil, err
		}
	}
	if _, err := media.New(cfg); err != nil {
		return nil, fmt.Errorf("media: %v", err)
	}
	return &mediaModule{cfg: cfg, lookup: lookupIP}, nil
}

// readKey reads a key file without ever echoing its contents.
func readKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("media.key_file: %v", err)
	case len(b) == 0 || len(b) > 4096:
		return nil, fmt.Errorf("media.key_file %s: want 1-4096 bytes", path)
	}
	return b, nil
}

// Plan accepts host[:port] under the allowlist: a name not allowed by name
// is resolved, every address must be allowed, and the probe goes to the
// first; the guard holds the responder's address at send time.
func (m *mediaModule) Plan(ctx context.Context, target string, allow *Allowlist) (Run, error) {
	host, port, err := splitTarget(target, cmp.Or(m.cfg.StreamPort, media.DefaultStreamPort))
	if err != nil {
		return nil, err
	}
	hp := net.JoinHostPort(host, strconv.Itoa(int(port)))
	responder := hp
	if !allow.AllowsHost(host) {
		addrs, err := m.lookup(ctx, host)
		if _, perr := netip.ParseAddr(host); perr == nil || err != nil || len(addrs) == 0 || !allAllowed(allow, addrs) {
			return nil, notAllowed(hp)
		}
		responder = net.JoinHostPort(addrs[0].String(), strconv.Itoa(int(port)))
	}
	cfg := m.cfg
	cfg.Responder, cfg.StreamPort, cfg.Guard = responder, 0, connectGuard(allow)
	return func(ctx context.Context) Outcome { return Outcome{Results: m.run(ctx, cfg, hp)} }, nil
}

// run fits the stream into the budget and runs the probe.
func (m *mediaModule) run(ctx context.Context, cfg media.Config, hp string) []report.Result {
	left := perAttempt(ctx, 1) - cfg.Timeout - time.Second
	cfg.Duration = max(min(cfg.Duration, left).Truncate(time.Second), media.MinDuration)
	p, err := media.New(cfg)
	if err != nil {
		r := report.Result{ID: "media/" + hp, Check: vocab.CheckMedia, Target: hp, Status: report.StatusError, Observed: vocab.MediaNotRun}
		r.SetFailure(vocab.Unknown(err.Error()), vocab.OpMediaStream)
		return []report.Result{r}
	}
	byseq := map[int]report.Result{}
	var order []int
	_ = p.Run(ctx, func(seq int, r report.Result) {
		if _, ok := byseq[seq]; !ok {
			order = append(order, seq)
		}
		byseq[seq] = r
	})
	out := make([]report.Result, 0, len(order))
	for _, s := range order {
		out = append(out, byseq[s])
	}
	return out
}

// Media descriptors, added to descs.
type mediaDescs struct {
	loss, jitter, rtt, udpOpen *prometheus.Desc
}

func newMediaDescs(mk func(name, help string, labels ...string) *prometheus.Desc) mediaDescs {
	return mediaDescs{
		loss:    mk("probe_media_loss_ratio", "Share of the stream's datagrams that did not come back, 0-1."),
		jitter:  mk("probe_media_jitter_seconds", "Interarrival jitter of the stream, by direction (up: to the responder, down: back).", "direction"),
		rtt:     mk("probe_media_rtt_seconds", "Round trip of the stream's datagrams, by quantile (p50, p95, max).", "quantile"),
		udpOpen: mk("probe_udp_open", "1 when the responder echoed on the UDP port, else 0.", "port"),
	}
}

func (d mediaDescs) all() []*prometheus.Desc {
	return []*prometheus.Desc{d.loss, d.jitter, d.rtt, d.udpOpen}
}

// collectMedia sends probe_udp_open per udp result and the stream's
// figures when a stream ran.
func collectMedia(d *descs, e emitter, rs []report.Result) {
	for _, r := range resultsOf(rs, vocab.CheckUDP) {
		if det, ok := r.Detail.(*media.UDPDetail); ok && r.Observed != vocab.UDPNotRun {
			e.gauge(d.media.udpOpen, boolFloat(r.Observed == vocab.UDPOpen), strconv.Itoa(int(det.Port)))
		}
	}
	for _, r := range resultsOf(rs, vocab.CheckMedia) {
		det, ok := r.Detail.(*media.Detail)
		if !ok || det.Sent == 0 {
			continue
		}
		e.gauge(d.media.loss, det.LossPct/100)
		e.gauge(d.media.jitter, det.JitterUpMS/1000, "up")
		e.gauge(d.media.jitter, det.JitterDownMS/1000, "down")
		if det.RTT != nil {
			e.gauge(d.media.rtt, det.RTT.P50/1000, "p50")
			e.gauge(d.media.rtt, det.RTT.P95/1000, "p95")
			e.gauge(d.media.rtt, det.RTT.Max/1000, "max")
		}
	}
}
