package triage

import (
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/report"
)

// detailOf returns r's detail when it is a *T, else nil: the verdict reads
// the probes' typed details, never their JSON.
func detailOf[T any](r report.Result) *T {
	d, _ := r.Detail.(*T)
	return d
}

func tcpDetail(r report.Result) *probe.TCPDetail          { return detailOf[probe.TCPDetail](r) }
func pathDetail(r report.Result) *pathprobe.Detail        { return detailOf[pathprobe.Detail](r) }
func statusDetail(r report.Result) *status.Detail         { return detailOf[status.Detail](r) }
func proxyDetail(r report.Result) *proxyprobe.ProxyDetail { return detailOf[proxyprobe.ProxyDetail](r) }
func tlsDetail(r report.Result) *proxyprobe.TLSDetail     { return detailOf[proxyprobe.TLSDetail](r) }

// portOf is the port a tcp or path result probed; ok is false for other
// results.
func portOf(r report.Result) (uint16, bool) {
	switch d := r.Detail.(type) {
	case *probe.TCPDetail:
		return d.Port, true
	case *pathprobe.Detail:
		return d.Port, true
	}
	return 0, false
}
