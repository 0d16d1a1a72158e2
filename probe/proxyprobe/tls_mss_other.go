//go:build !linux

package proxyprobe

import (
	"context"
	"errors"
	"net"
	"runtime"
)

// mssSupported says whether this platform sets the MSS a SYN advertises;
// off Linux the small-MSS control is skipped and says so.
const mssSupported = false

// dialWithMSS is not available off Linux.
func dialWithMSS(ctx context.Context, addr string, mss int) (net.Conn, error) {
	return nil, errors.New(runtime.GOOS + ": the MSS of a SYN cannot be set")
}
