package mediacmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/report/reporttest"
)

// labImpairment is the media lab's impaired path in these tests: 5 %
// random loss at hop 1, 30 ms of delay and up to 20 ms of jitter.
var labImpairment = nslab.MediaLabConfig{LossPct: 5, Delay: 30 * time.Millisecond, Jitter: 20 * time.Millisecond}

// labPorts are the ports the lab's reflectors answer on.
var labPorts = []int{8801, 8802, 8803, 8804, 8805, 8806, 8807, 8808, 8809, 8810, 3478, 3479}

// labResult is the part of a result the lab tests read.
type labResult struct {
	ID         string `json:"id"`
	Check      string `json:"check"`
	Status     string `json:"status"`
	Observed   string `json:"observed"`
	Reason     string `json:"reason"`
	ReportedBy string `json:"reported_by"`
	Detail     struct {
		Port    int `json:"port"`
		LastHop *struct {
			Address string `json:"address"`
		} `json:"last_hop"`
		Sent     int     `json:"sent"`
		Received int     `json:"received"`
		LossPct  float64 `json:"loss_pct"`
		DSCP     *struct {
			Sent            int  `json:"sent"`
			Received        *int `json:"received"`
			ChangedAfterHop *int `json:"changed_after_hop"`
		} `json:"dscp"`
	} `json:"detail"`
}

// labBuild compiles mediacheck, to run inside a lab namespace (its
// goroutines' sockets must live there, which an in-process run cannot
// promise).
func labBuild(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mediacheck")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/mediacheck").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// labNew builds mediacheck and the media lab with the reflector serving
// in it (all closed when the test ends), or skips without a lab.
func labNew(t *testing.T) (*nslab.MediaLab, string) {
	t.Helper()
	nslab.Need(t)
	bin := labBuild(t)
	lab, err := nslab.NewMediaLab(labImpairment)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	if err := lab.Serve(labPorts, responder.NewReflector(responder.UDPConfig{}).Serve); err != nil {
		t.Fatal(err)
	}
	return lab, bin
}

