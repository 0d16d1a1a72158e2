//go:build linux

package nslab

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// tosEcho listens on addr:port in ns and answers every datagram with the
// TOS (traffic class) byte it arrived with (0xff: not told).
func tosEcho(t *testing.T, ns *NS, addr string, port int) {
	t.Helper()
	pc, err := ns.ListenPacket("udp", net.JoinHostPort(addr, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	c := pc.(*net.UDPConn)
	rc, _ := c.SyscallConn()
	_ = rc.Control(func(fd uintptr) { // one of the two fails, by family
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_RECVTCLASS, 1)
		_ = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_RECVTOS, 1)
	})
	go func() {
		buf, oob := make([]byte, 2048), make([]byte, 128)
		for {
			_, oobn, _, from, err := c.ReadMsgUDPAddrPort(buf, oob)
			if err != nil {
				return
			}
			_, _ = c.WriteToUDPAddrPort([]byte{byte(tosOf(oob[:oobn]))}, from)
		}
	}()
}

// udpExchange sends count datagrams with tos from Client to addr:port,
// one every gap, and returns the answers and the first read error.
func udpExchange(m *MediaLab, addr string, port, tos, count int, gap time.Duration) (answers []byte, err error) {
	var c net.Conn
	err = m.Client.Do(func() (err error) {
		c, err = net.Dial("udp", net.JoinHostPort(addr, strconv.Itoa(port)))
		return err
	})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	rc, _ := c.(*net.UDPConn).SyscallConn()
	_ = rc.Control(func(fd uintptr) {
		if net.ParseIP(addr).To4() == nil {
			_ = unix.SetsockoptInt(int(fd), unix.SOL_IPV6, unix.IPV6_TCLASS, tos)
		} else {
			_ = unix.SetsockoptInt(int(fd), unix.SOL_IP, unix.IP_TOS, tos)
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 16)
		for {
			_ = c.SetReadDeadline(time.Now().Add(time.Second))
			n, rerr := c.Read(buf)
			if rerr != nil {
				err = rerr
				return
			}
			answers = append(answers, buf[:n]...)
		}
	}()
	for range count {
		_, _ = c.Write([]byte("media-lab"))
		time.Sleep(gap)
	}
	<-done
	return answers, err
}

func newMediaLab(t *testing.T, cfg MediaLabConfig) *MediaLab {
	t.Helper()
	Need(t)
	m, err := NewMediaLab(cfg)
	if err != nil {
		t.Fatalf("NewMediaLab: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("MediaLab.Close: %v", err)
		}
		if left := labNamespaces(t, m.Lab.Prefix()); len(left) != 0 {
			t.Errorf("namespaces left after Close: %v", left)
		}
	})
	for _, a := range m.ResponderAddrs() {
		for _, p := range []int{8801, 3478, 3479} {
			tosEcho(t, m.Responder, a, p)
		}
	}
	tosEcho(t, m.Responder, "0.0.0.0", 5201) // a wildcard socket, as iperf3 -s
	return m
}

// TestMediaLabFaults checks each staged fault with plain UDP: Clean
// delivers the mark sent, Remarked delivers CS0, Blocked drops 8801 and
// rejects 3479 (EHOSTUNREACH: ICMP admin-prohibited) but passes 3478, and
// Impaired (unimpaired here) reaches RelayTarget through the relay with
// the mark intact, even to a wildcard socket there (iperf3 -s).
func TestMediaLabFaults(t *testing.T) {
	m := newMediaLab(t, MediaLabConfig{})
	const ef = 46 << 2
	tests := []struct {
		name    string
		addr    string
		port    int
		answers string
		err     error
	}{
		{"clean", m.Clean, 8801, string([]byte{ef}), nil},
		{"clean v6", m.CleanV6, 8801, string([]byte{ef}), nil},
		{"re-marked", m.Remarked, 8801, string([]byte{0}), nil},
		{"re-marked v6", m.RemarkedV6, 8801, string([]byte{0}), nil},
		{"blocked 8801", m.Blocked, 8801, "", nil},
		{"blocked passes 3478", m.Blocked, 3478, string([]byte{ef}), nil},
		{"blocked rejects 3479", m.Blocked, 3479, "", unix.EHOSTUNREACH},
		{"blocked rejects 3479 v6", m.BlockedV6, 3479, "", unix.EACCES},
		// The relay carries the mark on: it delays, it does not re-mark.
		{"impaired keeps the mark", m.Impaired, 8801, string([]byte{ef}), nil},
		{"impaired keeps the mark v6", m.ImpairedV6, 8801, string([]byte{ef}), nil},
		// The relay's far end answers from its primary address.
		{"wildcard responder behind the relay", m.Impaired, 5201, string([]byte{ef}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Three tries, so one datagram lost on a loaded host does
			// not read as a drop.
			got, err := udpExchange(m, tt.addr, tt.port, ef, 3, 300*time.Millisecond)
			if tt.answers == "" && len(got) > 0 || tt.answers != "" && (len(got) == 0 || strings.Trim(string(got), tt.answers) != "") {
				t.Errorf("answers %v, want only %v", got, []byte(tt.answers))
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("error %v, want %v", err, tt.err)
			}
		})
	}
}

// TestMediaLabImpaired: R1's random drops and the relay's add up: every
// datagram R1 let through reached the relay, every one the relay sent on
// came back, and some were dropped.
func TestMediaLabImpaired(t *testing.T) {
	m := newMediaLab(t, MediaLabConfig{LossPct: 20, Delay: 5 * time.Millisecond, Jitter: 5 * time.Millisecond, RelayLossPct: 10})
	const sent = 200
	got, _ := udpExchange(m, m.Impaired, 8801, 0, sent, time.Millisecond)
	flows, refused := m.Relay.Stats()
	f, ok := Busiest(flows, 8801)
	if !ok || refused != 0 {
		t.Fatalf("no flow through 8801: %+v, refused %d", flows, refused)
	}
	passed := f.Up - f.UpDropped - f.UpOverflow
	if f.Up >= sent || f.Up == 0 || f.UpDropped == 0 || f.Down != passed || uint64(len(got)) != passed {
		t.Errorf("sent %d, relay %+v, %d answers", sent, f, len(got))
	}
}
