//go:build windows

package probe

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// errnoFailure maps a Winsock error to its failure string.
func errnoFailure(e syscall.Errno) (string, bool) {
	switch e {
	case windows.WSAECONNREFUSED:
		return FailureConnectionRefused, true
	case windows.WSAECONNRESET:
		return FailureConnectionReset, true
	case windows.WSAECONNABORTED:
		return FailureConnectionAborted, true
	case windows.WSAEHOSTUNREACH, windows.WSAEHOSTDOWN:
		return FailureHostUnreachable, true
	case windows.WSAENETUNREACH:
		return FailureNetworkUnreachable, true
	case windows.WSAENETDOWN:
		return FailureNetworkDown, true
	case windows.WSAETIMEDOUT:
		return FailureTimeout, true
	case windows.WSAEACCES:
		return FailurePermissionDenied, true
	}
	return "", false
}
