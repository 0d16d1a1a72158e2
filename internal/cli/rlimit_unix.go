//go:build !windows

package cli

import "syscall"

// RaiseOpenFiles lifts the soft open-file limit to the hard limit and
// returns the limit now in force (0 if unknown).
func RaiseOpenFiles() int {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil {
		return 0
	}
	if l.Cur < l.Max {
		want := l
		want.Cur = want.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
			l = want
		}
	}
	return int(min(l.Cur, 1<<20))
}
