//go:build !linux

package nslab

// NewFleetLab returns the error from Available.
func NewFleetLab() (*FleetLab, error) { return nil, errNotLinux }
