//go:build !linux

package netpath

import (
	"context"
	"net/netip"
	"time"
)

// startUDPProbe is never called on this platform: TraceUDP returns
// ErrUDPTracePlatform before any datagram leaves.
func startUDPProbe(netip.AddrPort, int, UDPTraceConfig) ttlProbe { return noUDPProbe{} }

// openQuoteCapture is not available on this platform.
func openQuoteCapture(netip.AddrPort) (quoteCapture, string) { return nil, TOSNotePlatform }

// noUDPProbe is the probe of a platform that cannot trace UDP.
type noUDPProbe struct{}

func (noUDPProbe) localPort() uint16 { return 0 }

func (noUDPProbe) wait(context.Context, time.Time, func(Hop)) Hop {
	return Hop{Reply: ReplyNone}
}

// udpTraceSupported is false: no socket error queue.
const udpTraceSupported = false
