//go:build !windows

package netpath

// ResolvConfPath is the resolver configuration read on Unix.
const ResolvConfPath = "/etc/resolv.conf"

// systemResolverConfig reads ResolvConfPath.
func systemResolverConfig() (ResolverConfig, error) {
	return readResolvConfFile(ResolvConfPath)
}
