//go:build linux

package nslab

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/roompath/roompath/netpath/sockerr"
)

// ttlOutcome is what one SYN with a given TTL got: the connect's errno
// ("" on success, "timeout" on silence) and the ICMP error's type, code
// and sender.
type ttlOutcome struct {
	Errno      string
	Type, Code uint8
	From       string
}

// connectTTL connects from ns to addr:port with the given TTL on a blocking
// socket with IP_RECVERR, waiting at most wait.
func connectTTL(ns *NS, addr string, port, ttl int, wait time.Duration) (ttlOutcome, error) {
	var got ttlOutcome
	err := ns.Do(func() error {
		ip := netip.MustParseAddr(addr)
		fam, lvl, ttlOpt, errOpt := unix.AF_INET6, unix.SOL_IPV6, unix.IPV6_UNICAST_HOPS, unix.IPV6_RECVERR
		var sa unix.Sockaddr = &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
		if ip.Is4() {
			fam, lvl, ttlOpt, errOpt = unix.AF_INET, unix.SOL_IP, unix.IP_TTL, unix.IP_RECVERR
			sa = &unix.SockaddrInet4{Port: port, Addr: ip.As4()}
		}
		fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		for _, o := range [][2]int{{ttlOpt, ttl}, {errOpt, 1}} {
			if err := unix.SetsockoptInt(fd, lvl, o[0], o[1]); err != nil {
				return err
			}
		}
		tv := unix.NsecToTimeval(int64(wait))
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
			return err
		}
		switch err := unix.Connect(fd, sa); {
		case err == unix.EINPROGRESS:
			got.Errno = "timeout"
		case err != nil:
			got.Errno = unix.ErrnoName(err.(unix.Errno))
		}
		if e, ok := sockerr.LastICMP(sockerr.ReadFD(fd)); ok {
			got.Type, got.Code, got.From = e.Type, e.Code, e.From.String()
		}
		return nil
	})
	return got, err
}

// newPathLab builds a PathLab for one test and closes it afterwards.
func newPathLab(t *testing.T) *PathLab {
	t.Helper()
	Need(t)
	start := time.Now()
	p, err := NewPathLab()
	if err != nil {
		t.Fatalf("NewPathLab: %v", err)
	}
	t.Logf("path lab built in %v", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("PathLab.Close: %v", err)
		}
		if left := labNamespaces(t, p.Lab.Prefix()); len(left) != 0 {
			t.Errorf("namespaces left after Close: %v", left)
		}
	})
	return p
}

func TestPathLab(t *testing.T) {
	p := newPathLab(t)
	t.Run("hops", func(t *testing.T) { testPathLabHops(t, p) })
	t.Run("faults", func(t *testing.T) { testPathLabFaults(t, p) })
}

// testPathLabHops checks who answers each TTL toward Room, through the
// tunnel, and on the Wi-Fi bridge.
func testPathLabHops(t *testing.T, p *PathLab) {
	const wait = 2 * time.Second
	te4 := func(from string) ttlOutcome { return ttlOutcome{"EHOSTUNREACH", 11, 0, from} }
	te6 := func(from string) ttlOutcome { return ttlOutcome{"EHOSTUNREACH", 3, 0, from} }
	tests := []struct {
		name string
		addr string
		ttl  int
		want ttlOutcome
	}{
		{"ttl 1 expires at R1", p.Open, 1, te4(p.Hop1)},
		{"ttl 2 expires at R2", p.Open, 2, te4(p.Hop2)},
		{"ttl 3 reaches the room", p.Open, p.RoomHops, ttlOutcome{}},
		{"v6 ttl 1", p.OpenV6, 1, te6(p.Hop1V6)},
		{"v6 ttl 2", p.OpenV6, 2, te6(p.Hop2V6)},
		{"v6 ttl 3", p.OpenV6, 3, ttlOutcome{}},
		{"dropped: ttl 2 still expires at R2", p.Dropped, 2, te4(p.Hop2)},
		{"forged reset: ttl 2 still expires at R2", p.ForgedReset, 2, te4(p.Hop2)},
		{"forged reset at ttl 3", p.ForgedReset, 3, ttlOutcome{Errno: "ECONNREFUSED"}},
		{"rejected at ttl 3 by R2", p.Rejected, 3, ttlOutcome{"EHOSTUNREACH", 3, 13, p.Hop2}},
		{"rejected v6 by R2", p.RejectedV6, 3, ttlOutcome{"EACCES", 1, 1, p.Hop2V6}},
		{"tunnel: ttl 1 expires at R1's tunnel end", p.TunnelRoom, 1, te4(p.TunnelHop1)},
		{"tunnel: ttl 3 reaches the room", p.TunnelRoom, 3, ttlOutcome{}},
		{"wifi peer on-link at ttl 1", p.WifiPeerAddr, 1, ttlOutcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := connectTTL(p.Client, tt.addr, p.Port, tt.ttl, wait)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s ttl %d (-want +got)\n%s", tt.addr, tt.ttl, diff)
			}
		})
	}
}

