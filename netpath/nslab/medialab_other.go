//go:build !linux

package nslab

import (
	"context"
	"net"
)

// NewMediaLab returns the error from Available.
func NewMediaLab(MediaLabConfig) (*MediaLab, error) { return nil, errNotLinux }

// Serve returns the error from Available.
func (m *MediaLab) Serve([]int, func(context.Context, *net.UDPConn) error) error { return errNotLinux }
