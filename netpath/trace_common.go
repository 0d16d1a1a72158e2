package netpath

import (
	"errors"
	"net"
	"strconv"
	"syscall"

	"github.com/roompath/roompath/probe/vocab"
)

// localErrorHop is the hop of a probe that could not be sent.
func localErrorHop(ttl int, err error) *Hop {
	return &Hop{TTL: ttl, Reply: ReplyLocalError, Failure: errFailure(err)}
}

// errFailure names an error with the failure vocabulary of DESIGN.md for
// the errors a trace meets; anything else is "unknown_failure: …".
func errFailure(err error) vocab.Failure {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errnoOrUnknown(errno)
	}
	return vocab.Unknown(err.Error())
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

// errnoOrUnknown names an errno, or says it is unmapped.
func errnoOrUnknown(e syscall.Errno) vocab.Failure {
	if f, ok := ErrnoFailure(e); ok {
		return f
	}
	return vocab.Unknown(e.Error())
}
