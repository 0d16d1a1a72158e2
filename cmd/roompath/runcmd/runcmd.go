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
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/cmd/portcheck/portcmd"
	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe"
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

	profile *Profile
	net     *Network
	site    *Site
	checks  []check
	fs      *pflag.FlagSet
	// localAddrs overrides the interface addresses (tests).
	localAddrs func() []netip.Addr
}

// check is one room port with its expectation.
type check struct {
	site, room string
	host       targets.Spec
	port       uint16
	expect     string
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
	f, err := os.Open(args[0])
	if err != nil {
		return cli.Usagef("%v", err)
	}
	defer f.Close()
	if c.profile, err = ParseProfile(f); err != nil {
		return cli.Usagef("%s: %v", args[0], err)
	}
	if err := c.pickNetwork(); err != nil {
		return err
	}
	c.plan()
	return c.applyDefaults()
}

func (c *cmd) applyDefaults() error {
	if !c.flagSet("timeout") && c.profile.Defaults.Timeout > 0 {
		c.common.Timeout = timeDuration(c.profile.Defaults.Timeout)
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

func timeDuration(d Duration) time.Duration { return time.Duration(d) }

// pickNetwork selects the network by --network or by this host's
// addresses.
func (c *cmd) pickNetwork() error {
	type match struct {
		site *Site
		net  *Network
	}
	var matches []match
	addrs := c.localAddrs()
	for i := range c.profile.Sites {
		s := &c.profile.Sites[i]
		for j := range s.Networks {
			n := &s.Networks[j]
			if (c.network != "" && n.Name == c.network) || (c.network == "" && contains(n, addrs)) {
				matches = append(matches, match{s, n})
			}
		}
	}
	switch {
	case len(matches) == 0 && c.network != "":
		return cli.Usagef("--network %q: no such network in the profile", c.network)
	case len(matches) == 0:
		return cli.Usagef("this host (%s) is on none of the profile's networks; name one with --network", addrList(addrs))
	case len(matches) > 1:
		return cli.Usagef("this host matches %d profile networks (%s and %s); name one with --network", len(matches), matches[0].net.Name, matches[1].net.Name)
	}
	c.site, c.net = matches[0].site, matches[0].net
	return nil
}

func contains(n *Network, addrs []netip.Addr) bool {
	for _, p := range n.CIDRs {
		for _, a := range addrs {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
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

// plan lists the checks of the chosen network, must-reach first, each room
// port once.
func (c *cmd) plan() {
	rooms := map[string]Room{}
	var names []string
	for _, r := range c.site.Rooms {
		rooms[r.Name] = r
		names = append(names, r.Name)
	}
	seen := map[string]bool{}
	for _, list := range []struct {
		exps   []Expectation
		expect string
	}{{c.net.MustReach, probe.ExpectOpen}, {c.net.MustNotReach, probe.ExpectBlocked}} {
		for _, e := range list.exps {
			for _, ref := range e.Rooms {
				for _, name := range refNames(ref, names) {
					for _, p := range e.Ports {
						key := fmt.Sprintf("%s:%d", name, p)
						if !seen[key] {
							seen[key] = true
							c.checks = append(c.checks, check{c.site.Name, name, rooms[name].Address.Spec, uint16(p), list.expect})
						}
					}
				}
			}
		}
	}
}

func refNames(ref RoomRef, all []string) []string {
	if ref.Name == "*" {
		return all
	}
	return []string{ref.Name}
}

// run probes every check, two sweeps at once (one per expectation).
func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	var wg sync.WaitGroup
	for _, expect := range []string{probe.ExpectOpen, probe.ExpectBlocked} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.runExpect(ctx, env, expect)
		}()
	}
	wg.Wait()
	return nil
}

func (c *cmd) runExpect(ctx context.Context, env *cli.Env, expect string) {
	p := probe.NewTCP(probe.TCPConfig{Timeout: c.common.Timeout, Attempts: c.attempts, Expect: expect})
	sw := probe.NewSweep(p, probe.SweepConfig{Concurrency: c.concurrency, Rate: c.rate})
	emit := func(seq int, r report.Result) {
		env.Writer.Add(seq, c.annotate(r))
	}
	sw.Run(ctx, func(yield func(int, probe.TCPTarget) bool) {
		for i, ch := range c.checks {
			if ch.expect != expect {
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
func (c *cmd) targetsOf(ctx context.Context, seq int, ch check, emit func(int, report.Result)) []probe.TCPTarget {
	label := ch.site + "/" + ch.room
	if ch.host.Kind == targets.KindAddr {
		return []probe.TCPTarget{{Addr: ch.host.First, Port: ch.port, Name: label}}
	}
	addrs, err := portcmd.Resolve(ctx, ch.host.Host)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("%s has no addresses", ch.host.Host)
	}
	if err != nil {
		emit(seq, portcmd.Unresolved(ch.host.Host, ch.port, err, ch.expect))
		return nil
	}
	sort.Slice(addrs, func(i, j int) bool { return addrs[i].Less(addrs[j]) })
	out := make([]probe.TCPTarget, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, probe.TCPTarget{Addr: a.Unmap(), Port: ch.port, Name: label})
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
