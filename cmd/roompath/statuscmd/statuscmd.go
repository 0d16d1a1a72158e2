// Package statuscmd is `roompath status`: Zoom's service status from its
// Atlassian Statuspage, as one result (see docs/status.md).
package statuscmd

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/status"
)

const usage = `roompath status: is Zoom itself having a problem right now?

Usage: roompath status [flags]

Reads Zoom's Atlassian Statuspage (summary.json) and reports one result:
operational (pass), degraded or maintenance (warn), outage (fail), or
unknown (warn: the page could not be read from here, which is itself a
DNS, proxy or firewall symptom; the failure says which).

Examples:
  roompath status
  roompath status -o json
  roompath status --fallback-url none --timeout 5s

Exit codes: 0 operational, degraded, maintenance or unknown; 1 outage;
2 bad input; 130 interrupted.

Flags:
`

type cmd struct {
	common   cli.Common
	url      string
	fallback string
	probe    *status.Status
}

// Tool returns the `roompath status` command.
func Tool() cli.Tool {
	c := &cmd{}
	fs := pflag.NewFlagSet("status", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&c.url, "url", status.DefaultURL, "the Statuspage summary.json to read (http or https; a password in it is never written)")
	fs.StringVar(&c.fallback, "fallback-url", status.DefaultFallbackURL, "read this when --url cannot be read or is slow ('none' turns it off)")
	cli.AddCommon(fs, &c.common, status.DefaultTimeout)
	fs.Lookup("timeout").Usage = "time budget of the whole check, fallback included (e.g. 5s; 10ms-10m)"
	return cli.Tool{Name: "status", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) prepare(args []string) error {
	if len(args) > 0 {
		return cli.Usagef("unexpected argument %q (use --url to read another page)", args[0])
	}
	if err := status.CheckURL(c.url); err != nil {
		return cli.Usagef("--url: %v", err)
	}
	if c.fallback != status.NoFallback {
		if err := status.CheckURL(c.fallback); err != nil {
			return cli.Usagef("--fallback-url: %v", err)
		}
	}
	p, err := status.NewStatus(status.StatusConfig{URL: c.url, FallbackURL: c.fallback, Timeout: c.common.Timeout})
	if err != nil {
		return cli.Usagef("%v", err)
	}
	c.probe = p
	return nil
}

func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	c.probe.Run(ctx, env.Writer.Add)
	return nil
}
