// Package triagecmd is `roompath triage --room ADDR`: flags into a
// triage.Config, the run, the verdict on the report, and the evidence
// bundle. The decision path itself is the triage package.
package triagecmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/triage"
)

const usage = `roompath triage: the whole decision path for one Zoom Room, at once.

Usage: roompath triage --room ADDR [flags]

Runs together: Zoom's service status, the route and hop-by-hop path toward
the room's TCP 9090, the room's ports, DNS of the Zoom names through every
resolver, and proxies and TLS toward the Zoom cloud. The report's verdict
names the first failing layer along the troubleshooting order (cloud, local,
network, transport, dns, proxy, tls) with its evidence and next steps.

Examples:
  roompath triage --room 10.10.5.23
  roompath triage --room 10.10.5.23 --room-port 8888,2244 --bundle case-123.tar.gz
  roompath triage --room room-101.corp.example --resolver 10.0.0.53 --skip proxy,tls

Flags:
`

// Layers that --skip accepts, each naming the sub-checks it turns off.
var skippable = []string{"status", "path", "dns", "proxy", "tls"}

type cmd struct {
	common    cli.Common
	room      string
	port      uint16
	roomPorts string
	control   uint16
	skip      []string
	bundle    string

	cfg triage.Config
	// collected holds every result in report order, for the bundle
	// whatever the output format.
	collected []report.Result
}

// Tool returns the triage command.
func Tool() cli.Tool {
	c := &cmd{}
	fs := pflag.NewFlagSet("triage", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&c.room, "room", "", "the room computer or appliance: an address or a hostname (required)")
	fs.Uint16Var(&c.port, "port", triage.DefaultPort, "the room's controller port")
	fs.StringVar(&c.roomPorts, "room-port", "", "more room ports to check, e.g. 8888 (direct share), 2244 (control API)")
	fs.Uint16Var(&c.control, "control-port", triage.DefaultControlPort, "a port probed only as a control: if the room answers there (open or reset) but not on --port, a filter is specific to --port (0 turns it off)")
	cli.AddCommon(fs, &c.common, triage.DefaultTimeout)
	cfg := &c.cfg
	fs.StringVar(&cfg.StatusURL, "status-url", "", "Zoom status page summary URL (default: www.zoomstatus.com's, falling back to status.zoom.us's)")
	fs.StringVar(&cfg.StatusFallbackURL, "status-fallback-url", "", "fallback status URL when --status-url is given (default: none)")
	fs.StringArrayVar(&cfg.Resolvers, "resolver", nil, "resolver to check, ADDR[:PORT] (repeatable; default: the system's)")
	fs.StringArrayVar(&cfg.AllowNets, "allow-net", nil, "network whose private answers are expected, CIDR (repeatable)")
	fs.StringVar(&cfg.CAFile, "ca", "", "PEM FILE of the roots the genuine Zoom chain ends in (default: the bundled public roots)")
	fs.StringVar(&cfg.Echo, "echo", "", "http:// URL of a roompath responder, for the transparent-proxy check")
	fs.StringVar(&cfg.MediaResponder, "media-responder", "", "HOST[:PORT] of a 'roompath responder --udp': adds the UDP media path (mediacheck's udp and media results) to the verdict after tls")
	fs.StringVar(&cfg.CaptiveURL, "captive-url", "", "known-answer URL for the captive-portal check ('none' turns it off)")
	fs.StringArrayVar(&cfg.ConnectTo, "connect-to", nil, "HOST:PORT:TOHOST:TOPORT for the proxy and TLS checks (repeatable)")
	fs.StringVar(&cfg.Proxy, "proxy", "", "proxy for the cloud checks instead of the configuration ('none': direct only)")
	fs.StringArrayVar(&cfg.CloudHosts, "cloud-host", nil, "Zoom name to check for DNS, proxy and TLS instead of the embedded profile (repeatable)")
	fs.StringSliceVar(&c.skip, "skip", nil, "checks to leave out: "+strings.Join(skippable, ", "))
	fs.StringVar(&c.bundle, "bundle", "", "also write an evidence pack (tar.gz) for a support case to FILE (checked writable before anything is sent)")
	return cli.Tool{Name: "roompath triage", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

// prepare turns the flags into the triage configuration and checks it, so
// a bad value exits 2 before anything is sent.
func (c *cmd) prepare(args []string) error {
	if len(args) > 0 {
		return cli.Usagef("unexpected argument %q (the room goes in --room)", args[0])
	}
	if c.room == "" {
		return cli.Usagef("--room is required")
	}
	spec, err := targets.Parse(c.room)
	if err != nil || (spec.Kind != targets.KindAddr && spec.Kind != targets.KindHost) || spec.Port != 0 {
		return cli.Usagef("--room %q: want one address or hostname", c.room)
	}
	if c.port == 0 {
		return cli.Usagef("--port must be 1-65535")
	}
	if err := c.parseSkip(); err != nil {
		return err
	}
	if err := c.checkBundle(); err != nil {
		return err
	}
	if c.roomPorts != "" {
		if c.cfg.RoomPorts, err = targets.ParsePorts(c.roomPorts); err != nil {
			return cli.Usagef("--room-port: %v", err)
		}
	}
	c.cfg.Room, c.cfg.Port, c.cfg.ControlPort, c.cfg.Timeout = spec, c.port, c.control, c.common.Timeout
	if err := c.cfg.Check(); err != nil {
		return cli.Usagef("%v", err)
	}
	return nil
}

func (c *cmd) parseSkip() error {
	for _, s := range c.skip {
		if !slices.Contains(skippable, s) {
			return cli.Usagef("--skip %q: want some of %s", s, strings.Join(skippable, ", "))
		}
	}
	has := func(s string) bool { return slices.Contains(c.skip, s) }
	c.cfg.Skip = triage.Skip{Status: has("status"), Path: has("path"), DNS: has("dns"), Proxy: has("proxy"), TLS: has("tls")}
	return nil
}

// run runs the decision path, sets the verdict and writes the bundle.
func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	out, err := triage.Run(ctx, c.cfg, env.Writer.Add)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	c.collected = out.Results
	env.Writer.SetVerdict(out.Verdict)
	return c.writeBundle(env)
}
