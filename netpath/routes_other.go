//go:build !linux

package netpath

import (
	"fmt"
	"runtime"
)

// RoutingTables is not available on this platform.
func RoutingTables() ([]string, error) {
	return nil, fmt.Errorf("%s: the routing table is not read by this build", runtime.GOOS)
}
