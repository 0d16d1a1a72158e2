//go:build windows

package probe

import (
	"fmt"
	"net/netip"
	"os"

	"github.com/roompath/roompath/netpath"
)

// ResolvConf is empty on Windows: resolvers live in the adapter
// configuration (GetAdaptersAddresses).
const ResolvConf = ""

// ReadSystemDNS reads path when one is given (a resolv.conf-style file);
// without one it reads the adapters' DNS servers and connection-specific
// suffixes, as Windows' resolver uses them.
func ReadSystemDNS(path string) (SystemDNS, error) {
	if path == "" {
		return readAdapters()
	}
	f, err := os.Open(path)
	if err != nil {
		return SystemDNS{}, err
	}
	defer f.Close()
	return ParseResolvConf(f, path)
}

// readAdapters builds the system configuration from the adapters that are
// up and have a gateway.
func readAdapters() (SystemDNS, error) {
	servers, suffixes, err := netpath.WindowsDNS()
	if err != nil {
		return SystemDNS{}, fmt.Errorf("reading the adapters' DNS configuration: %w (pass --resolver ADDR)", err)
	}
	sys := SystemDNS{Source: "GetAdaptersAddresses"}
	for _, a := range servers {
		sys.Servers = append(sys.Servers, DNSServer{Addr: netip.AddrPortFrom(a, 53), Role: RoleSystem, Search: suffixes, Ndots: defaultNdots})
	}
	return sys, nil
}
