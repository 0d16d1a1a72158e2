//go:build windows

package netpath

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// traceErrnoFailure maps a Winsock error to its failure string.
func traceErrnoFailure(e syscall.Errno) string {
	switch e {
	case windows.WSAECONNREFUSED:
		return failConnRefused
	case windows.WSAECONNRESET:
		return failConnReset
	case windows.WSAEHOSTUNREACH, windows.WSAEHOSTDOWN:
		return failHostUnreach
	case windows.WSAENETUNREACH:
		return failNetUnreach
	case windows.WSAENETDOWN:
		return failNetDown
	case windows.WSAETIMEDOUT:
		return failTimeout
	case windows.WSAEACCES:
		return failPermission
	}
	return failUnknown + e.Error()
}
