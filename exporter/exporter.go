package exporter

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/roompath/roompath/internal/version"
)

// Options are the exporter's settings besides the configuration file.
type Options struct {
	// Allow adds allowlist entries to the configuration's (--allow).
	Allow []string
	// Logger logs refused requests and schedule problems; nil discards.
	Logger *slog.Logger
	// MaxConcurrent bounds the /probe probes in flight (1 to
	// MaxConcurrentLimit); zero means the configuration's
	// max_concurrent_probes, or DefaultMaxConcurrent. A request beyond it
	// waits for a slot for up to half its budget, then gets 503.
	MaxConcurrent int
}

// Exporter serves /probe, /metrics and a landing page. Build it with New;
// it is safe for concurrent use.
type Exporter struct {
	modules   map[string]Module
	confs     map[string]ModuleConfig
	allow     *Allowlist
	descs     *descs
	schedules []*scheduled
	registry  *prometheus.Registry
	// metricsDTO serves /metrics in formats other than text.
	metricsDTO http.Handler
	// schedDescs are the descriptors of the schedules' results.
	schedDescs *descs
	requests   *prometheus.CounterVec
	probes     *prometheus.CounterVec
	log        *slog.Logger
	limit      *limiter
	// now is the clock of probe_duration_seconds; a seam for golden tests.
	now func() time.Time
}

// New checks cfg and builds the exporter; an error names the bad value.
// Schedules start with Start.
func New(cfg *Config, opt Options) (*Exporter, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	allow, err := ParseAllowlist(append(append([]string{}, cfg.Allow...), opt.Allow...))
	if err != nil {
		return nil, err
	}
	mods, confs, err := buildModules(cfg.Modules)
	if err != nil {
		return nil, err
	}
	limit, err := concurrencyLimit(cfg, opt)
	if err != nil {
		return nil, err
	}
	e := &Exporter{modules: mods, confs: confs, allow: allow, descs: newDescs(), schedDescs: newDescs(scheduleLabels...), log: opt.Logger, now: time.Now, limit: newLimiter(limit)}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.schedules, err = e.buildSchedules(cfg.Schedules, cfg.Profiles); err != nil {
		return nil, err
	}
	e.registerSelf()
	return e, nil
}

// Modules lists the module names, sorted.
func (e *Exporter) Modules() []string {
	out := make([]string, 0, len(e.modules))
	for n := range e.modules {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// registerSelf builds the /metrics registry: process and Go metrics, build
// info, request counters and the schedules' last-run times (their results
// are added by gather and serveMetrics).
func (e *Exporter) registerSelf() {
	e.registry = prometheus.NewRegistry()
	e.metricsDTO = promhttp.HandlerFor(prometheus.GathererFunc(e.gather), promhttp.HandlerOpts{})
	e.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "roompath_exporter_probe_requests_total", Help: "/probe requests by HTTP status code.",
	}, []string{"code"})
	e.probes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "roompath_exporter_probes_total", Help: "Probes run for /probe, by module and whether they succeeded.",
	}, []string{"module", "success"})
	build := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "roompath_exporter_build_info", Help: "The roompath version and Go version of this exporter.",
		ConstLabels: prometheus.Labels{"version": version.Version, "goversion": runtime.Version()},
	}, func() float64 { return 1 })
	e.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build, e.requests, e.probes, e.limit.inFlight, e.limit.rejected, &scheduleCollector{e: e})
}

// Handler returns the exporter's HTTP handler: /probe, /metrics and /.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/probe", e.serveProbe)
	mux.HandleFunc("/metrics", e.serveMetrics)
	mux.HandleFunc("/{$}", e.serveLanding)
	return mux
}

func (e *Exporter) serveLanding(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><html><head><title>roompath exporter</title></head><body><h1>roompath exporter %s</h1>\n", version.Version)
	fmt.Fprint(w, "<p><a href=\"/metrics\">/metrics</a> · /probe?module=NAME&amp;target=TARGET (add &amp;debug=true for the JSON report)</p>\n<p>Modules:")
	for _, m := range e.Modules() {
		fmt.Fprintf(w, " %s (%s)", m, e.confs[m].Prober)
	}
	fmt.Fprint(w, "</p></body></html>\n")
}
