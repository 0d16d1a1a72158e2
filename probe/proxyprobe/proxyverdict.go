package proxyprobe

import (
	"github.com/roompath/roompath/probe/vocab"
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
		r := report.Result{Status: report.StatusPass, Observed: vocab.ProxyDirect, Reason: vocab.ReasonConnected, RTTMS: report.Float(report.MS(direct.dur))}
		if viaProxy != nil && !viaProxy.ok {
			r.Status, r.Hint = report.StatusWarn, hintDirectOnly
		}
		return r
	case viaProxy != nil && viaProxy.ok:
		return report.Result{Status: report.StatusWarn, Observed: vocab.ProxyViaProxy, Reason: vocab.ReasonConnectGranted,
			RTTMS: report.Float(report.MS(viaProxy.dur)), Hint: hintViaProxy}
	case viaProxy != nil && viaProxy.ans != nil && viaProxy.ans.AuthRequired:
		return failed(vocab.ProxyAuthRequired, vocab.ReasonProxyAuth, vocab.FailureProxyAuthRequired, vocab.OpProxyConnect, hintAuth)
	case viaProxy != nil && viaProxy.ans != nil:
		return failed(vocab.ProxyDenied, vocab.ReasonConnectDenied, vocab.FailureProxyDenied, vocab.OpProxyConnect, hintDenied)
	case viaProxy != nil:
		return failed(vocab.ProxyBlocked, vocab.ReasonProxyUnreachable, classify(viaProxy.err), vocab.OpProxyConnect, hintBlocked)
	case direct != nil:
		return failed(vocab.ProxyBlocked, vocab.ReasonNoProxy, classify(direct.err), vocab.OpConnect, hintBlocked)
	}
	return failed(vocab.ProxyBlocked, vocab.ReasonNotTried, "", "", hintBlocked)
}

// failed is a failing result; an empty failure or op leaves it null.
func failed(observed vocab.Observed, reason vocab.Reason, failure vocab.Failure, op vocab.Operation, hint string) report.Result {
	r := report.Result{Status: report.StatusFail, Observed: observed, Reason: reason, Hint: hint}
	if failure != "" {
		r.Failure = report.Str(failure)
	}
	if op != "" {
		r.Operation = report.Str(op)
	}
	return r
}

// ProxyDetail is the evidence of a proxy check (the Detail of its result).
type ProxyDetail struct {
	// URL is the URL the proxy settings were asked about (TargetURL).
	URL string `json:"url"`
	// Config is the settings' decision for URL.
	Config Decision `json:"config"`
	// PACError is the failure of the PAC evaluation; empty when there was
	// none.
	PACError vocab.Failure `json:"pac_error,omitempty"`
	// Direct is the direct attempt.
	Direct *AttemptDetail `json:"direct"`
	// Proxy is the attempt through the proxy; nil when no proxy applies.
	Proxy *AttemptDetail `json:"proxy,omitempty"`
	// Status is the HTTP status of the proxy's CONNECT answer (403, 407,
	// 200, …); zero when no proxy answered or it speaks SOCKS.
	Status int `json:"status,omitempty"`
	// AuthSchemes are the schemes of the proxy's 407 challenges, in order.
	AuthSchemes []string `json:"auth_schemes,omitempty"`
	// Realm is the first challenge's realm; empty when none names one.
	Realm string `json:"realm,omitempty"`
	// Answer is the proxy's whole answer; nil when no proxy answered.
	Answer *ProxyAnswer `json:"answer,omitempty"`
}

// AttemptDetail is one way a proxy check tried, in its detail.
type AttemptDetail struct {
	// Via is the way, written as a PAC entry ("DIRECT", "PROXY host:port").
	Via string `json:"via"`
	// Addr is the address dialled, after the connect-to rules.
	Addr string `json:"addr"`
	// OK is true when the connection (or the tunnel) was opened.
	OK bool `json:"ok"`
	// Failure is why it was not; nil when OK.
	Failure *vocab.Failure `json:"failure"`
	// DurationMS is how long the attempt took.
	DurationMS float64 `json:"duration_ms"`
}

func attemptDetail(o *outcome) *AttemptDetail {
	if o == nil {
		return nil
	}
	a := &AttemptDetail{Via: o.hop.String(), Addr: o.addr, OK: o.ok, DurationMS: report.MS(o.dur)}
	if !o.ok {
		a.Failure = report.Str(outcomeFailure(o))
	}
	return a
}

func proxyDetail(dec Decision, pacErr error, direct, viaProxy *outcome) *ProxyDetail {
	d := &ProxyDetail{URL: dec.URL, Config: dec, Direct: attemptDetail(direct), Proxy: attemptDetail(viaProxy)}
	if pacErr != nil {
		d.PACError = classify(pacErr)
	}
	if viaProxy != nil && viaProxy.ans != nil {
		d.Answer, d.Status = viaProxy.ans, viaProxy.ans.Status
		for _, c := range viaProxy.ans.Challenges {
			d.AuthSchemes = append(d.AuthSchemes, c.Scheme)
			if d.Realm == "" {
				d.Realm = c.Realm
			}
		}
	}
	return d
}
