package probe

import (
	"net"
	"strconv"
)

// interfaceIndex resolves an IPv6 zone: an interface name (eth0) or its
// index (2), as netip and the kernel both accept.
func interfaceIndex(zone string) (int, error) {
	if n, err := strconv.Atoi(zone); err == nil {
		if _, err := net.InterfaceByIndex(n); err != nil {
			return 0, err
		}
		return n, nil
	}
	ifc, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, err
	}
	return ifc.Index, nil
}
