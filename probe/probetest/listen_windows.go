//go:build windows

package probetest

import (
	"errors"
	"net/netip"
)

func silentListener() (func(), netip.AddrPort, error) {
	return nil, netip.AddrPort{}, errors.New("a silent loopback port needs Linux accept-queue behaviour")
}

func boundSocket() (func(), netip.AddrPort, error) {
	return nil, netip.AddrPort{}, errors.New("a bound, non-listening loopback port is not implemented on Windows")
}
