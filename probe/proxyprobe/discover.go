package proxyprobe

import (
	"context"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// DiscoveryConfig configures how the proxy settings are found.
type DiscoveryConfig struct {
	// Proxy, when non-empty, is used for every target (a URL or host:port;
	// "none" turns every proxy source off, including the environment).
	Proxy string
	// PAC is a PAC file's URL or path; empty means WPAD when WPAD is on.
	PAC string
	// WPAD configures WPAD discovery through DNS, used when PAC is empty.
	WPAD WPAD
	// NoWPAD turns WPAD discovery off.
	NoWPAD bool
	// Dialer applies connect-to rules to PAC downloads; nil dials directly.
	Dialer *Dialer
	// PACOptions configure the PAC helpers (the resolver of dnsResolve,
	// the address of myIpAddress); the zero value uses this host's.
	PACOptions PACOptions
	// ProbeURL is the URL a loaded PAC file is asked about once, so that
	// a PAC that throws, loops or runs out of memory in FindProxyForURL
	// fails "proxy/config"; empty means DefaultPACProbeURL.
	ProbeURL string
}

// DefaultPACProbeURL is the URL a loaded PAC file is tried with.
const DefaultPACProbeURL = "https://zoom.us/"

// ConfigDetail is the evidence of the "proxy/config" result (its Detail):
// where the proxy settings came from.
type ConfigDetail struct {
	// Env holds the proxy variables set in the environment, credentials
	// redacted; nil when none is set.
	Env map[string]string `json:"env,omitempty"`
	// Proxy is DiscoveryConfig.Proxy as a PAC entry, or "none".
	Proxy string `json:"proxy,omitempty"`
	// PACURL is the PAC file's URL or path; empty when there is none.
	PACURL string `json:"pac_url,omitempty"`
	// PACSource is where the PAC file came from: "flag" or "wpad".
	PACSource string `json:"pac_source,omitempty"`
	// WPAD is what the WPAD lookup found; nil when it did not run.
	WPAD *WPADFound `json:"wpad,omitempty"`
	// WPADError is why the WPAD lookup found nothing: a failure string, or
	// "wpad_not_found" when no wpad name resolves.
	WPADError string `json:"wpad_failure,omitempty"`
	// PACFailure is why the PAC file cannot be used; empty when it can.
	PACFailure vocab.Failure `json:"pac_failure,omitempty"`
}

// envNames are the variables httpproxy reads.
var envNames = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", "http_proxy", "https_proxy", "no_proxy"}

// Discover builds the proxy settings and a "proxy/config" result that
// reports where they came from (its Detail is a *ConfigDetail). A usage
// error (a bad DiscoveryConfig.Proxy) is returned as error; everything the
// network says is in the result.
func Discover(ctx context.Context, disc DiscoveryConfig) (*Settings, report.Result, error) {
	return discover(ctx, disc, os.Getenv)
}

// discover is Discover reading the environment with getenv (tests pass a
// map's, never the machine's).
func discover(ctx context.Context, disc DiscoveryConfig, getenv func(string) string) (*Settings, report.Result, error) {
	start := time.Now()
	st, d := &Settings{}, &ConfigDetail{Env: map[string]string{}}
	res, err := disc.find(ctx, st, d, getenv)
	if err != nil {
		return nil, report.Result{}, err
	}
	res.ID, res.Check, res.Target, res.Layer = "proxy/config", vocab.CheckProxy, "configuration", vocab.LayerProxy
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	if len(d.Env) == 0 {
		d.Env = nil
	}
	return st, res, nil
}

func (disc *DiscoveryConfig) find(ctx context.Context, cfg *Settings, d *ConfigDetail, getenv func(string) string) (report.Result, error) {
	if strings.EqualFold(disc.Proxy, "none") {
		d.Proxy = "none"
		return report.Result{Status: report.StatusPass, Observed: vocab.ProxyConfigNone, Reason: vocab.ReasonDisabledByFlag}, nil
	}
	if disc.Proxy != "" {
		h, err := ParseProxyURL(disc.Proxy)
		if err != nil {
			return report.Result{}, err
		}
		cfg.Fixed, d.Proxy = []Hop{h}, h.String()
	}
	readEnv(getenv, cfg, d)
	pacRes := disc.findPAC(ctx, cfg, d)
	switch {
	case pacRes != nil:
		return *pacRes, nil
	case cfg.HasProxy() && cfg.PAC != nil:
		return report.Result{Status: report.StatusPass, Observed: vocab.ProxyConfigPAC, Reason: pacReasons[d.PACSource]}, nil
	case cfg.HasProxy():
		return report.Result{Status: report.StatusPass, Observed: vocab.ProxyConfigExplicit, Reason: vocab.ReasonExplicit}, nil
	}
	return report.Result{Status: report.StatusPass, Observed: vocab.ProxyConfigNone, Reason: vocab.ReasonNothingConfigured}, nil
}

// pacReasons are the reasons of a usable PAC file, by ConfigDetail.PACSource.
var pacReasons = map[string]vocab.Reason{pacSourceFlag: vocab.ReasonPACFlag, pacSourceWPAD: vocab.ReasonPACWPAD}

// PAC sources (ConfigDetail.PACSource).
const (
	pacSourceFlag = "flag" // DiscoveryConfig.PAC
	pacSourceWPAD = "wpad" // found with WPAD
)

func readEnv(get func(string) string, cfg *Settings, d *ConfigDetail) {
	for _, n := range envNames {
		if v := get(n); v != "" {
			d.Env[n] = report.RedactURL(v)
		}
	}
	env := &httpproxy.Config{
		HTTPProxy: firstNonEmpty(get("HTTP_PROXY"), get("http_proxy")), HTTPSProxy: firstNonEmpty(get("HTTPS_PROXY"), get("https_proxy")),
		NoProxy: firstNonEmpty(get("NO_PROXY"), get("no_proxy")), CGI: get("REQUEST_METHOD") != "",
	}
	if env.HTTPProxy != "" || env.HTTPSProxy != "" {
		cfg.Env = env
	}
}

// findPAC loads --pac, or discovers one with WPAD; it returns a result only
// when a PAC was found but cannot be used.
func (disc *DiscoveryConfig) findPAC(ctx context.Context, cfg *Settings, d *ConfigDetail) *report.Result {
	src, dialer := disc.PAC, disc.Dialer
	if dialer == nil {
		dialer = &Dialer{}
	}
	d.PACSource = pacSourceFlag
	if src == "" {
		if disc.NoWPAD {
			return nil
		}
		w := disc.WPAD
		w.guard = dialer.Guard
		found, err := w.Lookup(ctx)
		d.WPAD = &found
		if err != nil {
			d.WPADError = classifyWPAD(err)
			return nil
		}
		src, d.PACSource = found.URL, pacSourceWPAD
		dialer = wpadDialer(dialer, found)
	}
	d.PACURL = report.RedactURL(src)
	text, err := FetchPAC(ctx, dialer, src)
	if err == nil {
		cfg.PAC, err = CompilePAC(ctx, text, disc.PACOptions)
	}
	if err == nil {
		_, _, err = cfg.PAC.Hops(ctx, firstNonEmpty(disc.ProbeURL, DefaultPACProbeURL))
	}
	if err != nil {
		d.PACFailure = classify(err)
		op := vocab.OpPACFetch
		if text != "" {
			op = vocab.OpPACEval
		}
		r := failed(vocab.ProxyConfigPACError, vocab.ReasonPACUnusable, d.PACFailure, op, "The proxy auto-config file cannot be used; clients fall back to direct or fail. Fix the PAC file at "+d.PACURL+".")
		return &r
	}
	cfg.PACURL = src
	return nil
}

// wpadDialer fetches the PAC from the address DNS gave for the wpad name
// (never resolving it again), on the port a connect-to rule may set.
func wpadDialer(d *Dialer, found WPADFound) *Dialer {
	host, port, _ := net.SplitHostPort(d.Rewrite(net.JoinHostPort(found.Name, "80")))
	if strings.EqualFold(host, found.Name) {
		host = found.Addr
	}
	r := ConnectTo{Host: found.Name, Port: "80", ToHost: host, ToPort: port}
	return &Dialer{Rules: append([]ConnectTo{r}, d.Rules...), Guard: d.Guard, dial: d.dial}
}

func classifyWPAD(err error) string {
	if err == ErrNoWPAD {
		return "wpad_not_found"
	}
	return string(classify(err))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
