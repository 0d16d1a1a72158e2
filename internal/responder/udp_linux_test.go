package responder

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestReflectorReportsTOS: the reply carries the TOS byte the request
// arrived with (IP_RECVTOS).
func TestReflectorReportsTOS(t *testing.T) {
	_, addr := startReflector(t, "127.0.0.1:0", UDPConfig{})
	c := dialUDP(t, addr.String())
	rc, _ := c.SyscallConn()
	rc.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_TOS, 0xb8) })
	c.Write(request(t, nil, 1, 64))
	p, _ := readReply(t, c, nil)
	if !p.TOSKnown || p.TOS != 0xb8 {
		t.Fatalf("reply TOS %#x known=%v, want 0xb8", p.TOS, p.TOSKnown)
	}
}
