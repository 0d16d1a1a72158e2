package proxyprobe

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/roompath/roompath/probe"
)

// ConnectTo redirects connections the way curl's --connect-to does: a
// connection for Host:Port goes to ToHost:ToPort instead, while SNI, the
// Host header and CONNECT requests still name Host. An empty Host or Port
// matches any; an empty ToHost or ToPort keeps the original.
type ConnectTo struct {
	// Host is the host name to match; empty matches any.
	Host string
	// Port is the port to match; empty matches any.
	Port string
	// ToHost is where a matched connection goes; empty keeps Host.
	ToHost string
	// ToPort is the port a matched connection goes to; empty keeps Port.
	ToPort string
}

// ParseConnectTo parses "HOST:PORT:TOHOST:TOPORT"; IPv6 addresses go in
// brackets ("zoom.us:443:[::1]:8443").
func ParseConnectTo(s string) (ConnectTo, error) {
	parts, err := splitBracketed(s)
	if err != nil {
		return ConnectTo{}, err
	}
	if len(parts) != 4 {
		return ConnectTo{}, fmt.Errorf("connect-to %s: want HOST:PORT:TOHOST:TOPORT", excerpt(s))
	}
	for _, h := range []string{parts[0], parts[2]} {
		if h != "" && !validHost(h) {
			return ConnectTo{}, fmt.Errorf("connect-to %s: host %s is not a host name or address", excerpt(s), excerpt(h))
		}
	}
	for _, p := range []string{parts[1], parts[3]} {
		if p == "" {
			continue
		}
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return ConnectTo{}, fmt.Errorf("connect-to %s: port %s is not 1-65535", excerpt(s), excerpt(p))
		}
	}
	return ConnectTo{Host: parts[0], Port: parts[1], ToHost: parts[2], ToPort: parts[3]}, nil
}

// splitBracketed splits on colons outside square brackets and strips the
// brackets.
func splitBracketed(s string) ([]string, error) {
	var parts []string
	var cur strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '[' && depth == 0:
			depth = 1
		case r == ']' && depth == 1:
			depth = 0
		case r == ':' && depth == 0:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("connect-to %s: unbalanced brackets", excerpt(s))
	}
	return append(parts, cur.String()), nil
}

// Dialer opens TCP connections, applying ConnectTo rules. The zero value
// dials directly.
type Dialer struct {
	// Rules are tried in order; the first match wins.
	Rules []ConnectTo
	// Guard, when set, is asked at connect time about every address a
	// connection goes to (after the rules and name resolution): the
	// exporter's allowlist. A refused address fails the dial with
	// address_not_allowed.
	Guard probe.AddrGuard
	// dial is the seam under the rules; nil means a net.Dialer.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Rewrite returns the address a connection for hostport goes to.
func (d *Dialer) Rewrite(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	for _, r := range d.Rules {
		if (r.Host == "" || strings.EqualFold(r.Host, host)) && (r.Port == "" || r.Port == port) {
			if r.ToHost != "" {
				host = r.ToHost
			}
			if r.ToPort != "" {
				port = r.ToPort
			}
			return net.JoinHostPort(host, port)
		}
	}
	return hostport
}

// DialContext connects to hostport (after the rules) over TCP. With a
// Guard, the address is checked as the socket connects (every address a
// name resolves to); through the dial seam, which may resolve elsewhere, a
// literal address is checked before dialling and the connected peer
// before the connection is handed back.
func (d *Dialer) DialContext(ctx context.Context, hostport string) (net.Conn, error) {
	addr := d.Rewrite(hostport)
	if d.dial != nil {
		return d.seamDial(ctx, addr)
	}
	nd := net.Dialer{Control: d.Guard.Control(nil)}
	return nd.DialContext(ctx, "tcp", addr)
}

// seamDial dials addr through the dial seam, held to the Guard.
func (d *Dialer) seamDial(ctx context.Context, addr string) (net.Conn, error) {
	if d.Guard != nil {
		if host, _, err := net.SplitHostPort(addr); err == nil && net.ParseIP(host) != nil {
			if err := d.Guard.Check(addr); err != nil {
				return nil, err
			}
		}
	}
	c, err := d.dial(ctx, "tcp", addr)
	if err != nil || d.Guard == nil {
		return c, err
	}
	if err := d.Guard.Check(c.RemoteAddr().String()); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
