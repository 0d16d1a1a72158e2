package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"golang.org/x/net/html"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// FuzzHTMLDetail renders a result of each check with an arbitrary detail
// (the JSON a hostile or broken producer, or a hand-edited report, could
// hold) and requires a page that parses, with no script element and no
// panic.
func FuzzHTMLDetail(f *testing.F) {
	seeds := []string{
		`{"address":"10.98.3.11","port":9090,"route":{"interface":"to-r1","source":"10.98.1.2","gateway":"10.98.1.1"},"gateway":{"address":"10.98.1.1","reachable":true},` +
			`"hops":[{"ttl":1,"address":"10.98.1.1","rtt_ms":1.3,"reply":"time_exceeded"},{"ttl":2,"address":null,"reply":"none"},{"ttl":3,"address":"10.98.2.2","reply":"unreachable","unreachable":"admin_prohibited","icmp":{"type":3,"code":13}}],"reject_hop":1}`,
		`{"address":"fd00::1","port":9090,"hops":[{"ttl":1,"address":"fd00::9","reply":"rst"}],"reset_hop":-7,"syn_ack":{"hop":99}}`,
		`{"address":"10.0.0.1","port":70000,"hops":[{"ttl":-1,"reply":"local_error","local":true},{"ttl":0,"reply":"none"}],"proxy_arp":{"same_mac":true,"gateway":"<script>"}}`,
		`{"answers":[{"type":"A","data":"<script>alert(1)</script>"}],"egress":["</title><script>"]}`,
		`{"chain":[{"subject":"<script>alert(1)</script>","issuer":"CN=\u0000","not_after":"2026-01-01T00:00:00Z"}],"vendor":"<img src=x onerror=alert(1)>"}`,
		`{"windows":[{"start_ms":-5,"loss_pct":1e308},{"start_ms":0,"loss_pct":-3,"jitter_up_ms":null}],"crossed":[{"metric":"loss_pct","limit":1e308}]}`,
		`{"windows":[{"start_ms":0}]}`,
		`{"a":[[[[[[1]]]]]],"b":{"c":{"d":"` + "\xff\xfe" + `"}}}`,
		`null`, `[]`, `"x"`, `{}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(0))
	}
	checks := []string{"path", "dns", "tls", "media", "proxy", "tcp"}
	f.Fuzz(func(t *testing.T, detail []byte, which uint8) {
		var d any
		if json.Unmarshal(detail, &d) != nil {
			return
		}
		check := checks[int(which)%len(checks)]
		r := report.Result{ID: check + "/fuzz@x", Check: vocab.Check(check), Target: "fuzz", Status: report.StatusFail,
			Observed: "dropped", Layer: "network", Detail: d}
		var buf bytes.Buffer
		enc, _ := report.NewEncoder("html", &buf, report.EncoderOptions{})
		rep := report.Report{Tool: "fuzz", Results: []report.Result{r}}
		if err := enc.Begin(&rep); err != nil {
			t.Fatal(err)
		}
		if err := enc.End(&rep); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(&buf)
		if err != nil {
			t.Fatal(err)
		}
		htmlWalk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "img") {
				t.Fatalf("a <%s> element from detail %q", n.Data, detail)
			}
		})
	})
}
