package exporter

import (
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// statuses are the values of probe_results' status label, all always
// present so that series do not come and go.
var statuses = []report.Status{report.StatusPass, report.StatusFail, report.StatusWarn, report.StatusSkip, report.StatusError}

// phaseOf names the phase a check's RTT measures, for
// probe_<check>_duration_seconds{phase}.
var phaseOf = map[vocab.Check]string{vocab.CheckTCP: "connect", vocab.CheckDNS: "request", vocab.CheckTLS: "handshake"}

// descs are the descriptors of one probe's metrics; extra label names are
// appended to every metric (the schedules' schedule, module and target).
type descs struct {
	extra                              []string
	success, duration, lookup, ipProto *prometheus.Desc
	results, failure                   *prometheus.Desc
	tcpPhase, dnsPhase, tlsPhase       *prometheus.Desc
	certExpiry, tlsVersion             *prometheus.Desc
	statusComponents, statusIncidents  *prometheus.Desc
	pathHops, pathLastHop              *prometheus.Desc
	media                              mediaDescs
	phaseDescs                         map[vocab.Check]*prometheus.Desc
	// specs are each descriptor's family name, help and label names.
	specs map[*prometheus.Desc]*famSpec
}

func newDescs(extra ...string) *descs {
	d := &descs{extra: extra, specs: map[*prometheus.Desc]*famSpec{}}
	mk := func(name, help string, labels ...string) *prometheus.Desc {
		names := append(labels, extra...)
		desc := prometheus.NewDesc(name, help, names, nil)
		d.specs[desc] = newFamSpec(name, help, names)
		return desc
	}
	d.success = mk("probe_success", "1 when no check failed or could not run (pass, warn and skip count as success).")
	d.duration = mk("probe_duration_seconds", "How long the probe took, in seconds.")
	d.lookup = mk("probe_dns_lookup_time_seconds", "How long resolving the target's name took, in seconds.")
	d.ipProto = mk("probe_ip_protocol", "The IP version of the probed address: 4 or 6.")
	d.results = mk("probe_results", "Results of the probe by status.", "status")
	d.failure = mk("probe_failure_info", "One series per distinct non-passing result: its check, observed state, reason and failure, from roompath's closed vocabularies.", "check", "observed", "reason", "failure")
	d.tcpPhase = mk("probe_tcp_duration_seconds", "TCP connect round trip (SYN to SYN-ACK or RST), the slowest address's, in seconds.", "phase")
	d.dnsPhase = mk("probe_dns_duration_seconds", "DNS query round trip, the slowest query's, in seconds.", "phase")
	d.tlsPhase = mk("probe_tls_duration_seconds", "TLS handshake time, in seconds.", "phase")
	d.certExpiry = mk("probe_ssl_earliest_cert_expiry", "Earliest expiry of the presented chain, in Unix seconds.")
	d.tlsVersion = mk("probe_tls_version_info", "The negotiated TLS version.", "version")
	d.statusComponents = mk("probe_statuspage_components_affected", "Components the status page lists as not operational (group entries skipped).")
	d.statusIncidents = mk("probe_statuspage_incidents", "Unresolved incidents on the status page.")
	d.pathHops = mk("probe_path_hops", "Hops to the room when it answered, else to the last hop that answered.")
	d.pathLastHop = mk("probe_path_last_hop_info", "The last address that answered the trace and its TTL (the room itself when reached).", "address", "ttl")
	d.media = newMediaDescs(mk)
	d.phaseDescs = map[vocab.Check]*prometheus.Desc{vocab.CheckTCP: d.tcpPhase, vocab.CheckDNS: d.dnsPhase, vocab.CheckTLS: d.tlsPhase}
	return d
}

// describe sends every descriptor.
func (d *descs) describe(ch chan<- *prometheus.Desc) {
	for _, x := range []*prometheus.Desc{d.success, d.duration, d.lookup, d.ipProto, d.results, d.failure,
		d.tcpPhase, d.dnsPhase, d.tlsPhase, d.certExpiry, d.tlsVersion, d.statusComponents, d.statusIncidents, d.pathHops, d.pathLastHop} {
		ch <- x
	}
	for _, x := range d.media.all() {
		ch <- x
	}
}

// sink takes gauges with their label values in the descriptor's order,
// the extra ones last: familyBuilder (exposition families), textBuilder
// (text lines).
type sink interface {
	send(d *prometheus.Desc, v float64, labels, extra []string)
}

// labelValue is the i-th of labels followed by extra.
func labelValue(labels, extra []string, i int) string {
	if i < len(labels) {
		return labels[i]
	}
	return extra[i-len(labels)]
}

// emitter sends one probe's gauges, with the extra label values appended:
// to s when set (/probe and the schedules, see gather.go and text.go),
// else as const metrics on ch (the registry way, which the tests hold the
// other ways to).
type emitter struct {
	ch    chan<- prometheus.Metric
	s     sink
	extra []string
}

func (e emitter) gauge(d *prometheus.Desc, v float64, labels ...string) {
	if e.s != nil {
		e.s.send(d, v, labels, e.extra)
		return
	}
	e.ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append(labels, e.extra...)...)
}

