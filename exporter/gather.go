package exporter

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// In protobuf (a text scrape is written line by line, see text.go) the
// schedules' results are gathered straight into exposition families
// rather than through the registry: at fleet size (5,000 rooms, some
// 45,000 series) a scrape through the registry spent most of its time in
// the per-metric const-metric build, consistency checks and the sort of
// every family by label values (BenchmarkScrapeFleet; make bench). The
// series are the same; within a family they come in the configuration's
// order of schedules and targets.

// famSpec is what one family's samples share.
type famSpec struct {
	name, help string
	// labels are the label names in the order values are given; order
	// indexes them sorted by name, as the exposition writes them.
	labels []string
	order  []int
	sorted []*string
}

func newFamSpec(name, help string, labels []string) *famSpec {
	f := &famSpec{name: name, help: help, labels: slices.Clone(labels)}
	for i := range f.labels {
		f.order = append(f.order, i)
	}
	slices.SortFunc(f.order, func(a, b int) int { return cmp.Compare(f.labels[a], f.labels[b]) })
	for _, i := range f.order {
		f.sorted = append(f.sorted, &f.labels[i])
	}
	return f
}

// familyBuilder collects gauges of one set of descs into families (a
// /probe's, and a /metrics scrape in protobuf; a text scrape goes through
// textBuilder).
type familyBuilder struct {
	specs map[*prometheus.Desc]*famSpec
	fams  map[*prometheus.Desc]*dto.MetricFamily
}

func newFamilyBuilder(d *descs) *familyBuilder {
	return &familyBuilder{specs: d.specs, fams: map[*prometheus.Desc]*dto.MetricFamily{}}
}

// send adds one gauge. A descriptor it does not know, or the wrong number
// of label values, is a bug in this package (as for MustNewConstMetric).
// Label values that are not UTF-8 are made so.
func (b *familyBuilder) send(d *prometheus.Desc, v float64, labels, extra []string) {
	spec := b.specs[d]
	n := len(labels) + len(extra)
	if spec == nil || n != len(spec.labels) {
		panic(fmt.Sprintf("exporter: gauge %v with %d label values", d, n))
	}
	mf := b.fams[d]
	if mf == nil {
		mf = &dto.MetricFamily{Name: &spec.name, Help: &spec.help, Type: dto.MetricType_GAUGE.Enum()}
		b.fams[d] = mf
	}
	vals := make([]string, n)
	pairs := make([]dto.LabelPair, n)
	ptrs := make([]*dto.LabelPair, n)
	for j, i := range spec.order {
		vals[j] = labelValue(labels, extra, i)
		if !utf8.ValidString(vals[j]) {
			vals[j] = strings.ToValidUTF8(vals[j], "\uFFFD")
		}
		pairs[j].Name, pairs[j].Value = spec.sorted[j], &vals[j]
		ptrs[j] = &pairs[j]
	}
	mf.Metric = append(mf.Metric, &dto.Metric{Label: ptrs, Gauge: &dto.Gauge{Value: &v}})
}

// families returns the families that have samples, sorted by name.
func (b *familyBuilder) families() []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, 0, len(b.fams))
	for _, mf := range b.fams {
		out = append(out, mf)
	}
	slices.SortFunc(out, byFamilyName)
	return out
}

func byFamilyName(a, b *dto.MetricFamily) int { return cmp.Compare(a.GetName(), b.GetName()) }

// sortSeries sorts each family's samples by their label values, labels
// taken in name order: the order the registry exposes them in.
func sortSeries(mfs []*dto.MetricFamily) {
	for _, mf := range mfs {
		slices.SortStableFunc(mf.Metric, byLabelValues)
	}
}

func byLabelValues(a, b *dto.Metric) int {
	for i := range min(len(a.Label), len(b.Label)) {
		if c := cmp.Compare(a.Label[i].GetValue(), b.Label[i].GetValue()); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Label), len(b.Label))
}

// gather is the /metrics gatherer for formats other than text (see
// serveMetrics): the registry's metrics (the exporter's own, the
// schedules' last-run times) and the schedules' results.
func (e *Exporter) gather() ([]*dto.MetricFamily, error) {
	mfs, err := e.registry.Gather()
	b := newFamilyBuilder(e.schedDescs)
	e.emitSchedules(b)
	mfs = append(mfs, b.families()...)
	slices.SortStableFunc(mfs, byFamilyName)
	return mfs, err
}

// emitSchedules sends every schedule's latest outcomes to s, in the
// configuration's order of schedules and targets.
func (e *Exporter) emitSchedules(s sink) {
	for _, sc := range e.schedules {
		sc.mu.Lock()
		for _, t := range sc.cfg.Targets {
			if o, ok := sc.latest[t]; ok {
				e.schedDescs.emit(emitter{s: s, extra: []string{sc.cfg.Name, sc.cfg.Module, t}}, o.out, o.took)
			}
		}
		sc.mu.Unlock()
	}
}
