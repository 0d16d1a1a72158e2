// Package runcmd is `roompath run PROFILE.yaml`: it checks, from the
// controller network this host is on, every must_reach and must_not_reach
// expectation of a profile, so one run validates VLAN and Wi-Fi
// segmentation. With -o junit a profile becomes a CI job for network
// changes.
package runcmd

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/profile"
	"github.com/roompath/roompath/report"
)

const usage = `roompath run: check a profile's expectations from this controller network.

Usage: roompath run [flags] PROFILE.yaml

The profile lists sites, their rooms, and controller networks (by subnet)
with must_reach (e.g. every room's 9090 from the controller Wi-Fi) and
must_not_reach (e.g. no room's 9090 or 2244 from the guest Wi-Fi). roompath
run finds which network this host is on from its addresses (or --network),
probes each expectation, and reports expect and observed for each: a
reachable must-not-reach target is a failure. The checks are counted
before anything is built: a network that expands to more than --max-checks
(rooms x ports) is refused unless --force. See docs/profiles.md.

Examples:
  roompath run campus.yaml
  roompath run --network guest-wifi -o junit campus.yaml > segmentation.xml

Flags:
`

// Bounds of the flags: a plan bigger than DefaultMaxChecks needs --force,
// and profile.MaxChecks is refused even with it.
const (
	DefaultMaxChecks = 65536 // as portcheck's --max-targets: a /16 on one port
	MaxRate          = 100000
	MinRate          = 0.1
	MaxConcurrency   = probe.DefaultMaxOpen
	MaxAttempts      = profile.MaxAttempts
)

type cmd struct {
	common      cli.Common
	network     string
	attempts    int
	rate        float64
	concurrency int
	maxChecks   int64
	force       bool

	profile *profile.Profile
	net     *profile.Network
	site    *profile.Site
	checks  []profile.Check
	fs      *pflag.FlagSet
	// localAddrs overrides the interface addresses (tests).
	localAddrs func() []netip.Addr
	// expand builds a network's checks; a seam so tests can see that a
	// refused plan was never built.
	expand func(*profile.Site, *profile.Network) []profile.Check
}

// Tool returns the run command.
func Tool() cli.Tool { return newTool(nil) }

func newTool(localAddrs func() []netip.Addr) cli.Tool {
	return newCmd(localAddrs).tool()
}

func newCmd(localAddrs func() []netip.Addr) *cmd {
	c := &cmd{localAddrs: localAddrs, expand: (*profile.Site).Checks}
	if c.localAddrs == nil {
		c.localAddrs = interfaceAddrs
	}
	return c
}

func (c *cmd) tool() cli.Tool {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	c.fs = fs
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&c.network, "network", "", "the profile network this host is on (default: found from this host's addresses)")
	cli.AddCommon(fs, &c.common, probe.DefaultTCPTimeout)
	fs.IntVar(&c.attempts, "attempts", 0, fmt.Sprintf("connection attempts per check, 1-%d (default: the profile's, else 1)", MaxAttempts))
	fs.Float64Var(&c.rate, "rate", probe.DefaultRate, fmt.Sprintf("new connections per second, %g-%d (0 = no cap)", MinRate, MaxRate))
	fs.IntVar(&c.concurrency, "concurrency", probe.DefaultConcurrency, fmt.Sprintf("probes awaiting an answer at once, 1-%d", MaxConcurrency))
	fs.Int64Var(&c.maxChecks, "max-checks", DefaultMaxChecks, "refuse a profile network that expands to more checks (rooms x ports) unless --force")
	fs.BoolVar(&c.force, "force", false, fmt.Sprintf("allow more checks than --max-checks (never more than %d)", profile.MaxChecks))
	return cli.Tool{Name: "roompath run", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) prepare(args []string) error {
	if len(args) != 1 {
		return cli.Usagef("want one PROFILE.yaml (see --help)")
	}
	if err := c.checkFlags(); err != nil {
		return err
	}
	var err error
	if c.profile, err = profile.Load(args[0]); err != nil {
		return cli.Usagef("%v", err)
	}
	if err := c.pickNetwork(); err != nil {
		return err
	}
	c.applyDefaults()
	// Count before building: a refused plan costs nothing.
	switch n := c.site.CountChecks(c.net); {
	case n > c.maxChecks && !c.force:
		return cli.Usagef("network %s expands to %d checks (rooms x ports), more than --max-checks %d; narrow the profile or add --force", c.net.Name, n, c.maxChecks)
	case n > profile.MaxChecks:
		return cli.Usagef("network %s expands to %d checks (rooms x ports): the limit is %d even with --force", c.net.Name, n, profile.MaxChecks)
	}
	c.checks = c.expand(c.site, c.net)
	return nil
}

