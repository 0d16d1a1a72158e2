package dnsprobe

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/roompath/roompath/probe/dnstest"
)

func TestDNSInterruptedKeepsFinished(t *testing.T) {
	live, err := dnstest.Start(dnstest.Config{IP: "127.0.0.60"})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	dead, err := dnstest.Start(dnstest.Config{IP: "127.0.0.61", Mode: dnstest.Silent})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	p, err := NewDNS(DNSConfig{
		Names: []string{"zoom.us"}, Types: []uint16{dns.TypeA}, Timeout: time.Minute, Attempts: 1,
		Servers: []Server{{Addr: live.Addr}, {Addr: dead.Addr}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Cancel once the live resolver's exchange is over: the dead one is
	// still waiting for its minute.
	ctx, cancel := context.WithCancel(context.Background())
	real := p.exchange
	p.exchange = func(ctx context.Context, s netip.AddrPort, q *dns.Msg, tr string) dnsExchange {
		ex := real(ctx, s, q, tr)
		if s == live.Addr {
			cancel()
		}
		return ex
	}
	var got []string
	for _, r := range p.RunAll(ctx) {
		got = append(got, r.ID+" "+string(r.Status))
	}
	want := []string{"dns/zoom.us/A@" + live.Addr.String() + " pass"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("interrupted run (-want +got):\n%s", diff)
	}
}
