//go:build windows

package cli

// RaiseOpenFiles returns 0 on Windows, which has no per-process descriptor
// limit of the Unix kind.
func RaiseOpenFiles() int { return 0 }
