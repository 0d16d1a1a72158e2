package dnsprobe_test

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestDNSReferences(t *testing.T) {
	t.Parallel()
	ref := startFake(t, dnstest.Config{IP: "127.0.0.30"})
	// A split-horizon view: zoom.us at another public address, and
	// www.zoomstatus.com at another edge of the same CDN name.
	split := startFake(t, dnstest.Config{IP: "127.0.0.31", Zone: dnstest.NewZone(
		"zoom.us. 60 IN A 52.1.2.3",
		"www.zoomstatus.com. 60 IN CNAME zoom.stspg-customer.com.",
		"zoom.stspg-customer.com. 60 IN A 18.160.99.99",
		"zoomstatus.com. 60 IN A 18.160.10.1",
	)})
	cfg := quick([]string{"zoom.us", "www.zoomstatus.com", "zoomstatus.com"}, srv(split, dnsprobe.RoleResolver), srv(ref, dnsprobe.RoleReference))
	cfg.Types = []uint16{dns.TypeA}
	got := outcomes(runProbe(t, cfg))
	want := map[string]outcome{
		"zoom.us/A@127.0.0.31":            {report.StatusFail, vocab.DNSMismatch, vocab.FailureDNSMismatch, ""},
		"zoom.us/A@127.0.0.30":            ok,
		"www.zoomstatus.com/A@127.0.0.31": {report.StatusWarn, vocab.DNSMismatch, vocab.FailureDNSMismatch, vocab.ReasonCDNEdgeDiffers},
		"www.zoomstatus.com/A@127.0.0.30": ok,
		"zoomstatus.com/A@127.0.0.31":     ok,
		"zoomstatus.com/A@127.0.0.30":     ok,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

func TestDNSClosedPort(t *testing.T) {
	t.Parallel()
	// Find a port nobody listens on: bind, note it, close.
	pc, err := net.ListenPacket("udp4", "127.0.0.32:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().(*net.UDPAddr).AddrPort()
	pc.Close()
	cfg := quick([]string{"zoom.us"}, dnsprobe.Server{Addr: addr})
	cfg.Types, cfg.Timeout = []uint16{dns.TypeA}, 300*time.Millisecond
	got := outcomes(runProbe(t, cfg))
	want := outcome{report.StatusFail, vocab.DNSError, vocab.FailureConnectionRefused, ""}
	if isLinux && got["zoom.us/A@127.0.0.32"] != want {
		t.Errorf("closed port: got %+v, want %+v (ICMP port unreachable through IP_RECVERR)", got["zoom.us/A@127.0.0.32"], want)
	}
}

func TestDNSSearchList(t *testing.T) {
	t.Parallel()
	s := startFake(t, dnstest.Config{IP: "127.0.0.33", Zone: dnstest.NewZone(
		"intranet.corp.example. 60 IN A 10.1.1.1",
		"zoom.us. 60 IN A 170.114.52.2",
	)})
	sys := dnsprobe.Server{Addr: s.Addr, Role: dnsprobe.RoleSystem, Search: []string{"corp.example"}, Ndots: 1}
	cfg := quick([]string{"intranet", "zoom.us", "zoom.us."}, sys)
	cfg.Types = []uint16{dns.TypeA}
	rs := runProbe(t, cfg)
	got := map[string]string{}
	for _, r := range rs {
		got[r.Target] = r.Detail.(*dnsprobe.Detail).QName + " " + string(r.Status)
	}
	want := map[string]string{
		"intranet": "intranet.corp.example. pass", // fewer dots than ndots: searched first
		"zoom.us":  "zoom.us. pass",               // as is first
		"zoom.us.": "zoom.us. pass",               // absolute: never searched
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("qnames (-want +got):\n%s", diff)
	}
}

func TestDNSDetailEvidence(t *testing.T) {
	t.Parallel()
	trunc := startFake(t, dnstest.Config{IP: "127.0.0.34", Mode: dnstest.Truncate})
	wrong := startFake(t, dnstest.Config{IP: "127.0.0.35", Mode: dnstest.WrongIDThenRight})
	other := startFake(t, dnstest.Config{IP: "127.0.0.36", Mode: dnstest.OtherSource, From: "127.0.0.37"})
	cfg := quick([]string{"www.zoomstatus.com"}, srv(trunc, ""), srv(wrong, ""), srv(other, ""))
	cfg.Types, cfg.DNSSEC, cfg.Timeout = []uint16{dns.TypeA}, true, 200*time.Millisecond
	rs := runProbe(t, cfg)
	if len(rs) != 3 {
		t.Fatalf("got %d results, want 3", len(rs))
	}
	type ev struct {
		Transport      string
		TruncatedRetry bool
		CNAMEs         []string
		EDNS           bool
		AD             bool
		WrongIDs       int
		Strays         int
		Attempts       int
		Hint           bool
	}
	var got []ev
	for _, r := range rs {
		d := r.Detail.(*dnsprobe.Detail)
		got = append(got, ev{d.Transport, d.TruncatedRetry, d.CNAMEChain, d.EDNS != nil, d.AD != nil, len(d.QueryID.WrongIDs), len(d.UnexpectedSources), len(r.Attempts), r.Hint != ""})
	}
	want := []ev{
		{"tcp", true, []string{"zoom.stspg-customer.com."}, true, true, 0, 0, 2, false},
		{"udp", false, []string{"zoom.stspg-customer.com."}, true, true, 1, 0, 1, true},
		{"udp", false, []string{}, false, false, 0, 1, 1, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if src := rs[2].Detail.(*dnsprobe.Detail).UnexpectedSources; len(src) == 1 && netip.MustParseAddrPort(src[0]).Addr() != netip.MustParseAddr("127.0.0.37") {
		t.Errorf("unexpected source = %v, want 127.0.0.37", src)
	}
}

func TestDNSRetriesOnTimeout(t *testing.T) {
	t.Parallel()
	s := startFake(t, dnstest.Config{IP: "127.0.0.38", Mode: dnstest.Silent})
	cfg := quick([]string{"zoom.us"}, srv(s, ""))
	cfg.Types, cfg.Attempts, cfg.Timeout = []uint16{dns.TypeA}, 3, 50*time.Millisecond
	rs := runProbe(t, cfg)
	if len(rs) != 1 || len(rs[0].Attempts) != 3 || s.Queries() != 3 {
		t.Fatalf("got %d results, %d attempts, %d queries at the fake; want 1, 3, 3", len(rs), len(rs[0].Attempts), s.Queries())
	}
	for _, a := range rs[0].Attempts {
		if a.Observed != vocab.DNSTimeout {
			t.Errorf("attempt %d observed %q, want timeout", a.N, a.Observed)
		}
	}
}
