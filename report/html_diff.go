package report

import (
	"fmt"
	"io"
)

// htmlDiffPage is `roompath diff -o html`.
type htmlDiffPage struct {
	Title, Sentence string
	Badge           htmlBadge
	Sides           []htmlDiffSide
	Changed         []htmlDiffChange
	New, Missing    []htmlDiffBrief
	Unchanged       int
}

type htmlDiffSide struct {
	Label, File, Tool, Started, Host, Verdict string
}

type htmlDiffChange struct {
	ID, Check, Target string
	Fields            []htmlDiffField
}

type htmlDiffField struct{ Name, A, B string }

type htmlDiffBrief struct {
	Badge                    htmlBadge
	ID, Check, Target, State string
}

// WriteDiffHTML writes a diff as one self-contained HTML page: what
// changed between two reports, in a sentence, then the changed, new and
// missing results.
func WriteDiffHTML(w io.Writer, d Diff) error {
	p := htmlDiffPage{Unchanged: d.Unchanged, Badge: htmlBadge{Class: "st-pass", Icon: "=", Word: "UNCHANGED"}}
	if d.Different() {
		p.Badge = htmlBadge{Class: "st-warn", Icon: "≠", Word: "CHANGED"}
	}
	p.Sentence = fmt.Sprintf("From A to B: %d changed, %d new, %d missing, %d unchanged.", len(d.Changed), len(d.New), len(d.Missing), d.Unchanged)
	if d.A.Verdict != d.B.Verdict {
		p.Sentence += fmt.Sprintf(" The verdict went from %s to %s.", dashIfEmpty(d.A.Verdict), dashIfEmpty(d.B.Verdict))
	}
	p.Title = "roompath diff: " + p.Badge.Word
	for _, s := range []struct {
		label string
		side  DiffSide
	}{{"A", d.A}, {"B", d.B}} {
		p.Sides = append(p.Sides, htmlDiffSide{Label: s.label, File: RedactText(s.side.File), Tool: s.side.Tool,
			Started: s.side.StartedAt, Host: s.side.Hostname, Verdict: dashIfEmpty(s.side.Verdict)})
	}
	for _, c := range d.Changed {
		hc := htmlDiffChange{ID: RedactText(c.ID), Check: string(c.Check), Target: RedactText(c.Target)}
		for _, f := range []string{"status", "observed", "reason", "reported_by"} {
			if v, ok := c.Fields[f]; ok {
				hc.Fields = append(hc.Fields, htmlDiffField{f, dashIfEmpty(v[0]), dashIfEmpty(v[1])})
			}
		}
		p.Changed = append(p.Changed, hc)
	}
	p.New, p.Missing = diffBriefs(d.New), diffBriefs(d.Missing)
	return execPage(w, "diff", p)
}

func diffBriefs(bs []DiffBrief) []htmlDiffBrief {
	var out []htmlDiffBrief
	for _, b := range bs {
		state := string(b.Observed)
		if b.Reason != "" {
			state += " (" + string(b.Reason) + ")"
		}
		if b.ReportedBy != "" {
			state += ", reported by " + b.ReportedBy
		}
		out = append(out, htmlDiffBrief{Badge: badge(b.Status), ID: RedactText(b.ID), Check: string(b.Check), Target: RedactText(b.Target), State: state})
	}
	return out
}

const diffTemplate = `
{{define "diff"}}{{template "top" .}}<header class="head"><p class="tool">roompath · diff</p></header>
<section id="verdict" class="verdict {{.Badge.Class}}" aria-labelledby="verdict-h">
<h1 id="verdict-h">{{template "badge" .Badge}}</h1>
<p class="sentence" id="verdict-sentence">{{.Sentence}}</p>
<dl class="facts">{{range .Sides}}<dt>{{.Label}}</dt><dd><code>{{.File}}</code>: {{.Tool}} at {{.Started}} from {{.Host}}, verdict {{.Verdict}}</dd>{{end}}</dl>
</section>
<section id="changed" aria-labelledby="changed-h"><h2 id="changed-h">Changed ({{len .Changed}})</h2>
{{if .Changed}}<div class="scroll"><table><thead><tr><th scope="col">result</th><th scope="col">field</th><th scope="col">A</th><th scope="col">B</th></tr></thead>
<tbody>{{range .Changed}}{{$c := .}}{{range $i, $f := .Fields}}<tr>{{if not $i}}<th scope="row" rowspan="{{len $c.Fields}}"><span class="check">{{$c.Check}}</span> {{$c.Target}}<br><code>{{$c.ID}}</code></th>{{end}}<td>{{$f.Name}}</td><td>{{$f.A}}</td><td>→ {{$f.B}}</td></tr>
{{end}}{{end}}</tbody></table></div>{{else}}<p>Nothing changed in the results both reports hold.</p>{{end}}
</section>
{{template "briefs" (pair "new" .New)}}
{{template "briefs" (pair "missing" .Missing)}}
<footer><p>{{.Unchanged}} results unchanged.</p></footer>
</main>
</body>
</html>
{{end}}
{{define "briefs"}}<section id="{{.Name}}" aria-labelledby="{{.Name}}-h"><h2 id="{{.Name}}-h">{{if eq .Name "new"}}New in B{{else}}Missing from B{{end}} ({{len .List}})</h2>
{{range .List}}<p>{{template "badge" .Badge}} <span class="check">{{.Check}}</span> {{.Target}}: {{.State}} <code>{{.ID}}</code></p>
{{else}}<p>None.</p>{{end}}
</section>
{{end}}`

// briefList names a list of new or missing results for the template.
type briefList struct {
	Name string
	List []htmlDiffBrief
}
