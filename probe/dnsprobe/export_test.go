package dnsprobe

import (
	"context"
	"net"
)

// NewDNSWithSockets is NewDNS with the sockets of the queries opened by
// listen (UDP) and dial (TCP), for the namespace-lab test in package
// dnsprobe_test.
func NewDNSWithSockets(cfg DNSConfig, listen func(network, address string) (net.PacketConn, error),
	dial func(ctx context.Context, network, address string) (net.Conn, error)) (*DNS, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return newDNS(cfg, dnsSockets{listen: listen, dial: dial}), nil
}
