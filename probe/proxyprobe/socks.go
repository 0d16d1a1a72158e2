package proxyprobe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// noDeadline clears a connection's deadline.
var noDeadline time.Time

// SOCKS5 constants (RFC 1928, RFC 1929).
const (
	socksVersion     = 5
	socksNoAuth      = 0x00
	socksUserPass    = 0x02
	socksNoMethod    = 0xff
	socksCmdConnect  = 0x01
	socksAddrDomain  = 0x03
	socksAddrIPv4    = 0x01
	socksAddrIPv6    = 0x04
	socksAuthVersion = 0x01
)

// socks5Connect negotiates a SOCKS5 CONNECT to target on conn. Reply codes
// and method refusals are answers, not errors.
func socks5Connect(conn net.Conn, hop Hop, target string) (net.Conn, *ProxyAnswer, error) {
	methods := []byte{socksNoAuth}
	if hop.User != nil {
		methods = append(methods, socksUserPass)
	}
	if _, err := conn.Write(append([]byte{socksVersion, byte(len(methods))}, methods...)); err != nil {
		return nil, nil, err
	}
	var choice [2]byte
	if _, err := io.ReadFull(conn, choice[:]); err != nil {
		return nil, nil, err
	}
	if choice[0] != socksVersion {
		return nil, nil, &errInvalidHTTP{errors.New("not a SOCKS5 answer")}
	}
	ans := &ProxyAnswer{}
	switch choice[1] {
	case socksNoAuth:
	case socksUserPass:
		if hop.User == nil {
			ans.AuthRequired = true
			return nil, setReply(ans, -1), nil
		}
		if ok, err := socksUserPassAuth(conn, hop); err != nil || !ok {
			ans.AuthRequired = true
			return nil, setReply(ans, -1), err
		}
	default: // 0xff: none of our methods (no auth) is acceptable
		ans.AuthRequired = true
		return nil, setReply(ans, -1), nil
	}
	code, err := socksRequest(conn, target)
	return conn, setReply(ans, code), err
}

func setReply(a *ProxyAnswer, code int) *ProxyAnswer {
	a.SOCKSReply = &code
	return a
}

func socksUserPassAuth(conn net.Conn, hop Hop) (bool, error) {
	pw, _ := hop.User.Password()
	u := hop.User.Username()
	if len(u) > 255 || len(pw) > 255 {
		return false, errors.New("SOCKS5 credentials longer than 255 bytes")
	}
	msg := append([]byte{socksAuthVersion, byte(len(u))}, u...)
	msg = append(append(msg, byte(len(pw))), pw...)
	if _, err := conn.Write(msg); err != nil {
		return false, err
	}
	var r [2]byte
	if _, err := io.ReadFull(conn, r[:]); err != nil {
		return false, err
	}
	return r[1] == 0, nil
}

// socksRequest sends CONNECT with a domain-name address (the proxy
// resolves) and reads the reply; it returns the reply code.
func socksRequest(conn net.Conn, target string) (int, error) {
	host, portS, err := net.SplitHostPort(target)
	if err != nil || len(host) > 255 {
		return -1, fmt.Errorf("SOCKS5 target %q: bad host:port", target)
	}
	port, _ := strconv.Atoi(portS)
	msg := append([]byte{socksVersion, socksCmdConnect, 0, socksAddrDomain, byte(len(host))}, host...)
	msg = binary.BigEndian.AppendUint16(msg, uint16(port))
	if _, err := conn.Write(msg); err != nil {
		return -1, err
	}
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return -1, err
	}
	if hdr[0] != socksVersion {
		return -1, &errInvalidHTTP{errors.New("not a SOCKS5 reply")}
	}
	return int(hdr[1]), skipSOCKSAddr(conn, hdr[3])
}

// skipSOCKSAddr reads the bound address that ends a reply.
func skipSOCKSAddr(conn net.Conn, atyp byte) error {
	n := 0
	switch atyp {
	case socksAddrIPv4:
		n = 4
	case socksAddrIPv6:
		n = 16
	case socksAddrDomain:
		var l [1]byte
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return err
		}
		n = int(l[0])
	default:
		return &errInvalidHTTP{fmt.Errorf("SOCKS5 reply address type %d", atyp)}
	}
	_, err := io.ReadFull(conn, make([]byte, n+2))
	return err
}
