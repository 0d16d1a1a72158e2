//go:build !windows

package netpath

import (
	"syscall"

	"github.com/roompath/roompath/probe/vocab"
)

// ErrnoFailure maps a socket errno to its failure string: the one errno
// table of the TCP probe and the trace; ok is false for errnos it does not
// name.
func ErrnoFailure(e syscall.Errno) (vocab.Failure, bool) {
	switch e {
	case syscall.ECONNREFUSED:
		return vocab.FailureConnectionRefused, true
	case syscall.ECONNRESET, syscall.EPIPE:
		return vocab.FailureConnectionReset, true
	case syscall.ECONNABORTED:
		return vocab.FailureConnectionAborted, true
	case syscall.EHOSTUNREACH, syscall.EHOSTDOWN:
		return vocab.FailureHostUnreachable, true
	case syscall.ENETUNREACH:
		return vocab.FailureNetworkUnreachable, true
	case syscall.ENETDOWN:
		return vocab.FailureNetworkDown, true
	case syscall.ETIMEDOUT:
		return vocab.FailureTimeout, true
	case syscall.EACCES, syscall.EPERM:
		return vocab.FailurePermissionDenied, true
	case syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS:
		return vocab.FailureLocalResources, true
	}
	return "", false
}
