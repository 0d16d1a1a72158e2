package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/roompath/roompath/report"
)

// htmlOutDir is where the demo writes the HTML report of every section
// (relative to the working directory: the repository root under make).
const htmlOutDir = "demo-out"

// htmlReports renders each section's JSON report twice: as text on the
// terminal (what the binary prints with -o text) and as an HTML page under
// htmlOutDir, with an index.html linking them.
type htmlReports struct {
	dir   string
	pages []htmlIndexEntry
	err   error
}

type htmlIndexEntry struct {
	File, Title, Verdict string
}

var demoHTML = &htmlReports{dir: htmlOutDir}

// withJSON asks a section's command for -o json unless it names a format.
func withJSON(argv []string) []string {
	for _, a := range argv {
		if a == "-o" || a == "--output" || strings.HasPrefix(a, "--output=") {
			return argv
		}
	}
	return append(append([]string{}, argv...), "-o", "json")
}

// show prints the text report of a section's JSON output (or the sweep
// summary) and writes its HTML page.
func (h *htmlReports) show(s section, out []byte) {
	var rep report.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		os.Stdout.Write(out)
		fmt.Printf("(no JSON report to render: %v)\n", err)
		return
	}
	if s.summarize {
		summarize(out)
	} else if err := encode(os.Stdout, "text", rep); err != nil {
		fmt.Println("could not print the report:", err)
	}
	h.save(s.title, rep)
}

func encode(w *os.File, format string, rep report.Report) error {
	var buf bytes.Buffer
	enc, err := report.NewEncoder(format, &buf, report.EncoderOptions{Color: format == "text" && term.IsTerminal(int(w.Fd()))})
	if err != nil {
		return err
	}
	if err := enc.Begin(&rep); err != nil {
		return err
	}
	if err := enc.End(&rep); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *htmlReports) save(title string, rep report.Report) {
	if h.err != nil {
		return
	}
	if len(h.pages) == 0 {
		if h.err = h.clean(); h.err != nil {
			return
		}
	}
	name := fmt.Sprintf("%02d-%s.html", len(h.pages)+1, slugOf(title))
	f, err := os.Create(filepath.Join(h.dir, name))
	if err != nil {
		h.err = err
		return
	}
	defer f.Close()
	if h.err = encode(f, "html", rep); h.err != nil {
		return
	}
	verdict := fmt.Sprintf("%d checks: %d pass, %d fail, %d warn", rep.Summary.Total, rep.Summary.Pass, rep.Summary.Fail, rep.Summary.Warn)
	if rep.Verdict != nil {
		verdict = strings.ToUpper(string(rep.Verdict.Status)) + ": " + rep.Verdict.Message
	}
	h.pages = append(h.pages, htmlIndexEntry{File: name, Title: title, Verdict: verdict})
}

// clean makes the output directory and removes the pages of an earlier
// run (only .html files: nothing else there is touched).
func (h *htmlReports) clean() error {
	if err := os.MkdirAll(h.dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(h.dir, "*.html"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return nil
}

var indexPage = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>roompath demo: HTML reports</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:20px}li{margin-bottom:10px}small{color:#59636e}</style>
</head><body><h1>roompath demo: the HTML report of every section</h1>
<ol>{{range .}}<li><a href="{{.File}}">{{.Title}}</a><br><small>{{.Verdict}}</small></li>
{{end}}</ol></body></html>
`))

// finish writes the index and says where the pages are.
func (h *htmlReports) finish() {
	if h.err == nil && len(h.pages) > 0 {
		var buf bytes.Buffer
		if h.err = indexPage.Execute(&buf, h.pages); h.err == nil {
			h.err = os.WriteFile(filepath.Join(h.dir, "index.html"), buf.Bytes(), 0o644)
		}
	}
	if h.err != nil {
		fmt.Fprintf(os.Stderr, "demo: writing the HTML reports: %v\n", h.err)
		return
	}
	if len(h.pages) == 0 {
		return
	}
	abs, _ := filepath.Abs(h.dir)
	fmt.Printf("\nThe HTML report of each section (%d pages) is in %s/; open %s\n", len(h.pages), abs, filepath.Join(abs, "index.html"))
}

func slugOf(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
