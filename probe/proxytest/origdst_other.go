//go:build !linux

package proxytest

import (
	"errors"
	"net"
)

// originalDst is Linux-only (SO_ORIGINAL_DST); elsewhere set Upstream.
func originalDst(net.Conn) (string, error) {
	return "", errors.New("original destination is only known on Linux; set Upstream")
}
