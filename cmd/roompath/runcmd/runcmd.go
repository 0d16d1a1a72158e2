// Package runcmd is `roompath run PROFILE.yaml`: it checks, from the
// controller network this host is on, every must_reach and must_not_reach
// expectation of a profile, so one run validates VLAN and Wi-Fi
// segmentation. With -o junit a profile becomes a CI job for network
// changes.
package runcmd

import (
	"context"
	"fmt"
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
reachable must-not-reach target is a failure. See docs/profiles.md.

Examples:
  roompath run campus.yaml
  roompath run --network guest-wifi -o junit campus.yaml > segmentation.xml

Flags:
`

type cmd struct {
	common      cli.Common
	network     string
	attempts    int
	rate        float64
	concurrency int

	profile *profile.Profile
	net     *profile.Network
	site    *profile.Site
	checks  []profile.Check
	fs      *pflag.FlagSet
	// localAddrs overrides the interface addresses (tests).
	localAddrs func() []netip.Addr
}

// Tool returns the run command.
func Tool() cli.Tool { return newTool(nil) }

func newTool(localAddrs func() []netip.Addr) cli.Tool {
	c := &cmd{localAddrs: localAddrs}
	if c.localAddrs == nil {
		c.localAddrs = interfaceAddrs
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	c.fs = fs
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&c.network, "network", "", "the profile network this host is on (default: found from this host's addresses)")
	cli.AddCommon(fs, &c.common, probe.DefaultTCPTimeout)
	fs.IntVar(&c.attempts, "attempts", 0, "connection attempts per check (default: the profile's, else 1)")
	fs.Float64Var(&c.rate, "rate", probe.DefaultRate, "new connections per second (0 = no cap)")
	fs.IntVar(&c.concurrency, "concurrency", probe.DefaultConcurrency, "probes awaiting an answer at once")
	return cli.Tool{Name: "roompath run", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) prepare(args []string) error {
	if len(args) != 1 {
		return cli.Usagef("want one PROFILE.yaml (see --help)")
	}
	var err error
	if c.profile, err = profile.Load(args[0]); err != nil {
		return cli.Usagef("%v", err)
	}
	if err := c.pickNetwork(); err != nil {
		return err
	}
	c.checks = c.site.Checks(c.net)
	return c.applyDefaults()
}

func (c *cmd) applyDefaults() error {
	if !c.flagSet("timeout") && c.profile.Defaults.Timeout > 0 {
		c.common.Timeout = time.Duration(c.profile.Defaults.Timeout)
	}
	if c.attempts == 0 {
		c.attempts = max(c.profile.Defaults.Attempts, 1)
	}
	if c.attempts < 1 || c.attempts > 100 {
		return cli.Usagef("--attempts must be 1-100, got %d", c.attempts)
	}
	if c.rate < 0 || c.concurrency < 1 {
		return cli.Usagef("--rate must be 0 or positive and --concurrency at least 1")
	}
	return nil
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
