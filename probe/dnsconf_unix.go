//go:build !windows

package probe

import (
	"fmt"
	"os"
)

// ResolvConf is the stub resolver configuration read on Unix.
const ResolvConf = "/etc/resolv.conf"

// ReadSystemDNS reads the system's resolver configuration: path, or
// ResolvConf when path is empty. On macOS /etc/resolv.conf holds the
// primary resolvers only; scoped (per-domain, VPN) resolvers are not seen.
func ReadSystemDNS(path string) (SystemDNS, error) {
	if path == "" {
		path = ResolvConf
	}
	f, err := os.Open(path)
	if err != nil {
		return SystemDNS{}, fmt.Errorf("reading the system resolver configuration: %w", err)
	}
	defer f.Close()
	return ParseResolvConf(f, path)
}
