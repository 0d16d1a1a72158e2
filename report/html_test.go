package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// htmlDetail decodes a detail fixture as a report read back from JSON
// holds it (a map), the shape the HTML encoder reads every detail in.
func htmlDetail(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("fixture: %v\n%s", err, s)
	}
	return v
}

const htmlHops = `[{"ttl":1,"address":"10.98.1.1","rtt_ms":1.3,"reply":"time_exceeded","icmp":{"v6":false,"type":11,"code":0}},
{"ttl":2,"address":"10.98.2.2","rtt_ms":1.1,"reply":"time_exceeded","icmp":{"v6":false,"type":11,"code":0}}`

const htmlRoute = `"route":{"destination":"10.98.3.11","interface":"to-r1","interface_kind":"veth","source":"10.98.1.2","gateway":"10.98.1.1","on_link":false,"type":"unicast"},
"gateway":{"address":"10.98.1.1","reachable":true,"state":"reachable","via":"route"}`

// htmlTriageResults is a triage of a dual-stack room: dropped over IPv4
// after hop 2, forged resets over IPv6, with DNS, TLS, proxy and media
// results beside it.
func htmlTriageResults(t *testing.T) []report.Result {
	dropped := `{"address":"10.98.3.11","port":9090,"name":"room-101","mode":"raw",` + htmlRoute + `,"hops":` + htmlHops +
		`,{"ttl":3,"address":null,"rtt_ms":null,"reply":"none"},{"ttl":4,"address":null,"rtt_ms":null,"reply":"none"}],
"max_hops":4,"reach_ttl":null,"last_hop":"10.98.2.2","last_hop_ttl":2,"reset_hop":null,"last_hop_is_room_gateway":true}`
	forged := `{"address":"fd00:98:3::13","port":9090,"name":"room-101","mode":"raw",` + strings.ReplaceAll(htmlRoute, "10.98.1.1", "fe80::1") + `,"hops":[{"ttl":1,"address":"fd00:98:1::1","rtt_ms":1.2,"reply":"time_exceeded"},
{"ttl":2,"address":null,"rtt_ms":null,"reply":"none"},{"ttl":3,"address":"fd00:98:3::13","rtt_ms":1.7,"reply":"rst"}],
"max_hops":30,"reach_ttl":3,"last_hop":"fd00:98:3::13","last_hop_ttl":3,"reset_hop":2,"silent_hops":[2],"reset":{"ttl":63,"initial_ttl":64,"hop":2}}`
	tls := `{"sni":"zoom.us","via":"DIRECT","addr":"170.114.52.2:443","roots":"bundled","tls_version":"TLS 1.3","cipher":"TLS_AES_128_GCM_SHA256",
"issuer":"CN=FortiGate CA,O=Fortinet","system_trusts":false,"vendor":"Fortinet","chain":[{"subject":"CN=zoom.us","issuer":"CN=FortiGate CA,O=Fortinet",
"not_before":"2026-11-01T00:00:00Z","not_after":"2027-11-01T00:00:00Z","dns_names":["zoom.us","*.zoom.us"],"sha256":"6f2c4f71","is_ca":false}]}`
	media := `{"sent":500,"received":480,"loss_pct":4,"burst_loss_max_pct":20,"jitter_up_ms":6.5,"jitter_down_ms":2.1,"rtt_ms":{"p50":21,"p95":40,"max":88},
"thresholds":"zoom","crossed":[{"metric":"loss_pct","value":4,"limit":1,"window":"10s"}],"windows":[
{"start_ms":0,"sent":50,"received":50,"loss_pct":0,"jitter_up_ms":1.1,"jitter_down_ms":0.8,"rtt_p50_ms":20},
{"start_ms":1000,"sent":50,"received":40,"loss_pct":20,"jitter_up_ms":14,"jitter_down_ms":3,"rtt_p50_ms":25},
{"start_ms":2000,"sent":50,"received":49,"loss_pct":2,"jitter_up_ms":4.5,"jitter_down_ms":2.5,"rtt_p50_ms":21}]}`
	fail := report.Str(vocab.FailureTimeout)
	return []report.Result{
		{ID: "path/10.98.3.11:9090", Check: "path", Target: "room-101 (10.98.3.11:9090)", Status: report.StatusFail, Expect: "reached", Observed: "dropped",
			Reason: "no_response", Failure: fail, Layer: vocab.LayerNetwork, DurationMS: 1500, Detail: htmlDetail(t, dropped),
			Hint: "TCP 9090 toward 10.98.3.11 dies silently after hop 2 (10.98.2.2), the room's last router."},
		{ID: "path/fd00:98:3::13:9090", Check: "path", Target: "room-101 ([fd00:98:3::13]:9090)", Status: report.StatusFail, Expect: "reached",
			Observed: "reset_by_middlebox", Reason: "forged_reset", ReportedBy: "fd00:98:3::13", Layer: vocab.LayerNetwork, DurationMS: 3, RTTMS: report.Float(1.7),
			Detail: htmlDetail(t, forged)},
		{ID: "tcp/10.98.3.11:443", Check: "tcp", Target: "10.98.3.11:443", Status: report.StatusPass, Expect: "answer", Observed: "open", Reason: "syn_ack",
			ReportedBy: "10.98.3.11", Layer: vocab.LayerTransport, DurationMS: 2.9, RTTMS: report.Float(2.45)},
		{ID: "dns/zoom.us/A@10.0.0.53", Check: "dns", Target: "zoom.us", Status: report.StatusPass, Observed: "ok", ReportedBy: "10.0.0.53", Layer: vocab.LayerDNS,
			Detail: htmlDetail(t, `{"role":"system","qname":"zoom.us.","type":"A","answers":[{"name":"zoom.us.","type":"A","ttl":300,"data":"170.114.52.2"}]}`)},
		{ID: "dns/zoom.us/A@10.0.0.54", Check: "dns", Target: "zoom.us", Status: report.StatusFail, Observed: "bogon", Reason: "unspecified", ReportedBy: "10.0.0.54",
			Layer: vocab.LayerDNS, Detail: htmlDetail(t, `{"role":"system","qname":"zoom.us.","type":"A","answers":[{"name":"zoom.us.","type":"A","ttl":60,"data":"0.0.0.0"}]}`)},
		{ID: "dns/zoomstatus.com/A@10.0.0.53", Check: "dns", Target: "zoomstatus.com", Status: report.StatusPass, Observed: "ok", ReportedBy: "10.0.0.53", Layer: vocab.LayerDNS},
		{ID: "proxy/zoom.us:443", Check: "proxy", Target: "zoom.us:443", Status: report.StatusWarn, Observed: "via_proxy", Reason: "connect_granted", Layer: vocab.LayerProxy,
			Detail: htmlDetail(t, `{"url":"https://zoom.us/","proxy":{"via":"PROXY http://room:secret@10.0.0.8:3128","ok":true},"answer":{"status":200,"server":"squid","via":"1.1 fakeproxy"}}`)},
		{ID: "tls/zoom.us:443", Check: "tls", Target: "zoom.us:443", Status: report.StatusFail, Observed: "intercepted", Reason: "unknown_issuer", Layer: vocab.LayerTLS,
			Detail: htmlDetail(t, tls), Hint: "The chain was re-signed by CN=FortiGate CA,O=Fortinet: TLS inspection."},
		{ID: "media/203.0.113.9:8801", Check: "media", Target: "203.0.113.9:8801", Status: report.StatusFail, Observed: "bad", Layer: "media", Detail: htmlDetail(t, media)},
	}
}

