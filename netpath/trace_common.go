package netpath

import (
	"errors"
	"net"
	"strconv"
	"syscall"
)

// localErrorHop is the hop of a probe that could not be sent.
func localErrorHop(ttl int, err error) *Hop {
	return &Hop{TTL: ttl, Reply: ReplyLocalError, Failure: errFailure(err)}
}

// errFailure names an error with the failure vocabulary of DESIGN.md for
// the errors a trace meets; anything else is "unknown_failure: …".
func errFailure(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return traceErrnoFailure(errno)
	}
	return failUnknown + err.Error()
}

// interfaceIndexByName resolves an IPv6 zone: an interface name or index.
func interfaceIndexByName(zone string) (int, error) {
	if n, err := strconv.Atoi(zone); err == nil {
		return n, nil
	}
	ifc, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, err
	}
	return ifc.Index, nil
}

// Failure strings of DESIGN.md that the trace reports; they mirror the
// probe package's constants (netpath cannot import probe).
const (
	failConnRefused = "connection_refused"
	failConnReset   = "connection_reset"
	failHostUnreach = "host_unreachable"
	failNetUnreach  = "network_unreachable"
	failNetDown     = "network_down"
	failPermission  = "permission_denied"
	failTimeout     = "generic_timeout_error"
	failUnknown     = "unknown_failure: "
)
