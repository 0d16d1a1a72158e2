package report

// htmlTemplate is the page; html/template escapes every value, so names,
// headers, certificate subjects and answers from the network render as
// text. The sub-templates are shared with the diff page (html_diff.go).
const htmlTemplate = `{{define "badge"}}<span class="st {{.Class}}"><span class="ic" aria-hidden="true">{{.Icon}}</span> {{.Word}}</span>{{end}}
{{define "counts"}}{{.Total}} {{if eq .Total 1}}check{{else}}checks{{end}}: {{.Pass}} pass, {{.Fail}} fail, {{.Warn}} warn, {{.Skip}} skip, {{.Error}} error{{end}}
{{define "top"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{css}}</style>
</head>
<body>
<main>
{{end}}
{{define "page"}}{{template "top" .}}<header class="head">
<p class="tool">roompath · {{.Head.Tool}} {{.Head.Version}}</p>
<p class="meta">{{.Head.Started}} · from <b>{{.Head.Host}}</b> ({{.Head.OS}}) · {{.Head.Duration}} · {{if .Head.Privileged}}privileged (raw sockets){{else}}unprivileged{{end}}</p>
</header>
<section id="verdict" class="verdict {{.Verdict.Badge.Class}}" aria-labelledby="verdict-h">
<h1 id="verdict-h">{{template "badge" .Verdict.Badge}}{{if .Verdict.Layer}} <span class="layer-tag">{{.Verdict.Layer}}</span>{{end}}</h1>
<p class="sentence" id="verdict-sentence">{{.Verdict.Sentence}}</p>
{{if .Verdict.NextSteps}}<h2 class="sub">Next steps</h2>
<ol class="next">{{range .Verdict.NextSteps}}<li>{{.}}</li>{{end}}</ol>{{end}}
</section>
<nav class="summary" aria-label="Summary">
<p class="counts">{{template "counts" .Summary}}{{if .Interrupted}} · interrupted: partial report{{end}}</p>
{{if .Sections}}<ul class="toc">{{range .Sections}}<li><a href="#{{.Anchor}}">{{template "badge" .Badge}} {{.Title}}</a></li>{{end}}</ul>{{end}}
</nav>
{{if .Paths}}<section id="path" class="paths" aria-labelledby="path-h">
<h2 id="path-h">Path to the room</h2>
<div class="diagrams">{{range .Paths}}{{template "path" .}}{{end}}</div>
</section>{{end}}
{{with .Sweep}}{{template "sweep" .}}{{end}}
{{range .Sections}}{{template "section" .}}{{end}}
{{template "vantage" .Head}}
</main>
</body>
</html>
{{end}}
{{define "vantage"}}<footer>
<section aria-label="Where this was measured from">
<h2>Vantage</h2>
<dl class="facts">
<dt>host</dt><dd>{{.Host}} ({{.OS}})</dd>
{{if .Command}}<dt>command</dt><dd><code>{{.Command}}</code></dd>{{end}}
<dt>resolvers</dt><dd>{{range $i, $r := .Resolvers}}{{if $i}}, {{end}}{{$r}}{{else}}none found{{end}}</dd>
{{range .Interfaces}}<dt>interface</dt><dd>{{.}}</dd>{{end}}
{{range .Proxy}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>{{end}}
{{range .Limits}}<dt>not measured</dt><dd>{{.}}</dd>{{end}}
</dl>
</section>
</footer>{{end}}
{{define "path"}}<figure class="diagram" id="{{.ID}}" style="flex:0 1 {{.W}}px">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.W}} {{.H}}" width="{{.W}}" height="{{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d">
<title id="{{.ID}}-t">{{.Title}}</title>
<desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Lanes}}<g class="lane">
<text x="{{add .TX 12}}" y="22" class="t-lane">{{.Title}}</text>
<text x="{{add .TX 12}}" y="42" class="t-state {{.Badge.Class}}">{{.Badge.Icon}} {{.Badge.Word}} · {{.State}}</text>
{{range .Segs}}<line x1="{{.X}}" y1="{{.Y1}}" x2="{{.X}}" y2="{{.Y2}}" class="{{.Class}}"/>
{{end}}{{range .Rows}}{{template "node" .}}{{range .Text}}<text x="{{.X}}" y="{{.Y}}" class="{{.Class}}">{{.Text}}</text>
{{end}}{{end}}</g>
{{end}}</svg>
<figcaption>{{.Title}}: {{.Desc}}</figcaption>
</figure>
{{end}}
{{define "node"}}<g class="node n-{{.Kind}}">{{if eq .Kind "host"}}<rect x="{{add .CX -13}}" y="{{add .CY -13}}" width="26" height="26" rx="6"/>{{else if eq .Kind "ghost"}}<rect x="{{add .CX -13}}" y="{{add .CY -13}}" width="26" height="26"/>{{else if eq .Kind "fail"}}<polygon points="{{diamond .CX .CY 15}}"/>{{else if eq .Kind "warn"}}<polygon points="{{triangle .CX .CY 15}}"/>{{else if eq .Kind "ok"}}<circle cx="{{.CX}}" cy="{{.CY}}" r="14"/>{{else if eq .Kind "silent"}}<circle cx="{{.CX}}" cy="{{.CY}}" r="11"/>{{else}}<circle cx="{{.CX}}" cy="{{.CY}}" r="8"/>{{end}}{{if .Glyph}}<text x="{{.CX}}" y="{{add .CY 5}}" class="glyph">{{.Glyph}}</text>{{end}}</g>
{{end}}
{{define "section"}}<section id="{{.Anchor}}" class="layer {{.Badge.Class}}" aria-labelledby="{{.Anchor}}-h">
<h2 id="{{.Anchor}}-h">{{template "badge" .Badge}} {{.Title}} <span class="counts">{{template "counts" .Counts}}</span></h2>
{{with .DNS}}{{template "dns" .}}{{end}}
{{range .TLS}}{{template "tls" .}}{{end}}
{{range .Media}}{{template "media" .}}{{end}}
{{range .Results}}{{template "result" .}}{{end}}
</section>
{{end}}
{{define "result"}}<article class="result {{.Badge.Class}}">
<h3>{{template "badge" .Badge}} <span class="check">{{.Check}}</span> <span class="target">{{.Target}}</span></h3>
<dl class="facts">
<dt>observed</dt><dd>{{.Observed}}{{if .Reason}} ({{.Reason}}){{end}}</dd>
{{if .ReportedBy}}<dt>reported by</dt><dd>{{.ReportedBy}}</dd>{{end}}
{{if .Failure}}<dt>failure</dt><dd>{{.Failure}}</dd>{{end}}
{{if .RTT}}<dt>RTT</dt><dd>{{.RTT}}</dd>{{end}}
<dt>took</dt><dd>{{.Duration}}{{if .Attempts}}, {{.Attempts}} attempt(s){{end}}</dd>
</dl>
{{if .Hint}}<p class="hint"><b>Hint:</b> {{.Hint}}</p>{{end}}
{{if .Hops}}<div class="scroll"><table class="hops"><caption>Hops</caption>
<thead><tr><th scope="col">TTL</th><th scope="col">address</th><th scope="col">RTT</th><th scope="col">reply</th></tr></thead>
<tbody>{{range .Hops}}<tr{{if .Silent}} class="silent"{{end}}><td>{{.TTL}}</td><td>{{.Address}}</td><td>{{.RTT}}</td><td>{{.Reply}}</td></tr>
{{end}}</tbody></table></div>{{end}}
{{if .Evidence}}<details{{if .Open}} open{{end}}><summary>Evidence: {{.ID}}</summary>
<div class="scroll"><table class="kv"><tbody>{{range .Evidence}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>
{{end}}</tbody></table></div></details>{{end}}
</article>
{{end}}
{{define "dns"}}<div class="scroll"><table class="grid"><caption>Names × resolvers</caption>
<thead><tr><th scope="col">name</th>{{range .Resolvers}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr><th scope="row">{{.Name}}</th>{{range .Cells}}{{if .Present}}<td class="{{.Badge.Class}}">{{template "badge" .Badge}} {{.Observed}}{{if .Reason}} <small>({{.Reason}})</small>{{end}}{{range .Answers}}<br><code>{{.}}</code>{{end}}</td>{{else}}<td class="absent">not asked</td>{{end}}{{end}}</tr>
{{end}}</tbody></table></div>
{{end}}
{{define "tls"}}<div class="tls">
<h3>{{template "badge" .Badge}} TLS {{.Target}}: {{.Observed}}{{if .Reason}} ({{.Reason}}){{end}}</h3>
<p>Signed by <b>{{.Signer}}</b>{{if .Vendor}}, an inspection product: <b>{{.Vendor}}</b>{{end}}. Must chain to: {{.Roots}}. This host's store trusts it: {{.SystemTrusts}}.
SNI <code>{{.SNI}}</code> via {{.Via}} to {{.Addr}}{{if .Version}}, {{.Version}} {{.Cipher}}{{end}}.</p>
{{if .Certs}}<ol class="chain" aria-label="Certificate chain, leaf first">{{range .Certs}}<li><b>{{.Subject}}</b>{{if .IsCA}} (CA){{end}}<br>signed by {{.Issuer}}<br>valid {{.Validity}}{{if .Names}}<br>names {{.Names}}{{end}}<br><code class="sha">sha256 {{.SHA256}}</code></li>
{{end}}</ol>{{end}}
</div>
{{end}}
{{define "media"}}<div class="media">
<h3>{{template "badge" .Badge}} media {{.Target}}: {{.Observed}}</h3>
{{if .Crossed}}<ul>{{range .Crossed}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Loss}}{{template "chart" .}}{{end}}{{with .Jitter}}{{template "chart" .}}{{end}}
{{if .Windows}}<details><summary>Per-second values ({{len .Windows}} s)</summary><div class="scroll"><table><thead><tr><th scope="col">from</th><th scope="col">loss %</th><th scope="col">jitter up ms</th><th scope="col">jitter down ms</th></tr></thead>
<tbody>{{range .Windows}}<tr><td>{{.Start}}</td><td>{{.Loss}}</td><td>{{.Up}}</td><td>{{.Down}}</td></tr>
{{end}}</tbody></table></div></details>{{end}}
</div>
{{end}}
{{define "chart"}}<figure class="chart" id="{{.ID}}">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.W}} {{.H}}" width="{{.W}}" height="{{.H}}" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d">
<title id="{{.ID}}-t">{{.Title}}</title>
<desc id="{{.ID}}-d">{{.Desc}}</desc>
{{$c := .}}{{range .YTicks}}<line class="gridline" x1="{{$c.X0}}" y1="{{.Y}}" x2="{{$c.X1}}" y2="{{.Y}}"/><text class="tick" x="{{add .X -6}}" y="{{add .Y 4}}" text-anchor="end">{{.Label}}</text>
{{end}}{{range .XTicks}}<text class="tick" x="{{.X}}" y="{{add .Y 18}}" text-anchor="middle">{{.Label}}</text>
{{end}}<line class="axis" x1="{{.X0}}" y1="{{.Y1}}" x2="{{.X1}}" y2="{{.Y1}}"/><line class="axis" x1="{{.X0}}" y1="{{.Y0}}" x2="{{.X0}}" y2="{{.Y1}}"/>
{{with .Limit}}<line class="limit" x1="{{$c.X0}}" y1="{{.Y}}" x2="{{.X}}" y2="{{.Y}}"/><text class="t-limit" x="{{.X}}" y="{{add .Y -4}}" text-anchor="end">{{.Label}}</text>
{{end}}{{range .Series}}<polyline class="{{.Class}}" points="{{.Points}}"/>{{$s := .}}{{range .Dots}}<circle class="{{$s.Class}}" cx="{{.X}}" cy="{{.Y}}" r="2.5"/>{{end}}
<line class="{{.Class}}" x1="{{.LegendX}}" y1="{{.LegendY}}" x2="{{add .LegendX 24}}" y2="{{.LegendY}}"/><text class="legend" x="{{add .LegendX 30}}" y="{{add .LegendY 4}}">{{.Label}}</text>
{{end}}</svg>
<figcaption>{{.Desc}}</figcaption>
</figure>
{{end}}
{{define "sweep"}}<section id="sweep" class="sweep" aria-labelledby="sweep-h">
<h2 id="sweep-h">Sweep: {{.Total}} results by state</h2>
<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 {{.H}}" width="800" height="{{.H}}" role="img" aria-labelledby="sweep-t"><title id="sweep-t">Results per state (the table below has the same counts)</title>
{{range .Rows}}<text class="t-line" x="{{add .LabelW -8}}" y="{{add .Y 16}}" text-anchor="end">{{.Badge.Icon}} {{.Label}}</text><rect class="bar {{.Badge.Class}}" x="{{.LabelW}}" y="{{.Y}}" width="{{.BarW}}" height="22"/><text class="t-line" x="{{add .LabelW (add .BarW 6)}}" y="{{add .Y 16}}">{{.Count}}</text>
{{end}}</svg></figure>
<div class="scroll"><table class="counts-table"><thead><tr><th scope="col">status</th><th scope="col">state</th><th scope="col">results</th></tr></thead>
<tbody>{{range .Rows}}<tr><td>{{template "badge" .Badge}}</td><td>{{.Label}}</td><td>{{.Count}}</td></tr>
{{end}}</tbody></table></div>
<h3>Results that did not pass</h3>
{{if .Failures}}<div class="scroll"><table class="failures"><thead><tr><th scope="col">status</th><th scope="col">target</th><th scope="col">state</th><th scope="col">reported by</th><th scope="col">failure</th></tr></thead>
<tbody>{{range .Failures}}<tr><td>{{template "badge" .Badge}}</td><td>{{.Target}}</td><td>{{.Check}} {{.Observed}}{{if .Reason}} ({{.Reason}}){{end}}</td><td>{{.ReportedBy}}</td><td>{{.Failure}}</td></tr>
{{end}}</tbody></table></div>{{else}}<p>None: every result passed or was skipped.</p>{{end}}
{{if .More}}<p class="more">And {{.More}} more not listed here: this page lists the {{.Listed}} lowest ids; -o json or ndjson has every result.</p>{{end}}
</section>
{{end}}`
