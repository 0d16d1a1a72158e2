//go:build !linux

package nslab

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"runtime"
)

// errNotLinux is what every constructor returns off Linux.
var errNotLinux = errors.New("nslab: network namespaces need Linux (this is " + runtime.GOOS + ")")

// Available returns an error: network namespaces need Linux.
func Available() error { return errNotLinux }

// Lab owns a set of namespaces; off Linux none can be built.
type Lab struct{}

// NS is one network namespace of a Lab; off Linux none can be built.
type NS struct {
	// Name is the full, unique name under /var/run/netns.
	Name string
	// Role is the short role the namespace was created with.
	Role string
}

// New returns the error from Available.
func New() (*Lab, error) { return nil, errNotLinux }

// NewPortLab returns the error from Available.
func NewPortLab() (*PortLab, error) { return nil, errNotLinux }

// ReapStale does nothing off Linux.
func ReapStale() error { return nil }

// WaitReady returns the error from Available.
func (n *NS) WaitReady(ifName string) error { return errNotLinux }

// Prefix returns the lab's name prefix; empty off Linux.
func (l *Lab) Prefix() string { return "" }

// Close does nothing off Linux.
func (l *Lab) Close() error { return nil }

// AddNS returns the error from Available.
func (l *Lab) AddNS(role string) (*NS, error) { return nil, errNotLinux }

// Link returns the error from Available.
func (l *Lab) Link(a *NS, aIf string, aAddrs []string, b *NS, bIf string, bAddrs []string) error {
	return errNotLinux
}

// Do returns the error from Available.
func (n *NS) Do(f func() error) error { return errNotLinux }

// Command returns `ip netns exec <Name> name args...`, which cannot run off
// Linux.
func (n *NS) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Sysctl returns the error from Available.
func (n *NS) Sysctl(key, value string) error { return errNotLinux }

// Nft returns the error from Available.
func (n *NS) Nft(ruleset string) error { return errNotLinux }

// Listen returns the error from Available.
func (n *NS) Listen(network, addr string) (net.Listener, error) { return nil, errNotLinux }

// ListenPacket returns the error from Available.
func (n *NS) ListenPacket(network, addr string) (net.PacketConn, error) { return nil, errNotLinux }

// Dial returns the error from Available.
func (n *NS) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	return nil, errNotLinux
}

// EnableForwarding returns the error from Available.
func (n *NS) EnableForwarding() error { return errNotLinux }

// SetUp returns the error from Available.
func (n *NS) SetUp(ifName string) error { return errNotLinux }

// AddAddr returns the error from Available.
func (n *NS) AddAddr(ifName, cidr string) error { return errNotLinux }

// Route returns the error from Available.
func (n *NS) Route(dst string, via string) error { return errNotLinux }

// RouteType returns the error from Available.
func (n *NS) RouteType(dst string, typ string) error { return errNotLinux }

// AddBridge returns the error from Available.
func (n *NS) AddBridge(name string, addrs []string) error { return errNotLinux }

// SetMaster returns the error from Available.
func (n *NS) SetMaster(ifName, bridge string) error { return errNotLinux }

// SetIsolated returns the error from Available.
func (n *NS) SetIsolated(ifName string, on bool) error { return errNotLinux }