// checkFlags holds every number flag to its documented bounds.
func (c *cmd) checkFlags() error {
	switch {
	case c.attempts != 0 && (c.attempts < 1 || c.attempts > MaxAttempts):
		return cli.Usagef("--attempts must be 1-%d, got %d", MaxAttempts, c.attempts)
	case c.concurrency < 1 || c.concurrency > MaxConcurrency:
		return cli.Usagef("--concurrency must be 1-%d, got %d", MaxConcurrency, c.concurrency)
	case c.maxChecks < 1:
		return cli.Usagef("--max-checks must be at least 1, got %d", c.maxChecks)
	}
	if c.rate != 0 || math.Signbit(c.rate) {
		return cli.CheckFloat("rate", c.rate, MinRate, MaxRate)
	}
	return nil
}

// applyDefaults takes the profile's timeout and attempts where no flag
// gave them (the profile holds them to the same bounds on load).
func (c *cmd) applyDefaults() {
	if !c.flagSet("timeout") && c.profile.Defaults.Timeout > 0 {
		c.common.Timeout = time.Duration(c.profile.Defaults.Timeout)
	}
	if c.attempts == 0 {
		c.attempts = max(c.profile.Defaults.Attempts, 1)
	}
}

// flagSet reports whether the user gave a flag.
func (c *cmd) flagSet(name string) bool { return c.fs.Changed(name) }

// pickNetwork selects the network by --network or by this host's
// addresses.
func (c *cmd) pickNetwork() error {
	addrs := c.localAddrs()
	matches := c.profile.Match(func(n *profile.Network) bool {
		if c.network != "" {
			return n.Name == c.network
		}
		return n.Contains(addrs)
	})
	switch {
	case len(matches) == 0 && c.network != "":
		return cli.Usagef("--network %q: no such network in the profile", c.network)
	case len(matches) == 0:
		return cli.Usagef("this host (%s) is on none of the profile's networks; name one with --network", addrList(addrs))
	case len(matches) > 1:
		return cli.Usagef("this host matches %d profile networks (%s and %s); name one with --network", len(matches), matches[0].Network.Name, matches[1].Network.Name)
	}
	c.site, c.net = matches[0].Site, matches[0].Network
	return nil
}

func addrList(addrs []netip.Addr) string {
	var s []string
	for _, a := range addrs {
		if !a.IsLoopback() && !a.IsLinkLocalUnicast() {
			s = append(s, a.String())
		}
	}
	if len(s) == 0 {
		return "no addresses"
	}
	return strings.Join(s, ", ")
}

func interfaceAddrs() []netip.Addr {
	var out []netip.Addr
	for _, ifc := range netpath.Interfaces() {
		for _, a := range ifc.Addresses {
			if p, err := netip.ParsePrefix(a); err == nil {
				out = append(out, p.Addr())
			}
		}
	}
	return out
}

// run probes every check, two sweeps at once (one per expectation).
func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	var wg sync.WaitGroup
	for _, expect := range []string{probe.ExpectOpen, probe.ExpectBlocked} {
		p, err := probe.NewTCP(probe.TCPConfig{Timeout: c.common.Timeout, Attempts: c.attempts, Expect: expect})
		if err != nil {
			return err
		}
		wg.Go(func() { c.runExpect(ctx, env, p, expect) })
	}
	wg.Wait()
	return nil
}

func (c *cmd) runExpect(ctx context.Context, env *cli.Env, p *probe.TCP, expect string) {
	sw := probe.NewSweep(p, probe.SweepConfig{Concurrency: c.concurrency, Rate: c.rate})
	emit := func(seq int, r report.Result) {
		env.Writer.Add(seq, c.annotate(r))
	}
	sw.Run(ctx, func(yield func(int, probe.TCPTarget) bool) {
		for i, ch := range c.checks {
			if ch.Expect != expect {
				continue
			}
			for _, t := range c.targetsOf(ctx, i, ch, emit) {
				if !yield(i, t) {
					return
				}
			}
		}
	}, emit)
}

// targetsOf resolves a check's room to probe targets; a name that does not
// resolve becomes a result at once.
func (c *cmd) targetsOf(ctx context.Context, seq int, ch profile.Check, emit func(int, report.Result)) []probe.TCPTarget {
	label := ch.Site + "/" + ch.Room
	if ch.Host.Kind == targets.KindAddr {
		return []probe.TCPTarget{{Addr: ch.Host.First, Port: ch.Port, Name: label}}
	}
	res, err := probe.Resolve(ctx, ch.Host.Host)
	if err != nil {
		emit(seq, probe.Unresolved(vocab.CheckTCP, ch.Host.Host, ch.Port, err, ch.Expect, ""))
		return nil
	}
	out := make([]probe.TCPTarget, 0, len(res.Addrs))
	for _, a := range res.Addrs {
		out = append(out, probe.TCPTarget{Addr: a, Port: ch.Port, Name: label, Via: res.ViaOf(a)})
	}
	return out
}

// annotate names the vantage network in must-not-reach hints.
func (c *cmd) annotate(r report.Result) report.Result {
	if r.Expect == probe.ExpectBlocked && r.Status == report.StatusFail {
		r.Hint = fmt.Sprintf("From network %s (site %s): %s", c.net.Name, c.site.Name, r.Hint)
	}
	return r
}
