//go:build windows

package probe

import (
	"errors"
	"os"
)

// ResolvConf is empty on Windows: resolvers live in the adapter
// configuration, which this build does not read.
const ResolvConf = ""

// ReadSystemDNS reads path when one is given (a resolv.conf-style file);
// without one it says that the system configuration cannot be read here,
// so the caller must ask for --resolver.
func ReadSystemDNS(path string) (SystemDNS, error) {
	if path == "" {
		return SystemDNS{}, errors.New("cannot read the system resolver configuration on windows: pass --resolver ADDR")
	}
	f, err := os.Open(path)
	if err != nil {
		return SystemDNS{}, err
	}
	defer f.Close()
	return ParseResolvConf(f, path)
}
