//go:build !linux

package netpath

import "net/netip"

// openResetCapture is not available on this platform: the IP TTL of a
// reset is not read.
func openResetCapture(netip.AddrPort) (resetCapture, string) { return nil, ResetNotePlatform }

// HandshakeCapture reads the IP TTL of SYN-ACKs and resets; this
// platform's build cannot open one.
type HandshakeCapture struct{}

// CaptureHandshake returns nil and SynAckNotePlatform: this platform's
// build does not read the IP TTL of a SYN-ACK or a reset.
func CaptureHandshake(netip.AddrPort) (*HandshakeCapture, string) { return nil, SynAckNotePlatform }

// Stop returns nothing: no capture runs on this platform.
func (h *HandshakeCapture) Stop(uint16) (synAck, reset *ResetEvidence) { return nil, nil }
