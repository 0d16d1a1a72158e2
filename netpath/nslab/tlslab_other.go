//go:build !linux

package nslab

// NewTLSLab returns the error from Available.
func NewTLSLab() (*TLSLab, error) { return nil, errNotLinux }
