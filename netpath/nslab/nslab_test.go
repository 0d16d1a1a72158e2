//go:build linux

package nslab

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// dropWait is how long a dial to a silently dropped address is given before
// it counts as "no response".
const dropWait = 300 * time.Millisecond

// needLab skips the test when no lab can be built here.
func needLab(t *testing.T) {
	t.Helper()
	Need(t)
}

// portLab builds a PortLab shared by the tests of one run.
var (
	sharedOnce sync.Once
	shared     *PortLab
	sharedErr  error
)

func portLab(t *testing.T) *PortLab {
	t.Helper()
	needLab(t)
	sharedOnce.Do(func() { shared, sharedErr = NewPortLab() })
	if sharedErr != nil {
		t.Fatalf("NewPortLab: %v", sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil {
			os.Stderr.WriteString("PortLab.Close: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// labNamespaces lists the names under /var/run/netns that start with prefix.
func labNamespaces(t *testing.T, prefix string) []string {
	t.Helper()
	ents, err := os.ReadDir(netnsDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestNewCloseLeavesNothing(t *testing.T) {
	needLab(t)
	lab, err := New()
	if err != nil {
		t.Fatal(err)
	}
	a, err := lab.AddNS("a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := lab.AddNS("b")
	if err != nil {
		t.Fatal(err)
	}
	if err := lab.Link(a, "eth0", []string{"10.99.9.1/24"}, b, "eth0", []string{"10.99.9.2/24"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Listen("tcp", "10.99.9.2:80"); err != nil {
		t.Fatal(err)
	}
	if out, err := a.Command(context.Background(), "ip", "-br", "addr", "show", "eth0").CombinedOutput(); err != nil || !strings.Contains(string(out), "10.99.9.1/24") {
		t.Fatalf("ip netns exec: %v: %s", err, out)
	}
	if _, err := lab.AddNS("a"); err == nil {
		t.Error("AddNS with a duplicate role succeeded")
	}
	if err := lab.Link(a, "this-name-is-too-long", nil, b, "eth1", nil); err == nil {
		t.Error("Link with a 21-byte interface name succeeded")
	}
	if err := lab.Link(a, "eth0", nil, b, "eth9", nil); err == nil {
		t.Error("Link reusing an interface name succeeded")
	}
	if got := labNamespaces(t, lab.Prefix()); len(got) != 2 {
		t.Errorf("namespaces before Close = %v, want 2", got)
	}
	if err := lab.Close(); err != nil {
		t.Fatal(err)
	}
	if got := labNamespaces(t, lab.Prefix()); len(got) != 0 {
		t.Errorf("namespaces left after Close: %v", got)
	}
	if _, err := os.Stat(filepath.Join(markerDir, lab.Prefix())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("marker left after Close: %v", err)
	}
	if err := lab.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := lab.AddNS("c"); err == nil {
		t.Error("AddNS after Close succeeded")
	}
}

func TestReapStale(t *testing.T) {
	needLab(t)
	lab, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	if _, err := lab.AddNS("orphan"); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(markerDir, lab.Prefix())
	if err := ReapStale(); err != nil {
		t.Fatal(err)
	}
	if got := labNamespaces(t, lab.Prefix()); len(got) != 1 {
		t.Fatalf("ReapStale removed a live lab: namespaces = %v", got)
	}
	// Pretend the owner died: pid 0 never names a user process.
	if err := os.WriteFile(marker, []byte("0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReapStale(); err != nil {
		t.Fatal(err)
	}
	if got := labNamespaces(t, lab.Prefix()); len(got) != 0 {
		t.Errorf("namespaces left after ReapStale: %v", got)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("marker left after ReapStale: %v", err)
	}
	if err := lab.Close(); err != nil {
		t.Errorf("Close after reap: %v", err)
	}
}

func TestDoRestoresNamespace(t *testing.T) {
	needLab(t)
	lab, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	n, err := lab.AddNS("x")
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Sysctl("net.ipv4.ip_forward", "1"); err != nil {
		t.Fatal(err)
	}
	var inside string
	if err := n.Do(func() error {
		b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
		inside = strings.TrimSpace(string(b))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if inside != "1" {
		t.Errorf("ip_forward inside = %q, want 1", inside)
	}
	want := errors.New("boom")
	if got := n.Do(func() error { return want }); got != want {
		t.Errorf("Do error = %v, want f's error unchanged", got)
	}
	if err := n.Nft("table inet t {\n chain c {\n type filter hook input priority 0;\n }\n}\n"); err != nil {
		t.Fatal(err)
	}
	if err := n.Nft("this is not nftables"); err == nil {
		t.Error("Nft accepted garbage")
	}
}

// dial dials addr:port from Client and classifies the outcome.
func dial(p *PortLab, addr string, port int) (elapsed time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), dropWait)
	defer cancel()
	start := time.Now()
	c, err := p.Client.Dial(ctx, "tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
	if c != nil {
		c.Close()
	}
	return time.Since(start), err
}

// outcome names a dial error: "open", "timeout" or the errno's name.
func outcome(err error) string {
	var errno syscall.Errno
	switch {
	case err == nil:
		return "open"
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return "timeout"
	case errors.As(err, &errno):
		return unix.ErrnoName(errno)
	}
	return err.Error()
}

func TestPortLabFaults(t *testing.T) {
	p := portLab(t)
	tests := []struct {
		name string
		addr string
		port int
		want string
	}{
		{"open", p.Open, p.Port, "open"},
		{"closed", p.Closed, p.Port, "ECONNREFUSED"},
		{"dropped", p.Dropped, p.Port, "timeout"},
		{"dropped host answers other port", p.Dropped, p.OtherPort, "open"},
		{"rejected", p.Rejected, p.Port, "EHOSTUNREACH"},
		{"rejected host answers other port", p.Rejected, p.OtherPort, "open"},
		{"forged reset", p.ForgedReset, p.Port, "ECONNREFUSED"},
		{"forged reset host answers other port", p.ForgedReset, p.OtherPort, "open"},
		{"closed host answers other port", p.Closed, p.OtherPort, "open"},
		{"no neighbor", p.NoNeighbor, p.Port, "EHOSTUNREACH"},
		{"net unreach", p.NetUnreach, p.Port, "ENETUNREACH"},
		{"local unreachable", p.LocalUnreachable, p.Port, "EHOSTUNREACH"},
		{"local prohibit", p.LocalProhibit, p.Port, "EACCES"},
		{"local blackhole", p.LocalBlackhole, p.Port, "EINVAL"},
		{"open v6", p.OpenV6, p.Port, "open"},
		{"closed v6", p.ClosedV6, p.Port, "ECONNREFUSED"},
		{"dropped v6", p.DroppedV6, p.Port, "timeout"},
		{"dropped v6 host answers other port", p.DroppedV6, p.OtherPort, "open"},
		{"rejected v6", p.RejectedV6, p.Port, "EACCES"},
		{"no neighbor v6", p.NoNeighborV6, p.Port, "EHOSTUNREACH"},
		{"net unreach v6", p.NetUnreachV6, p.Port, "ENETUNREACH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			elapsed, err := dial(p, tt.addr, tt.port)
			if got := outcome(err); got != tt.want {
				t.Errorf("dial %s:%d = %s (%v), want %s", tt.addr, tt.port, got, err, tt.want)
			}
			t.Logf("%s:%d: %v after %v", tt.addr, tt.port, err, elapsed.Round(time.Millisecond))
		})
	}
}

func TestPortLabDroppedAnswersPing(t *testing.T) {
	p := portLab(t)
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("ping not on PATH")
	}
	for _, addr := range []string{p.Dropped, p.DroppedV6} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		out, err := p.Client.Command(ctx, "ping", "-c", "1", "-W", "2", addr).CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("ping %s from client: %v\n%s", addr, err, out)
		}
	}
}

// sizeofSockExtendedErr is sizeof(struct sock_extended_err).
const sizeofSockExtendedErr = 16

// icmpError is what IP_RECVERR reports about a failed connect.
type icmpError struct {
	Errno      string
	Type, Code uint8
	From       string
}

// connectRecvErr connects from Client to addr:port on a blocking socket with
// IP_RECVERR/IPV6_RECVERR and reads the ICMP error from the error queue.
func connectRecvErr(p *PortLab, addr string, port int) (icmpError, error) {
	var got icmpError
	err := p.Client.Do(func() error {
		ip := netip.MustParseAddr(addr)
		fam, lvl, opt := unix.AF_INET6, unix.SOL_IPV6, unix.IPV6_RECVERR
		var sa unix.Sockaddr = &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
		if ip.Is4() {
			fam, lvl, opt = unix.AF_INET, unix.SOL_IP, unix.IP_RECVERR
			sa = &unix.SockaddrInet4{Port: port, Addr: ip.As4()}
		}
		fd, err := unix.Socket(fam, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		if err := unix.SetsockoptInt(fd, lvl, opt, 1); err != nil {
			return err
		}
		tv := unix.NsecToTimeval(int64(2 * time.Second))
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
			return err
		}
		cerr := unix.Connect(fd, sa)
		if errno, ok := cerr.(unix.Errno); ok {
			got.Errno = unix.ErrnoName(errno)
		}
		oob := make([]byte, 512)
		_, oobn, _, _, err := unix.Recvmsg(fd, make([]byte, 64), oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
		if err != nil {
			return err
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Level != int32(lvl) || len(m.Data) < sizeofSockExtendedErr {
				continue
			}
			got.Type, got.Code = m.Data[5], m.Data[6]
			off := m.Data[sizeofSockExtendedErr:]
			if fam == unix.AF_INET && len(off) >= 8 {
				got.From = netip.AddrFrom4([4]byte(off[4:8])).String()
			} else if len(off) >= 24 {
				got.From = netip.AddrFrom16([16]byte(off[8:24])).String()
			}
		}
		return nil
	})
	return got, err
}

func TestPortLabICMPSenders(t *testing.T) {
	p := portLab(t)
	tests := []struct {
		name string
		addr string
		want icmpError
	}{
		{"rejected", p.Rejected, icmpError{"EHOSTUNREACH", 3, 13, p.RouterAddr}},
		{"no neighbor", p.NoNeighbor, icmpError{"EHOSTUNREACH", 3, 1, p.RouterAddr}},
		{"net unreach", p.NetUnreach, icmpError{"ENETUNREACH", 3, 0, p.RouterAddr}},
		{"rejected v6", p.RejectedV6, icmpError{"EACCES", 1, 1, p.RouterAddrV6}},
		{"no neighbor v6", p.NoNeighborV6, icmpError{"EHOSTUNREACH", 1, 3, p.RouterAddrV6}},
		{"net unreach v6", p.NetUnreachV6, icmpError{"ENETUNREACH", 1, 0, p.RouterAddrV6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			got, err := connectRecvErr(p, tt.addr, p.Port)
			if err != nil {
				t.Fatalf("connect %s: %v", tt.addr, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ICMP error for %s (-want +got):\n%s", tt.addr, diff)
			}
			t.Logf("%s: %+v after %v", tt.addr, got, time.Since(start).Round(time.Millisecond))
		})
	}
}

func TestPortLabSweep(t *testing.T) {
	p := portLab(t)
	if p.SweepOpen+p.SweepClosed+p.SweepDropped != 4096 {
		t.Fatalf("expected counts %d+%d+%d do not cover a /20", p.SweepOpen, p.SweepClosed, p.SweepDropped)
	}
	prefix := netip.MustParsePrefix(p.SweepCIDR)
	addrs := make(chan netip.Addr)
	go func() {
		defer close(addrs)
		for a := prefix.Addr(); prefix.Contains(a); a = a.Next() {
			addrs <- a
		}
	}()
	const workers = 256
	var (
		mu         sync.Mutex
		counts     = map[string]int{}
		mismatches []string
		wg         sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for a := range addrs {
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				c, err := p.Client.Dial(ctx, "tcp", netip.AddrPortFrom(a, uint16(p.Port)).String())
				cancel()
				if c != nil {
					c.Close()
				}
				got := map[string]string{"open": SweepStateOpen, "ECONNREFUSED": SweepStateClosed, "timeout": SweepStateFiltered}[outcome(err)]
				mu.Lock()
				counts[got]++
				if want := SweepExpected(a.String()); got != want && len(mismatches) < 10 {
					mismatches = append(mismatches, a.String()+": got "+outcome(err)+", want "+want)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("swept %s in %v: %v", p.SweepCIDR, time.Since(start).Round(time.Millisecond), counts)
	want := map[string]int{SweepStateOpen: p.SweepOpen, SweepStateClosed: p.SweepClosed, SweepStateFiltered: p.SweepDropped}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("sweep counts (-want +got):\n%s\nfirst mismatches: %v", diff, mismatches)
	}
}

func TestSweepExpected(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"10.99.16.0", SweepStateOpen},
		{"10.99.16.1", SweepStateOpen},
		{"10.99.16.2", SweepStateClosed},
		{"10.99.16.3", SweepStateFiltered},
		{"10.99.31.255", SweepStateFiltered},
		{"10.99.32.0", ""},
		{"fd00:99::1", ""},
		{"nonsense", ""},
	}
	for _, tt := range tests {
		if got := SweepExpected(tt.addr); got != tt.want {
			t.Errorf("SweepExpected(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
	o, c, d := sweepCounts()
	if diff := cmp.Diff([3]int{2048, 1024, 1024}, [3]int{o, c, d}); diff != "" {
		t.Errorf("sweepCounts (-want +got):\n%s", diff)
	}
}

func TestBridgeIsolation(t *testing.T) {
	needLab(t)
	lab, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	sw, err := lab.AddNS("switch")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.AddBridge("br0", nil); err != nil {
		t.Fatal(err)
	}
	hosts := map[string]*NS{}
	for i, role := range []string{"gw", "h1", "h2"} {
		n, err := lab.AddNS(role)
		if err != nil {
			t.Fatal(err)
		}
		hosts[role] = n
		addr := "10.99.8." + strconv.Itoa(i+1) + "/24"
		if err := lab.Link(sw, "p-"+role, nil, n, "eth0", []string{addr}); err != nil {
			t.Fatal(err)
		}
		if err := sw.SetMaster("p-"+role, "br0"); err != nil {
			t.Fatal(err)
		}
		if _, err := n.Listen("tcp", strings.TrimSuffix(addr, "/24")+":80"); err != nil {
			t.Fatal(err)
		}
	}
	// Make the isolated-to-isolated ARP failure fast.
	if err := hosts["h1"].Sysctl("net.ipv4.neigh.eth0.mcast_solicit", "1"); err != nil {
		t.Fatal(err)
	}
	if err := hosts["h1"].Sysctl("net.ipv4.neigh.eth0.retrans_time_ms", "200"); err != nil {
		t.Fatal(err)
	}
	for _, port := range []string{"p-h1", "p-h2"} {
		if err := sw.SetIsolated(port, true); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		from, to string
		want     string
	}{
		{"h1", "10.99.8.1", "open"},         // isolated port to the gateway
		{"gw", "10.99.8.3", "open"},         // gateway to an isolated port
		{"h1", "10.99.8.3", "EHOSTUNREACH"}, // isolated to isolated: ARP fails
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := hosts[tt.from].Dial(ctx, "tcp", tt.to+":80")
		cancel()
		if c != nil {
			c.Close()
		}
		if got := outcome(err); got != tt.want {
			t.Errorf("%s -> %s = %s (%v), want %s", tt.from, tt.to, got, err, tt.want)
		}
	}
}
