//go:build !windows

package netpath

import (
	"bufio"
	"net/netip"
	"os"
	"strings"
)

// ResolvConfPath is the resolver configuration read on Unix.
const ResolvConfPath = "/etc/resolv.conf"

// SystemResolvers returns the nameservers of resolv.conf, in order.
func SystemResolvers() []string {
	f, err := os.Open(ResolvConfPath)
	if err != nil {
		return []string{}
	}
	defer f.Close()
	out := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" {
			if a, err := netip.ParseAddr(fields[1]); err == nil {
				out = append(out, a.String())
			}
		}
	}
	return out
}
