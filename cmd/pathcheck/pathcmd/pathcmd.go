// Package pathcmd is the pathcheck command: how this host reaches a room
// and where the path toward its TCP 9090 dies. cmd/pathcheck and `roompath
// path` run it; the check itself is probe/pathprobe.
package pathcmd

import (
	"context"
	"fmt"
	"net/netip"
	"sync"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

const usage = `pathcheck: how this host reaches a room, and where TCP 9090 toward it dies.

Usage: pathcheck [flags] ROOM...

ROOM is an IPv4 or IPv6 address or a hostname (every address it resolves to
is checked), optionally with a port (host:9090, [v6]:9090).

For each room: the route this host uses (interface and its kind: ethernet,
wifi, vlan, bridge, veth, tun, wireguard, xfrm, ...; source; gateway, or
on-link; route type and table), the neighbour (ARP/ND) state of the on-link
room or of the gateway after provoking resolution, whether the gateway
answers, the interface and path MTU, and a TCP trace: a SYN to ROOM:PORT with
every TTL from 1 to --max-hops at once, each hop named by the ICMP time
exceeded it draws (Linux, unprivileged, IP_RECVERR). With CAP_NET_RAW the IP
TTL of a reset is read too, to tell the room's own reset from a firewall's.

observed:
  reached            the room answered (syn_ack), or reset the SYN (conn_refused,
                     warn: nothing listens) from its own hop distance
  dropped            silence after detail.last_hop, the last address that answered
  rejected           a router refused with an ICMP reject (admin_prohibited,
                     port_unreach); reported_by is the router, reject_hop its hop
  unreachable        a router has no route (net_unreach) or no ARP answer from
                     the room (host_unreach)
  reset_by_middlebox a reset in the room's name came from detail.reset_hop, fewer
                     hops away than the room: a firewall that denies with reset
  (reason handshake_by_middlebox) a device in front of the room completed the
                     handshake (a SYN proxy): reached when a reset followed,
                     dropped when nothing behind it answered; never a pass
  neighbor_failed    this host's ARP/ND for the on-link room (or the gateway)
                     failed; with the gateway answering, that is Wi-Fi client
                     isolation or a wrong VLAN (see hint)
  no_route           this host's table has no usable route (detail.route.type:
                     unreachable, prohibit, blackhole, throw, none)
  max_hops           still expiring in transit at --max-hops (loop or long path)
  local_denied       a firewall on this host refused to send

A route through a tunnel or VPN (tun, wireguard, xfrm, ipip, gre, ppp, ...)
makes a reached path a warning: the test does not show the controller's
network.

Examples:
  pathcheck 10.10.5.23                     # route, neighbours and hops toward 10.10.5.23:9090
  pathcheck -o json room-101.corp.example  # every address of the name, as JSON
  pathcheck --port 8888 --max-hops 12 --timeout 2s 10.10.5.23

Bounds: --timeout %s to %s (per TTL; every TTL waits at once), --max-hops
1-%d, --port 1-65535. A zoned IPv6 room (fe80::1%%eth0) must name an
interface of this host.

Exit codes: 0 reached, 1 not reached, 2 bad input, 3 could not run,
130 interrupted (the partial report is still written).

Flags:
`

type cmd struct {
	common  cli.Common
	port    uint16
	maxHops int
	noRaw   bool

	specs []targets.Spec
}

// Tool returns the pathcheck command.
func Tool() cli.Tool {
	c := &cmd{}
	fs := pflag.NewFlagSet("pathcheck", pflag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), usage, cli.MinTimeout, cli.MaxTimeout, netpath.MaxHopsLimit)
		fs.PrintDefaults()
	}
	fs.Uint16VarP(&c.port, "port", "p", pathprobe.DefaultPort, "TCP port traced on rooms that name none")
	fs.IntVar(&c.maxHops, "max-hops", netpath.DefaultMaxHops, fmt.Sprintf("highest TTL probed, 1-%d", netpath.MaxHopsLimit))
	cli.AddCommon(fs, &c.common, netpath.DefaultTraceTimeout)
	fs.BoolVar(&c.noRaw, "no-raw", false, "never open raw sockets, even with CAP_NET_RAW (reset_hop stays null)")
	return cli.Tool{Name: "pathcheck", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) prepare(args []string) error {
	switch {
	case c.maxHops < 1 || c.maxHops > netpath.MaxHopsLimit:
		return cli.Usagef("--max-hops must be 1-%d, got %d", netpath.MaxHopsLimit, c.maxHops)
	case c.port == 0:
		return cli.Usagef("--port must be 1-65535, got 0")
	case len(args) == 0:
		return cli.Usagef("no room (give ROOM, an address or a hostname; see --help)")
	}
	for _, a := range args {
		s, err := targets.Parse(a)
		if err != nil {
			return cli.Usagef("%v", err)
		}
		if s.Kind != targets.KindAddr && s.Kind != targets.KindHost {
			return cli.Usagef("%q: pathcheck traces one room at a time; give an address or a hostname, not a CIDR or range", a)
		}
		c.specs = append(c.specs, s)
	}
	return nil
}

// run checks every room at once, each address of a name as a room of its
// own, in the order given.
func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	seq := 0
	for _, s := range c.specs {
		port := c.port
		if s.Port != 0 {
			port = s.Port
		}
		addrs, errRes := c.addresses(ctx, s, port)
		if errRes != nil {
			seq++
			env.Writer.Add(seq, *errRes)
			continue
		}
		for _, a := range addrs {
			seq++
			n := seq
			p, err := pathprobe.NewPath(c.config(probe.TCPTarget{Addr: a, Port: port, Name: s.Host}))
			if err != nil {
				return err
			}
			wg.Go(func() { p.Run(ctx, func(_ int, r report.Result) { env.Writer.Add(n, r) }) })
		}
	}
	return nil
}

// config is the path check of one room under the flags.
func (c *cmd) config(t probe.TCPTarget) pathprobe.PathConfig {
	return pathprobe.PathConfig{Target: t, Timeout: c.common.Timeout, MaxHops: c.maxHops, NoRaw: c.noRaw}
}

// addresses resolves a spec; a name that does not resolve is a result.
func (c *cmd) addresses(ctx context.Context, s targets.Spec, port uint16) ([]netip.Addr, *report.Result) {
	if s.Kind == targets.KindAddr {
		return []netip.Addr{s.First}, nil
	}
	res, err := probe.Resolve(ctx, s.Host)
	if err == nil {
		return res.Addrs, nil
	}
	hint := fmt.Sprintf("%s does not resolve from here: check the name, the search domain and the resolver (run dnscheck %s).", s.Host, s.Host)
	r := probe.Unresolved(vocab.CheckPath, s.Host, port, err, string(vocab.PathReached), hint)
	return nil, &r
}
