//go:build !linux

package nslab

import "net"

// enableTOS does nothing: this platform's build does not read a
// datagram's TOS, so the relay sends everything unmarked.
func enableTOS(*net.UDPConn) {}

// tosOf returns -1: the TOS is not read here.
func tosOf([]byte) int { return -1 }

// setTOS does nothing here.
func setTOS(net.Conn, int) {}

// forceBuffers returns false: the buffers are asked for the portable way.
func forceBuffers(any, int) bool { return false }
