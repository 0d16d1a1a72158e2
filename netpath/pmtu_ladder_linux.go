//go:build linux

package netpath

import (
	"net/netip"

	"github.com/roompath/roompath/netpath/sockerr"
)

// minMTU6 is IPv6's minimum link MTU: no smaller ladder size is sent over
// IPv6.
const minMTU6 = 1280

// rung is one ladder datagram: its socket and its size.
type rung struct {
	s    *pmtuSock
	size int
}

// ladder are the smaller datagrams sent beside the first full-sized one.
type ladder []rung

// sendLadder sends one datagram of each pmtuLadder size below first to
// dst, each from its own socket, and returns them to be read later.
func sendLadder(dst netip.Addr, first int) ladder {
	var l ladder
	for _, size := range pmtuLadder {
		if size >= first || dst.Is6() && size < minMTU6 {
			continue
		}
		s, err := openPMTUSock(dst)
		if err != nil {
			continue
		}
		if s.send(size) != nil {
			s.f.Close()
			continue
		}
		l = append(l, rung{s: s, size: size})
	}
	return l
}

// reached is the largest size below below that dst answered; 0 when none
// did (yet: the queues are read without waiting).
func (l ladder) reached(dst netip.Addr, below int) int {
	best := 0
	for _, r := range l {
		if r.size < below && r.size > best && r.s.answeredBy(dst) {
			best = r.size
		}
	}
	return best
}

// answeredBy reports whether the socket's error queue holds an ICMP
// message from dst (its port unreachable: the datagram got there).
func (s *pmtuSock) answeredBy(dst netip.Addr) bool {
	var errs []sockerr.Error
	_ = s.rc.Control(func(fd uintptr) { errs = sockerr.ReadFD(int(fd)) })
	for _, e := range errs {
		if e.ICMP() && e.From == dst {
			return true
		}
	}
	return false
}

// close closes every rung's socket.
func (l ladder) close() {
	for _, r := range l {
		r.s.f.Close()
	}
}
