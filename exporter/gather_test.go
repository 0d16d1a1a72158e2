package exporter

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// TestGatherSchedulesMatchesRegistry holds the schedules' direct gather
// to what the registry made of the same outcomes: the same series, values,
// help and types, whatever the module (every golden outcome, and the
// fleet's open and refused TCP outcomes).
func TestGatherSchedulesMatchesRegistry(t *testing.T) {
	e := goldenScheduleExporter(t)
	for _, ex := range []*Exporter{e, fleetExporter(t)} {
		got, want := exposition(t, ex.gather), exposition(t, registryGather(ex))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("gather differs from the registry (-registry +gather):\n%s", diff)
		}
		if !strings.Contains(strings.Join(got, "\n"), `probe_success{module=`) {
			t.Error("no scheduled probe_success in the exposition")
		}
	}
}

// registryGather is how /metrics gathered the schedules before: const
// metrics through a registry, beside the exporter's own registry.
func registryGather(e *Exporter) func() ([]*dto.MetricFamily, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(oldScheduleCollector{e})
	return prometheus.Gatherers{e.registry, reg}.Gather
}

// collect sends the metrics of one probe as const metrics on ch.
func (d *descs) collect(ch chan<- prometheus.Metric, out Outcome, took time.Duration, extra ...string) {
	d.emit(emitter{ch: ch, extra: extra}, out, took)
}

type oldScheduleCollector struct{ e *Exporter }

func (c oldScheduleCollector) Describe(ch chan<- *prometheus.Desc) { c.e.schedDescs.describe(ch) }

func (c oldScheduleCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.e.schedules {
		for _, t := range s.cfg.Targets {
			if o, ok := s.latest[t]; ok {
				c.e.schedDescs.collect(ch, o.out, o.took, s.cfg.Name, s.cfg.Module, t)
			}
		}
	}
}

// TestProbeGathererMatchesRegistry holds /probe's direct gather to a
// registry per probe (how /probe gathered before, and blackbox_exporter's
// way) for every golden outcome: the same exposition, byte for byte, in
// the same order.
func TestProbeGathererMatchesRegistry(t *testing.T) {
	d := newDescs()
	for name, out := range fakeOutcomes() {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(oldProbeCollector{d, out})
		want, err := encodeText(reg)
		if err != nil {
			t.Fatalf("%s: registry: %v", name, err)
		}
		got, err := encodeText(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
			return probeFamilies(d, out, 250*time.Millisecond), nil
		}))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: /probe's gather differs from a registry's (-registry +gather):\n%s", name, diff)
		}
	}
}

type oldProbeCollector struct {
	d   *descs
	out Outcome
}

func (c oldProbeCollector) Describe(ch chan<- *prometheus.Desc) { c.d.describe(ch) }
func (c oldProbeCollector) Collect(ch chan<- prometheus.Metric) {
	c.d.collect(ch, c.out, 250*time.Millisecond)
}

// encodeText is g's text exposition as it is written.
func encodeText(g prometheus.Gatherer) (string, error) {
	mfs, err := g.Gather()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return "", err
		}
	}
	return buf.String(), nil
}

// exposition is the text exposition of g's families, its lines sorted, the
// exporter's own process and Go metrics (which move between two gathers)
// left out.
func exposition(t *testing.T, g func() ([]*dto.MetricFamily, error)) []string {
	t.Helper()
	mfs, err := g()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if n := mf.GetName(); strings.HasPrefix(n, "go_") || strings.HasPrefix(n, "process_") {
			continue
		}
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	slices.Sort(lines)
	return lines
}

// TestFamilyBuilderInvalidUTF8 checks a label value that is not UTF-8 is
// made valid rather than written as is or panicking.
func TestFamilyBuilderInvalidUTF8(t *testing.T) {
	d := newDescs(scheduleLabels...)
	b := newFamilyBuilder(d)
	b.send(d.success, 1, nil, []string{"s", "tcp", "room\xff"})
	mfs := b.families()
	if len(mfs) != 1 || len(mfs[0].Metric) != 1 {
		t.Fatalf("families: %v", mfs)
	}
	for _, lp := range mfs[0].Metric[0].Label {
		if !utf8.ValidString(lp.GetValue()) {
			t.Errorf("label %s=%q is not UTF-8", lp.GetName(), lp.GetValue())
		}
	}
}
