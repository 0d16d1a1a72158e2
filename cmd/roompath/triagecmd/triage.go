// Package triagecmd is `roompath triage --room ADDR`: the whole decision
// path for one room at once (Zoom status, the path to the room, the room's
// ports, DNS, proxies and TLS toward the Zoom cloud), and a verdict that
// names the first failing layer with its evidence.
package triagecmd

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/cmd/dnscheck/dnscmd"
	"github.com/roompath/roompath/cmd/portcheck/portcmd"
	"github.com/roompath/roompath/cmd/proxycheck/proxycmd"
	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/report"
)

// DefaultTimeout bounds each probe's attempt; long enough for an ARP
// failure to come back as host-unreachable.
const DefaultTimeout = 3500 * time.Millisecond

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
	statusURL string
	// statusFallback is the fallback status URL when statusURL is given.
	statusFallback string
	resolvers      []string
	allowNets      []string
	ca             string
	echo           string
	captiveURL     string
	connectTo      []string
	proxy          string
	cloudHosts     []string
	skip           []string
	bundle         string

	roomAddr netip.Addr
	subs     []planned
	// collected holds every result in report order, for the verdict and
	// the bundle whatever the output format.
	collected []report.Result
}

// planned is a prepared sub-check and the rank of its layer in the report.
type planned struct {
	rank int
	sub  *cli.Sub
}

