//go:build !linux

package netpath

import "net/netip"

// openResetCapture is not available on this platform: the IP TTL of a
// reset is not read.
func openResetCapture(netip.AddrPort) (resetCapture, string) { return nil, ResetNotePlatform }
