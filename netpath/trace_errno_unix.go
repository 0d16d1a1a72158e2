//go:build !windows

package netpath

import "syscall"

// traceErrnoFailure maps a socket errno to its failure string.
func traceErrnoFailure(e syscall.Errno) string {
	switch e {
	case syscall.ECONNREFUSED:
		return failConnRefused
	case syscall.ECONNRESET:
		return failConnReset
	case syscall.EHOSTUNREACH, syscall.EHOSTDOWN:
		return failHostUnreach
	case syscall.ENETUNREACH:
		return failNetUnreach
	case syscall.ENETDOWN:
		return failNetDown
	case syscall.ETIMEDOUT:
		return failTimeout
	case syscall.EACCES, syscall.EPERM:
		return failPermission
	}
	return failUnknown + e.Error()
}
