package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestResolveSortsAndUnmaps(t *testing.T) {
	lookup := func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > ResolveTimeout {
			t.Errorf("lookup deadline %v (set %v), want at most %s", dl, ok, ResolveTimeout)
		}
		if network != "ip" || host != "room.example" {
			t.Errorf("lookup(%q, %q)", network, host)
		}
		return []netip.Addr{netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:10.0.0.9"), netip.MustParseAddr("10.0.0.2")}, nil
	}
	got, err := resolveWith(context.Background(), lookup, "room.example")
	want := Resolution{Name: "room.example", Addrs: []netip.Addr{netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("2001:db8::1")}}
	if err != nil || !cmp.Equal(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })) {
		t.Errorf("resolve = %v, %v; want %v", got, err, want)
	}
}

func TestResolveEmptyAnswerIsNoAnswer(t *testing.T) {
	lookup := func(context.Context, string, string) ([]netip.Addr, error) { return nil, nil }
	_, err := resolveWith(context.Background(), lookup, "room.example")
	if !errors.Is(err, ErrNoAddress) || Classify(err) != vocab.FailureDNSNoAnswer {
		t.Errorf("err = %v (classified %q), want ErrNoAddress classified dns_no_answer", err, Classify(err))
	}
}

func TestResolveLiteral(t *testing.T) {
	got, err := Resolve(context.Background(), "::ffff:127.0.0.1")
	if err != nil || len(got.Addrs) != 1 || got.Addrs[0] != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("Resolve(::ffff:127.0.0.1) = %v, %v", got, err)
	}
}

func TestUnresolved(t *testing.T) {
	nxdomain := &net.DNSError{Err: "no such host", Name: "room.example", IsNotFound: true}
	noAddr := fmt.Errorf("room.example has %w", ErrNoAddress)
	tests := []struct {
		name   string
		check  vocab.Check
		err    error
		expect string
		want   string
	}{
		{"tcp nxdomain", vocab.CheckTCP, nxdomain, ExpectOpen,
			`{"id":"tcp/room.example:9090","check":"tcp","target":"room.example:9090","status":"fail","expect":"open","observed":"unresolved","failure":"dns_nxdomain_error","operation":"resolve","layer":"dns","duration_ms":0,"rtt_ms":null,"hint":"H"}`},
		{"must not reach passes", vocab.CheckTCP, nxdomain, ExpectBlocked,
			`{"id":"tcp/room.example:9090","check":"tcp","target":"room.example:9090","status":"pass","expect":"blocked","observed":"unresolved","failure":"dns_nxdomain_error","operation":"resolve","layer":"dns","duration_ms":0,"rtt_ms":null,"hint":"H"}`},
		{"empty answer", vocab.CheckTCP, noAddr, ExpectAnswer,
			`{"id":"tcp/room.example:9090","check":"tcp","target":"room.example:9090","status":"fail","expect":"answer","observed":"unresolved","failure":"dns_no_answer","operation":"resolve","layer":"dns","duration_ms":0,"rtt_ms":null,"hint":"H"}`},
		{"path", vocab.CheckPath, context.DeadlineExceeded, "",
			`{"id":"path/room.example:9090","check":"path","target":"room.example:9090","status":"fail","observed":"unresolved","failure":"generic_timeout_error","operation":"resolve","layer":"dns","duration_ms":0,"rtt_ms":null,"hint":"H"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(Unresolved(tt.check, "room.example", 9090, tt.err, tt.expect, "H"))
			if err != nil || string(b) != tt.want {
				t.Errorf("got  %s (%v)\nwant %s", b, err, tt.want)
			}
		})
	}
	r := Unresolved(vocab.CheckTCP, "2001:db8::1", 443, nxdomain, ExpectOpen, "")
	if r.ID != "tcp/[2001:db8::1]:443" || r.Target != "[2001:db8::1]:443" || r.Status != report.StatusFail {
		t.Errorf("IPv6 name: %+v", r)
	}
}

// TestResolveSaysWhichResolver: the addresses a fake resolver's replies
// carried are attributed to it; an address no reply carried is "system".
func TestResolveSaysWhichResolver(t *testing.T) {
	srv, err := dnstest.Start(dnstest.Config{IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	w := &replyWatch{}
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return w.dial(ctx, network, srv.Addr.String()) // every query to the fake
	}}
	res, err := resolveWith(context.Background(), r.LookupNetIP, "zoom.us.")
	if err != nil {
		t.Fatal(err)
	}
	extra := netip.MustParseAddr("192.0.2.1") // as if from the hosts file
	via := w.via(append(res.Addrs, extra))
	want := map[netip.Addr]string{
		netip.MustParseAddr("170.114.52.2"):             srv.Addr.String(),
		netip.MustParseAddr("2407:30c0:182::aa72:3402"): srv.Addr.String(),
		extra: ViaSystem,
	}
	if diff := cmp.Diff(want, via); diff != "" {
		t.Errorf("via (-want +got):\n%s", diff)
	}
}
