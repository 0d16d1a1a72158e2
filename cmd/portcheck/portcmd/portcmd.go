// Package portcmd is the portcheck command: flags, target planning, the
// sweep, and results. cmd/portcheck and `roompath port` both run it.
package portcmd

import (
	"context"
	"fmt"
	"iter"
	"math/big"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// Limits on a sweep's size.
const (
	DefaultMaxTargets = 65536   // a /16 on one port
	HardMaxTargets    = 1 << 24 // refused even with --force
	// fdReserve is kept free for stdout, DNS and the runtime.
	fdReserve = 64
	// sweepMemoryLimit is the Go runtime's soft memory limit for a sweep
	// larger than report.SpillAfter (GOMEMLIMIT overrides it): the GC
	// then works harder before the heap and the parked probes' stacks
	// pass it, and a campus sweep's peak RSS stays flat below 64 MB.
	sweepMemoryLimit = 52 << 20
)

const usage = `portcheck: exact TCP reachability of a room (default port 9090) or a sweep.

Usage: portcheck [flags] TARGET...

TARGET is an IPv4 or IPv6 address, a hostname (every address it resolves to
is probed), host:port, [v6]:port, a CIDR (10.10.5.0/24) or a range
(10.10.5.10-40, 10.10.5.250-10.10.6.5).

Each target gets one result: open (syn_ack), closed (conn_refused),
filtered (no_response: silently dropped; admin_prohibited or port_unreach:
rejected by a firewall, reported_by names it), unreachable (host_unreach,
net_unreach: from a router, or this host's own ARP failure), no_route (the
local table has no usable route) or local_denied (a local firewall). A
handshake completed by a device in front of the room (a SYN proxy, TCP
intercept) is closed or filtered with reason handshake_by_middlebox, never
open: what follows the handshake shows whether the room answered.

Examples:
  portcheck 10.10.5.23                      # the room's controller port
  portcheck -p 9090,8888,2244 room-101.corp.example
  portcheck -o ndjson --rate 200 10.10.0.0/22
  portcheck --expect blocked 10.20.0.0/24   # guest Wi-Fi must not reach rooms
  portcheck --only open 10.10.0.0/16        # list the rooms that answer

%s

Exit codes: 0 all as expected, 1 a check failed, 2 bad input, 3 could not
run, 130 interrupted (the partial report is still written).

Flags:
`

// boundsHelp is the --help line on the bounds checkFlags enforces.
func boundsHelp() string {
	return fmt.Sprintf("Bounds: --timeout %s-%s (per attempt), --attempts 1-%d, --rate %g-%g\nper second or 0 (no cap), --concurrency 1-%d, --max-targets 1-%d.",
		shortDur(cli.MinTimeout), shortDur(cli.MaxTimeout), probe.MaxTCPAttempts, probe.MinRate, float64(probe.MaxRate), probe.MaxConcurrency, HardMaxTargets)
}

// shortDur writes a duration as a user types it: 10m, not 10m0s.
func shortDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	return s
}

type cmd struct {
	common      cli.Common
	ports       string
	attempts    int
	rate        float64
	concurrency int
	maxTargets  int64
	force       bool
	file        string
	expect      string
	only        string

	keep func(*report.Result) bool
	plan targets.Plan
	// resolve looks up hostname targets; a seam for tests.
	resolve targets.Resolver
}

// Tool returns the portcheck command.
func Tool() cli.Tool { return newTool(resolve) }

