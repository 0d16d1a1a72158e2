// Package proxycmd is the proxycheck command: its flags, each bad value a
// one-line usage error, and the proxyprobe.SuiteConfig they make; the
// proxyprobe.Suite plans and runs the checks. cmd/proxycheck and
// `roompath proxy` run it.
package proxycmd

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/endpoints"
	"github.com/roompath/roompath/probe/proxyprobe"
)

const usage = `proxycheck: explicit, transparent and TLS-intercepting proxies and captive
portals between here and the Zoom cloud, found and named.

Usage: proxycheck [flags] [HOST[:PORT]...]

HOST defaults to the HTTPS names of the embedded Zoom endpoint profile
(--profile replaces it). Each HOST is tried on every --port (a HOST:PORT
only on its port). Checks and their observed states:
  proxy    per host:port: direct, via_proxy, proxy_denied (detail.status),
           proxy_auth_required (detail.auth_schemes), blocked; plus one
           proxy/config result: none, explicit, pac, pac_error
  tls      per host on --tls-port: genuine, intercepted (detail.issuer,
           subjects, system_trusts, vendor), invalid (a certificate
           problem only), blocked (reason mtu_black_hole, sni_filtered,
           reset or timeout; detail.mtu_probe and detail.control are the
           control handshakes that prove it), unreachable
  http     against --echo (a roompath responder): clean or modified
           (added_headers, removed_headers, changed_headers,
           request_line_changed); without --echo a weaker check of port 80
  captive  --captive-url: none, or portal (a redirect, a login page)

Examples:
  proxycheck                                   # the Zoom cloud, all checks
  proxycheck --echo http://203.0.113.10:8080/  # with a responder in the DMZ
  proxycheck -o json --ca corp-roots.pem zoom.us
  proxycheck --connect-to zoom.us:443:127.0.0.1:8443 --ca lab-root.pem zoom.us

Exit codes: 0 nothing interferes, 1 something does (a hint per finding),
2 bad input, 3 could not run, 130 interrupted (partial report written).

Flags:
`

// Checks that --checks can name.
var allChecks = []string{"proxy", "tls", "http", "captive"}

type cmd struct {
	common      cli.Common
	ports       string
	tlsPorts    string
	profile     string
	proxy       string
	pac         string
	noWPAD      bool
	wpadDomains []string
	dnsServers  []string
	caFile      string
	echo        string
	weakURL     string
	captiveURL  string
	connectTo   []string
	checks      string
	concurrency int

	cfg   proxyprobe.SuiteConfig // what prepare built from the flags
	suite *proxyprobe.Suite
}

// Tool returns the proxycheck command.
func Tool() cli.Tool {
	_, t := newCmd()
	return t
}

