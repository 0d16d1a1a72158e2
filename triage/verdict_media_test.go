package triage

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/status/statustest"

	"github.com/roompath/roompath/probe/media"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func udpRes(port uint16, st report.Status, observed vocab.Observed, reason vocab.Reason, by string) report.Result {
	res := r("udp", "203.0.113.10:"+itoa(port), st, observed, reason, by, &media.UDPDetail{Port: port, Mode: "recverr"})
	res.Layer = vocab.LayerMedia
	return res
}

func mediaRes(st report.Status, observed vocab.Observed, reason vocab.Reason, d *media.Detail) report.Result {
	res := r("media", "203.0.113.10:8801", st, observed, reason, "", d)
	res.Layer = vocab.LayerMedia
	return res
}

var goodMedia = mediaRes(report.StatusPass, vocab.MediaGood, vocab.ReasonWithinThresholds,
	&media.Detail{Sent: 500, Received: 500, JitterUpMS: 1.2, JitterDownMS: 0.9, RTT: &media.RTT{Min: 10, P50: 12.5, P95: 14, Max: 20}, Thresholds: "zoom"})

// mediaCases are the verdicts of the media layer (triage --media-responder).
var mediaCases = []struct {
	name    string
	results []report.Result
}{
	{"media blocked whatever 3478 does", []report.Result{openRoom,
		udpRes(8801, report.StatusFail, vocab.UDPFiltered, vocab.ReasonNoResponse, ""),
		udpRes(3478, report.StatusPass, vocab.UDPOpen, vocab.ReasonEchoed, ""),
		mediaRes(report.StatusFail, vocab.MediaBlocked, vocab.ReasonMediaPortsBlocked, &media.Detail{Port: 8801})}},
	{"media path bad", []report.Result{openRoom, udpRes(8801, report.StatusPass, vocab.UDPOpen, vocab.ReasonEchoed, ""),
		mediaRes(report.StatusFail, vocab.MediaBad, vocab.ReasonThresholdCrossed, &media.Detail{Sent: 500, Received: 479, Thresholds: "zoom",
			Crossed: []media.Crossed{{Metric: "loss_pct", Value: 4.2, Limit: 1, Window: "10s", Bad: true}, {Metric: "burst_loss_max_pct", Value: 30, Limit: 10, Window: "200ms", Bad: true}}})}},
	{"media stream lost", []report.Result{openRoom, udpRes(8801, report.StatusPass, vocab.UDPOpen, vocab.ReasonEchoed, ""),
		mediaRes(report.StatusFail, vocab.MediaBad, vocab.ReasonStreamLost, &media.Detail{Sent: 500})}},
	{"3479 rejected while the stream is good", []report.Result{openRoom,
		udpRes(8801, report.StatusPass, vocab.UDPOpen, vocab.ReasonEchoed, ""),
		udpRes(3479, report.StatusFail, vocab.UDPUnreachable, vocab.ReasonAdminProhibited, "10.0.40.1"), goodMedia}},
	{"media responder not listening", []report.Result{openRoom,
		udpRes(8801, report.StatusFail, vocab.UDPUnreachable, vocab.ReasonPortUnreach, "203.0.113.10"),
		udpRes(8802, report.StatusFail, vocab.UDPUnreachable, vocab.ReasonPortUnreach, "203.0.113.10"),
		mediaRes(report.StatusError, vocab.MediaNotRun, vocab.ReasonResponderNotListening, &media.Detail{})}},
	{"media responder unresolved", []report.Result{openRoom,
		func() report.Result {
			u := udpRes(8801, report.StatusFail, vocab.UDPUnresolved, "", "")
			u.Target = "media.corp.example:8801"
			return u
		}()}},
	{"healthy with a good media path", []report.Result{openRoom, udpRes(8801, report.StatusPass, vocab.UDPOpen, vocab.ReasonEchoed, ""), goodMedia}},
	{"degraded media warns at the media layer", []report.Result{openRoom, udpRes(8801, report.StatusPass, vocab.UDPOpen, vocab.ReasonEchoed, ""),
		func() report.Result {
			m := mediaRes(report.StatusWarn, vocab.MediaDegraded, vocab.ReasonThresholdCrossed, &media.Detail{Sent: 500})
			m.Hint = "Against roompath's Zoom thresholds: jitter_up_ms 45 ms (worst 10s) is above the limit of 30 ms by 15 (1.5x)."
			return m
		}()}},
	{"tls before media", []report.Result{openRoom,
		{ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail, Observed: "blocked", Reason: "reset", Failure: report.Str(vocab.FailureConnectionReset)},
		mediaRes(report.StatusFail, vocab.MediaBlocked, vocab.ReasonMediaPortsBlocked, &media.Detail{Port: 8801})}},
}

// TestMediaLayerNeverPassesOnFailure: a failed media result always makes
// the verdict fail at the media layer when nothing before it fails.
func TestMediaLayerNeverPassesOnFailure(t *testing.T) {
	for _, tt := range mediaCases[:5] {
		v := Decide("10.10.5.23", 9090, tt.results)
		if v.Status != report.StatusFail || v.Layer != vocab.LayerMedia {
			t.Errorf("%s: %s %s", tt.name, v.Status, v.Layer)
		}
	}
}

// TestRunWithMediaResponder: --media-responder adds the udp and media
// results (typed details, layer media) and the healthy verdict cites the
// media path.
func TestRunWithMediaResponder(t *testing.T) {
	open := probetest.Open(t)
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { responder.NewReflector(responder.UDPConfig{}).Serve(ctx, c); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	mport := uint16(c.LocalAddr().(*net.UDPAddr).Port)
	cfg := loopbackConfig(t, "localhost", open.Port(), statustest.Operational, false)
	cfg.MediaResponder, cfg.MediaPorts, cfg.MediaDuration = "127.0.0.1:"+itoa(mport), []uint16{mport}, time.Second
	out, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var udp, med int
	for _, r := range out.Results {
		switch {
		case r.Check == vocab.CheckUDP && udpDetail(r) != nil && r.Observed == vocab.UDPOpen:
			udp++
		case r.Check == vocab.CheckMedia && mediaDetail(r) != nil:
			med++
		}
	}
	if udp != 1 || med != 1 {
		t.Fatalf("%d open udp and %d media results with typed details, want 1 and 1: %+v", udp, med, out.Results)
	}
	if v := out.Verdict; v.Status == report.StatusFail && v.Layer == vocab.LayerMedia {
		t.Errorf("a loopback media path failed: %+v", v)
	} else if v.Status == report.StatusPass && !strings.Contains(v.Message, "UDP media path") {
		t.Errorf("the healthy verdict does not cite the media path: %q", v.Message)
	}
	if _, err := newPlan(Config{Room: cfg.Room, MediaResponder: "a b"}); err == nil {
		t.Error("a bad media responder was accepted")
	}
}