// emit sends the metrics of one probe to e.
func (d *descs) emit(e emitter, out Outcome, took time.Duration) {
	e.gauge(d.success, boolFloat(succeeded(out.Results)))
	e.gauge(d.duration, took.Seconds())
	if out.Lookup != nil {
		e.gauge(d.lookup, out.Lookup.Seconds())
	}
	d.collectResults(e, out.Results)
	d.collectPhases(e, out.Results)
	collectTCP(d, e, out.Results)
	collectTLS(d, e, out.Results)
	collectStatus(d, e, out.Results)
	collectPath(d, e, out.Results)
	collectMedia(d, e, out.Results)
}

func (d *descs) collectResults(e emitter, rs []report.Result) {
	var sum report.Summary
	type key struct{ check, observed, reason, failure string }
	seen := map[key]bool{}
	var keys []key
	for _, r := range rs {
		sum.Add(r.Status)
		k := key{Label(r.Check), Label(r.Observed), Label(r.Reason), FailureLabel(r.Failure)}
		if r.Status != report.StatusPass && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	counts := map[report.Status]int{report.StatusPass: sum.Pass, report.StatusFail: sum.Fail, report.StatusWarn: sum.Warn, report.StatusSkip: sum.Skip, report.StatusError: sum.Error}
	for _, st := range statuses {
		e.gauge(d.results, float64(counts[st]), string(st))
	}
	for _, k := range keys {
		e.gauge(d.failure, 1, k.check, k.observed, k.reason, k.failure)
	}
}

// collectPhases sends the slowest round trip of each check that has one.
func (d *descs) collectPhases(e emitter, rs []report.Result) {
	worst := map[vocab.Check]float64{}
	for _, r := range rs {
		if r.RTTMS != nil && phaseOf[r.Check] != "" {
			worst[r.Check] = max(worst[r.Check], *r.RTTMS/1000)
		}
	}
	checks := make([]vocab.Check, 0, len(worst))
	for c := range worst {
		checks = append(checks, c)
	}
	slices.Sort(checks)
	for _, c := range checks {
		e.gauge(d.phaseDescs[c], worst[c], phaseOf[c])
	}
}

// succeeded: at least one result, none failed or could not run.
func succeeded(rs []report.Result) bool {
	for _, r := range rs {
		if r.Status == report.StatusFail || r.Status == report.StatusError {
			return false
		}
	}
	return len(rs) > 0
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// maxLabelLen bounds a vocabulary label value.
const maxLabelLen = 64

// Label returns s when it is a vocabulary word (lower-case letters, digits
// and underscores, at most 64), else "other": label values stay within the
// closed vocabularies whatever a probe reports.
func Label[T ~string](v T) string {
	s := string(v)
	if len(s) > maxLabelLen || strings.TrimLeft(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return "other"
	}
	return s
}

// FailureLabel maps a failure string to its label: "" for none,
// "unknown_failure" for any "unknown_failure: <text>", else Label.
func FailureLabel(f *vocab.Failure) string {
	switch {
	case f == nil:
		return ""
	case strings.HasPrefix(string(*f), vocab.UnknownPrefix), string(*f) == strings.TrimSuffix(vocab.UnknownPrefix, ": "):
		return "unknown_failure"
	}
	return Label(*f)
}

// resultsOf returns the results of one check, in order.
func resultsOf(rs []report.Result, check vocab.Check) []report.Result {
	var out []report.Result
	for _, r := range rs {
		if r.Check == check {
			out = append(out, r)
		}
	}
	return out
}
