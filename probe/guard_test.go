package probe

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/roompath/roompath/probe/vocab"
)

func TestAddrGuardRefusesAtConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	only := netip.MustParseAddr("127.0.0.2")
	g := AddrGuard(func(a netip.Addr) bool { return a == only })
	d := net.Dialer{Control: g.Control(nil)}
	_, err = d.DialContext(context.Background(), "tcp", ln.Addr().String())
	if got := Classify(err); got != vocab.FailureAddrNotAllowed {
		t.Fatalf("dial outside the guard: failure %q (err %v), want %q", got, err, vocab.FailureAddrNotAllowed)
	}
	allowAll := AddrGuard(func(netip.Addr) bool { return true })
	d = net.Dialer{Control: allowAll.Control(nil)}
	c, err := d.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial inside the guard: %v", err)
	}
	c.Close()
	for _, hp := range []string{"name.example:80", "", "::ffff:127.0.0.2"} {
		if err := g.Check(hp); hp == "::ffff:127.0.0.2" && err != nil || hp != "::ffff:127.0.0.2" && err == nil {
			t.Errorf("Check(%q) = %v", hp, err)
		}
	}
	if err := AddrGuard(nil).Check("192.0.2.1:1"); err != nil {
		t.Errorf("nil guard refused: %v", err)
	}
}
