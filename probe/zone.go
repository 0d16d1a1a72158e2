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

// ValidZone reports whether an IPv6 zone could name an interface: none,
// an index, or up to 15 letters, digits, '.', '_' and '-' (IFNAMSIZ less
// its NUL). netip takes any text after '%', "::%]0" too, which no
// interface is called and which does not survive being written back as
// [host]:port.
func ValidZone(z string) bool {
	if len(z) > 15 {
		return false
	}
	for _, c := range z {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
