//go:build !linux

package responder

import "net"

// setRecvOptions: this platform's build does not read the TOS of received
// datagrams (replies say tos unknown) nor their destination address (bind
// --listen to one address on a multi-homed host).
func setRecvOptions(*net.UDPConn) {}

func parseRecvOOB([]byte) recvInfo { return recvInfo{tos: -1} }

func replyOOBFor([]byte, recvInfo) []byte { return nil }
