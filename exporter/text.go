package exporter

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// A /metrics scrape in the text format (what Prometheus asks for unless
// it wants protobuf) writes the schedules' samples straight into
// exposition lines, one buffer per family, instead of building a
// dto.Metric with its label pairs for each: at fleet size (5,000 rooms,
// some 46,000 samples) that was 38 MB of garbage and most of the CPU of a
// scrape, for a 4 MB body (BenchmarkScrapeFleet). The lines are those
// expfmt writes for the same families, byte for byte (the tests hold them
// to it); the exporter's own metrics still go through the registry.

// textBuilder renders gauges of one set of descs as text exposition lines,
// each family's into chunks (so a growing family is never copied).
type textBuilder struct {
	specs   map[*prometheus.Desc]*famSpec
	lines   map[*prometheus.Desc]*[][]byte
	scratch []byte
}

// textChunk is the size of one chunk of a family's lines.
const textChunk = 32 << 10

func newTextBuilder(d *descs) *textBuilder {
	return &textBuilder{specs: d.specs, lines: map[*prometheus.Desc]*[][]byte{}}
}

// send adds one sample line; a descriptor it does not know, or the wrong
// number of label values, is a bug in this package. Label values that are
// not UTF-8 are made so, as familyBuilder does.
func (b *textBuilder) send(d *prometheus.Desc, v float64, labels, extra []string) {
	spec := b.specs[d]
	if n := len(labels) + len(extra); spec == nil || n != len(spec.labels) {
		panic(fmt.Sprintf("exporter: gauge %v with %d label values", d, n))
	}
	line := append(b.scratch[:0], spec.name...)
	for j, i := range spec.order {
		sep := byte(',')
		if j == 0 {
			sep = '{'
		}
		line = append(line, sep)
		line = append(line, *spec.sorted[j]...)
		line = append(line, '=', '"')
		line = appendLabelValue(line, labelValue(labels, extra, i))
		line = append(line, '"')
	}
	if len(spec.order) > 0 {
		line = append(line, '}')
	}
	line = append(line, ' ')
	line = appendValue(line, v)
	line = append(line, '\n')
	b.scratch = line
	chunks := b.lines[d]
	if chunks == nil {
		chunks = &[][]byte{}
		b.lines[d] = chunks
	}
	if k := len(*chunks); k == 0 || cap((*chunks)[k-1])-len((*chunks)[k-1]) < len(line) {
		*chunks = append(*chunks, make([]byte, 0, max(textChunk, len(line))))
	}
	last := &(*chunks)[len(*chunks)-1]
	*last = append(*last, line...)
}

// appendLabelValue appends s escaped as expfmt escapes a label value
// (backslash, double quote, newline), made valid UTF-8 first.
func appendLabelValue(buf []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			buf = append(buf, '\\', '\\')
		case '"':
			buf = append(buf, '\\', '"')
		case '\n':
			buf = append(buf, '\\', 'n')
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

// appendValue appends v as expfmt writes a sample value.
func appendValue(buf []byte, v float64) []byte {
	switch {
	case v == 1:
		return append(buf, '1')
	case v == 0:
		return append(buf, '0')
	case v == -1:
		return append(buf, "-1"...)
	case math.IsNaN(v):
		return append(buf, "NaN"...)
	case math.IsInf(v, +1):
		return append(buf, "+Inf"...)
	case math.IsInf(v, -1):
		return append(buf, "-Inf"...)
	}
	return strconv.AppendFloat(buf, v, 'g', -1, 64)
}

// textFamily is one family's header and its rendered samples.
type textFamily struct {
	spec   *famSpec
	chunks [][]byte
}

// families returns the families that have samples, sorted by name.
func (b *textBuilder) families() []textFamily {
	out := make([]textFamily, 0, len(b.lines))
	for d, chunks := range b.lines {
		out = append(out, textFamily{b.specs[d], *chunks})
	}
	slices.SortFunc(out, func(x, y textFamily) int { return cmp.Compare(x.spec.name, y.spec.name) })
	return out
}

// helpEscaper escapes HELP text as expfmt does.
var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)

// writeText writes reg (sorted by name, as a registry gathers) and the
// built families, merged in name order, in the text format.
func writeText(w io.Writer, reg []*dto.MetricFamily, built []textFamily) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for len(reg) > 0 || len(built) > 0 {
		if len(built) == 0 || len(reg) > 0 && reg[0].GetName() <= built[0].spec.name {
			if _, err := expfmt.MetricFamilyToText(bw, reg[0]); err != nil {
				return err
			}
			reg = reg[1:]
			continue
		}
		f := built[0]
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s gauge\n", f.spec.name, helpEscaper.Replace(f.spec.help), f.spec.name)
		for _, c := range f.chunks {
			if _, err := bw.Write(c); err != nil {
				return err
			}
		}
		built = built[1:]
	}
	return bw.Flush()
}

// serveMetrics answers /metrics: in the text format with the schedules'
// samples written straight into lines; any other format (protobuf) through
// promhttp and the families gather builds.
func (e *Exporter) serveMetrics(w http.ResponseWriter, r *http.Request) {
	format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultAcceptedFormats()...)
	if format.FormatType() != expfmt.TypeTextPlain {
		e.metricsDTO.ServeHTTP(w, r)
		return
	}
	reg, err := e.registry.Gather()
	if err != nil {
		http.Error(w, "An error has occurred while gathering metrics:\n\n"+err.Error(), http.StatusInternalServerError)
		return
	}
	b := newTextBuilder(e.schedDescs)
	e.emitSchedules(b)
	h := w.Header()
	h.Add("Vary", "Accept")
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", string(format))
	out := io.Writer(w)
	if acceptsGzip(r.Header) {
		h.Set("Content-Encoding", "gzip")
		gz := gzipPool.Get().(*gzip.Writer)
		gz.Reset(w)
		defer func() { _ = gz.Close(); gzipPool.Put(gz) }()
		out = gz
	}
	built := b.families()
	if names := r.URL.Query()["name[]"]; len(names) > 0 { // promhttp's filter
		reg = slices.DeleteFunc(reg, func(mf *dto.MetricFamily) bool { return !slices.Contains(names, mf.GetName()) })
		built = slices.DeleteFunc(built, func(f textFamily) bool { return !slices.Contains(names, f.spec.name) })
	}
	_ = writeText(out, reg, built) // an error is the client gone
}

// gzipPool holds gzip writers at BestSpeed: a fleet's 4 MB exposition
// shrinks about tenfold at a fraction of the default level's CPU.
var gzipPool = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return gz
}}

// acceptsGzip reports whether Accept-Encoding offers gzip with a quality
// above zero: by name, or else through "*".
func acceptsGzip(h http.Header) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, v := range h.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				if k, val, ok := strings.Cut(p, "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip":
				gzipQ = q
			case "*":
				anyQ = q
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}
