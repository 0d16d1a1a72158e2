package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

const htmlHostile = `<script>alert(1)</script>`

// TestHTMLEscapesNetworkStrings puts a script tag in every string that
// comes from the network or the user (certificate subject and issuer,
// hostnames, an HTTP header, DNS answers and resolver names, a profile's
// room name, the verdict) and checks that the page holds no script element
// and shows each one as text.
func TestHTMLEscapesNetworkStrings(t *testing.T) {
	h := htmlHostile
	js, _ := json.Marshal(h)
	q := string(js)
	rs := []report.Result{
		{ID: "path/10.0.0.9:9090", Check: "path", Target: h + " (10.0.0.9:9090)", Status: report.StatusFail, Observed: "dropped", Layer: vocab.LayerNetwork,
			Detail: htmlDetail(t, `{"address":"10.0.0.9","port":9090,"name":`+q+`,"route":{"interface":`+q+`,"source":"10.0.0.2"},"hops":[{"ttl":1,"address":`+q+`,"rtt_ms":1,"reply":"time_exceeded"},{"ttl":2,"address":null,"reply":"none"}]}`)},
		{ID: "dns/" + h + "/A@" + h, Check: "dns", Target: h, Status: report.StatusFail, Observed: "bogon", Layer: vocab.LayerDNS,
			Detail: htmlDetail(t, `{"answers":[{"name":"x.","type":"A","data":`+q+`}]}`)},
		{ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail, Observed: "intercepted", Layer: vocab.LayerTLS,
			Detail: htmlDetail(t, `{"sni":`+q+`,"issuer":`+q+`,"vendor":`+q+`,"chain":[{"subject":`+q+`,"issuer":`+q+`,"dns_names":[`+q+`]}]}`)},
		{ID: "proxy/zoom.us:443", Check: "proxy", Target: "zoom.us:443", Status: report.StatusWarn, Observed: "via_proxy", Layer: vocab.LayerProxy, Hint: h,
			Detail: htmlDetail(t, `{"answer":{"server":`+q+`,"via":`+q+`}}`)},
		{ID: "media/" + h, Check: "media", Target: h, Status: report.StatusFail, Observed: "bad", Layer: vocab.Layer(h),
			Detail: htmlDetail(t, `{"crossed":[{"metric":`+q+`,"value":3,"limit":1,"window":`+q+`}],"windows":[{"start_ms":0,"loss_pct":1},{"start_ms":1000,"loss_pct":2}]}`)},
	}
	var buf bytes.Buffer
	enc, _ := report.NewEncoder("html", &buf, report.EncoderOptions{})
	v := sampleVantage()
	v.Resolvers = []string{h}
	v.Proxy = map[string]string{"HTTPS_PROXY": h}
	w := report.NewWriter(h, h, v, enc, report.Options{Now: fixedClock(), Hostname: h, Command: []string{h}})
	for i, r := range rs {
		w.Add(i, r)
	}
	w.SetVerdict(&report.Verdict{Status: report.StatusFail, Layer: vocab.LayerTLS, Message: h, NextSteps: []string{h}})
	if _, err := w.Finish(false); err != nil {
		t.Fatal(err)
	}
	doc := htmlCheckDocument(t, buf.Bytes())
	shown := 0
	htmlWalk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" {
			t.Errorf("a <script> element reached the page (parent <%s>)", n.Parent.Data)
		}
		if n.Type == html.TextNode && strings.Contains(n.Data, h) {
			shown++
		}
	})
	// verdict, next step, title, header, hostile target in heads, DNS
	// grid, chain, hops, SVG text and evidence: many places; at least the
	// ten kinds of source above must each have shown up as text.
	if shown < 10 {
		t.Errorf("the hostile string shows as text %d times, want at least 10", shown)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Errorf("the raw tag appears unescaped:\n%s", htmlAround(buf.Bytes(), "<script"))
	}
}

func htmlAround(b []byte, s string) string {
	i := bytes.Index(b, []byte(s))
	lo, hi := max(0, i-200), min(len(b), i+200)
	return string(b[lo:hi])
}

// TestHTMLSweepKeepsWhatItRenders feeds a sweep much larger than the page
// lists and checks the page: counts per state for every result, the first
// failures by id, and how many more were left off.
func TestHTMLSweepKeepsWhatItRenders(t *testing.T) {
	rs := htmlSweepResults(5000)
	got := htmlRender(t, "portcheck", rs, nil, false)
	doc := htmlCheckDocument(t, got)
	text := htmlText(doc)
	for _, want := range []string{"Sweep: 5000 results by state", "tcp filtered (no_response)", "1250", "And 2400 more not listed here"} {
		if !strings.Contains(text, want) {
			t.Errorf("sweep page lacks %q", want)
		}
	}
	_, list, _ := strings.Cut(string(got), `class="failures"`)
	if n := strings.Count(list, `<tr><td><span class="st st-fail">`); n != 100 {
		t.Errorf("sweep page lists %d results, want the 100 lowest ids", n)
	}
	if !strings.Contains(text, "10.0.0.1:9090") || strings.Contains(text, "10.0.19.") {
		t.Error("the failures listed are not the lowest ids")
	}
}

func TestHTMLFormatListed(t *testing.T) {
	found := false
	for _, f := range report.Formats {
		found = found || f == "html"
	}
	if !found {
		t.Errorf("Formats = %v, want html listed", report.Formats)
	}
}

// TestHTMLFromFinishedReport renders a report handed over whole (Begin,
// then End with its results), as the triage bundle does.
func TestHTMLFromFinishedReport(t *testing.T) {
	rep := report.Report{Schema: report.Schema, Tool: "roompath triage", Vantage: report.Vantage{Hostname: "h"},
		Results: htmlTriageResults(t), Verdict: htmlTriageVerdict}
	var buf bytes.Buffer
	enc, _ := report.NewEncoder("html", &buf, report.EncoderOptions{})
	if err := enc.Begin(&rep); err != nil {
		t.Fatal(err)
	}
	if err := enc.End(&rep); err != nil {
		t.Fatal(err)
	}
	text := htmlText(htmlCheckDocument(t, buf.Bytes()))
	for _, want := range []string{htmlTriageVerdict.Message, "hop 2  10.98.2.2", "CN=FortiGate CA,O=Fortinet", "Loss per second (%)"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