// Tool returns the triage command.
func Tool() cli.Tool {
	c := &cmd{port: 9090}
	fs := pflag.NewFlagSet("triage", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&c.room, "room", "", "the room computer or appliance: an address or a hostname (required)")
	fs.Uint16Var(&c.port, "port", 9090, "the room's controller port")
	fs.StringVar(&c.roomPorts, "room-port", "", "more room ports to check, e.g. 8888 (direct share), 2244 (control API)")
	fs.Uint16Var(&c.control, "control-port", 443, "a port probed only as a control: if the room answers there (open or reset) but not on --port, a filter is specific to --port (0 turns it off)")
	cli.AddCommon(fs, &c.common, DefaultTimeout)
	fs.StringVar(&c.statusURL, "status-url", "", "Zoom status page summary URL (default: www.zoomstatus.com's, falling back to status.zoom.us's)")
	fs.StringVar(&c.statusFallback, "status-fallback-url", "", "fallback status URL when --status-url is given (default: none)")
	fs.StringArrayVar(&c.resolvers, "resolver", nil, "resolver to check, ADDR[:PORT] (repeatable; default: the system's)")
	fs.StringArrayVar(&c.allowNets, "allow-net", nil, "network whose private answers are expected, CIDR (repeatable)")
	fs.StringVar(&c.ca, "ca", "", "PEM FILE of the roots the genuine Zoom chain ends in (default: the bundled public roots)")
	fs.StringVar(&c.echo, "echo", "", "http:// URL of a roompath responder, for the transparent-proxy check")
	fs.StringVar(&c.captiveURL, "captive-url", "", "known-answer URL for the captive-portal check ('none' turns it off)")
	fs.StringArrayVar(&c.connectTo, "connect-to", nil, "HOST:PORT:TOHOST:TOPORT for the proxy and TLS checks (repeatable)")
	fs.StringVar(&c.proxy, "proxy", "", "proxy for the cloud checks instead of the configuration ('none': direct only)")
	fs.StringArrayVar(&c.cloudHosts, "cloud-host", nil, "Zoom name to check for DNS, proxy and TLS instead of the embedded profile (repeatable)")
	fs.StringSliceVar(&c.skip, "skip", nil, "checks to leave out: "+strings.Join(skippable, ", "))
	fs.StringVar(&c.bundle, "bundle", "", "also write an evidence pack (tar.gz) for a support case to FILE")
	return cli.Tool{Name: "roompath triage", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

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
	c.roomAddr = spec.First
	if c.port == 0 {
		return cli.Usagef("--port must be 1-65535")
	}
	for _, s := range c.skip {
		if !contains(skippable, s) {
			return cli.Usagef("--skip %q: want some of %s", s, strings.Join(skippable, ", "))
		}
	}
	return c.plan()
}

// plan prepares every sub-check, so a bad pass-through value exits 2 before
// anything is sent.
func (c *cmd) plan() error {
	t := c.common.Timeout.String()
	add := func(rank int, tool cli.Tool, args []string) error {
		s, err := cli.PrepareSub(tool, args)
		if err != nil {
			return err
		}
		c.subs = append(c.subs, planned{rank: rank, sub: s})
		return nil
	}
	ports := fmt.Sprint(c.port)
	if c.roomPorts != "" {
		if _, err := targets.ParsePorts(c.roomPorts); err != nil {
			return cli.Usagef("--room-port: %v", err)
		}
		ports += "," + c.roomPorts
	}
	steps := []func() error{
		func() error {
			return add(2, portcmd.Tool(), []string{"-p", ports, "--timeout", t, "--rate", "0", c.room})
		},
	}
	if c.control != 0 && !strings.Contains(","+ports+",", fmt.Sprintf(",%d,", c.control)) {
		steps = append(steps, func() error {
			return add(3, portcmd.Tool(), []string{"--expect", "answer", "-p", fmt.Sprint(c.control), "--timeout", t, "--rate", "0", c.room})
		})
	}
	if !c.skipped("dns") {
		steps = append(steps, func() error { return add(4, dnscmd.Tool(), c.dnsArgs(t)) })
	}
	if !c.skipped("proxy") || !c.skipped("tls") {
		steps = append(steps, func() error { return add(5, proxycmd.Tool(), c.proxyArgs(t)) })
	}
	steps = append(steps, c.planExtra(add)...)
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (c *cmd) dnsArgs(t string) []string {
	args := []string{"--timeout", t}
	for _, r := range c.resolvers {
		args = append(args, "--resolver", r)
	}
	for _, n := range c.allowNets {
		args = append(args, "--allow-net", n)
	}
	return append(args, c.cloudHosts...)
}

func (c *cmd) proxyArgs(t string) []string {
	// 443 only: the web names of the profile do not serve the media ports,
	// and a "blocked" 8801 there would be a false finding in a verdict.
	args := []string{"--timeout", t, "-p", "443"}
	var checks []string
	for _, ch := range []string{"proxy", "tls", "http", "captive"} {
		// Without a responder the HTTP check would fall back to a weak
		// probe of port 80 on the first Zoom name: left to proxycheck.
		if ch == "http" && c.echo == "" {
			continue
		}
		if (ch == "tls" && !c.skipped("tls")) || (ch != "tls" && !c.skipped("proxy")) {
			checks = append(checks, ch)
		}
	}
	args = append(args, "--checks", strings.Join(checks, ","))
	for flag, v := range map[string]string{"--ca": c.ca, "--echo": c.echo, "--captive-url": c.captiveURL, "--proxy": c.proxy} {
		if v != "" {
			args = append(args, flag, v)
		}
	}
	for _, ct := range c.connectTo {
		args = append(args, "--connect-to", ct)
	}
	return append(args, c.cloudHosts...)
}

func (c *cmd) skipped(name string) bool { return contains(c.skip, name) }

// run starts every sub-check at once and sets the verdict when all ended.
func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	var (
		mu   sync.Mutex
		seqs []int
		wg   sync.WaitGroup
		errs []error
	)
	for _, p := range c.subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			err := p.sub.Run(ctx, env.Stderr, func(r report.Result) {
				mu.Lock()
				defer mu.Unlock()
				n++
				c.collected = append(c.collected, r)
				seqs = append(seqs, p.rank*1_000_000+n)
				env.Writer.Add(seqs[len(seqs)-1], r)
			})
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	sortBySeq(c.collected, seqs)
	env.Writer.SetVerdict(Decide(c.room, c.port, c.collected))
	return c.writeBundle(env)
}

// sortBySeq orders results by their report sequence (decision-path order).
func sortBySeq(rs []report.Result, seqs []int) {
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return seqs[idx[a]] < seqs[idx[b]] })
	sorted := make([]report.Result, len(rs))
	for i, j := range idx {
		sorted[i] = rs[j]
	}
	copy(rs, sorted)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