// newCmd is Tool with the command behind it, for tests.
func newCmd() (*cmd, cli.Tool) {
	c := &cmd{}
	fs := pflag.NewFlagSet("proxycheck", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	c.flags(fs)
	return c, cli.Tool{Name: "proxycheck", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) flags(fs *pflag.FlagSet) {
	fs.StringVarP(&c.ports, "port", "p", "443,8801,8802", "ports each HOST is tried on (proxy check)")
	fs.StringVar(&c.tlsPorts, "tls-port", "443", "ports that get the TLS interception check")
	cli.AddCommon(fs, &c.common, proxyprobe.DefaultTimeout)
	fs.StringVar(&c.profile, "profile", "", "endpoint profile FILE replacing the embedded Zoom profile")
	fs.StringVar(&c.proxy, "proxy", "", "use this proxy (URL or host:port) for every target instead of the configuration; 'none' turns all proxy sources off")
	fs.StringVar(&c.pac, "pac", "", "PAC file to evaluate, an http(s):// URL or a file of at most 1 MiB (skips WPAD); it runs within the run's deadline and 3s of script time, 64 MiB of heap")
	fs.BoolVar(&c.noWPAD, "no-wpad", false, "do not look for a PAC file with WPAD (DNS wpad.<search domain>)")
	fs.StringArrayVar(&c.wpadDomains, "wpad-domain", nil, "search domain for WPAD, a DNS name (repeatable; default: /etc/resolv.conf and the host's domain)")
	fs.StringArrayVar(&c.dnsServers, "dns-server", nil, "DNS server for WPAD as ADDR[:PORT], an address (repeatable; default: /etc/resolv.conf)")
	fs.StringVar(&c.caFile, "ca", "", "PEM FILE of the roots the genuine service chains to (default: the bundled public roots)")
	fs.StringVar(&c.echo, "echo", "", "http:// URL of a roompath responder for the transparent-proxy check")
	fs.StringVar(&c.weakURL, "weak-url", "", "http:// URL for the fallback HTTP check without --echo (default http://FIRST-HOST/; 'none' turns it off)")
	fs.StringVar(&c.captiveURL, "captive-url", proxyprobe.DefaultCaptiveURL, "known-answer URL (204, empty body) for the captive-portal check; 'none' turns it off")
	fs.StringArrayVar(&c.connectTo, "connect-to", nil, "HOST:PORT:TOHOST:TOPORT: connect there instead, keeping SNI, Host and CONNECT names (repeatable; empty parts match any)")
	fs.StringVar(&c.checks, "checks", strings.Join(allChecks, ","), "checks to run: "+strings.Join(allChecks, ", "))
	fs.IntVar(&c.concurrency, "concurrency", 16, "checks running at once (1-1024)")
}

// prepare checks the flags, each bad value a one-line usage error, and
// plans the suite.
func (c *cmd) prepare(args []string) error {
	cfg := proxyprobe.SuiteConfig{Timeout: c.common.Timeout}
	steps := []func(*proxyprobe.SuiteConfig, []string) error{c.prepareChecks, c.prepareTargets, c.prepareConnectTo, c.prepareRoots, c.prepareURLs, c.prepareMisc}
	for _, step := range steps {
		if err := step(&cfg, args); err != nil {
			return err
		}
	}
	s, err := proxyprobe.NewSuite(cfg)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	c.cfg, c.suite = cfg, s
	return nil
}

func (c *cmd) prepareChecks(cfg *proxyprobe.SuiteConfig, _ []string) error {
	for _, name := range strings.Split(c.checks, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(allChecks, name) {
			return cli.Usagef("--checks: unknown check %q (want %s)", name, strings.Join(allChecks, ", "))
		}
		switch name {
		case "proxy":
			cfg.RunProxy = true
		case "tls":
			cfg.RunTLS = true
		case "http":
			cfg.RunHTTP = true
		case "captive":
			cfg.RunCaptive = true
		}
	}
	return nil
}

func (c *cmd) prepareTargets(cfg *proxyprobe.SuiteConfig, args []string) error {
	var err error
	if cfg.Ports, err = parsePorts("--port", c.ports); err != nil {
		return err
	}
	if cfg.TLSPorts, err = parsePorts("--tls-port", c.tlsPorts); err != nil {
		return err
	}
	if cfg.Hosts, err = c.hosts(args); err != nil {
		return err
	}
	for _, h := range cfg.Hosts {
		if _, port, err := net.SplitHostPort(h); err == nil {
			if _, err := parsePorts("HOST:PORT", port); err != nil {
				return err
			}
		}
	}
	return nil
}

// hosts are the arguments, or the profile's HTTPS names.
func (c *cmd) hosts(args []string) ([]string, error) {
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, "/ @") {
			return nil, cli.Usagef("%q is not a HOST or HOST:PORT", a)
		}
	}
	if len(args) > 0 {
		return args, nil
	}
	prof := endpoints.Default()
	if c.profile != "" {
		var err error
		if prof, err = endpoints.Load(c.profile); err != nil {
			return nil, cli.Usagef("--profile: %v", err)
		}
	}
	names := prof.HTTPSNames()
	if len(names) == 0 {
		return nil, cli.Usagef("--profile: no HTTPS endpoints")
	}
	return names, nil
}

