// Package diffcmd is `roompath diff A.json B.json`: what changed between
// two reports (before and after a firewall change, Wi-Fi against wired).
// It reads the two reports, compares them with report.Compare and prints
// the report.Diff as text or JSON.
package diffcmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/roompath/roompath/report"
)

// maxReport bounds what is read of one report file: a report of a /16
// sweep is about 60 MiB of JSON; /dev/zero or a wrong file is refused by
// its first byte, a huge one at this size.
const maxReport = 64 << 20

// Load reads a report written with -o json or -o ndjson.
func Load(path string) (report.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return report.Report{}, err
	}
	defer f.Close()
	b, err := readBounded(bufio.NewReader(f))
	if err != nil {
		return report.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	rep, err := parse(b)
	if err != nil {
		return report.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	return rep, nil
}

// readBounded reads a report of at most maxReport bytes whose first
// non-space byte opens a JSON object.
func readBounded(r *bufio.Reader) ([]byte, error) {
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			return nil, errors.New("empty file, not a roompath report")
		}
		if err != nil {
			return nil, err
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return nil, errors.New("not a roompath report (JSON or NDJSON written with -o json or -o ndjson)")
		}
		break
	}
	b, err := io.ReadAll(io.LimitReader(r, maxReport))
	if err != nil {
		return nil, err
	}
	if len(b) >= maxReport {
		return nil, fmt.Errorf("larger than %d MiB", maxReport>>20)
	}
	return append([]byte{'{'}, b...), nil
}

// parse accepts one JSON envelope or NDJSON (results, then the envelope).
func parse(b []byte) (report.Report, error) {
	var rep report.Report
	trimmed := bytes.TrimSpace(b)
	if err := json.Unmarshal(trimmed, &rep); err == nil {
		return rep, checkSchema(rep)
	}
	sc := bufio.NewScanner(bytes.NewReader(trimmed))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var results []report.Result
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var probe struct {
			Schema string `json:"schema"`
		}
		if err := json.Unmarshal(line, &probe); err != nil {
			return rep, fmt.Errorf("line %d: not a roompath report line: %v", n, err)
		}
		if probe.Schema != "" {
			if err := json.Unmarshal(line, &rep); err != nil {
				return rep, fmt.Errorf("line %d: %v", n, err)
			}
			continue
		}
		var r report.Result
		if err := json.Unmarshal(line, &r); err != nil {
			return rep, fmt.Errorf("line %d: %v", n, err)
		}
		results = append(results, r)
	}
	if err := sc.Err(); err != nil {
		return rep, err
	}
	rep.Results = append(rep.Results, results...)
	return rep, checkSchema(rep)
}

func checkSchema(r report.Report) error {
	if r.Schema != report.Schema {
		return fmt.Errorf("not a %s report (schema %q)", report.Schema, r.Schema)
	}
	return nil
}

const usage = `roompath diff: what changed between two roompath reports.

Usage: roompath diff [flags] A.json B.json

A and B are reports written with -o json or -o ndjson, e.g. before and after
a firewall change, or from the controller Wi-Fi and from a wired port.
Results are matched by id; a result changed when its status, observed
state, reason or reporter changed. -o html writes one self-contained page.
Exit code 0 when nothing changed, 1 when something did, 2 when a report
cannot be read.

Flags:
`

// Main runs roompath diff.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("diff", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	format := fs.StringP("output", "o", "text", "output format: text, json or html")
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			return report.ExitOK
		}
		fmt.Fprintf(stderr, "roompath diff: %s\n", esc(err.Error()))
		return report.ExitUsage
	}
	if fs.NArg() != 2 || (*format != "text" && *format != "json" && *format != "html") {
		fmt.Fprintln(stderr, "roompath diff: want two report files and -o text, json or html (see --help)")
		return report.ExitUsage
	}
	var reps [2]report.Report
	for i := range reps {
		var err error
		if reps[i], err = Load(fs.Arg(i)); err != nil {
			fmt.Fprintf(stderr, "roompath diff: %s\n", esc(err.Error()))
			return report.ExitUsage
		}
	}
	d := report.Compare(reps[0], reps[1])
	d.A.File, d.B.File = fs.Arg(0), fs.Arg(1)
	if err := write(stdout, *format, d); err != nil {
		fmt.Fprintf(stderr, "roompath diff: %s\n", esc(err.Error()))
		return report.ExitCannotRun
	}
	if d.Different() {
		return report.ExitFail
	}
	return report.ExitOK
}

func write(w io.Writer, format string, d report.Diff) error {
	if format == "html" {
		return report.WriteDiffHTML(w, d)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	var b strings.Builder
	for _, s := range []struct {
		label string
		side  report.DiffSide
	}{{"A", d.A}, {"B", d.B}} {
		fmt.Fprintf(&b, "%s: %s, %s at %s from %s", s.label, esc(s.side.File), esc(s.side.Tool), esc(s.side.StartedAt), esc(s.side.Hostname))
		if s.side.Verdict != "" {
			fmt.Fprintf(&b, ", verdict %s", esc(s.side.Verdict))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for _, c := range d.Changed {
		fmt.Fprintf(&b, "CHANGED  %-32s %s\n", esc(c.ID), changeText(c))
	}
	for _, r := range d.New {
		fmt.Fprintf(&b, "NEW      %-32s %s %s/%s\n", esc(r.ID), esc(string(r.Status)), esc(string(r.Observed)), esc(string(r.Reason)))
	}
	for _, r := range d.Missing {
		fmt.Fprintf(&b, "MISSING  %-32s was %s %s/%s\n", esc(r.ID), esc(string(r.Status)), esc(string(r.Observed)), esc(string(r.Reason)))
	}
	fmt.Fprintf(&b, "\n%d changed, %d new, %d missing, %d unchanged\n", len(d.Changed), len(d.New), len(d.Missing), d.Unchanged)
	for _, s := range []struct {
		label string
		dups  []string
	}{{"A", d.A.Duplicates}, {"B", d.B.Duplicates}} {
		if len(s.dups) > 0 {
			fmt.Fprintf(&b, "note: %s repeats %d id(s), each compared once by its first result: %s\n", s.label, len(s.dups), esc(listOf(s.dups)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func changeText(c report.DiffChange) string {
	var parts []string
	for _, f := range []string{"status", "observed", "reason", "reported_by"} {
		if v, ok := c.Fields[f]; ok {
			parts = append(parts, fmt.Sprintf("%s %s → %s", f, esc(dashed(v[0])), esc(dashed(v[1]))))
		}
	}
	return strings.Join(parts, ", ")
}

func dashed(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// esc escapes report- and file-derived text for the terminal.
func esc(s string) string { return report.Escape(s) }

// listOf names up to five ids.
func listOf(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}