func newTool(resolve targets.Resolver) cli.Tool {
	c := &cmd{resolve: resolve}
	fs := pflag.NewFlagSet("portcheck", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintf(fs.Output(), usage, boundsHelp()); fs.PrintDefaults() }
	fs.StringVarP(&c.ports, "port", "p", "9090", "ports to probe on targets that name none: 9090 or 443,8801-8802")
	cli.AddCommon(fs, &c.common, probe.DefaultTCPTimeout)
	fs.IntVar(&c.attempts, "attempts", 1, fmt.Sprintf("connection attempts per target, 1-%d", probe.MaxTCPAttempts))
	fs.Float64Var(&c.rate, "rate", probe.DefaultRate, fmt.Sprintf("new connections per second, %g-%g; 0 = no cap", probe.MinRate, float64(probe.MaxRate)))
	fs.IntVar(&c.concurrency, "concurrency", probe.DefaultConcurrency, fmt.Sprintf("probes awaiting an answer at once, 1-%d", probe.MaxConcurrency))
	fs.Int64Var(&c.maxTargets, "max-targets", DefaultMaxTargets, fmt.Sprintf("refuse sweeps of more probes (addresses x ports) unless --force; 1-%d", HardMaxTargets))
	fs.BoolVar(&c.force, "force", false, fmt.Sprintf("allow sweeps above --max-targets (never above %d)", HardMaxTargets))
	fs.StringVar(&c.file, "targets-file", "", fmt.Sprintf("read more targets from FILE ('-' for stdin), one or more per line, # comments; at most %d", targets.MaxListed))
	fs.StringVar(&c.only, "only", "", "write only results with these observed states or statuses, comma-separated: "+strings.Join(onlyValues(), ", ")+" (the summary and exit code still count every result)")
	fs.StringVar(&c.expect, "expect", probe.ExpectOpen, "open; blocked for must-not-reach checks (anything but open passes); answer for a control (open or closed passes)")
	return cli.Tool{Name: "portcheck", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) prepare(args []string) error {
	ports, err := targets.ParsePorts(c.ports)
	if err != nil {
		return cli.Usagef("--port: %v", err)
	}
	if err := c.checkFlags(); err != nil {
		return err
	}
	if c.keep, err = parseOnly(c.only); err != nil {
		return err
	}
	specs, err := c.readSpecs(args)
	if err != nil {
		return err
	}
	c.plan = targets.Plan{Specs: specs, Ports: ports}
	return c.checkSize()
}

// checkFlags refuses a flag outside its documented bounds (--timeout is
// bounded by cli.Execute for every tool).
func (c *cmd) checkFlags() error {
	switch {
	case c.attempts < 1 || c.attempts > probe.MaxTCPAttempts:
		return cli.Usagef("--attempts must be 1-%d, got %d", probe.MaxTCPAttempts, c.attempts)
	case c.concurrency < 1 || c.concurrency > probe.MaxConcurrency:
		return cli.Usagef("--concurrency must be 1-%d, got %d", probe.MaxConcurrency, c.concurrency)
	case c.maxTargets < 1 || c.maxTargets > HardMaxTargets:
		return cli.Usagef("--max-targets must be 1-%d, got %d", HardMaxTargets, c.maxTargets)
	case c.expect != probe.ExpectOpen && c.expect != probe.ExpectBlocked && c.expect != probe.ExpectAnswer:
		return cli.Usagef("--expect must be open, blocked or answer, got %q", c.expect)
	}
	if c.rate == 0 {
		return nil // no cap
	}
	if err := cli.CheckFloat("rate", c.rate, probe.MinRate, probe.MaxRate); err != nil {
		return cli.Usagef("%v (0 means no cap)", err)
	}
	return nil
}

func (c *cmd) readSpecs(args []string) ([]targets.Spec, error) {
	var specs []targets.Spec
	for _, a := range args {
		s, err := targets.Parse(a)
		if err != nil {
			return nil, cli.Usagef("%v", err)
		}
		specs = append(specs, s)
	}
	if c.file != "" {
		more, err := c.readFile()
		if err != nil {
			return nil, err
		}
		specs = append(specs, more...)
	}
	if len(specs) == 0 {
		return nil, cli.Usagef("no targets (give TARGET arguments or --targets-file; see --help)")
	}
	return specs, nil
}

func (c *cmd) readFile() ([]targets.Spec, error) {
	f := os.Stdin
	if c.file != "-" {
		var err error
		if f, err = os.Open(c.file); err != nil {
			return nil, cli.Usagef("--targets-file: %v", err)
		}
		defer f.Close()
	}
	specs, err := targets.ReadList(f)
	if err != nil {
		return nil, cli.Usagef("--targets-file %s: %v", c.file, err)
	}
	return specs, nil
}

func (c *cmd) checkSize() error {
	n := c.plan.Size()
	switch {
	case n.Cmp(big.NewInt(HardMaxTargets)) > 0:
		return cli.Usagef("refusing to probe %s targets (addresses x ports): the limit is %d even with --force", n, HardMaxTargets)
	case n.Cmp(big.NewInt(c.maxTargets)) > 0 && !c.force:
		return cli.Usagef("refusing to probe %s targets (addresses x ports), more than --max-targets %d; narrow the sweep or add --force", n, c.maxTargets)
	}
	return nil
}

func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	p, err := probe.NewTCP(probe.TCPConfig{Timeout: c.common.Timeout, Attempts: c.attempts, Expect: c.expect})
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" && c.plan.Size().Cmp(big.NewInt(report.SpillAfter)) > 0 {
		debug.SetMemoryLimit(sweepMemoryLimit)
	}
	maxOpen := probe.DefaultMaxOpen
	if lim := cli.RaiseOpenFiles(); lim > 0 {
		maxOpen = min(maxOpen, max(lim-fdReserve, 1))
	}
	if c.keep != nil {
		env.Writer.SetFilter(c.keep)
	}
	sw := probe.NewSweep(p, probe.SweepConfig{Concurrency: c.concurrency, Rate: c.rate, MaxOpen: maxOpen})
	prog := cli.NewProgress(env.Stderr, env.StderrTTY, c.plan.Size().Int64())
	defer prog.Stop()
	emit := func(seq int, r report.Result) {
		prog.Add(string(r.Observed))
		env.Writer.Add(seq, r)
	}
	sw.Run(ctx, c.targets(ctx, emit), emit)
	return nil
}

// targets yields the probe targets in plan order; a hostname that does not
// resolve becomes a result at once.
func (c *cmd) targets(ctx context.Context, emit func(int, report.Result)) iter.Seq2[int, probe.TCPTarget] {
	return func(yield func(int, probe.TCPTarget) bool) {
		seq := 0
		for it := range c.plan.All(ctx, c.resolve) {
			seq++
			if it.Err != nil {
				emit(seq, unresolved(it.Name, it.Port, it.Err, c.expect))
				continue
			}
			if !yield(seq, probe.TCPTarget{Addr: it.Addr, Port: it.Port, Name: it.Name, Via: it.Via}) {
				return
			}
		}
	}
}

// resolve looks a hostname target up (probe.Resolve) for the plan.
func resolve(ctx context.Context, host string) (targets.Resolved, error) {
	res, err := probe.Resolve(ctx, host)
	return targets.Resolved{Addrs: res.Addrs, Via: res.Via}, err
}

// unresolved is the result for a hostname target with no address: a
// failure of the resolve step (a pass for a must-not-reach check).
func unresolved(name string, port uint16, err error, expect string) report.Result {
	return probe.Unresolved(vocab.CheckTCP, name, port, err, expect, "")
}
