package proxyprobe

import (
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestBlockedReason(t *testing.T) {
	done, failed := true, false
	ctl := func(ok bool) *ControlDetail { return &ControlDetail{Name: DefaultControlName, Completed: ok} }
	mtu := func(ok bool) *MTUProbe { return &MTUProbe{MSSTried: 1240, PacketBytes: 1280, Completed: ok} }
	reset, timeout, eof := vocab.FailureConnectionReset, vocab.FailureTimeout, vocab.FailureEOF
	tests := []struct {
		name string
		f    vocab.Failure
		c    *ControlDetail
		m    *MTUProbe
		want vocab.Reason
	}{
		{"stall, small MSS completes", timeout, ctl(failed), mtu(done), vocab.ReasonMTUBlackHole},
		{"stall, both complete: the name passes, so the size is to blame", timeout, ctl(done), mtu(done), vocab.ReasonMTUBlackHole},
		{"stall, control name completes", timeout, ctl(done), mtu(failed), vocab.ReasonSNIFiltered},
		{"reset, control name completes", reset, ctl(done), nil, vocab.ReasonSNIFiltered},
		{"eof, control name completes", eof, ctl(done), nil, vocab.ReasonSNIFiltered},
		{"reset, control reset too", reset, ctl(failed), nil, vocab.ReasonHandshakeReset},
		{"stall, nothing completes", timeout, ctl(failed), mtu(failed), vocab.ReasonHandshakeTimeout},
		{"stall, controls skipped", timeout, &ControlDetail{Skipped: "address"}, &MTUProbe{Skipped: "proxy"}, vocab.ReasonHandshakeTimeout},
		{"reset, no controls", reset, nil, nil, vocab.ReasonHandshakeReset},
		{"eof, control fails", eof, ctl(failed), nil, vocab.ReasonHandshakeFailed},
		{"alert, control fails", vocab.FailureSSLHandshake, ctl(failed), nil, vocab.ReasonHandshakeFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BlockedReason(tt.f, tt.c, tt.m); got != tt.want {
				t.Errorf("BlockedReason = %q, want %q", got, tt.want)
			}
			r := blockedResult("zoom.us", tt.f, tt.c, tt.m)
			if r.Observed != vocab.TLSBlocked || r.Status != report.StatusFail || r.Hint == "" || strings.Contains(r.Hint, "%!") {
				t.Errorf("result %+v, hint %q", r, r.Hint)
			}
		})
	}
}

// counted counts the connections a listener accepts.
type counted struct {
	net.Listener
	n atomic.Int32
}

func (c *counted) Accept() (net.Conn, error) {
	conn, err := c.Listener.Accept()
	if err == nil {
		c.n.Add(1)
	}
	return conn, err
}

// TestTLSControlsOnLoopback pins what the controls record, and that they
// never run after a handshake that completed.
func TestTLSControlsOnLoopback(t *testing.T) {
	genuine := mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")
	serveCounted := func(t *testing.T, serve func(net.Listener) func()) (string, *counted) {
		ln := &counted{Listener: proxytest.Loopback(t)}
		t.Cleanup(serve(ln))
		return ln.Addr().String(), ln
	}
	run := func(t *testing.T, target, addr string) (report.Result, *TLSDetail) {
		res := resultOf(t)(newTLS(TLSConfig{Target: target, Dialer: &Dialer{Rules: []ConnectTo{rule(target, addr)}}, Timeout: scenarioTimeout, Roots: genuine.Pool()}, emptyPool()))
		return res, res.Detail.(*TLSDetail)
	}
	t.Run("healthy: one connection, no controls", func(t *testing.T) {
		addr, ln := serveCounted(t, proxytest.TLSOrigin{CA: genuine}.Serve)
		res, d := run(t, "zoom.us:443", addr)
		if res.Observed != vocab.TLSGenuine || d.Control != nil || d.MTUProbe != nil || ln.n.Load() != 1 {
			t.Errorf("observed %s control %+v mtu_probe %+v, %d connections", res.Observed, d.Control, d.MTUProbe, ln.n.Load())
		}
	})
	t.Run("SNI reset: the control reaches the same address", func(t *testing.T) {
		origin := start(t, proxytest.TLSOrigin{CA: genuine}.Serve)
		addr, ln := serveCounted(t, proxytest.SNIFilter{Upstream: origin, Names: []string{"zoom.us"}}.Serve)
		_, d := run(t, "zoom.us:443", addr)
		want := &ControlDetail{Name: DefaultControlName, Addr: addr, Completed: true, Issuer: genuine.Cert.Subject.String()}
		if diff := cmp.Diff(want, d.Control); diff != "" || d.MTUProbe != nil || ln.n.Load() != 2 {
			t.Errorf("control (-want +got)\n%s\nmtu_probe %+v, %d connections", diff, d.MTUProbe, ln.n.Load())
		}
	})
	t.Run("stall: both controls, and both stall", func(t *testing.T) {
		addr, ln := serveCounted(t, proxytest.StallTLS{}.Serve)
		_, d := run(t, "zoom.us:443", addr)
		wantCtl := &ControlDetail{Name: DefaultControlName, Addr: addr, Failure: vocab.FailureTimeout, Operation: vocab.OpTLSHandshake}
		wantMTU := &MTUProbe{MSSTried: 1240, PacketBytes: 1280, Failure: vocab.FailureTimeout, Operation: vocab.OpTLSHandshake}
		if runtime.GOOS != "linux" {
			wantMTU = &MTUProbe{Skipped: runtime.GOOS + ": the MSS of a SYN cannot be set here"}
		}
		if diff := cmp.Diff(wantCtl, d.Control); diff != "" {
			t.Errorf("control (-want +got)\n%s", diff)
		}
		if diff := cmp.Diff(wantMTU, d.MTUProbe); diff != "" {
			t.Errorf("mtu_probe (-want +got)\n%s", diff)
		}
		if runtime.GOOS == "linux" && ln.n.Load() != 3 {
			t.Errorf("%d connections, want the check's and two controls", ln.n.Load())
		}
	})
	t.Run("an address target sends no name: no name control", func(t *testing.T) {
		addr := start(t, proxytest.ResetTLS{}.Serve)
		res, d := run(t, addr, addr)
		if res.Reason != vocab.ReasonHandshakeReset || d.Control == nil || d.Control.Skipped == "" || d.Control.Completed {
			t.Errorf("reason %s control %+v", res.Reason, d.Control)
		}
	})
}

