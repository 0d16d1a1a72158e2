package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
)

// htmlEncoder writes the report as one self-contained HTML page (-o html):
// the verdict in one sentence, the path diagram, then each layer in the
// decision order with its evidence. It streams as far as the Writer is
// concerned (the Writer keeps nothing) and keeps what it renders itself:
// every result of a small run, only counts and the first failures of a
// sweep (htmlAcc). Results reach the page in layer order, then by id, so
// the page does not depend on completion order.
type htmlEncoder struct {
	w   io.Writer
	acc *htmlAcc
}

func newHTMLEncoder(w io.Writer) *htmlEncoder { return &htmlEncoder{w: w, acc: newHTMLAcc()} }

func (e *htmlEncoder) Begin(*Report) error { return nil }

func (e *htmlEncoder) Result(r *Result) error {
	e.acc.add(r)
	return nil
}

func (e *htmlEncoder) Streams() bool { return true }

// End renders the page. A finished report handed over whole (Begin, then
// End with its Results, as the triage bundle does) is rendered from those.
func (e *htmlEncoder) End(r *Report) error {
	if e.acc.total == 0 {
		for i := range r.Results {
			e.acc.add(&r.Results[i])
		}
	}
	return execPage(e.w, "page", buildPage(r, e.acc))
}

var htmlTemplates = template.Must(template.New("report").Funcs(template.FuncMap{
	"css":  func() template.CSS { return template.CSS(htmlCSS) },
	"add":  func(a, b int) int { return a + b },
	"pair": func(name string, l []htmlDiffBrief) briefList { return briefList{name, l} },
	"diamond": func(x, y, r int) string {
		return fmt.Sprintf("%d,%d %d,%d %d,%d %d,%d", x, y-r, x+r, y, x, y+r, x-r, y)
	},
	"triangle": func(x, y, r int) string { return fmt.Sprintf("%d,%d %d,%d %d,%d", x, y-r, x+r, y+r-3, x-r, y+r-3) },
}).Parse(htmlTemplate + diffTemplate))

// execPage renders one template through a buffer, so a write error is
// reported once.
func execPage(w io.Writer, name string, data any) error {
	bw := bufio.NewWriter(w)
	if err := htmlTemplates.ExecuteTemplate(bw, name, data); err != nil {
		return err
	}
	return bw.Flush()
}
