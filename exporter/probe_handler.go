package exporter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/roompath/roompath/internal/version"
	"github.com/roompath/roompath/report"
)

// DefaultModule is used when /probe names none.
const DefaultModule = "tcp"

// scrapeOffset is kept back from the scrape timeout so the answer reaches
// Prometheus before it gives up (blackbox_exporter's default offset).
const scrapeOffset = 500 * time.Millisecond

// ScrapeTimeoutHeader is the header Prometheus sends with its timeout.
const ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

func (e *Exporter) serveProbe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := cmp.Or(q.Get("module"), DefaultModule)
	ctx, cancel := context.WithTimeout(r.Context(), budget(r.Header, time.Duration(e.confs[name].Timeout)))
	defer cancel()
	start := e.now()
	if !e.limit.acquire(ctx) {
		e.refuse(w, r, http.StatusServiceUnavailable, fmt.Sprintf("too many probes in flight: none of %d slots freed up within half the probe's budget", cap(e.limit.slots)))
		return
	}
	defer e.limit.release()
	run, code, err := e.plan(ctx, name, q.Get("target"))
	if err != nil {
		e.refuse(w, r, code, err.Error())
		return
	}
	out := run(ctx)
	if exhausted(out.Results) {
		e.limit.rejected.WithLabelValues(rejectedResources).Inc()
		e.refuse(w, r, http.StatusServiceUnavailable, "the exporter ran out of file descriptors or sockets (local_resource_exhausted); the probe says nothing about the target")
		return
	}
	took := e.now().Sub(start)
	e.requests.WithLabelValues("200").Inc()
	e.probes.WithLabelValues(name, strconv.FormatBool(succeeded(out.Results))).Inc()
	if q.Get("debug") == "true" {
		e.serveDebug(w, name, q.Get("target"), out)
		return
	}
	writeProbe(w, r, probeFamilies(e.descs, out, took))
}

// probeFamilies gathers one probe's metrics straight into exposition
// families, in the order a registry exposes them: a registry per request
// (blackbox_exporter's way) spent a fifth of a /probe's CPU registering,
// checking and sorting a dozen gauges (BenchmarkProbeTCP).
func probeFamilies(d *descs, out Outcome, took time.Duration) []*dto.MetricFamily {
	b := newFamilyBuilder(d)
	d.emit(emitter{s: b}, out, took)
	mfs := b.families()
	sortSeries(mfs)
	return mfs
}

// writeProbe writes mfs in the exposition format the request accepts, as
// promhttp does. A probe's exposition is a kilobyte or two, so it goes
// uncompressed whatever Accept-Encoding offers: a gzip writer per request
// costs more than it saves.
func writeProbe(w http.ResponseWriter, r *http.Request, mfs []*dto.MetricFamily) {
	format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultAcceptedFormats()...)
	w.Header().Add("Vary", "Accept")
	w.Header().Set("Content-Type", string(format))
	enc := expfmt.NewEncoder(w, format)
	for _, mf := range mfs {
		if enc.Encode(mf) != nil {
			return // the client went away; nothing more can be sent
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		_ = c.Close()
	}
}

// plan finds the module and plans the target; on error it returns the HTTP
// status to answer with.
func (e *Exporter) plan(ctx context.Context, name, target string) (Run, int, error) {
	mod, ok := e.modules[name]
	switch {
	case !ok:
		return nil, http.StatusBadRequest, fmt.Errorf("unknown module %q (known: %s)", name, strings.Join(e.Modules(), ", "))
	case target == "" && e.confs[name].Prober != "status":
		return nil, http.StatusBadRequest, errors.New("target parameter is missing")
	}
	run, err := mod.Plan(ctx, target, e.allow)
	if err != nil {
		code, te := http.StatusBadRequest, (*TargetError)(nil)
		if errors.As(err, &te) {
			code = te.Code
		}
		return nil, code, err
	}
	return run, 0, nil
}

// refuse answers a request the exporter will not probe, with one line.
func (e *Exporter) refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	msg = report.RedactText(msg)
	e.requests.WithLabelValues(strconv.Itoa(code)).Inc()
	e.log.Info("probe refused", "code", code, "reason", msg, "remote", r.RemoteAddr)
	http.Error(w, msg, code)
}

// budget is the module's timeout, capped by the scrape's timeout less
// scrapeOffset; DefaultTimeout when neither is set.
func budget(h http.Header, module time.Duration) time.Duration {
	b := DefaultTimeout
	if module > 0 {
		b = module
	}
	if s, err := strconv.ParseFloat(h.Get(ScrapeTimeoutHeader), 64); err == nil && s > 0 {
		scrape := time.Duration(s*float64(time.Second)) - scrapeOffset
		b = min(b, max(scrape, scrapeOffset))
	}
	return b
}

// serveDebug answers debug=true with the roompath JSON report of the probe.
func (e *Exporter) serveDebug(w http.ResponseWriter, module, target string, out Outcome) {
	w.Header().Set("Content-Type", "application/json")
	enc, _ := report.NewEncoder("json", w, report.EncoderOptions{})
	rw := report.NewWriter("serve", version.Version, report.Vantage{}, enc, report.Options{
		Now: e.now, Command: []string{"/probe", "module=" + module, "target=" + report.RedactText(target)},
	})
	for i, res := range out.Results {
		rw.Add(i, res)
	}
	rw.Finish(false)
}
