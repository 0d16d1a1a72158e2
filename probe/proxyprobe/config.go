package proxyprobe

import (
	"context"
	"net"
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// Configuration sources, in the order they win.
const (
	SourceFlag = "flag" // --proxy
	SourceEnv  = "env"  // HTTP_PROXY, HTTPS_PROXY, NO_PROXY
	SourcePAC  = "pac"  // a PAC file (--pac or WPAD)
	SourceNone = "none" // nothing configured: direct
)

// Settings are the proxy settings of this host as the checks use them:
// what Discover found (--proxy, the environment, a PAC file). A nil or zero
// Settings means no proxy.
type Settings struct {
	// Fixed, when non-empty, is used for every URL (--proxy).
	Fixed []Hop
	// Env is the environment's configuration; nil means none.
	Env *httpproxy.Config
	// PAC is a compiled PAC file; nil means none.
	PAC *PAC
	// PACURL is where PAC came from; empty when PAC is nil.
	PACURL string
}

// Decision is the proxy configuration's answer for one URL.
type Decision struct {
	// Source is one of the Source* constants.
	Source string `json:"source"`
	// URL is the URL the configuration was asked about.
	URL string `json:"url"`
	// PACAnswer is the raw answer of FindProxyForURL (source "pac").
	PACAnswer *string `json:"pac_answer,omitempty"`
	// Hops are the ways to try, in order; a lone direct hop means no proxy.
	Hops []Hop `json:"-"`
	// Proxies are the hops written as PAC entries, for the report.
	Proxies []string `json:"proxies"`
}

// Decide asks the configuration how to reach rawURL. A PAC evaluation
// error is returned with a direct decision, so callers can report it and
// carry on.
func (c *Settings) Decide(ctx context.Context, rawURL string) (Decision, error) {
	d := Decision{Source: SourceNone, URL: rawURL, Hops: []Hop{{Kind: HopDirect}}}
	var err error
	switch {
	case c == nil:
	case len(c.Fixed) > 0:
		d.Source, d.Hops = SourceFlag, c.Fixed
	case c.envHop(rawURL) != nil:
		d.Source, d.Hops = SourceEnv, []Hop{*c.envHop(rawURL)}
	case c.PAC != nil:
		var answer string
		var hops []Hop
		answer, hops, err = c.PAC.Hops(ctx, rawURL)
		d.Source, d.PACAnswer = SourcePAC, &answer
		if err == nil {
			d.Hops = hops
		}
	}
	for _, h := range d.Hops {
		d.Proxies = append(d.Proxies, h.String())
	}
	return d, err
}

// envHop is the environment's proxy for rawURL, nil when there is none or
// the setting is unusable.
func (c *Settings) envHop(rawURL string) *Hop {
	if c.Env == nil {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	pu, err := c.Env.ProxyFunc()(u)
	if err != nil || pu == nil {
		return nil
	}
	h, err := HopFromURL(pu)
	if err != nil {
		return nil
	}
	return &h
}

// HasProxy reports whether any proxy source is configured.
func (c *Settings) HasProxy() bool {
	return c != nil && (len(c.Fixed) > 0 || c.PAC != nil || (c.Env != nil && (c.Env.HTTPProxy != "" || c.Env.HTTPSProxy != "")))
}

// TargetURL is the URL a client would use for host:port: https://host/ on
// 443, https://host:port/ otherwise. PAC files and NO_PROXY are asked
// about it.
func TargetURL(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return "https://" + hostport + "/"
	}
	if port == "443" {
		return "https://" + hostOnly(host) + "/"
	}
	return "https://" + net.JoinHostPort(host, port) + "/"
}

func hostOnly(h string) string {
	if ip := net.ParseIP(h); ip != nil && ip.To4() == nil {
		return "[" + h + "]"
	}
	return h
}