// htmlRender runs results through a Writer with the HTML encoder, clock
// and hostname pinned, adding them out of order.
func htmlRender(t *testing.T, tool string, rs []report.Result, v *report.Verdict, interrupted bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := report.NewEncoder("html", &buf, report.EncoderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w := report.NewWriter(tool, "0.1.0", sampleVantage(), enc, report.Options{
		Now: fixedClock(), Hostname: "controller-lab", Command: []string{tool, "--proxy", "http://admin:pw@10.0.0.8:3128", "room-101"}})
	for i := len(rs) - 1; i >= 0; i-- {
		w.Add(i, rs[i])
	}
	w.SetVerdict(v)
	if _, err := w.Finish(interrupted); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Results()); n != 0 {
		t.Errorf("the Writer kept %d results for -o html; the encoder keeps what it renders", n)
	}
	return buf.Bytes()
}

var htmlTriageVerdict = &report.Verdict{Status: report.StatusFail, Layer: vocab.LayerNetwork,
	Message:   "room-101 does not work over IPv4 (10.98.3.11) nor IPv6 (fd00:98:3::13): TCP 9090 is dropped after 10.98.2.2 (hop 2).",
	NextSteps: []string{"Check the room computer's inbound firewall rules for Zoom Rooms, TCP 9090."}}

