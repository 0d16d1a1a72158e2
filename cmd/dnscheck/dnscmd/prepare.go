package dnscmd

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/endpoints"
	"github.com/roompath/roompath/report"
)

// prepare turns the flags and arguments into the probe; every error is a
// usage error naming the bad value.
func (c *command) prepare(args []string) error {
	cfg, notes, err := c.opt.config(args, c.fs.Changed, c.resolvConf)
	if err != nil {
		return err
	}
	p, err := probe.NewDNS(cfg)
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

// Config builds the probe configuration from parsed options and the
// arguments (names). changed reports whether a flag was set on the command
// line (resolv.conf's timeout and attempts apply only when it was not);
// resolvConf is the system configuration read without --resolver (empty:
// the platform's). The returned notes are worth a line on stderr.
func (o *Options) Config(args []string, changed func(string) bool, resolvConf string) (probe.DNSConfig, []string, error) {
	return o.config(args, changed, resolvConf)
}

func (o *Options) config(args []string, changed func(string) bool, resolvConf string) (probe.DNSConfig, []string, error) {
	cfg := probe.DNSConfig{
		Timeout: o.Common.Timeout, Attempts: o.Attempts, TCP: o.TCP, DNSSEC: o.DNSSEC,
		EDNSSize: o.EDNSSize, Parallel: o.Parallel,
	}
	if err := o.checkNumbers(); err != nil {
		return cfg, nil, err
	}
	if cfg.EDNSSize == 0 {
		cfg.EDNSSize = -1 // the flag's 0 means no EDNS
	}
	var err error
	if cfg.Names, err = o.names(args); err != nil {
		return cfg, nil, err
	}
	if cfg.Types, err = parseTypes(o.Types, "--type"); err != nil {
		return cfg, nil, err
	}
	if cfg.AllowNets, err = parseNets(o.AllowNets); err != nil {
		return cfg, nil, err
	}
	if err = o.interception(&cfg); err != nil {
		return cfg, nil, err
	}
	notes, err := o.servers(&cfg, changed, resolvConf)
	return cfg, notes, err
}

func (o *Options) checkNumbers() error {
	switch {
	case o.Attempts < 1 || o.Attempts > 10:
		return cli.Usagef("--attempts must be between 1 and 10, got %d", o.Attempts)
	case o.EDNSSize != 0 && (o.EDNSSize < 512 || o.EDNSSize > 65535):
		return cli.Usagef("--edns-size must be 0 (no EDNS) or between 512 and 65535, got %d", o.EDNSSize)
	case o.Parallel < 1:
		return cli.Usagef("--parallel must be at least 1, got %d", o.Parallel)
	}
	return nil
}

// names returns the arguments, checked, or the profile's names.
func (o *Options) names(args []string) ([]string, error) {
	if len(args) == 0 {
		prof := endpoints.Default()
		if o.Profile != "" {
			var err error
			if prof, err = endpoints.Load(o.Profile); err != nil {
				return nil, cli.Usagef("--profile: %v", err)
			}
		}
		args = prof.Names()
	} else if o.Profile != "" {
		return nil, cli.Usagef("--profile and NAME arguments do not mix: give one or the other")
	}
	out := make([]string, 0, len(args))
	seen := map[string]bool{}
	for _, a := range args {
		n, err := probe.ParseDNSName(a)
		if err != nil {
			return nil, cli.Usagef("bad name: %v", err)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

func parseTypes(ss []string, flag string) ([]uint16, error) {
	var out []uint16
	seen := map[uint16]bool{}
	for _, s := range ss {
		t, err := probe.ParseDNSType(s)
		if err != nil {
			return nil, cli.Usagef("%s: %v", flag, err)
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, cli.Usagef("%s: no type given", flag)
	}
	return out, nil
}

func parseNets(ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := probe.ParseAllowNet(s)
		if err != nil {
			return nil, cli.Usagef("--allow-net: %v", err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (o *Options) interception(cfg *probe.DNSConfig) error {
	for flag, v := range map[string]string{"--nx-zone": o.NXZone, "--whoami": o.Whoami} {
		if v == "" {
			continue
		}
		if _, err := probe.ParseDNSName(v); err != nil {
			return cli.Usagef("%s: %v", flag, err)
		}
	}
	cfg.NXZone, cfg.Whoami = o.NXZone, o.Whoami
	t, err := parseTypes([]string{o.WhoamiType}, "--whoami-type")
	if err != nil {
		return err
	}
	cfg.WhoamiType = t[0]
	return nil
}
