package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTargetLabelsDisambiguate(t *testing.T) {
	rs := []Result{
		{ID: "dns/zoom.us/A@10.0.0.53", Check: "dns", Target: "zoom.us"},
		{ID: "dns/zoom.us/AAAA@10.0.0.53", Check: "dns", Target: "zoom.us"},
		{ID: "tcp/10.0.0.1:9090", Check: "tcp", Target: "10.0.0.1:9090"},
	}
	want := []string{"zoom.us/A@10.0.0.53", "zoom.us/AAAA@10.0.0.53", "10.0.0.1:9090"}
	if diff := cmp.Diff(want, targetLabels(rs)); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestHintsPrintedOnce(t *testing.T) {
	var buf bytes.Buffer
	enc := &textEncoder{w: &buf}
	rep := &Report{Tool: "dnscheck", Results: []Result{
		{ID: "dns/a/A@r", Check: "dns", Target: "a", Status: StatusFail, Hint: "sinkholed"},
		{ID: "dns/b/A@r", Check: "dns", Target: "b", Status: StatusFail, Hint: "sinkholed"},
		{ID: "dns/c/A@r", Check: "dns", Target: "c", Status: StatusFail, Hint: "other"},
	}}
	if err := enc.End(rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "sinkholed") != 1 || !strings.Contains(out, "» a, b: sinkholed") {
		t.Errorf("hints not grouped:\n%s", out)
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"tcp/10.0.0.1:9090":           "tcp/10.0.0.1:9090",
		"café ✓":                      "café ✓",
		"a\x1b[2Jb":                   `a\x1b[2Jb`,
		"up\rFAKE PASS\n":             `up\rFAKE PASS\n`,
		"tab\there":                   `tab\there`,
		"del\x7f c1\u009b bidi\u202e": `del\x7f c1\u009b bidi\u202e`,
		"bad \xff utf8":               `bad \xff utf8`,
		"real \uFFFD kept":            "real \uFFFD kept",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTextEscapesPeerText: ids, targets, observed states, reasons,
// reporters, hints, verdicts and limits come from peers and files; none may
// reach the terminal as a control sequence.
func TestTextEscapesPeerText(t *testing.T) {
	const evil = "x\x1b]0;owned\x07\r\x1b[2K"
	rep := &Report{Tool: "roompath triage", Vantage: Vantage{Hostname: "h" + evil, Limits: []string{"limit" + evil}},
		Verdict: &Verdict{Status: StatusFail, Message: "msg" + evil, NextSteps: []string{"step" + evil}},
		Results: []Result{
			{ID: "tcp/a" + evil, Check: "tcp", Target: "t" + evil, Status: StatusFail, Observed: "o" + evil, Reason: "r" + evil, ReportedBy: "b" + evil, Hint: "hint" + evil},
			{ID: "tcp/b" + evil, Check: "tcp", Target: "t" + evil, Status: StatusWarn, Hint: "hint2" + evil},
		}}
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		if err := (&textEncoder{w: &buf, color: color}).End(rep); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if color {
			for _, code := range []string{ansiReset, ansiRed, ansiGreen, ansiYellow, ansiDim, ansiBold} {
				out = strings.ReplaceAll(out, code, "")
			}
		}
		if strings.ContainsAny(out, "\x1b\r\x07") {
			t.Errorf("color=%v: raw control characters in text output:\n%q", color, out)
		}
		if !strings.Contains(out, `x\x1b]0;owned\a\r\x1b[2K`) {
			t.Errorf("color=%v: escaped text missing:\n%s", color, out)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"tcp/10.0.0.1:9090", "\x1b[2J\r\n", "\xff\xfe", "\u202e\u2066", "\uFFFD", "a\tb\x7f\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Escape(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if unsafeRune(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, out, r)
			}
		}
		if !needsEscape(s) && out != s {
			t.Fatalf("Escape changed clean text %q to %q", s, out)
		}
	})
}

// TestHintsGroupedAcrossAddresses: a sweep's hints that differ only in
// their row's own address are one line naming the first rows and how many
// more; identical hints of named targets still group; other hints stay.
func TestHintsGroupedAcrossAddresses(t *testing.T) {
	var rs []Result
	for i := 1; i <= 6; i++ {
		a := "10.0.0." + string(rune('0'+i))
		rs = append(rs, Result{ID: "tcp/" + a + ":9090", Check: "tcp", Target: a + ":9090", Status: StatusFail, Hint: "Nothing answered the SYN to " + a + " TCP 9090."})
	}
	rs = append(rs,
		Result{ID: "tcp/10.0.0.9:9090", Check: "tcp", Target: "10.0.0.9:9090", Status: StatusFail, Hint: "10.0.0.9 answered with a TCP reset."},
		Result{ID: "dns/a/A@r", Check: "dns", Target: "a", Status: StatusFail, Hint: "sinkholed at a resolver"},
		Result{ID: "dns/b/A@r", Check: "dns", Target: "b", Status: StatusFail, Hint: "sinkholed at a resolver"})
	var buf bytes.Buffer
	if err := (&textEncoder{w: &buf}).End(&Report{Tool: "portcheck", Results: rs}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"» 10.0.0.1:9090, 10.0.0.2:9090, 10.0.0.3:9090, 10.0.0.4:9090, 2 more (the hint names the first; the others differ only in their own address): Nothing answered the SYN to 10.0.0.1 TCP 9090.\n",
		"» 10.0.0.9:9090: 10.0.0.9 answered with a TCP reset.\n",
		"» a, b: sinkholed at a resolver\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "»"); n != 3 {
		t.Errorf("%d hint lines, want 3:\n%s", n, out)
	}
}
