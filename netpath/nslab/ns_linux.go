package nslab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vishvananda/netns"
)

// Do runs f on a goroutine locked to an OS thread that has been switched into
// the namespace, and returns f's error unchanged. Sockets f creates stay in
// the namespace for their whole life; goroutines f starts do not run in it.
// The thread's namespace is restored afterwards; if that fails the thread is
// retired rather than reused. A panic in f is re-raised in the caller.
func (n *NS) Do(f func() error) error {
	return onLockedThread(func() error {
		if err := netns.Set(n.handle); err != nil {
			return fmt.Errorf("nslab: enter %s: %w", n.Name, err)
		}
		return f()
	})
}

// Command returns an unstarted command that runs name with args inside the
// namespace, as `ip netns exec <Name> name args...`. ctx kills it as in
// exec.CommandContext. The caller starts it and waits for it.
func (n *NS) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Sysctl sets a sysctl inside the namespace by writing /proc/sys from a
// thread switched into it. key is in sysctl(8) form ("net.ipv4.ip_forward");
// a key containing "/" is taken as a path under /proc/sys instead, for
// interface names that contain dots.
func (n *NS) Sysctl(key, value string) error {
	path := key
	if !strings.Contains(key, "/") {
		path = strings.ReplaceAll(key, ".", "/")
	}
	path = filepath.Join("/proc/sys", path)
	err := n.Do(func() error { return os.WriteFile(path, []byte(value), 0o644) })
	if err != nil {
		return fmt.Errorf("nslab: sysctl %s=%s in %s: %w", key, value, n.Name, err)
	}
	return nil
}

// sysctls sets several sysctls in order, stopping at the first failure.
func (n *NS) sysctls(kvs [][2]string) error {
	for _, kv := range kvs {
		if err := n.Sysctl(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// Nft loads ruleset into the namespace's nftables with `nft -f -`. The error
// includes nft's own message.
func (n *NS) Nft(ruleset string) error {
	cmd := n.Command(context.Background(), "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(ruleset)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nslab: nft in %s: %w: %s", n.Name, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// Listen is net.Listen with the socket created inside the namespace, where it
// stays. The lab closes it on Close if the caller has not.
func (n *NS) Listen(network, addr string) (net.Listener, error) {
	var ln net.Listener
	err := n.Do(func() (err error) {
		ln, err = net.Listen(network, addr)
		return err
	})
	if err != nil {
		return nil, err
	}
	n.lab.track(ln)
	return ln, nil
}

// ListenPacket is net.ListenPacket with the socket created inside the
// namespace. The lab closes it on Close if the caller has not.
func (n *NS) ListenPacket(network, addr string) (net.PacketConn, error) {
	var pc net.PacketConn
	err := n.Do(func() (err error) {
		pc, err = net.ListenPacket(network, addr)
		return err
	})
	if err != nil {
		return nil, err
	}
	n.lab.track(pc)
	return pc, nil
}

// Dial dials address from inside the namespace with a zero net.Dialer and
// ctx, and returns the dialer's error unchanged (so errors.Is works on the
// errno). address must be a literal IP and port: name resolution would run
// outside the namespace. Safe for concurrent use; each call holds an OS
// thread until the dial ends.
func (n *NS) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() (err error) {
		var d net.Dialer
		c, err = d.DialContext(ctx, network, address)
		return err
	})
	return c, err
}

// EnableForwarding turns IPv4 and IPv6 forwarding on and ICMP error rate
// limits off (net.ipv4.icmp_ratelimit=0, net.ipv4.icmp_ratemask=0,
// net.ipv6.icmp.ratelimit=0, and the per-namespace global ICMP budget raised
// where the kernel has one), so tests see every ICMP error the namespace
// sends.
func (n *NS) EnableForwarding() error {
	err := n.sysctls([][2]string{
		{"net.ipv4.ip_forward", "1"},
		{"net.ipv6.conf.all.forwarding", "1"},
		{"net.ipv4.icmp_ratelimit", "0"},
		{"net.ipv4.icmp_ratemask", "0"},
		{"net.ipv6.icmp.ratelimit", "0"},
	})
	if err != nil {
		return err
	}
	// Kernels without per-namespace budgets lack these keys; that is fine.
	for _, kv := range [][2]string{
		{"net.ipv4.icmp_msgs_per_sec", "100000"},
		{"net.ipv4.icmp_msgs_burst", "100000"},
	} {
		if err := n.Sysctl(kv[0], kv[1]); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
