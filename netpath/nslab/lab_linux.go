package nslab

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// netnsDir is where named namespaces are registered, as by `ip netns add`.
const netnsDir = "/var/run/netns"

// Available returns nil when a lab can be built here: running as root, the
// kernel lets this process create network namespaces, and `ip` and `nft` are
// on PATH. Otherwise the error says what is missing; tests skip with it.
func Available() error {
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Errorf("nslab: network-namespace lab needs root (running as uid %d)", uid)
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("nslab: %q not on PATH (install iproute2 and nftables): %w", tool, err)
		}
	}
	if err := probeUnshare(); err != nil {
		return fmt.Errorf("nslab: cannot create a network namespace here: %w", err)
	}
	return nil
}

// probeUnshare creates and drops an anonymous network namespace on a
// throw-away locked thread, to find out whether the kernel allows it.
func probeUnshare() error {
	return onLockedThread(func() error {
		return unix.Unshare(unix.CLONE_NEWNET)
	})
}

// Lab owns a set of namespaces and everything created inside them. Close
// removes all of it, even after a partial failure. Its methods may be
// called concurrently, but none may race Close.
type Lab struct {
	prefix string // "rp" + 6 random hex digits

	mu      sync.Mutex
	closed  bool
	nss     []*NS
	closers []io.Closer // listeners and sockets handed out by NS methods
}

// NS is one network namespace of a Lab. Do, Command, Dial, Listen,
// ListenPacket, Sysctl and Nft are safe for concurrent use; the methods that
// change links, addresses and routes must not run concurrently on one NS.
type NS struct {
	// Name is the full, unique name under /var/run/netns, as used by
	// `ip netns exec Name …`.
	Name string
	// Role is the short role the namespace was created with, e.g. "router".
	Role string

	lab    *Lab
	handle netns.NsHandle  // open fd of the namespace
	nl     *netlink.Handle // netlink sockets living in the namespace
}

// New returns an empty Lab with a fresh random name prefix. It checks
// Available first and returns its error, and reaps labs left behind by dead
// processes (see ReapStale).
func New() (*Lab, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	ReapStale() // best effort: a leftover lab never blocks a new one
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("nslab: random prefix: %w", err)
	}
	l := &Lab{prefix: "rp" + hex.EncodeToString(b[:])}
	if err := writeMarker(l.prefix); err != nil {
		return nil, err
	}
	return l, nil
}

// Prefix returns the random prefix ("rp" + 6 hex digits) shared by the names
// of every namespace in the lab.
func (l *Lab) Prefix() string { return l.prefix }

var roleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,19}$`)

// nsSlot is one namespace a lab constructor creates: where it goes and its
// role.
type nsSlot struct {
	dst  **NS
	role string
}

// addAll creates the namespaces of slots in order (AddNS each).
func (l *Lab) addAll(slots []nsSlot) error {
	for _, s := range slots {
		n, err := l.AddNS(s.role)
		if err != nil {
			return err
		}
		*s.dst = n
	}
	return nil
}

// AddNS creates a namespace named Prefix()+"-"+role, registers it under
// /var/run/netns, brings lo up, turns IPv4 and IPv6 forwarding off and IPv6
// duplicate address detection off (so addresses are usable at once). role
// must be 1–20 lower-case letters, digits or dashes, unique within the lab.
func (l *Lab) AddNS(role string) (*NS, error) {
	if !roleRE.MatchString(role) {
		return nil, fmt.Errorf("nslab: bad role %q (want [a-z0-9-], at most 20 chars)", role)
	}
	n, err := l.register(role)
	if err != nil {
		return nil, err
	}
	if err := n.create(); err != nil {
		return nil, err
	}
	if err := n.setup(); err != nil {
		return nil, fmt.Errorf("nslab: set up %s: %w", n.Name, err)
	}
	return n, nil
}

// register reserves role in the lab, so Close removes the namespace whatever
// happens afterwards.
func (l *Lab) register(role string) (*NS, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errors.New("nslab: lab is closed")
	}
	for _, n := range l.nss {
		if n.Role == role {
			return nil, fmt.Errorf("nslab: role %q already exists", role)
		}
	}
	n := &NS{Name: l.prefix + "-" + role, Role: role, lab: l, handle: netns.None()}
	l.nss = append(l.nss, n)
	return n, nil
}

// track records c so that Close closes it.
func (l *Lab) track(c io.Closer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closers = append(l.closers, c)
}

// create makes the namespace on a locked thread, bind-mounts it under
// /var/run/netns and opens the handles the other methods use.
func (n *NS) create() error {
	if err := prepareNetnsDir(); err != nil {
		return err
	}
	path := filepath.Join(netnsDir, n.Name)
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("nslab: create %s: %w", path, err)
	}
	f.Close()
	err = onLockedThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		src := fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), unix.Gettid())
		if err := unix.Mount(src, path, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind mount %s: %w", path, err)
		}
		return nil
	})
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("nslab: create namespace %s: %w", n.Name, err)
	}
	if n.handle, err = netns.GetFromPath(path); err != nil {
		return fmt.Errorf("nslab: open %s: %w", path, err)
	}
	if n.nl, err = netlink.NewHandleAt(n.handle); err != nil {
		return fmt.Errorf("nslab: netlink in %s: %w", n.Name, err)
	}
	return nil
}

// prepareNetnsDir makes /var/run/netns a shared mount point, as iproute2
// does, so that unmounting a namespace also reaches copies of the mount in
// other mount namespaces (such as those `ip netns exec` creates).
func prepareNetnsDir() error {
	if err := os.MkdirAll(netnsDir, 0o755); err != nil {
		return fmt.Errorf("nslab: %w", err)
	}
	err := unix.Mount("", netnsDir, "none", unix.MS_SHARED|unix.MS_REC, "")
	if errors.Is(err, unix.EINVAL) {
		if err = unix.Mount(netnsDir, netnsDir, "none", unix.MS_BIND|unix.MS_REC, ""); err == nil {
			err = unix.Mount("", netnsDir, "none", unix.MS_SHARED|unix.MS_REC, "")
		}
	}
	if err != nil {
		return fmt.Errorf("nslab: make %s a shared mount: %w", netnsDir, err)
	}
	return nil
}

// setup brings lo up and sets the defaults every lab namespace starts with.
func (n *NS) setup() error {
	lo, err := n.nl.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("find lo: %w", err)
	}
	if err := n.nl.LinkSetUp(lo); err != nil {
		return fmt.Errorf("lo up: %w", err)
	}
	return n.sysctls([][2]string{
		{"net.ipv4.ip_forward", "0"},
		{"net.ipv6.conf.all.forwarding", "0"},
		{"net.ipv6.conf.all.accept_dad", "0"},
		{"net.ipv6.conf.default.accept_dad", "0"},
	})
}

// Close closes every listener and socket handed out by the lab's namespaces,
// then unregisters and releases every namespace it created, including those
// whose setup failed half-way. It is idempotent: later calls return nil.
// Processes started with NS.Command are the caller's to stop and wait for;
// one still running keeps its namespace alive, unnamed, until it exits.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	closers, nss := l.closers, l.nss
	l.closers, l.nss = nil, nil
	l.mu.Unlock()

	for i := len(closers) - 1; i >= 0; i-- {
		closers[i].Close() // already-closed listeners are fine
	}
	var errs []error
	for i := len(nss) - 1; i >= 0; i-- {
		errs = append(errs, nss[i].destroy())
	}
	if err := errors.Join(errs...); err != nil {
		return err // keep the marker: a later ReapStale retries
	}
	return removeMarker(l.prefix)
}

// destroy releases the handles and removes the namespace's name.
func (n *NS) destroy() error {
	if n.nl != nil {
		n.nl.Close()
	}
	if n.handle.IsOpen() {
		n.handle.Close()
	}
	path := filepath.Join(netnsDir, n.Name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("nslab: unmount %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("nslab: remove %s: %w", path, err)
	}
	return nil
}

// onLockedThread runs f on a fresh goroutine locked to its OS thread,
// restoring the thread's network namespace afterwards. If the namespace
// cannot be restored, the thread is left locked so that it exits with the
// goroutine instead of going back to the scheduler in the wrong namespace.
// A panic in f is re-raised on the caller's goroutine.
func onLockedThread(f func() error) error {
	type outcome struct {
		err   error
		panic any
	}
	done := make(chan outcome, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			done <- outcome{err: fmt.Errorf("nslab: current namespace: %w", err)}
			return
		}
		defer orig.Close()
		var out outcome
		func() {
			defer func() { out.panic = recover() }()
			out.err = f()
		}()
		if err := netns.Set(orig); err != nil {
			// Stay locked: the runtime kills this thread when we return.
			done <- outcome{err: errors.Join(out.err, fmt.Errorf("nslab: restore namespace: %w", err)), panic: out.panic}
			return
		}
		runtime.UnlockOSThread()
		done <- out
	}()
	out := <-done
	if out.panic != nil {
		panic(out.panic)
	}
	return out.err
}
