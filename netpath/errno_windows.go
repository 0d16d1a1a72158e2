//go:build windows

package netpath

import (
	"syscall"

	"github.com/roompath/roompath/probe/vocab"
	"golang.org/x/sys/windows"
)

// ErrnoFailure maps a Winsock error to its failure string: the one errno
// table of the TCP probe and the trace; ok is false for errors it does not
// name.
func ErrnoFailure(e syscall.Errno) (vocab.Failure, bool) {
	switch e {
	case windows.WSAECONNREFUSED:
		return vocab.FailureConnectionRefused, true
	case windows.WSAECONNRESET:
		return vocab.FailureConnectionReset, true
	case windows.WSAECONNABORTED:
		return vocab.FailureConnectionAborted, true
	case windows.WSAEHOSTUNREACH, windows.WSAEHOSTDOWN:
		return vocab.FailureHostUnreachable, true
	case windows.WSAENETUNREACH:
		return vocab.FailureNetworkUnreachable, true
	case windows.WSAENETDOWN:
		return vocab.FailureNetworkDown, true
	case windows.WSAETIMEDOUT:
		return vocab.FailureTimeout, true
	case windows.WSAEACCES:
		return vocab.FailurePermissionDenied, true
	case windows.WSAEMFILE, windows.WSAENOBUFS:
		return vocab.FailureLocalResources, true
	}
	return "", false
}
