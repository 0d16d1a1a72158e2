package diffcmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func rep(results ...report.Result) report.Report {
	return report.Report{Schema: report.Schema, Tool: "portcheck", StartedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		Vantage: report.Vantage{Hostname: "ctl"}, Results: results}
}

func res(id string, st report.Status, observed vocab.Observed, reason vocab.Reason) report.Result {
	return report.Result{ID: id, Check: "tcp", Target: id, Status: st, Observed: observed, Reason: reason}
}

func writeFile(t *testing.T, name string, v any, ndjson bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var buf bytes.Buffer
	if ndjson {
		r := v.(report.Report)
		for _, x := range r.Results {
			b, _ := json.Marshal(x)
			buf.Write(append(b, '\n'))
		}
		r.Results = nil
		b, _ := json.Marshal(r)
		buf.Write(b)
	} else {
		b, _ := json.Marshal(v)
		buf.Write(b)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMainCompares(t *testing.T) {
	a := writeFile(t, "a.json", rep(res("tcp/a:9090", "fail", "filtered", "no_response")), false)
	b := writeFile(t, "b.ndjson", rep(res("tcp/a:9090", "pass", "open", "syn_ack")), true)
	var out, errb bytes.Buffer
	if code := Main([]string{a, b}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "CHANGED  tcp/a:9090") || !strings.Contains(out.String(), "status fail → pass") {
		t.Errorf("text output:\n%s", out.String())
	}
	out.Reset()
	if code := Main([]string{"-o", "json", a, a}, &out, &errb); code != 0 {
		t.Errorf("identical reports: exit %d", code)
	}
	var d report.Diff
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || d.Schema != report.DiffSchema || d.Unchanged != 1 {
		t.Errorf("json output %s: %v", out.String(), err)
	}
}

func TestBadInput(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.json")
	os.WriteFile(junk, []byte("<html>not a report</html>"), 0o644)
	other := writeFile(t, "other.json", map[string]any{"schema": "something/v9"}, false)
	good := writeFile(t, "good.json", rep(), false)
	empty := filepath.Join(t.TempDir(), "empty.json")
	os.WriteFile(empty, []byte(" \n"), 0o644)
	huge := filepath.Join(t.TempDir(), "huge.json")
	if f, err := os.Create(huge); err == nil {
		f.WriteString("{")
		f.Truncate(maxReport + 2) // sparse: 64 MiB of zeros after "{"
		f.Close()
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one file", []string{good}, "want two report files"},
		{"missing file", []string{good, "/nonexistent.json"}, "no such file"},
		{"junk", []string{good, junk}, "not a roompath report (JSON or NDJSON"},
		{"dev zero", []string{good, "/dev/zero"}, "/dev/zero: not a roompath report"},
		{"empty", []string{good, empty}, "empty file, not a roompath report"},
		{"too large", []string{good, huge}, "larger than 64 MiB"},
		{"wrong schema", []string{good, other}, "not a roompath.report/v1 report"},
		{"bad format", []string{"-o", "xml", good, good}, "want two report files and -o text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := Main(tt.args, &out, &errb); code != report.ExitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if lines := strings.Count(strings.TrimSpace(errb.String()), "\n"); lines != 0 || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q, want one line with %q", errb.String(), tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema":"roompath.report/v1","results":[{"id":"x"}]}`))
	f.Add([]byte("{\"id\":\"a\"}\n{\"schema\":\"roompath.report/v1\"}"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := parse(b)
		if err == nil && rep.Schema != report.Schema {
			t.Fatalf("accepted a report with schema %q", rep.Schema)
		}
	})
}

// TestDuplicatesAndEscapes: a duplicated id is counted once and named in a
// note; ids and states from a file reach the terminal escaped.
func TestDuplicatesAndEscapes(t *testing.T) {
	evil := "tcp/x\x1b[2J\rPASS"
	a := writeFile(t, "a.json", rep(res("tcp/a:9090", "pass", "open", "syn_ack"), res(evil, "fail", "closed", "conn_refused")), false)
	b := writeFile(t, "b.json", rep(res("tcp/a:9090", "pass", "open", "syn_ack"), res("tcp/a:9090", "pass", "open", "syn_ack"),
		res(evil, "pass", "open\x1b]0;t\x07", "syn_ack")), false)
	var out, errb bytes.Buffer
	if code := Main([]string{a, b}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	text := out.String()
	if strings.ContainsAny(text, "\x1b\r\x07") {
		t.Errorf("raw control characters in:\n%q", text)
	}
	for _, want := range []string{`CHANGED  tcp/x\x1b[2J\rPASS`, `observed closed → open\x1b]0;t\a`, "1 changed, 0 new, 0 missing, 1 unchanged",
		"note: B repeats 1 id(s), each compared once by its first result: tcp/a:9090"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}