// TestTLSControlsThroughProxy: through a proxy the control name goes
// through the same proxy, and no small MSS is tried.
func TestTLSControlsThroughProxy(t *testing.T) {
	stall := start(t, proxytest.StallTLS{}.Serve)
	p := start(t, proxytest.ConnectProxy{Upstream: map[string]string{"zoom.us:443": stall}}.Serve)
	d := &Dialer{Rules: []ConnectTo{rule("zoom.us:443", refusedAddr(t))}}
	res := resultOf(t)(newTLS(TLSConfig{Target: "zoom.us:443", Settings: fixed(t, p), Dialer: d, Timeout: scenarioTimeout}, emptyPool()))
	det := res.Detail.(*TLSDetail)
	if res.Reason != vocab.ReasonHandshakeTimeout || det.Control == nil || det.Control.Addr != p || det.Control.Failure != vocab.FailureTimeout {
		t.Errorf("reason %s control %+v", res.Reason, det.Control)
	}
	if det.MTUProbe == nil || det.MTUProbe.Skipped == "" || det.MTUProbe.MSSTried != 0 {
		t.Errorf("mtu_probe %+v, want skipped", det.MTUProbe)
	}
}

func TestNewTLSControlName(t *testing.T) {
	for _, name := range []string{"a b", "example.com:443", "10.0.0.1"} {
		_, err := NewTLS(TLSConfig{Target: "zoom.us:443", ControlName: name})
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ControlName %q: err %v, want one line", name, err)
		}
	}
	c, err := NewTLS(TLSConfig{Target: "zoom.us:443"})
	if err != nil || c.cfg.ControlName != DefaultControlName {
		t.Errorf("default control name: %v %v", c, err)
	}
}

// TestChainOriginNeedsFullSegments: the lab's black hole holds only if
// BigChain's chain alone is larger than a full-sized packet.
func TestChainOriginNeedsFullSegments(t *testing.T) {
	genuine := mustCA(t, "Roompath Test Root G2", "Roompath Test PKI")
	big, err := proxytest.NewChainOrigin(genuine, proxytest.TLSLabIntermediates)
	if err != nil {
		t.Fatal(err)
	}
	n, err := big.ChainBytes("zoom.us")
	if err != nil {
		t.Fatal(err)
	}
	if n <= 1500 {
		t.Errorf("the chain is %d bytes, want more than a full-sized packet", n)
	}
	addr := start(t, big.Serve)
	res := resultOf(t)(newTLS(TLSConfig{Target: "zoom.us:443", Dialer: &Dialer{Rules: []ConnectTo{rule("zoom.us:443", addr)}}, Timeout: scenarioTimeout, Roots: genuine.Pool()}, emptyPool()))
	if res.Observed != vocab.TLSGenuine || len(res.Detail.(*TLSDetail).Chain) != 1+proxytest.TLSLabIntermediates {
		t.Errorf("observed %s, chain of %d", res.Observed, len(res.Detail.(*TLSDetail).Chain))
	}
}
