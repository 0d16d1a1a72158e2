package proxyprobe

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// Configuration check observed states (docs/proxycheck.md).
const (
	ObservedConfigNone     = "none"      // no proxy configured, no WPAD
	ObservedConfigExplicit = "explicit"  // --proxy or the environment
	ObservedConfigPAC      = "pac"       // a PAC file (--pac or WPAD)
	ObservedConfigPACError = "pac_error" // a PAC file that cannot be used
)

// Discovery configures how the proxy configuration is found.
type Discovery struct {
	// Proxy, when non-empty, is used for every target (a URL or host:port;
	// "none" turns every proxy source off, including the environment).
	Proxy string
	// PAC is a PAC file's URL or path; empty means WPAD when WPAD is on.
	PAC string
	// WPAD turns on WPAD discovery through DNS when PAC is empty.
	WPAD WPAD
	// NoWPAD turns WPAD discovery off.
	NoWPAD bool
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Dialer applies connect-to rules to PAC downloads; nil dials directly.
	Dialer *Dialer
	// PACOptions are the PAC helpers' seams.
	PACOptions PACOptions
}

type configDetail struct {
	Env        map[string]string `json:"env,omitempty"`
	Proxy      string            `json:"proxy,omitempty"`
	PACURL     string            `json:"pac_url,omitempty"`
	PACSource  string            `json:"pac_source,omitempty"`
	WPAD       *WPADFound        `json:"wpad,omitempty"`
	WPADError  string            `json:"wpad_failure,omitempty"`
	PACFailure string            `json:"pac_failure,omitempty"`
}

// envNames are the variables httpproxy reads.
var envNames = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", "http_proxy", "https_proxy", "no_proxy"}

// Discover builds the proxy configuration and a "proxy/config" result that
// reports where it came from. A usage error (a bad --proxy) is returned as
// error; everything the network says is in the result.
func Discover(ctx context.Context, disc Discovery) (*ProxyConfig, report.Result, error) {
	start := time.Now()
	cfg, d := &ProxyConfig{}, &configDetail{Env: map[string]string{}}
	res, err := disc.discover(ctx, cfg, d)
	if err != nil {
		return nil, report.Result{}, err
	}
	res.ID, res.Check, res.Target, res.Layer = "proxy/config", "proxy", "configuration", report.LayerProxy
	res.DurationMS, res.Detail = report.MS(time.Since(start)), d
	if len(d.Env) == 0 {
		d.Env = nil
	}
	return cfg, res, nil
}

func (disc *Discovery) discover(ctx context.Context, cfg *ProxyConfig, d *configDetail) (report.Result, error) {
	if strings.EqualFold(disc.Proxy, "none") {
		d.Proxy = "none"
		return report.Result{Status: report.StatusPass, Observed: ObservedConfigNone, Reason: "disabled_by_flag"}, nil
	}
	if disc.Proxy != "" {
		h, err := ParseProxyURL(disc.Proxy)
		if err != nil {
			return report.Result{}, err
		}
		cfg.Fixed, d.Proxy = []Hop{h}, h.String()
	}
	disc.readEnv(cfg, d)
	pacRes := disc.findPAC(ctx, cfg, d)
	switch {
	case pacRes != nil:
		return *pacRes, nil
	case cfg.HasProxy() && cfg.PAC != nil:
		return report.Result{Status: report.StatusPass, Observed: ObservedConfigPAC, Reason: "pac_" + d.PACSource}, nil
	case cfg.HasProxy():
		return report.Result{Status: report.StatusPass, Observed: ObservedConfigExplicit, Reason: "explicit"}, nil
	}
	return report.Result{Status: report.StatusPass, Observed: ObservedConfigNone, Reason: "nothing_configured"}, nil
}

func (disc *Discovery) readEnv(cfg *ProxyConfig, d *configDetail) {
	get := disc.Getenv
	if get == nil {
		get = os.Getenv
	}
	for _, n := range envNames {
		if v := get(n); v != "" {
			d.Env[n] = redact(v)
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
func (disc *Discovery) findPAC(ctx context.Context, cfg *ProxyConfig, d *configDetail) *report.Result {
	src, dialer := disc.PAC, disc.Dialer
	if dialer == nil {
		dialer = &Dialer{}
	}
	d.PACSource = "flag"
	if src == "" {
		if disc.NoWPAD {
			return nil
		}
		found, err := disc.WPAD.Lookup(ctx)
		d.WPAD = &found
		if err != nil {
			d.WPADError = classifyWPAD(err)
			return nil
		}
		src, d.PACSource = found.URL, "wpad"
		dialer = wpadDialer(dialer, found)
	}
	d.PACURL = src
	text, err := FetchPAC(ctx, dialer, src)
	if err == nil {
		cfg.PAC, err = CompilePAC(ctx, text, disc.PACOptions)
	}
	if err != nil {
		d.PACFailure = classify(err)
		op := probe.OpPACFetch
		if text != "" {
			op = probe.OpPACEval
		}
		r := failed(ObservedConfigPACError, "pac_unusable", d.PACFailure, op, "The proxy auto-config file cannot be used; clients fall back to direct or fail. Fix the PAC file at "+src+".")
		r.Status = report.StatusWarn
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
	return &Dialer{Rules: append([]ConnectTo{r}, d.Rules...), dial: d.dial}
}

func classifyWPAD(err error) string {
	if err == ErrNoWPAD {
		return "wpad_not_found"
	}
	return classify(err)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// redact hides credentials in a proxy setting.
func redact(v string) string {
	s := v
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if strings.Contains(v, "@") {
			return "REDACTED"
		}
		return v
	}
	u.User = url.User("REDACTED")
	return u.String()
}