func TestHTMLGolden(t *testing.T) {
	tests := []struct {
		name string
		got  func(t *testing.T) []byte
	}{
		{"html-portcheck", func(t *testing.T) []byte { return htmlRender(t, "portcheck", sampleResults(), nil, false) }},
		{"html-triage", func(t *testing.T) []byte {
			return htmlRender(t, "roompath triage", htmlTriageResults(t), htmlTriageVerdict, false)
		}},
		{"html-interrupted", func(t *testing.T) []byte { return htmlRender(t, "portcheck", sampleResults()[:2], nil, true) }},
		{"html-sweep", func(t *testing.T) []byte { return htmlRender(t, "portcheck", htmlSweepResults(600), nil, false) }},
		{"html-diff", func(t *testing.T) []byte { return htmlDiff(t) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.got(t)
			htmlCheckDocument(t, got)
			// Every page inlines the one stylesheet; the goldens hold the
			// page around it, not five copies of it.
			if n := bytes.Count(got, []byte(report.HTMLCSS)); n != 1 {
				t.Fatalf("the stylesheet is inlined %d times, want once", n)
			}
			got = bytes.Replace(got, []byte(report.HTMLCSS), []byte("/* report/html_css.go */"), 1)
			path := filepath.Join("testdata", tt.name+".html")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -run TestHTMLGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s changed (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

// htmlCheckDocument parses a page back and holds it to what every page
// must be: one document, a verdict sentence first, no script, no external
// resource, no credentials.
func htmlCheckDocument(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var elems []string
	htmlWalk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		elems = append(elems, n.Data)
		switch n.Data {
		case "script", "iframe", "object", "embed", "link", "img":
			t.Errorf("page holds a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || ((a.Key == "href" || a.Key == "src") && !strings.HasPrefix(a.Val, "#")) {
				t.Errorf("<%s %s=%q>: scripts and external resources are not allowed", n.Data, a.Key, a.Val)
			}
		}
	})
	if v := htmlByID(doc, "verdict-sentence"); v == nil || strings.TrimSpace(htmlText(v)) == "" {
		t.Error("no verdict sentence")
	}
	if i := slices.Index(elems, "section"); i < 0 || htmlByID(doc, "verdict") == nil {
		t.Error("no verdict section")
	}
	if bytes.Contains(b, []byte("admin:pw")) || bytes.Contains(b, []byte("room:secret")) {
		t.Error("a credential reached the page")
	}
	return doc
}

func htmlWalk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		htmlWalk(c, f)
	}
}

func htmlByID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	htmlWalk(doc, func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id && found == nil {
				found = n
			}
		}
	})
	return found
}

func htmlText(n *html.Node) string {
	var b strings.Builder
	htmlWalk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func htmlSweepResults(n int) []report.Result {
	out := make([]report.Result, 0, n)
	for i := range n {
		r := report.Result{ID: fmt.Sprintf("tcp/10.0.%d.%d:9090", i/256, i%256), Check: "tcp", Target: fmt.Sprintf("10.0.%d.%d:9090", i/256, i%256),
			Status: report.StatusPass, Expect: "open", Observed: "open", Reason: "syn_ack", Layer: vocab.LayerTransport, DurationMS: 1}
		switch i % 4 {
		case 1:
			r.Status, r.Observed, r.Reason, r.Hint = report.StatusFail, "filtered", "no_response", "Nothing answered the SYN."
		case 2:
			r.Status, r.Observed, r.Reason = report.StatusFail, "closed", "conn_refused"
		}
		out = append(out, r)
	}
	return out
}

func htmlDiff(t *testing.T) []byte {
	a := report.Report{Tool: "portcheck", Vantage: report.Vantage{Hostname: "wifi"}, Results: sampleResults()[:3]}
	b := report.Report{Tool: "portcheck", Vantage: report.Vantage{Hostname: "wired"}, Results: append([]report.Result{}, sampleResults()[1:]...)}
	b.Results[0].Status, b.Results[0].Observed, b.Results[0].Reason = report.StatusPass, "open", "syn_ack"
	d := report.Compare(a, b)
	d.A.File, d.B.File = "before.json", "after.json"
	var buf bytes.Buffer
	if err := report.WriteDiffHTML(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
