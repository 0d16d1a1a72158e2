//go:build !linux

package nslab

// NewSynproxyLab returns the error from Available.
func NewSynproxyLab() (*SynproxyLab, error) { return nil, errNotLinux }