// testPathLabFaults checks each fault address at full TTL.
func testPathLabFaults(t *testing.T, p *PathLab) {
	const wait = 1500 * time.Millisecond
	tests := []struct {
		name string
		addr string
		port int
		want string
	}{
		{"open", p.Open, p.Port, ""},
		{"closed by the room", p.Closed, p.Port, "ECONNREFUSED"},
		{"dropped", p.Dropped, p.Port, "timeout"},
		{"dropped host answers 443", p.Dropped, p.OtherPort, ""},
		{"dropped v6", p.DroppedV6, p.Port, "timeout"},
		{"forged reset v6", p.ForgedResetV6, p.Port, "ECONNREFUSED"},
		{"no neighbor at R2", p.NoNeighbor, p.Port, "EHOSTUNREACH"},
		{"net unreachable at R2", p.NetUnreach, p.Port, "ENETUNREACH"},
		{"unreachable route in the client", p.Unreachable, p.Port, "EHOSTUNREACH"},
		{"isolated wifi room", p.Isolated, p.Port, "EHOSTUNREACH"},
		{"isolated wifi room v6", p.IsolatedV6, p.Port, "EHOSTUNREACH"},
		{"wifi gateway answers", p.WifiGateway, p.Port, "ECONNREFUSED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := connectTTL(p.Client, tt.addr, tt.port, 64, wait)
			if err != nil {
				t.Fatal(err)
			}
			if got.Errno != tt.want {
				t.Errorf("%s:%d = %+v, want errno %q", tt.addr, tt.port, got, tt.want)
			}
		})
	}
}

func TestPathLabMTU(t *testing.T) {
	p := newPathLab(t)
	var mtu int
	err := p.R1.Do(func() error {
		ifc, err := net.InterfaceByName(plIfR1R2)
		if err == nil {
			mtu = ifc.MTU
		}
		return err
	})
	if err != nil || mtu != p.PathMTU {
		t.Fatalf("R1–R2 MTU = %d (%v), want %d", mtu, err, p.PathMTU)
	}
	// A full-size datagram with DF set draws fragmentation needed from R1,
	// naming the R1–R2 link's MTU.
	var got sockerr.Error
	err = p.Client.Do(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		for _, o := range [][2]int{{unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_DO}, {unix.IP_RECVERR, 1}} {
			if err := unix.SetsockoptInt(fd, unix.SOL_IP, o[0], o[1]); err != nil {
				return err
			}
		}
		sa := &unix.SockaddrInet4{Port: 9, Addr: netip.MustParseAddr(p.Open).As4()}
		if err := unix.Sendto(fd, make([]byte, p.LinkMTU-28), 0, sa); err != nil {
			return err
		}
		_, _ = unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLERR}}, 2000)
		errs := sockerr.ReadFD(fd)
		if len(errs) > 0 {
			got = errs[0]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := sockerr.Error{Errno: unix.EMSGSIZE, Origin: sockerr.OriginICMP, Type: 3, Code: 4, Info: uint32(p.PathMTU), From: netip.MustParseAddr(p.Hop1)}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("error queue after a %d-byte datagram (-want +got)\n%s", p.LinkMTU, diff)
	}
}
