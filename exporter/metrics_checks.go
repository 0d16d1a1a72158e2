package exporter

import (
	"net/netip"
	"strconv"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// collectTCP sends probe_ip_protocol of the first TCP result's address.
func collectTCP(d *descs, e emitter, rs []report.Result) {
	for _, r := range resultsOf(rs, vocab.CheckTCP) {
		det, ok := r.Detail.(*probe.TCPDetail)
		if !ok {
			continue
		}
		if a, err := netip.ParseAddr(det.Address); err == nil {
			e.gauge(d.ipProto, float64(map[bool]int{true: 4, false: 6}[a.Is4()]))
			return
		}
	}
}

// tlsVersions are the version label values; anything else is "other".
var tlsVersions = map[string]bool{"TLS 1.0": true, "TLS 1.1": true, "TLS 1.2": true, "TLS 1.3": true}

// collectTLS sends the earliest expiry of the presented chain and the
// negotiated version, as blackbox_exporter names them.
func collectTLS(d *descs, e emitter, rs []report.Result) {
	for _, r := range resultsOf(rs, vocab.CheckTLS) {
		ev, ok := r.Detail.(*proxyprobe.TLSDetail)
		if !ok || len(ev.Chain) == 0 {
			continue
		}
		earliest := ev.Chain[0].NotAfter
		for _, c := range ev.Chain[1:] {
			if c.NotAfter.Before(earliest) {
				earliest = c.NotAfter
			}
		}
		e.gauge(d.certExpiry, float64(earliest.Unix()))
		v := ev.Version
		if !tlsVersions[v] {
			v = "other"
		}
		e.gauge(d.tlsVersion, 1, v)
		return
	}
}

// collectStatus sends the status page's counts, when it was read.
func collectStatus(d *descs, e emitter, rs []report.Result) {
	for _, r := range resultsOf(rs, vocab.CheckStatus) {
		det, ok := r.Detail.(*status.Detail)
		if !ok || det.Page == nil {
			continue
		}
		e.gauge(d.statusComponents, float64(len(det.Components)))
		e.gauge(d.statusIncidents, float64(len(det.Incidents)))
		return
	}
}

// collectPath sends the hop count and the last hop that answered.
func collectPath(d *descs, e emitter, rs []report.Result) {
	for _, r := range resultsOf(rs, vocab.CheckPath) {
		det, ok := r.Detail.(*pathprobe.Detail)
		if !ok {
			continue
		}
		switch {
		case det.ReachTTL != nil:
			e.gauge(d.pathHops, float64(*det.ReachTTL))
		case det.LastHopTTL != nil:
			e.gauge(d.pathHops, float64(*det.LastHopTTL))
		}
		if det.LastHop != nil && det.LastHopTTL != nil {
			if a, err := netip.ParseAddr(*det.LastHop); err == nil {
				e.gauge(d.pathLastHop, 1, a.String(), strconv.Itoa(*det.LastHopTTL))
			}
		}
		return
	}
}
