package targets

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// checkZone refuses an IPv6 zone that names no interface of this host,
// by name (fe80::1%eth0) or by index (fe80::1%2). A link-local address is
// reached through the interface its zone names; an unknown one would make
// every probe fail for a reason that is not the network's, so it is bad
// input, refused when the targets are planned.
func checkZone(raw string, a netip.Addr) error {
	zone := a.Zone()
	if zone == "" {
		return nil
	}
	var err error
	if n, nerr := strconv.Atoi(zone); nerr == nil {
		_, err = net.InterfaceByIndex(n)
	} else {
		_, err = net.InterfaceByName(zone)
	}
	if err != nil {
		return fmt.Errorf("invalid target %q: zone %q names no interface of this host", raw, trunc(zone))
	}
	return nil
}
