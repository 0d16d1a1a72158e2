package dnscmd

import (
	"context"
	"fmt"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/report"
)

// prepare turns the flags and arguments into the probe; every error is a
// usage error naming the bad value.
func (c *command) prepare(args []string) error {
	o, err := c.opt.dnsOptions(args, c.fs.Changed, c.resolvConf)
	if err != nil {
		return err
	}
	cfg, notes, err := o.Config()
	if err != nil {
		return cli.Usagef("%v", err)
	}
	p, err := dnsprobe.NewDNS(cfg)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	c.probe, c.notes = p, notes
	return nil
}

// run emits every result to the writer; a note on the configuration goes
// to stderr first.
func (c *command) run(ctx context.Context, env *cli.Env) error {
	for _, n := range c.notes {
		fmt.Fprintf(env.Stderr, "%s: note: %s\n", Name, n)
	}
	c.probe.Run(ctx, func(seq int, r report.Result) { env.Writer.Add(seq, r) })
	return nil
}

// dnsOptions completes the DNS options bound to the flags: the names are
// the arguments, changed reports whether a flag was set on the command
// line (resolv.conf's timeout and attempts apply only when it was not),
// resolvConf is the system configuration read without --resolver (empty:
// the platform's). Where a flag's zero means something else than the
// default dnsprobe.Options gives a zero field, it says so: --edns-size 0
// sends no EDNS, an empty --nx-zone or --whoami turns that check off, and
// --parallel 0 and an empty --whoami-type are refused, as they always were.
func (o *Options) dnsOptions(args []string, changed func(string) bool, resolvConf string) (dnsprobe.Options, error) {
	d := o.DNS
	d.Names, d.ResolvConf = args, resolvConf
	d.Timeout, d.TimeoutSet, d.AttemptsSet = o.Common.Timeout, changed("timeout"), changed("attempts")
	d.Types = append([]string{}, d.Types...) // never nil: an empty --type is refused, not defaulted
	d.NoEDNS = d.EDNSSize == 0
	d.NoNXZone, d.NoWhoami = d.NXZone == "", d.Whoami == ""
	if d.Parallel == 0 {
		return d, cli.Usagef("--parallel must be 1-%d, got 0", dnsprobe.MaxParallel)
	}
	if d.WhoamiType == "" {
		_, err := dnsprobe.ParseType(d.WhoamiType)
		return d, cli.Usagef("--whoami-type: %v", err)
	}
	return d, nil
}
