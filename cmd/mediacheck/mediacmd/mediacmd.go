// Package mediacmd is the mediacheck command: flags, their bounds, and the
// run of probe/media against a roompath responder.
package mediacmd

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe/media"
)

const usage = `mediacheck: the UDP media path to a roompath responder, measured.

Usage: mediacheck [flags] RESPONDER

RESPONDER is the host, address or host:port (the port is the stream port)
of 'roompath responder --udp 8801-8810,3478,3479' run beyond the path
under test (docs/responder.md).

Each UDP port gets one udp result: open (the responder echoed), filtered
(silence; detail.last_hop is the last hop that answered a UDP trace),
unreachable (an ICMP error: reason and reported_by), no_route or
local_denied. Then a stream to UDP 8801 (--pps datagrams of --size bytes
for --duration, marked --dscp) gets one media result: good, degraded, bad
or blocked (UDP 8801-8810 do not pass, whatever 3478/3479 do: Zoom falls
back to TCP 8801/8802, then TLS 443), with loss, burst loss (worst 200 ms),
RFC 3550 jitter each way, round trip p50/p95/max, reordering, duplicates,
the DSCP the responder saw, and one entry per second. --thresholds zoom
(default: Microsoft's client-to-edge targets, roompath's choice since Zoom
publishes none), teams (Microsoft's targets), or a YAML file.

Examples:
  mediacheck 203.0.113.10
  mediacheck --duration 30s --thresholds teams media-responder.corp.example
  mediacheck -p 8801 --dscp none --key-file key.txt -o json 203.0.113.10:8801

Bounds: --duration 1s-10m, --pps 1-1000 (duration x pps at most 200000),
--size 64-1200 bytes, --dscp 0-63 or none, --timeout
10ms-10m (the wait for each port's echo, and for the stream's last
replies).

Exit codes: 0 all as expected, 1 a check failed, 2 bad input, 3 could not
run, 130 interrupted (the partial report is still written).

Flags:
`

type cmd struct {
	common     cli.Common
	ports      string
	streamPort int
	duration   time.Duration
	pps        int
	size       int
	dscp       string
	thresholds string
	key        string
	keyFile    string
	noRaw      bool

	fs  *pflag.FlagSet
	cfg media.Config
}

// Tool returns the mediacheck command.
func Tool() cli.Tool {
	c := &cmd{}
	fs := pflag.NewFlagSet("mediacheck", pflag.ContinueOnError)
	c.fs = fs
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVarP(&c.ports, "port", "p", "8801-8810,3478,3479", "UDP ports to probe for reachability")
	fs.IntVar(&c.streamPort, "stream-port", media.DefaultStreamPort, "UDP port of the stream (1-65535)")
	fs.DurationVar(&c.duration, "duration", media.DefaultDuration, "stream length (1s-10m)")
	fs.IntVar(&c.pps, "pps", media.DefaultPPS, "stream datagrams per second (1-1000)")
	fs.IntVar(&c.size, "size", media.DefaultSize, "datagram size in bytes, UDP payload (64-1200)")
	fs.StringVar(&c.dscp, "dscp", strconv.Itoa(media.DefaultDSCP), "DSCP mark of every datagram: 0-63, or none")
	fs.StringVar(&c.thresholds, "thresholds", "zoom", "zoom, teams, or a YAML FILE of limits (docs/mediacheck.md)")
	fs.StringVar(&c.key, "key", "", "HMAC key shared with the responder (its --key); shows in the report's command line: prefer --key-file")
	fs.StringVar(&c.keyFile, "key-file", "", "read the HMAC key from FILE's first line")
	fs.BoolVar(&c.noRaw, "no-raw", false, "never open a raw ICMP socket (the DSCP change is then not placed)")
	cli.AddCommon(fs, &c.common, media.DefaultTimeout)
	return cli.Tool{Name: "mediacheck", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) prepare(args []string) error {
	if len(args) != 1 {
		return cli.Usagef("want exactly one RESPONDER (host, address or host:port), got %d arguments; see --help", len(args))
	}
	ports, err := targets.ParsePorts(c.ports)
	if err != nil {
		return cli.Usagef("--port: %v", err)
	}
	if err := c.readKey(); err != nil {
		return err
	}
	if err := c.checkNumbers(); err != nil {
		return err
	}
	dscp, err := parseDSCP(c.dscp)
	if err != nil {
		return err
	}
	th, err := media.LoadThresholds(c.thresholds)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	c.cfg = media.Config{Responder: args[0], Ports: ports, Duration: c.duration, PPS: c.pps, Size: c.size,
		DSCP: dscp, Thresholds: th, Key: []byte(c.key), Timeout: c.common.Timeout, NoRaw: c.noRaw}
	if c.key == "" {
		c.cfg.Key = nil
	}
	if c.fs.Changed("stream-port") {
		c.cfg.StreamPort = uint16(c.streamPort)
	}
	if _, err := media.New(c.cfg); err != nil {
		return cli.Usagef("%v", err)
	}
	return nil
}

// checkNumbers holds every numeric flag to its documented bounds.
func (c *cmd) checkNumbers() error {
	switch {
	case c.streamPort < 1 || c.streamPort > 65535:
		return cli.Usagef("--stream-port must be 1-65535, got %d", c.streamPort)
	case c.pps < media.MinPPS || c.pps > media.MaxPPS:
		return cli.Usagef("--pps must be %d-%d, got %d", media.MinPPS, media.MaxPPS, c.pps)
	case c.size < media.MinSize || c.size > media.MaxSize:
		return cli.Usagef("--size must be %d-%d bytes, got %d", media.MinSize, media.MaxSize, c.size)
	}
	if err := cli.CheckDuration("duration", c.duration, media.MinDuration, media.MaxDuration); err != nil {
		return err
	}
	if n := c.duration.Seconds() * float64(c.pps); n > media.MaxPackets {
		return cli.Usagef("--duration %s at --pps %d is %.0f datagrams, more than %d", c.duration, c.pps, n, media.MaxPackets)
	}
	return nil
}

// readKey takes the key from --key-file.
func (c *cmd) readKey() error {
	if c.keyFile == "" {
		return nil
	}
	if c.key != "" {
		return cli.Usagef("give --key or --key-file, not both")
	}
	key, err := responder.ReadKeyFile(c.keyFile)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	c.key = key
	return nil
}

// parseDSCP reads --dscp: 0-63, or none (-1).
func parseDSCP(s string) (int, error) {
	if s == "none" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 63 {
		return 0, cli.Usagef("--dscp must be 0-63 or none, got %q", s)
	}
	return n, nil
}

func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	cli.RaiseOpenFiles()
	p, err := media.New(c.cfg)
	if err != nil {
		return err
	}
	if env.StderrTTY {
		fmt.Fprintf(env.Stderr, "mediacheck: probing %d UDP ports, then streaming for %s\n", len(c.cfg.Ports), c.cfg.Duration)
	}
	return p.Run(ctx, env.Writer.Add)
}
