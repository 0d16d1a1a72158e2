//go:build !linux

package nslab

// NewProxyARPLab returns the error from Available.
func NewProxyARPLab() (*ProxyARPLab, error) { return nil, errNotLinux }