// labRun runs mediacheck -o json in the lab's client namespace and returns
// its exit code and results, the media result last.
func labRun(t *testing.T, lab *nslab.MediaLab, bin string, args ...string) (int, []labResult) {
	t.Helper()
	var out, errs bytes.Buffer
	cmd := lab.Client.Command(context.Background(), bin, append([]string{"-o", "json", "--timeout", "1s"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errs
	code := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run: %v", err)
		}
		code = ee.ExitCode()
	}
	reporttest.ValidateJSON(t, out.Bytes())
	var rep struct {
		Results []labResult `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Results) == 0 || rep.Results[len(rep.Results)-1].Check != "media" {
		t.Fatalf("report (%v): %s\nstderr: %s", err, out.Bytes(), errs.Bytes())
	}
	return code, rep.Results
}

// labPortResult is the udp result of port.
func labPortResult(t *testing.T, results []labResult, port int) labResult {
	t.Helper()
	for _, r := range results {
		if r.Check == "udp" && r.Detail.Port == port {
			return r
		}
	}
	t.Fatalf("no udp result for port %d in %+v", port, results)
	return labResult{}
}

// TestLabMedia runs mediacheck through the media lab's staged faults: a
// clean path is good; UDP 8801-8810 dropped at hop 2 is blocked (however
// 3478 passes), each dropped port filtered with hop 2 as its last hop, and
// 3479 rejected there is unreachable admin_prohibited reported by hop 2;
// a DSCP re-mark at hop 1 shows as the responder receiving 0, the change
// placed after hop 1 (raw mode: the lab runs as root).
func TestLabMedia(t *testing.T) {
	lab, bin := labNew(t)
	t.Run("clean", func(t *testing.T) {
		code, res := labRun(t, lab, bin, "--duration", "3s", lab.Clean)
		media := res[len(res)-1]
		if code != 0 || media.Observed != "good" || media.Detail.DSCP == nil || media.Detail.DSCP.Received == nil || *media.Detail.DSCP.Received != 56 {
			t.Errorf("exit %d, media %+v", code, media)
		}
		for _, r := range res[:len(res)-1] {
			if r.Observed != "open" {
				t.Errorf("%s: %s/%s", r.ID, r.Observed, r.Reason)
			}
		}
	})
	for _, tt := range []struct{ name, addr, hop2 string }{{"blocked", lab.Blocked, lab.Hop2}, {"blocked v6", lab.BlockedV6, lab.Hop2V6}} {
		t.Run(tt.name, func(t *testing.T) {
			code, res := labRun(t, lab, bin, "--duration", "2s", tt.addr)
			if media := res[len(res)-1]; code != 1 || media.Observed != "blocked" {
				t.Errorf("exit %d, media %+v", code, media)
			}
			for p := lab.BlockedPorts[0]; p <= lab.BlockedPorts[1]; p++ {
				r := labPortResult(t, res, p)
				if r.Observed != "filtered" || r.Detail.LastHop == nil || r.Detail.LastHop.Address != tt.hop2 {
					t.Errorf("port %d: %+v (last hop %+v), want filtered after %s", p, r, r.Detail.LastHop, tt.hop2)
				}
			}
			if r := labPortResult(t, res, lab.RejectedPort); r.Observed != "unreachable" || r.Reason != "admin_prohibited" || r.ReportedBy != tt.hop2 {
				t.Errorf("port %d: %+v, want unreachable admin_prohibited by %s", lab.RejectedPort, r, tt.hop2)
			}
			if r := labPortResult(t, res, 3478); r.Observed != "open" {
				t.Errorf("port 3478: %+v, want open", r)
			}
		})
	}
	t.Run("re-marked", func(t *testing.T) {
		_, res := labRun(t, lab, bin, "-p", "8801", "--duration", "2s", lab.Remarked)
		if m := res[len(res)-1]; m.Status != "warn" {
			t.Errorf("re-marked stream: status %s, want warn (QoS does not see Zoom's mark)", m.Status)
		}
		d := res[len(res)-1].Detail.DSCP
		if d == nil || d.Sent != 56 || d.Received == nil || *d.Received != 0 || d.ChangedAfterHop == nil || *d.ChangedAfterHop != 1 {
			t.Errorf("dscp %+v", d)
		}
	})
}

// TestLabMediaImpaired: over the impaired path the stream is degraded or
// bad, and its loss is what the path did to it: the datagrams of the
// stream's flow that never reached the relay (dropped by hop 1's
// nftables) or that the relay dropped, within one point. The relay
// carries every reply back, so nothing else is lost, and keeps the DSCP
// mark.
func TestLabMediaImpaired(t *testing.T) {
	lab, bin := labNew(t)
	_, res := labRun(t, lab, bin, "-p", "8801", "--duration", "5s", lab.Impaired)
	media := res[len(res)-1]
	if media.Observed != "degraded" && media.Observed != "bad" {
		t.Errorf("media %s/%s, want degraded or bad", media.Observed, media.Reason)
	}
	flows, _ := lab.Relay.Stats()
	f, ok := nslab.Busiest(flows, 8801)
	if !ok || media.Detail.Sent == 0 {
		t.Fatalf("no stream through the relay: %+v, media %+v", flows, media)
	}
	passed := float64(f.Up - f.UpDropped - f.UpOverflow)
	truth := 100 * (float64(media.Detail.Sent) - passed) / float64(media.Detail.Sent)
	t.Logf("mediacheck loss %.2f %%, the path dropped %.2f %% (sent %d, relay %+v)", media.Detail.LossPct, truth, media.Detail.Sent, f)
	if math.Abs(media.Detail.LossPct-truth) > 1 || truth == 0 {
		t.Errorf("loss_pct %.2f, the path dropped %.2f %% (sent %d, relay %+v)", media.Detail.LossPct, truth, media.Detail.Sent, f)
	}
	if d := media.Detail.DSCP; d == nil || d.Received == nil || *d.Received != 56 {
		t.Errorf("dscp %+v: the relay delays, it must not re-mark", d)
	}
	if !strings.HasPrefix(media.ID, "media/"+lab.Impaired+":") {
		t.Errorf("id %s", media.ID)
	}
}
