//go:build linux

package sockerr

import (
	"encoding/binary"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// cmsg builds one control message of the given level and type around an
// extended error and an offender sockaddr.
func cmsg(level, typ int32, ee unix.SockExtendedErr, from []byte) []byte {
	data := make([]byte, unsafe.Sizeof(ee))
	copy(data, (*[unsafe.Sizeof(unix.SockExtendedErr{})]byte)(unsafe.Pointer(&ee))[:])
	data = append(data, from...)
	b := make([]byte, unix.CmsgSpace(len(data)))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[unix.CmsgLen(0):], data)
	return b
}

func sockaddr4(a string) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint16(b, unix.AF_INET)
	ip := netip.MustParseAddr(a).As4()
	copy(b[4:8], ip[:])
	return b
}

func sockaddr6(a string) []byte {
	b := make([]byte, 28)
	binary.NativeEndian.PutUint16(b, unix.AF_INET6)
	ip := netip.MustParseAddr(a).As16()
	copy(b[8:24], ip[:])
	return b
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		oob  []byte
		want Error
		ok   bool
	}{
		{"time exceeded v4",
			cmsg(unix.SOL_IP, unix.IP_RECVERR, unix.SockExtendedErr{Errno: uint32(unix.EHOSTUNREACH), Origin: OriginICMP, Type: 11}, sockaddr4("10.0.0.1")),
			Error{Errno: unix.EHOSTUNREACH, Origin: OriginICMP, Type: 11, From: netip.MustParseAddr("10.0.0.1")}, true},
		{"frag needed carries the mtu",
			cmsg(unix.SOL_IP, unix.IP_RECVERR, unix.SockExtendedErr{Errno: uint32(unix.EMSGSIZE), Origin: OriginICMP, Type: 3, Code: 4, Info: 1400}, sockaddr4("10.0.0.1")),
			Error{Errno: unix.EMSGSIZE, Origin: OriginICMP, Type: 3, Code: 4, Info: 1400, From: netip.MustParseAddr("10.0.0.1")}, true},
		{"admin prohibited v6",
			cmsg(unix.SOL_IPV6, unix.IPV6_RECVERR, unix.SockExtendedErr{Errno: uint32(unix.EACCES), Origin: OriginICMP6, Type: 1, Code: 1}, sockaddr6("fd00::1")),
			Error{Errno: unix.EACCES, Origin: OriginICMP6, Type: 1, Code: 1, From: netip.MustParseAddr("fd00::1")}, true},
		{"v4-mapped offender is unmapped",
			cmsg(unix.SOL_IPV6, unix.IPV6_RECVERR, unix.SockExtendedErr{Errno: uint32(unix.EHOSTUNREACH), Origin: OriginICMP, Type: 11}, sockaddr6("::ffff:10.0.0.1")),
			Error{Errno: unix.EHOSTUNREACH, Origin: OriginICMP, Type: 11, From: netip.MustParseAddr("10.0.0.1")}, true},
		{"local error has no type",
			cmsg(unix.SOL_IP, unix.IP_RECVERR, unix.SockExtendedErr{Errno: uint32(unix.EMSGSIZE), Origin: OriginLocal, Type: 9, Info: 1280}, nil),
			Error{Errno: unix.EMSGSIZE, Origin: OriginLocal, Info: 1280}, true},
		{"other control message", cmsg(unix.SOL_SOCKET, unix.SCM_TIMESTAMP, unix.SockExtendedErr{}, nil), Error{}, false},
		{"truncated", []byte{1, 2, 3}, Error{}, false},
		{"empty", nil, Error{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.oob)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestOffenderShort(t *testing.T) {
	for _, b := range [][]byte{nil, {2}, sockaddr4("1.2.3.4")[:6], sockaddr6("::1")[:20], {9, 9, 9, 9}} {
		if a := Offender(b); a.IsValid() {
			t.Errorf("Offender(%v) = %v, want invalid", b, a)
		}
	}
}

func TestLastICMP(t *testing.T) {
	errs := []Error{{Origin: OriginICMP, Type: 11}, {Origin: OriginICMP, Type: 3, Code: 13}, {Origin: OriginLocal}}
	got, ok := LastICMP(errs)
	if !ok || got.Code != 13 {
		t.Errorf("LastICMP = %+v, %v; want the 3/13", got, ok)
	}
	if _, ok := LastICMP([]Error{{Origin: OriginLocal}}); ok {
		t.Error("LastICMP found an ICMP entry among local ones")
	}
}

func TestIsLocal(t *testing.T) {
	for a, want := range map[string]bool{"127.0.0.1": true, "::1": true, "192.0.2.77": false, "::ffff:127.0.0.1": true} {
		if got := IsLocal(netip.MustParseAddr(a)); got != want {
			t.Errorf("IsLocal(%s) = %v, want %v", a, got, want)
		}
	}
	if IsLocal(netip.Addr{}) {
		t.Error("IsLocal(invalid) = true")
	}
}

// TestReadLoopbackPortUnreachable sends a datagram to a closed loopback
// port on a socket with IP_RECVERR and reads the ICMP port unreachable.
func TestReadLoopbackPortUnreachable(t *testing.T) {
	ln, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dst := ln.LocalAddr().(*net.UDPAddr)
	ln.Close() // now closed: the kernel answers port unreachable
	c, err := net.DialUDP("udp4", nil, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc, _ := c.SyscallConn()
	_ = rc.Control(func(fd uintptr) { _ = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_RECVERR, 1) })
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	var got []Error
	deadline := time.Now().Add(2 * time.Second)
	for len(got) == 0 && time.Now().Before(deadline) {
		_ = rc.Control(func(fd uintptr) {
			_, _ = unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLERR}}, 100)
		})
		got = Read(rc)
	}
	want := []Error{{Errno: syscall.ECONNREFUSED, Origin: OriginICMP, Type: 3, Code: 3, From: netip.MustParseAddr("127.0.0.1")}}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("error queue (-want +got)\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(cmsg(unix.SOL_IP, unix.IP_RECVERR, unix.SockExtendedErr{Origin: OriginICMP, Type: 11}, sockaddr4("10.0.0.1")))
	f.Add(cmsg(unix.SOL_IPV6, unix.IPV6_RECVERR, unix.SockExtendedErr{Origin: OriginICMP6, Type: 1}, sockaddr6("fd00::1")))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, ok := Parse(b)
		if !ok && e != (Error{}) {
			t.Errorf("not ok but %+v", e)
		}
		if !e.ICMP() && (e.Type != 0 || e.Code != 0) {
			t.Errorf("non-ICMP entry with a type: %+v", e)
		}
	})
}
