package proxyprobe

import (
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/report"
)

// Hints for the proxy check, one per finding.
const (
	hintViaProxy   = "Reachable only through the proxy. Media (8801/8802) through a proxy is a bottleneck and room devices cannot answer proxy authentication: allow direct TCP to the Zoom ranges or exempt the Zoom domains from the proxy."
	hintDenied     = "The proxy refuses CONNECT to this port. Allow CONNECT to the Zoom domains on 443, 8801 and 8802, or let the room reach them directly."
	hintAuth       = "The proxy demands authentication, which Zoom Rooms cannot answer. Exempt the room's address or the Zoom domains from proxy authentication."
	hintBlocked    = "Neither a direct connection nor the configured proxy reached this port. Open TCP to the Zoom ranges on this port in the firewall."
	hintDirectOnly = "Direct access works but the configured proxy refuses; clients that follow the proxy configuration will fail. Fix the proxy policy or add the Zoom domains to the bypass (NO_PROXY or PAC DIRECT)."
)

// proxyVerdict names the state from the direct and proxied outcomes
// (viaProxy is nil when no proxy is configured). It touches no socket.
func proxyVerdict(direct, viaProxy *outcome) report.Result {
	switch {
	case direct != nil && direct.ok:
		r := report.Result{Status: report.StatusPass, Observed: ObservedDirect, Reason: "connected", RTTMS: report.Float(report.MS(direct.dur))}
		if viaProxy != nil && !viaProxy.ok {
			r.Status, r.Hint = report.StatusWarn, hintDirectOnly
		}
		return r
	case viaProxy != nil && viaProxy.ok:
		return report.Result{Status: report.StatusWarn, Observed: ObservedViaProxy, Reason: "connect_granted",
			RTTMS: report.Float(report.MS(viaProxy.dur)), Hint: hintViaProxy}
	case viaProxy != nil && viaProxy.ans != nil && viaProxy.ans.AuthRequired:
		return failed(ObservedProxyAuthRequired, "proxy_auth", probe.FailureProxyAuthRequired, probe.OpProxyConnect, hintAuth)
	case viaProxy != nil && viaProxy.ans != nil:
		return failed(ObservedProxyDenied, "connect_denied", probe.FailureProxyDenied, probe.OpProxyConnect, hintDenied)
	case viaProxy != nil:
		return failed(ObservedBlocked, "proxy_unreachable", classify(viaProxy.err), probe.OpProxyConnect, hintBlocked)
	case direct != nil:
		return failed(ObservedBlocked, "no_proxy", classify(direct.err), probe.OpConnect, hintBlocked)
	}
	return failed(ObservedBlocked, "not_tried", "", "", hintBlocked)
}

func failed(observed, reason, failure, op, hint string) report.Result {
	r := report.Result{Status: report.StatusFail, Observed: observed, Reason: reason, Hint: hint}
	if failure != "" {
		r.Failure = report.Str(failure)
	}
	if op != "" {
		r.Operation = report.Str(op)
	}
	return r
}

// proxyDetailJSON is the evidence of a proxy check.
type proxyDetailJSON struct {
	URL        string       `json:"url"`
	Config     Decision     `json:"config"`
	PACError   string       `json:"pac_error,omitempty"`
	Direct     *attemptJSON `json:"direct"`
	Proxy      *attemptJSON `json:"proxy,omitempty"`
	Status     int          `json:"status,omitempty"`
	AuthScheme []string     `json:"auth_schemes,omitempty"`
	Realm      string       `json:"realm,omitempty"`
	Answer     *ProxyAnswer `json:"answer,omitempty"`
}

type attemptJSON struct {
	Via        string  `json:"via"`
	Addr       string  `json:"addr"`
	OK         bool    `json:"ok"`
	Failure    *string `json:"failure"`
	DurationMS float64 `json:"duration_ms"`
}

func attemptDetail(o *outcome) *attemptJSON {
	if o == nil {
		return nil
	}
	a := &attemptJSON{Via: o.hop.String(), Addr: o.addr, OK: o.ok, DurationMS: report.MS(o.dur)}
	if !o.ok {
		a.Failure = report.Str(outcomeFailure(o))
	}
	return a
}

func proxyDetail(dec Decision, pacErr error, direct, viaProxy *outcome) proxyDetailJSON {
	d := proxyDetailJSON{URL: dec.URL, Config: dec, Direct: attemptDetail(direct), Proxy: attemptDetail(viaProxy)}
	if pacErr != nil {
		d.PACError = classify(pacErr)
	}
	if viaProxy != nil && viaProxy.ans != nil {
		d.Answer, d.Status = viaProxy.ans, viaProxy.ans.Status
		for _, c := range viaProxy.ans.Challenges {
			d.AuthScheme = append(d.AuthScheme, c.Scheme)
			if d.Realm == "" {
				d.Realm = c.Realm
			}
		}
	}
	return d
}
