//go:build !windows

package probe

import "syscall"

// errnoFailure maps a socket errno to its failure string.
func errnoFailure(e syscall.Errno) (string, bool) {
	switch e {
	case syscall.ECONNREFUSED:
		return FailureConnectionRefused, true
	case syscall.ECONNRESET, syscall.EPIPE:
		return FailureConnectionReset, true
	case syscall.ECONNABORTED:
		return FailureConnectionAborted, true
	case syscall.EHOSTUNREACH, syscall.EHOSTDOWN:
		return FailureHostUnreachable, true
	case syscall.ENETUNREACH:
		return FailureNetworkUnreachable, true
	case syscall.ENETDOWN:
		return FailureNetworkDown, true
	case syscall.ETIMEDOUT:
		return FailureTimeout, true
	case syscall.EACCES, syscall.EPERM:
		return FailurePermissionDenied, true
	}
	return "", false
}
