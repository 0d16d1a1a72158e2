// Package proxycmd is the proxycheck command (flags, planning, running the
// checks of probe/proxyprobe) and the responder command. cmd/proxycheck,
// `roompath proxy` and `roompath responder` run them.
package proxycmd

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
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
           subjects, system_trusts, vendor), invalid, unreachable
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

	plan  plan
	seams seams
}

// seams are what the end-to-end tests replace; zero means the real thing.
type seams struct {
	// systemRoots stands for the system store in the TLS check; nil means
	// the platform verifier.
	systemRoots *x509.CertPool
	// getenv reads the proxy environment; nil means os.Getenv.
	getenv func(string) string
}

// plan is what prepare built from the flags.
type plan struct {
	targets    []string // host:port for the proxy check
	tlsTargets []string // host:port for the TLS check
	checks     map[string]bool
	dialer     *proxyprobe.Dialer
	roots      *x509.CertPool
	rootsName  string
	echo       *url.URL
	weak       *url.URL
	captive    *url.URL
}

// Tool returns the proxycheck command.
func Tool() cli.Tool { return newTool(seams{}) }

// newTool is Tool with seams, for tests.
func newTool(s seams) cli.Tool {
	c := &cmd{seams: s}
	fs := pflag.NewFlagSet("proxycheck", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	c.flags(fs)
	return cli.Tool{Name: "proxycheck", Flags: fs, Common: &c.common, Prepare: c.prepare, Run: c.run}
}

func (c *cmd) flags(fs *pflag.FlagSet) {
	fs.StringVarP(&c.ports, "port", "p", "443,8801,8802", "ports each HOST is tried on (proxy check)")
	fs.StringVar(&c.tlsPorts, "tls-port", "443", "ports that get the TLS interception check")
	cli.AddCommon(fs, &c.common, proxyprobe.DefaultTimeout)
	fs.StringVar(&c.profile, "profile", "", "endpoint profile FILE replacing the embedded Zoom profile")
	fs.StringVar(&c.proxy, "proxy", "", "use this proxy (URL or host:port) for every target instead of the configuration; 'none' turns all proxy sources off")
	fs.StringVar(&c.pac, "pac", "", "PAC file URL or path to evaluate (skips WPAD)")
	fs.BoolVar(&c.noWPAD, "no-wpad", false, "do not look for a PAC file with WPAD (DNS wpad.<search domain>)")
	fs.StringArrayVar(&c.wpadDomains, "wpad-domain", nil, "search domain for WPAD (repeatable; default: /etc/resolv.conf and the host's domain)")
	fs.StringArrayVar(&c.dnsServers, "dns-server", nil, "DNS server for WPAD as ADDR[:PORT] (repeatable; default: /etc/resolv.conf)")
	fs.StringVar(&c.caFile, "ca", "", "PEM FILE of the roots the genuine service chains to (default: the bundled public roots)")
	fs.StringVar(&c.echo, "echo", "", "http:// URL of a roompath responder for the transparent-proxy check")
	fs.StringVar(&c.weakURL, "weak-url", "", "http:// URL for the fallback HTTP check without --echo (default http://FIRST-HOST/; 'none' turns it off)")
	fs.StringVar(&c.captiveURL, "captive-url", proxyprobe.DefaultCaptiveURL, "known-answer URL (204, empty body) for the captive-portal check; 'none' turns it off")
	fs.StringArrayVar(&c.connectTo, "connect-to", nil, "HOST:PORT:TOHOST:TOPORT: connect there instead, keeping SNI, Host and CONNECT names (repeatable; empty parts match any)")
	fs.StringVar(&c.checks, "checks", strings.Join(allChecks, ","), "checks to run: "+strings.Join(allChecks, ", "))
	fs.IntVar(&c.concurrency, "concurrency", 16, "checks running at once")
}

func (c *cmd) prepare(args []string) error {
	p := plan{checks: map[string]bool{}, dialer: &proxyprobe.Dialer{}}
	steps := []func(*plan, []string) error{c.prepareChecks, c.prepareTargets, c.prepareConnectTo, c.prepareRoots, c.prepareURLs, c.prepareMisc}
	for _, step := range steps {
		if err := step(&p, args); err != nil {
			return err
		}
	}
	c.plan = p
	return nil
}

func (c *cmd) prepareChecks(p *plan, _ []string) error {
	for _, name := range strings.Split(c.checks, ",") {
		name = strings.TrimSpace(name)
		if !contains(allChecks, name) {
			return cli.Usagef("--checks: unknown check %q (want %s)", name, strings.Join(allChecks, ", "))
		}
		p.checks[name] = true
	}
	return nil
}

func (c *cmd) prepareTargets(p *plan, args []string) error {
	ports, err := parsePorts("--port", c.ports)
	if err != nil {
		return err
	}
	tlsPorts, err := parsePorts("--tls-port", c.tlsPorts)
	if err != nil {
		return err
	}
	hosts, err := c.hosts(args)
	if err != nil {
		return err
	}
	for _, h := range hosts {
		hp := ports
		if host, port, err := net.SplitHostPort(h); err == nil {
			if _, err := parsePorts("HOST:PORT", port); err != nil {
				return err
			}
			h, hp = host, []string{port}
		}
		for _, port := range hp {
			t := net.JoinHostPort(h, port)
			p.targets = appendOnce(p.targets, t)
			if contains(tlsPorts, port) {
				p.tlsTargets = appendOnce(p.tlsTargets, t)
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

func (c *cmd) prepareConnectTo(p *plan, _ []string) error {
	for _, s := range c.connectTo {
		r, err := proxyprobe.ParseConnectTo(s)
		if err != nil {
			return cli.Usagef("--connect-to: %v", err)
		}
		p.dialer.Rules = append(p.dialer.Rules, r)
	}
	return nil
}

func (c *cmd) prepareRoots(p *plan, _ []string) error {
	if c.caFile == "" {
		return nil
	}
	b, err := os.ReadFile(c.caFile)
	if err != nil {
		return cli.Usagef("--ca: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return cli.Usagef("--ca: %s holds no PEM certificate", c.caFile)
	}
	p.roots, p.rootsName = pool, c.caFile
	return nil
}

func (c *cmd) prepareURLs(p *plan, _ []string) error {
	var err error
	if c.echo != "" {
		if p.echo, err = httpURL("--echo", c.echo); err != nil {
			return err
		}
	}
	if c.weakURL != "none" && c.echo == "" && p.checks["http"] {
		raw := c.weakURL
		if raw == "" && len(p.targets) > 0 {
			host, _, _ := net.SplitHostPort(p.targets[0])
			raw = "http://" + host + "/"
		}
		if p.weak, err = httpURL("--weak-url", raw); err != nil {
			return err
		}
	}
	if c.captiveURL != "none" {
		if p.captive, err = httpURL("--captive-url", c.captiveURL); err != nil {
			return err
		}
	}
	return nil
}

func (c *cmd) prepareMisc(p *plan, _ []string) error {
	if c.concurrency < 1 || c.concurrency > 1024 {
		return cli.Usagef("--concurrency must be 1-1024, got %d", c.concurrency)
	}
	if c.proxy != "" && c.proxy != "none" {
		if _, err := proxyprobe.ParseProxyURL(c.proxy); err != nil {
			return cli.Usagef("--proxy: %v", err)
		}
	}
	for _, s := range c.dnsServers {
		if _, err := dnsServer(s); err != nil {
			return err
		}
	}
	return nil
}

// httpURL accepts only http:// URLs with a host and a valid port.
func httpURL(flag, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, cli.Usagef("%s: %q is not an http:// URL", flag, raw)
	}
	if port := u.Port(); port != "" {
		if _, err := parsePorts(flag, port); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func dnsServer(s string) (string, error) {
	if _, _, err := net.SplitHostPort(s); err == nil {
		return s, nil
	}
	if net.ParseIP(strings.Trim(s, "[]")) == nil {
		return "", cli.Usagef("--dns-server: %q is not an address", s)
	}
	return net.JoinHostPort(strings.Trim(s, "[]"), "53"), nil
}

func parsePorts(flag, s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 65535 {
			return nil, cli.Usagef("%s: %q is not a port (1-65535)", flag, strings.TrimSpace(f))
		}
		out = appendOnce(out, strconv.Itoa(n))
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func appendOnce(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}