func (c *cmd) prepareConnectTo(cfg *proxyprobe.SuiteConfig, _ []string) error {
	for _, s := range c.connectTo {
		r, err := proxyprobe.ParseConnectTo(s)
		if err != nil {
			return cli.Usagef("--connect-to: %v", err)
		}
		cfg.ConnectTo = append(cfg.ConnectTo, r)
	}
	return nil
}

func (c *cmd) prepareRoots(cfg *proxyprobe.SuiteConfig, _ []string) error {
	if c.caFile == "" {
		return nil
	}
	pool, err := proxyprobe.LoadRoots(c.caFile)
	if err != nil {
		return cli.Usagef("--ca: %v", err)
	}
	cfg.Roots, cfg.RootsName = pool, c.caFile
	return nil
}

func (c *cmd) prepareURLs(cfg *proxyprobe.SuiteConfig, _ []string) error {
	var err error
	if c.echo != "" {
		if cfg.Echo, err = httpURL("--echo", c.echo); err != nil {
			return err
		}
	}
	if c.weakURL != "none" && c.echo == "" && cfg.RunHTTP {
		raw := c.weakURL
		if raw == "" {
			raw = "http://" + hostOf(cfg.Hosts[0]) + "/"
		}
		if cfg.Weak, err = httpURL("--weak-url", raw); err != nil {
			return err
		}
	}
	if c.captiveURL == "none" {
		cfg.RunCaptive = false
	} else if cfg.Captive, err = httpURL("--captive-url", c.captiveURL); err != nil {
		return err
	}
	return nil
}

func (c *cmd) prepareMisc(cfg *proxyprobe.SuiteConfig, _ []string) error {
	if c.concurrency < 1 || c.concurrency > 1024 {
		return cli.Usagef("--concurrency must be 1-1024, got %d", c.concurrency)
	}
	if c.proxy != "" && c.proxy != "none" {
		if _, err := proxyprobe.ParseProxyURL(c.proxy); err != nil {
			return cli.Usagef("--proxy: %v", err)
		}
	}
	if c.pac != "" {
		if err := proxyprobe.CheckPACSource(c.pac); err != nil {
			return cli.Usagef("--pac %v", err)
		}
	}
	for _, d := range c.wpadDomains {
		if err := proxyprobe.CheckDomain(d); err != nil {
			return cli.Usagef("--wpad-domain: %v", err)
		}
	}
	var servers []string
	for _, s := range c.dnsServers {
		a, err := dnsServer(s)
		if err != nil {
			return err
		}
		servers = append(servers, a)
	}
	cfg.Concurrency = c.concurrency
	cfg.Discovery = proxyprobe.DiscoveryConfig{
		Proxy: c.proxy, PAC: c.pac, NoWPAD: c.noWPAD,
		WPAD: proxyprobe.WPAD{Domains: c.wpadDomains, Servers: servers},
	}
	return nil
}

// hostOf is the host of a HOST or HOST:PORT.
func hostOf(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// httpURL accepts only http:// URLs with a host and a valid port.
func httpURL(flag, raw string) (*url.URL, error) {
	u, err := proxyprobe.ParseHTTPURL(raw)
	if err != nil {
		return nil, cli.Usagef("%s: %v", flag, err)
	}
	return u, nil
}

// dnsServer accepts ADDR or ADDR:PORT (IPv6 in brackets with a port): an
// address, never a name, which would need a resolver to find the resolver.
func dnsServer(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "53"
	}
	if net.ParseIP(host) == nil {
		return "", cli.Usagef("--dns-server: %q is not an address", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", cli.Usagef("--dns-server: %q: port %q is not 1-65535", s, port)
	}
	return net.JoinHostPort(host, port), nil
}

// parsePorts parses a comma-separated port list, without repeats.
func parsePorts(flag, s string) ([]uint16, error) {
	var out []uint16
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 65535 {
			return nil, cli.Usagef("%s: %q is not a port (1-65535)", flag, strings.TrimSpace(f))
		}
		if !slices.Contains(out, uint16(n)) {
			out = append(out, uint16(n))
		}
	}
	return out, nil
}
