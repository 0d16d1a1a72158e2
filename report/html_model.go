package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/roompath/roompath/probe/vocab"
)

// htmlBadge is a status as text, an icon and a shape class: status is
// never shown by colour alone.
type htmlBadge struct {
	Class, Icon, Word string
}

func badge(s Status) htmlBadge {
	icon := map[Status]string{StatusPass: "✓", StatusFail: "✗", StatusWarn: "!", StatusSkip: "–", StatusError: "⚠"}[s]
	if icon == "" {
		icon, s = "?", StatusError
	}
	return htmlBadge{Class: "st-" + string(s), Icon: icon, Word: strings.ToUpper(string(s))}
}

// htmlPage is everything the page template shows.
type htmlPage struct {
	Title       string
	Head        htmlHead
	Verdict     htmlVerdict
	Summary     Summary
	Interrupted bool
	Paths       []svgDiagram
	Sections    []htmlSection
	Sweep       *htmlSweep
}

// htmlHead is the run's provenance.
type htmlHead struct {
	Tool, Version, Started, Duration, Host, OS string
	Command                                    string
	Privileged                                 bool
	Limits, Resolvers                          []string
	Interfaces                                 []string
	Proxy                                      []htmlKV
}

// htmlVerdict is the first thing on the page: one sentence.
type htmlVerdict struct {
	Badge     htmlBadge
	Layer     string
	Sentence  string
	NextSteps []string
}

// htmlKV is one row of evidence.
type htmlKV struct{ Key, Value string }

// htmlSection is one layer of the decision path.
type htmlSection struct {
	Anchor, Title string
	Badge         htmlBadge
	Counts        Summary
	Results       []htmlResult
	DNS           *dnsGrid
	TLS           []tlsChain
	Media         []mediaView
}

// htmlResult is one result with its evidence.
type htmlResult struct {
	Badge                               htmlBadge
	ID, Check, Target, Observed, Reason string
	ReportedBy, Failure, RTT, Duration  string
	Hint                                string
	Attempts                            int
	Evidence                            []htmlKV
	Hops                                []hopRow
	Open                                bool
}

var layerTitles = map[vocab.Layer]string{
	vocab.LayerCloud: "Zoom cloud status", vocab.LayerLocal: "This host", vocab.LayerNetwork: "Network path",
	vocab.LayerTransport: "Transport: TCP to the room", vocab.LayerDNS: "DNS", vocab.LayerProxy: "Proxy",
	vocab.LayerTLS: "TLS", "media": "Media (UDP)",
}

func layerTitle(l vocab.Layer) string {
	if t, ok := layerTitles[l]; ok {
		return t
	}
	if l == "" {
		return "Other checks"
	}
	return strings.ToUpper(string(l[:1])) + string(l[1:])
}

// layerOrder is the decision order, then any layer vocab does not list
// (sorted), then results without a layer.
func layerOrder(seen map[vocab.Layer]*Summary) []vocab.Layer {
	var out []vocab.Layer
	known := map[vocab.Layer]bool{}
	for _, l := range vocab.Layers() {
		known[l] = true
		if seen[l] != nil {
			out = append(out, l)
		}
	}
	var extra []vocab.Layer
	for l := range seen {
		if !known[l] && l != "" {
			extra = append(extra, l)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	out = append(out, extra...)
	if seen[""] != nil {
		out = append(out, "")
	}
	return out
}

// worst is the status a section shows: fail, error, warn, pass, skip.
func worst(s Summary) Status {
	switch {
	case s.Fail > 0:
		return StatusFail
	case s.Error > 0:
		return StatusError
	case s.Warn > 0:
		return StatusWarn
	case s.Pass > 0:
		return StatusPass
	}
	return StatusSkip
}

// buildPage turns the envelope and what the encoder kept into the page.
func buildPage(r *Report, a *htmlAcc) htmlPage {
	p := htmlPage{Head: buildHead(r), Summary: r.Summary, Interrupted: r.Interrupted}
	if p.Summary.Total == 0 && a.total > 0 {
		for k, n := range a.counts {
			for range n {
				p.Summary.Add(k.Status)
			}
		}
	}
	sortResults(a.full)
	p.Verdict = buildVerdict(r, p.Summary, a)
	p.Title = fmt.Sprintf("%s: %s — %s", r.Tool, p.Verdict.Badge.Word, firstTarget(a))
	if a.sweep {
		p.Sweep = buildSweep(a)
		return p
	}
	p.Paths = pathDiagrams(a.full)
	for _, l := range layerOrder(a.layers) {
		p.Sections = append(p.Sections, buildSection(l, a.layers[l], a.full))
	}
	return p
}

// sortResults orders results by layer in decision order, then by id.
func sortResults(rs []Result) {
	rank := map[vocab.Layer]int{}
	for i, l := range vocab.Layers() {
		rank[l] = i + 1
	}
	sort.SliceStable(rs, func(i, j int) bool {
		ri, rj := rank[rs[i].Layer], rank[rs[j].Layer]
		if ri != rj {
			return ri != 0 && (rj == 0 || ri < rj)
		}
		if rs[i].Layer != rs[j].Layer {
			return rs[i].Layer < rs[j].Layer
		}
		return naturalLess(rs[i].ID, rs[j].ID)
	})
}

func firstTarget(a *htmlAcc) string {
	if len(a.full) > 0 {
		return RedactText(a.full[0].Target)
	}
	if a.sweep {
		return fmt.Sprintf("%d results", a.total)
	}
	return "no results"
}

func buildHead(r *Report) htmlHead {
	h := htmlHead{Tool: r.Tool, Version: r.Version, Started: r.StartedAt.UTC().Format("2006-01-02 15:04:05Z"),
		Duration: fmt.Sprintf("%.0f ms", r.DurationMS), Host: r.Vantage.Hostname, OS: r.Vantage.OS,
		Command: strings.Join(RedactArgs(r.Command), " "), Privileged: r.Vantage.Privileged,
		Limits: r.Vantage.Limits, Resolvers: r.Vantage.Resolvers}
	if r.Vantage.Arch != "" {
		h.OS += "/" + r.Vantage.Arch
	}
	for _, i := range r.Vantage.Interfaces {
		state := "down"
		if i.Up {
			state = "up"
		}
		h.Interfaces = append(h.Interfaces, fmt.Sprintf("%s (%s, MTU %d) %s", i.Name, state, i.MTU, strings.Join(i.Addresses, " ")))
	}
	keys := make([]string, 0, len(r.Vantage.Proxy))
	for k := range r.Vantage.Proxy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h.Proxy = append(h.Proxy, htmlKV{k, RedactURL(r.Vantage.Proxy[k])})
	}
	return h
}
