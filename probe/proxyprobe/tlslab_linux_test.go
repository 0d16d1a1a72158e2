package proxyprobe

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// tlsLab is nslab.TLSLab with its servers: the MTU black hole behind the
// 1280-byte R1–R2 link (BigChain, in Far), and in Near the clean origin,
// the origins behind R1's SNI relays and behind its name-blind rules.
type tlsLab struct {
	*nslab.TLSLab
	srv *proxytest.TLSLabServers
}

func newTLSLab(t *testing.T) *tlsLab {
	nslab.Need(t)
	l, err := nslab.NewTLSLab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	srv, err := proxytest.ServeTLSLab(l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &tlsLab{TLSLab: l, srv: srv}
}

// check is the TLS check of name:443 run from Client against addr, with
// the small-MSS control's socket made in Client too.
func (l *tlsLab) check(t *testing.T, name, addr string) report.Result {
	target := net.JoinHostPort(name, strconv.Itoa(l.Port))
	d := &Dialer{dial: l.Client.Dial, Rules: []ConnectTo{rule(target, net.JoinHostPort(addr, strconv.Itoa(l.Port)))}}
	c, err := newTLS(TLSConfig{Target: target, Dialer: d, Timeout: scenarioTimeout, Roots: l.srv.Genuine.Pool()}, emptyPool())
	if err != nil {
		t.Fatal(err)
	}
	c.dialMSS = func(ctx context.Context, addr string, mss int) (conn net.Conn, err error) {
		err = l.Client.Do(func() error {
			nd := net.Dialer{Control: mssControl(mss)}
			conn, err = nd.DialContext(ctx, "tcp", addr)
			return err
		})
		return conn, err
	}
	return resultOf(t)(c, nil)
}

// labControl is the part of a control the lab pins.
type labControl struct {
	Completed bool
	Failure   vocab.Failure
	// Stopped: the control name was stopped once the small-MSS control
	// completed (its big chain would have stalled it too).
	Stopped bool
}

func TestLabTLSBlocking(t *testing.T) {
	l := newTLSLab(t)
	reset, timeout := vocab.FailureConnectionReset, vocab.FailureTimeout
	tests := []struct {
		name, addr string
		want       verdict
		reason     vocab.Reason
		control    *labControl // nil: no control ran
		mtu        *labControl // nil: no small-MSS control ran
	}{
		{"clean origin", l.Clean, verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}, vocab.ReasonChainVerified, nil, nil},
		{"clean origin, IPv6", l.CleanV6, verdict{Status: report.StatusPass, Observed: vocab.TLSGenuine}, vocab.ReasonChainVerified, nil, nil},
		{"MTU black hole", l.BigChain, verdict{report.StatusFail, vocab.TLSBlocked, timeout, vocab.OpTLSHandshake}, vocab.ReasonMTUBlackHole,
			&labControl{Stopped: true}, &labControl{Completed: true}},
		{"MTU black hole, IPv6", l.BigChainV6, verdict{report.StatusFail, vocab.TLSBlocked, timeout, vocab.OpTLSHandshake}, vocab.ReasonMTUBlackHole,
			&labControl{Stopped: true}, &labControl{Completed: true}},
		{"SNI filter resets", l.SNIReset, verdict{report.StatusFail, vocab.TLSBlocked, reset, vocab.OpTLSHandshake}, vocab.ReasonSNIFiltered,
			&labControl{Completed: true}, nil},
		{"SNI filter drops", l.SNIDrop, verdict{report.StatusFail, vocab.TLSBlocked, timeout, vocab.OpTLSHandshake}, vocab.ReasonSNIFiltered,
			&labControl{Completed: true}, &labControl{Failure: timeout}},
		{"every name reset", l.HardReset, verdict{report.StatusFail, vocab.TLSBlocked, reset, vocab.OpTLSHandshake}, vocab.ReasonHandshakeReset,
			&labControl{Failure: reset}, nil},
		{"every name dropped", l.HardDrop, verdict{report.StatusFail, vocab.TLSBlocked, timeout, vocab.OpTLSHandshake}, vocab.ReasonHandshakeTimeout,
			&labControl{Failure: timeout}, &labControl{Failure: timeout}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := l.check(t, "zoom.us", tt.addr)
			if diff := cmp.Diff(tt.want, verdictOf(res)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if res.Reason != tt.reason {
				t.Errorf("reason %q, want %q", res.Reason, tt.reason)
			}
			d := res.Detail.(*TLSDetail)
			checkLabControls(t, d, tt.addr, tt.control, tt.mtu)
			t.Logf("hint: %s", res.Hint)
		})
	}
}

// checkLabControls holds the detail's controls to what the lab did: the
// control to the same address under the default name, the small-MSS
// control with the MSS of a 1280-byte packet.
func checkLabControls(t *testing.T, d *TLSDetail, addr string, control, mtu *labControl) {
	t.Helper()
	if (d.Control != nil) != (control != nil) || (d.MTUProbe != nil) != (mtu != nil) {
		t.Fatalf("control %+v mtu_probe %+v, want %v %v", d.Control, d.MTUProbe, control, mtu)
	}
	peer := net.JoinHostPort(addr, "443")
	if control != nil {
		got := labControl{Completed: d.Control.Completed, Failure: d.Control.Failure, Stopped: d.Control.Skipped != ""}
		if diff := cmp.Diff(*control, got); diff != "" || d.Control.Name != DefaultControlName || d.Control.Addr != peer {
			t.Errorf("control %+v, want name %s addr %s (-want +got)\n%s", d.Control, DefaultControlName, peer, diff)
		}
	}
	if mtu != nil {
		mss := 1240
		if net.ParseIP(addr).To4() == nil {
			mss = 1220
		}
		got := labControl{Completed: d.MTUProbe.Completed, Failure: d.MTUProbe.Failure}
		if diff := cmp.Diff(*mtu, got); diff != "" || d.MTUProbe.MSSTried != mss || d.MTUProbe.PacketBytes != 1280 {
			t.Errorf("mtu_probe %+v, want mss %d packet 1280 (-want +got)\n%s", d.MTUProbe, mss, diff)
		}
	}
}
