//go:build linux

package sockerr

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestFinalICMP(t *testing.T) {
	tests := []struct {
		name string
		errs []Error
		want bool
	}{
		{"empty", nil, false},
		{"local only", []Error{{Origin: OriginLocal}}, false},
		{"fragmentation needed", []Error{{Origin: OriginICMP, Type: 3, Code: 4}}, false},
		{"packet too big", []Error{{Origin: OriginICMP6, Type: 2}}, false},
		{"admin prohibited", []Error{{Origin: OriginICMP, Type: 3, Code: 13}}, true},
		{"time exceeded after frag needed", []Error{{Origin: OriginICMP, Type: 3, Code: 4}, {Origin: OriginICMP, Type: 11}}, true},
		{"v6 address unreachable", []Error{{Origin: OriginICMP6, Type: 1, Code: 3}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := finalICMP(tt.errs); got != tt.want {
				t.Errorf("finalICMP = %v, want %v", got, tt.want)
			}
		})
	}
}

// connectTo starts a non-blocking connect to addr and returns its file.
func connectTo(t *testing.T, addr *net.TCPAddr) *os.File {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_RECVERR, 1)
	f := os.NewFile(uintptr(fd), "test")
	t.Cleanup(func() { f.Close() })
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: addr.Port, Addr: [4]byte(addr.IP.To4())})
	if err != nil && err != unix.EINPROGRESS {
		t.Fatal(err)
	}
	return f
}

func TestWaitConnectOutcomes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := connectTo(t, ln.Addr().(*net.TCPAddr))
	rc, _ := f.SyscallConn()
	if c := WaitConnect(context.Background(), f, rc, time.Now().Add(2*time.Second)); !c.Connected || c.Errno != 0 {
		t.Errorf("to a listener: %+v", c)
	}
	ln.Close()
	f = connectTo(t, ln.Addr().(*net.TCPAddr))
	rc, _ = f.SyscallConn()
	if c := WaitConnect(context.Background(), f, rc, time.Now().Add(2*time.Second)); c.Connected || c.Errno != unix.ECONNREFUSED {
		t.Errorf("to a closed port: %+v", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f = connectTo(t, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9})
	rc, _ = f.SyscallConn()
	if c := WaitConnect(ctx, f, rc, time.Now().Add(time.Second)); c.Connected {
		t.Errorf("cancelled wait reported a connection: %+v", c)
	}
}
