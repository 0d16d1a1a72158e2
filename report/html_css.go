package report

// htmlCSS is the page's only stylesheet, inline: the report needs no
// network, no fonts and no script. Every status has a word, an icon and a
// border shape besides its colour; a print stylesheet drops the navigation
// and keeps results whole; below 860px (a tablet held upright) the layout
// goes to one column and wide tables scroll in their own box.
const htmlCSS = `
:root{--pass:#1a7f37;--fail:#c21f2e;--warn:#8a5a00;--skip:#57606a;--error:#6f42c1;--ink:#1f2328;--muted:#59636e;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:20px 24px 40px}
h1,h2,h3{line-height:1.25;margin:0 0 8px}
h1{font-size:24px}h2{font-size:19px}h3{font-size:16px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
p,li,dd,td,th,figcaption,summary{overflow-wrap:anywhere}
.head{color:var(--muted);font-size:14px;margin-bottom:12px}.head p{margin:0}.head .tool{font-weight:600;color:var(--ink)}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:14px 0}
.verdict{border-width:2px 2px 2px 10px}
.verdict.st-pass{border-color:var(--pass)}.verdict.st-fail{border-color:var(--fail)}.verdict.st-warn{border-color:var(--warn)}
.verdict.st-error{border-color:var(--error)}.verdict.st-skip{border-color:var(--skip)}
.sentence{font-size:18px;margin:6px 0 10px}
.sub{font-size:15px;margin-top:10px}.next{margin:4px 0 0;padding-left:22px}
.st{display:inline-block;font-weight:700;font-size:13px;letter-spacing:.04em;padding:1px 8px;border:2px solid;border-radius:4px;white-space:nowrap;vertical-align:middle}
.st .ic{font-size:14px}
.st.st-pass{color:var(--pass);border-radius:12px}
.st.st-fail{color:var(--fail);border-width:3px}
.st.st-warn{color:var(--warn);border-style:dashed}
.st.st-skip{color:var(--skip);border-style:dotted}
.st.st-error{color:var(--error);border-style:double;border-width:4px}
.layer-tag{font-size:14px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.06em;margin-left:6px}
nav.summary{margin:8px 0 4px}.counts{font-weight:400;font-size:14px;color:var(--muted)}
.toc{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:6px 14px}.toc a{color:var(--ink);text-decoration:none}
.toc a:hover,.toc a:focus{text-decoration:underline}
.result{border-top:1px solid var(--line);padding:12px 0 4px;margin-top:8px}
.result h3 .check{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:600;margin:0 4px}
.result h3 .target{font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.hint{background:var(--bg);border-left:4px solid var(--line);padding:6px 10px;margin:6px 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:600;padding:2px 0}
tr.silent td{color:var(--muted);font-style:italic}
table.kv td:first-child{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;color:var(--muted);white-space:nowrap}
.grid td.st-fail{background:#fff5f5}.grid td.st-warn{background:#fffaf0}.grid td.absent{color:var(--muted);font-style:italic}
details summary{cursor:pointer;color:var(--muted);margin:4px 0}
figure{margin:10px 0}figcaption{color:var(--muted);font-size:13px}
.diagrams{display:flex;flex-wrap:wrap;gap:4px 28px;align-items:flex-start}
figure.diagram{min-width:0;max-width:100%;margin:6px 0}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--ink)}
.t-lane{font-weight:700;font-size:15px}.t-state{font-weight:700;font-size:13px}
.t-state.st-pass{fill:var(--pass)}.t-state.st-fail{fill:var(--fail)}.t-state.st-warn{fill:var(--warn)}.t-state.st-error{fill:var(--error)}
.t-title{font-weight:600;font-size:14px}.t-line{font-size:12.5px;fill:#424a53}
.seg{stroke:#6e7781;stroke-width:3}.seg-broken{stroke:var(--fail);stroke-width:3;stroke-dasharray:7 6}
.node circle,.node rect,.node polygon{fill:#fff;stroke:#424a53;stroke-width:2}
.n-host rect{fill:#eaeef2}.n-router circle{fill:#424a53}
.n-silent circle{stroke-dasharray:3 3;fill:#fff}
.n-fail polygon{fill:#ffebe9;stroke:var(--fail);stroke-width:3}
.n-warn polygon{fill:#fff8c5;stroke:var(--warn);stroke-width:2.5}
.n-ok circle{stroke:var(--pass);stroke-width:2.5;fill:#dafbe1}
.n-ghost rect{stroke-dasharray:4 3;fill:#fff;stroke:var(--muted)}
.glyph{text-anchor:middle;font-weight:700;font-size:14px}
.n-fail .glyph{fill:var(--fail)}.n-ok .glyph{fill:var(--pass)}.n-warn .glyph{fill:var(--warn)}
.axis{stroke:#424a53;stroke-width:1.5}.gridline{stroke:#d8dee4;stroke-width:1}
.tick,.legend,.t-limit{font-size:12px}
.limit{stroke:var(--fail);stroke-width:1.5;stroke-dasharray:2 4}
polyline{fill:none;stroke-width:2.5}
.s-loss{stroke:var(--fail);fill:var(--fail)}.s-up{stroke:#0969da;fill:#0969da}
.s-down{stroke:#8a5a00;fill:#8a5a00;stroke-dasharray:6 4}
polyline.s-loss,polyline.s-up,polyline.s-down{fill:none}
line.s-loss,line.s-up,line.s-down{stroke-width:3}
.bar{stroke:#424a53;stroke-width:1}.bar.st-pass{fill:#aceebb}.bar.st-fail{fill:#ffcecb}.bar.st-warn{fill:#fff1a8}
.bar.st-skip{fill:#eaeef2}.bar.st-error{fill:#e0d4f7}
.chain{padding-left:22px}.chain li{margin-bottom:6px}.sha{font-size:11px;color:var(--muted)}
.more{font-weight:600}
footer{color:var(--muted);font-size:13px}footer section{background:transparent}
@media (max-width:860px){
 main{padding:12px 12px 32px}
 section{padding:12px}
 .sentence{font-size:17px}
}
@media (max-width:560px){dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:4px}}
@media print{
 @page{margin:14mm}
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0}
 nav.summary .toc{display:none}
 section{border:1px solid #999;break-inside:auto}
 .result,figure,table,tr{break-inside:avoid}
 details>summary{list-style:none}
 a{color:inherit;text-decoration:none}
}
`
