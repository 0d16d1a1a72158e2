package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

// Listen addresses inside the lab namespaces: loopback, so neither
// exporter needs --insecure-listen or TLS, and only the bench (dialling
// inside the namespace) reaches them.
const (
	roompathListen = "127.0.0.1:9798"
	blackboxListen = "127.0.0.1:9115"
	// probeSlots is roompath's --max-concurrent-probes for the bench: its
	// default, stated, and above every load concurrency used here so no
	// request is refused with 503.
	probeSlots = 64
	// warmRequests warm each exporter up before it is measured.
	warmRequests = 500
)

// tputResult is the /probe comparison: the median run of each exporter
// and each one's peak RSS after all runs.
type tputResult struct {
	rp, bb         runStats
	rpHWM, bbHWM   int64
	target         string
	conc, requests int
}

// throughput starts roompath serve in the lab's Exporter namespace and
// blackbox_exporter in its Peer namespace, both probing the same open
// room, and runs each `rounds` times at concurrency c, alternating which
// goes first.
func throughput(lab *nslab.FleetLab, bin, blackbox, dir, target string, c, n, rounds int) (tputResult, error) {
	res := tputResult{target: target, conc: c, requests: n}
	rp, err := startProc(lab.Exporter, "roompath serve", "http://"+roompathListen, filepath.Join(dir, "rp-probe.log"),
		[]string{bin, "--listen", roompathListen, "--allow", lab.FleetCIDR, "--max-concurrent-probes", strconv.Itoa(probeSlots)},
		func(p *exporterProc) bool { return probeOK(p, p.base+rpProbePath(target)) })
	if err != nil {
		return res, err
	}
	defer rp.stop()
	bbConf := filepath.Join(dir, "blackbox.yml")
	if err := os.WriteFile(bbConf, []byte("modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 5s\n"), 0o644); err != nil {
		return res, err
	}
	bb, err := startProc(lab.Peer, "blackbox_exporter", "http://"+blackboxListen, filepath.Join(dir, "bb.log"),
		[]string{blackbox, "--config.file=" + bbConf, "--web.listen-address=" + blackboxListen, "--log.level=warn"},
		func(p *exporterProc) bool { return probeOK(p, p.base+bbProbePath(target)) })
	if err != nil {
		return res, err
	}
	defer bb.stop()
	load(rp, rp.base+rpProbePath(target), c, warmRequests, time.Minute)
	load(bb, bb.base+bbProbePath(target), c, warmRequests, time.Minute)
	runs := map[*exporterProc][]runStats{}
	urls := map[*exporterProc]string{rp: rp.base + rpProbePath(target), bb: bb.base + bbProbePath(target)}
	for i := range rounds {
		order := []*exporterProc{rp, bb}
		if i%2 == 1 {
			order = []*exporterProc{bb, rp}
		}
		for _, p := range order {
			runs[p] = append(runs[p], load(p, urls[p], c, n, 2*time.Minute))
		}
	}
	rpRuns, bbRuns := runs[rp], runs[bb]
	res.rp, res.bb = median(rpRuns), median(bbRuns)
	res.rpHWM, _ = statusKB(rp.pid(), "VmHWM")
	res.bbHWM, _ = statusKB(bb.pid(), "VmHWM")
	for _, r := range append(rpRuns, bbRuns...) {
		if r.errors > 0 {
			return res, fmt.Errorf("/probe run with %d errors of %d requests (see %s, %s)", r.errors, r.requests, rp.log, bb.log)
		}
	}
	return res, nil
}

func rpProbePath(target string) string { return "/probe?module=tcp&target=" + target }

func bbProbePath(target string) string {
	return "/probe?module=tcp_connect&target=" + net.JoinHostPort(target, "9090")
}
