// Package dnscmd is the dnscheck command: its flags, their checks, and the
// run that feeds the report. cmd/dnscheck is a thin main around Tool; the
// umbrella (roompath dns, roompath triage) reuses Tool; a library caller (package triage) builds the
// probe from dnsprobe.Options, which these flags fill.
package dnscmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/dnsprobe"
	"github.com/roompath/roompath/probe/endpoints"
)

// Name is the tool's name in reports and messages.
const Name = "dnscheck"

// Options are dnscheck's flags, parsed: the common ones and the DNS
// check's, bound to a dnsprobe.Options that prepare completes (names from
// the arguments, what was set, the zeros the command line gives another
// meaning).
type Options struct {
	// Common are the flags every tool has (--output, --timeout).
	Common cli.Common
	// DNS are the DNS check's flags.
	DNS dnsprobe.Options
}

// command holds one invocation's state between Prepare and Run.
type command struct {
	opt Options
	fs  *pflag.FlagSet
	// resolvConf is the system configuration file read when no --resolver
	// is given; empty means the platform's (tests point it at a file).
	resolvConf string
	probe      *dnsprobe.DNS
	notes      []string
}

// Tool returns the dnscheck tool for cli.Main or an umbrella command.
func Tool() cli.Tool { return newTool("") }

func newTool(resolvConf string) cli.Tool {
	c := &command{resolvConf: resolvConf}
	c.fs = Flags(&c.opt)
	c.fs.Usage = func() { usage(c.fs.Output(), c.fs) }
	return cli.Tool{Name: Name, Flags: c.fs, Common: &c.opt.Common, Prepare: c.prepare, Run: c.run}
}

// Flags registers dnscheck's flags (the common ones included) on a new
// flag set bound to o.
func Flags(o *Options) *pflag.FlagSet {
	fs := pflag.NewFlagSet(Name, pflag.ContinueOnError)
	cli.AddCommon(fs, &o.Common, dnsprobe.DefaultTimeout)
	d := &o.DNS
	fs.StringArrayVar(&d.Resolvers, "resolver", nil, "resolver to ask, `ADDR[:PORT]` (repeatable); default: the system's (resolv.conf nameservers, with its search, ndots, timeout and attempts options)")
	fs.StringArrayVar(&d.References, "reference", nil, "reference resolver, `ADDR[:PORT]` (repeatable): asked too, and a resolver's addresses with none in common with the references' are a mismatch")
	fs.StringSliceVar(&d.Types, "type", []string{"A", "AAAA"}, "query `TYPE`s, comma-separated or repeated (A, AAAA, CNAME, TXT, HTTPS…)")
	fs.IntVar(&d.Attempts, "attempts", dnsprobe.DefaultAttempts, fmt.Sprintf("tries per query while they time out (UDP; TCP with --tcp), `N`, 1-%d (resolv.conf's attempts option when set and this flag is not)", dnsprobe.MaxAttempts))
	fs.BoolVar(&d.TCP, "tcp", false, "send every query over TCP instead of UDP")
	fs.BoolVar(&d.DNSSEC, "dnssec", false, "set the DO and AD bits and report the AD bit of each reply")
	fs.IntVar(&d.EDNSSize, "edns-size", dnsprobe.DefaultEDNSSize, "EDNS UDP payload size to advertise, in `BYTES`, 512-65535; 0 sends no EDNS")
	fs.StringArrayVar(&d.AllowNets, "allow-net", nil, "network whose private addresses are expected answers, `CIDR` (repeatable; on-premises connectors, split-horizon views)")
	fs.StringVar(&d.Profile, "profile", "", "endpoint profile `FILE` (YAML) whose names are resolved when no NAME is given; default: the embedded Zoom profile")
	fs.StringVar(&d.NXZone, "nx-zone", dnsprobe.DefaultNXZone, "`ZONE` under which a random name is asked to detect NXDOMAIN rewriting; empty turns the check off")
	fs.StringVar(&d.Whoami, "whoami", dnsprobe.DefaultWhoami, "`NAME` whose answer is the address that really asks the authoritative servers for each resolver; empty turns the check off")
	fs.StringVar(&d.WhoamiType, "whoami-type", "A", "query `TYPE` of --whoami: A, AAAA or TXT (the types whose answer names an address)")
	fs.BoolVar(&d.NoSearch, "no-search", false, "ask names as given, without the system's search list")
	fs.IntVar(&d.Parallel, "parallel", dnsprobe.DefaultParallel, fmt.Sprintf("most queries in flight at once, `N`, 1-%d", dnsprobe.MaxParallel))
	return fs
}

func usage(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `Usage: %s [flags] [NAME...]

Resolves each NAME (default: the Zoom endpoints below) for each --type
through each resolver at once, and names what is wrong: NXDOMAIN, empty
answers, SERVFAIL, REFUSED, timeouts, sinkholed or private answers (bogon),
answers equal to what names that do not exist get (hijacked: captive-portal
DNS, walled gardens),
answers with nothing in common with the --reference resolvers (mismatch),
replies with a wrong query id or from an unexpected address, NXDOMAIN
rewriting, and which address really resolves (whoami).

Bounds: --timeout %s to %s per attempt, --attempts 1-%d, --edns-size
512-65535 (or 0), --parallel 1-%d, and at most %d lookups (names x types
x resolvers) in one run.

Flags:
%s
Default names, from the embedded profile probe/endpoints/zoom.yaml (Zoom
KB0065712 "Firewall Configuration for Zoom Rooms", KB0060548, Zoom's status
page); edit a copy and pass it with --profile FILE:
  %s

Exit codes: 0 nothing failed, 1 a check failed, 2 bad flag or input,
3 a check could not be run, 130 interrupted.
`, Name, cli.MinTimeout, cli.MaxTimeout, dnsprobe.MaxAttempts, dnsprobe.MaxParallel, dnsprobe.MaxLookups,
		fs.FlagUsages(), strings.Join(endpoints.Default().Names(), ", "))
}
