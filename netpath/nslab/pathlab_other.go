//go:build !linux

package nslab

// NewPathLab returns the error from Available.
func NewPathLab() (*PathLab, error) { return nil, errNotLinux }
