package nslab

import (
	"context"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// A veth normally hands a packet to its peer synchronously: a SYN, the
// router's whole forwarding path and the ICMP error it provokes all run
// inside the sender's connect(2), while the socket is locked. Linux then
// records the error only as a "soft" error, and a socket without
// IP_RECVERR learns of it from the retransmitted SYN a second later. Real
// networks never do that, so the lab makes every veth receive through a NAPI
// kernel thread (GRO on, TSO off on the sender so packets qualify, threaded
// NAPI on), which delivers each packet after the sending syscall returns.
// A NAPI veth drops packets when its 256-slot ring is full (a sweep's burst
// of SYNs does that), unless a qdisc lets it push back on the sender; so
// each end also gets a pfifo of txQueueLen packets.

// txQueueLen is the pfifo limit of every lab veth.
const txQueueLen = 10000

// asyncRx makes ifName, one end of a veth, receive and send asynchronously.
func (n *NS) asyncRx(ifName string) error {
	err := n.Do(func() error {
		if err := ethtoolSet(ifName, unix.ETHTOOL_STSO, 0); err != nil {
			return fmt.Errorf("tso off: %w", err)
		}
		if err := ethtoolSet(ifName, unix.ETHTOOL_SGRO, 1); err != nil {
			return fmt.Errorf("gro on: %w", err)
		}
		return nil
	})
	if err == nil {
		err = n.setThreadedNAPI(ifName)
	}
	if err == nil {
		err = n.addFifo(ifName)
	}
	if err != nil {
		return fmt.Errorf("nslab: asynchronous receive on %s in %s: %w", ifName, n.Name, err)
	}
	return nil
}

// ethtoolValue is struct ethtool_value.
type ethtoolValue struct {
	cmd  uint32
	data uint32
}

// ifreqData is struct ifreq with its union holding a pointer.
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [24 - unsafe.Sizeof(uintptr(0))]byte
}

// ethtoolSet issues a legacy ETHTOOL_S* ioctl for ifName in the current
// thread's namespace.
func ethtoolSet(ifName string, cmd, value uint32) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ev := &ethtoolValue{cmd: cmd, data: value}
	ifr := &ifreqData{data: unsafe.Pointer(ev)}
	copy(ifr.name[:unix.IFNAMSIZ-1], ifName)
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(ifr)))
	runtime.KeepAlive(ifr)
	runtime.KeepAlive(ev)
	if errno != 0 {
		return errno
	}
	return nil
}

// setThreadedNAPI writes 1 to /sys/class/net/<ifName>/threaded. The sysfs
// seen by this process shows the host's interfaces, so the write runs under
// `ip netns exec`, which mounts a sysfs for the namespace.
func (n *NS) setThreadedNAPI(ifName string) error {
	cmd := n.Command(context.Background(), "sh", "-c", `echo 1 > "/sys/class/net/$1/threaded"`, "sh", ifName)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("threaded NAPI: %w: %s", err, out)
	}
	return nil
}

// addFifo gives ifName a root pfifo qdisc holding txQueueLen packets.
func (n *NS) addFifo(ifName string) error {
	lk, err := n.link(ifName)
	if err != nil {
		return err
	}
	if err := n.nl.LinkSetTxQLen(lk, txQueueLen); err != nil {
		return fmt.Errorf("txqueuelen: %w", err)
	}
	q := &netlink.GenericQdisc{
		QdiscAttrs: netlink.QdiscAttrs{
			LinkIndex: lk.Attrs().Index,
			Handle:    netlink.MakeHandle(1, 0),
			Parent:    netlink.HANDLE_ROOT,
		},
		QdiscType: "pfifo",
	}
	if err := n.nl.QdiscAdd(q); err != nil {
		return fmt.Errorf("pfifo qdisc: %w", err)
	}
	return nil
}
