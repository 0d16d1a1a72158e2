package report

import (
	"fmt"
	"strings"
)

// Geometry of the path diagram, in SVG user units: lanes side by side, one
// per address of a room, each a column of rows from this host to the room.
const (
	laneW       = 400
	laneHeadH   = 56
	nodeX       = 30
	textX       = 60
	lineH       = 16
	rowPad      = 18
	maxLineRune = 44
)

// svgDiagram is one path diagram: one room, one lane per address.
type svgDiagram struct {
	ID, Title, Desc string
	W, H            int
	Lanes           []svgLane
}

// svgLane is one address's column.
type svgLane struct {
	Title string
	Badge htmlBadge
	State string
	TX    int
	Segs  []svgSeg
	Rows  []svgRow
}

// svgSeg is the line between two rows; Class "seg-broken" past a failure.
type svgSeg struct {
	X, Y1, Y2 int
	Class     string
}

// svgRow is one node: its shape (Kind), where, and its text.
type svgRow struct {
	Kind, Glyph string
	CX, CY      int
	Text        []svgText
}

// svgText is one line of text.
type svgText struct {
	X, Y  int
	Class string
	Text  string
}

var glyphs = map[string]string{nodeHost: "⌂", nodeRouter: "", nodeSilent: "…", nodeFail: "✗", nodeWarn: "!", nodeOK: "✓", nodeGhost: "?"}

// pathDiagrams draws every path result: results naming the same room (a
// name with several addresses) share a diagram, one lane each.
func pathDiagrams(rs []Result) []svgDiagram {
	var order []string
	groups := map[string][]svgLane{}
	descs := map[string][]string{}
	for i := range rs {
		r := &rs[i]
		var d pathDetail
		if r.Check != "path" || !decodeDetail(r.Detail, &d) || d.Address == "" {
			continue
		}
		key := d.Name
		if key == "" {
			key = d.Address
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], layoutLane(r, d, pathLane(r, &d)))
		descs[key] = append(descs[key], laneDesc(r, &d))
	}
	var out []svgDiagram
	for i, k := range order {
		lanes := groups[k]
		h := 0
		for j := range lanes {
			shiftLane(&lanes[j], j*laneW)
			if n := laneHeight(lanes[j]); n > h {
				h = n
			}
		}
		out = append(out, svgDiagram{ID: fmt.Sprintf("path-%d", i+1), Title: "Path from this host to " + RedactText(k),
			Desc: strings.Join(descs[k], " "), W: laneW * len(lanes), H: h, Lanes: lanes})
	}
	return out
}

func laneDesc(r *Result, d *pathDetail) string {
	s := fmt.Sprintf("TCP %d to %s: %s", d.Port, d.Address, r.Observed)
	if r.Reason != "" {
		s += " (" + string(r.Reason) + ")"
	}
	if r.ReportedBy != "" {
		s += ", reported by " + r.ReportedBy
	}
	return s + "."
}

// layoutLane places a lane's rows top to bottom; each row is as tall as
// its text.
func layoutLane(r *Result, d pathDetail, nodes []laneNode) svgLane {
	l := svgLane{Title: fmt.Sprintf("%s TCP %d", d.Address, d.Port), Badge: badge(r.Status), State: string(r.Observed)}
	if r.Reason != "" {
		l.State += " · " + string(r.Reason)
	}
	y := laneHeadH + rowPad
	broken := false
	for i, n := range nodes {
		row := svgRow{Kind: n.kind, Glyph: glyphs[n.kind], CX: nodeX, CY: y}
		row.Text = append(row.Text, svgText{X: textX, Y: y - 4, Class: "t-title", Text: fitLine(n.title)})
		ty := y + 12
		for _, line := range n.lines {
			for _, w := range wrapLine(line) {
				row.Text = append(row.Text, svgText{X: textX, Y: ty, Class: "t-line", Text: w})
				ty += lineH
			}
		}
		l.Rows = append(l.Rows, row)
		next := ty + rowPad
		if next < y+44 {
			next = y + 44
		}
		if i < len(nodes)-1 {
			class := "seg"
			if broken || n.kind == nodeFail {
				broken, class = true, "seg-broken"
			}
			l.Segs = append(l.Segs, svgSeg{X: nodeX, Y1: y, Y2: next, Class: class})
		}
		y = next
	}
	return l
}

func shiftLane(l *svgLane, dx int) {
	l.TX = dx
	for i := range l.Segs {
		l.Segs[i].X += dx
	}
	for i := range l.Rows {
		l.Rows[i].CX += dx
		for j := range l.Rows[i].Text {
			l.Rows[i].Text[j].X += dx
		}
	}
}

func laneHeight(l svgLane) int {
	h := laneHeadH
	for _, r := range l.Rows {
		for _, t := range r.Text {
			if t.Y > h {
				h = t.Y
			}
		}
		if r.CY > h {
			h = r.CY
		}
	}
	return h + rowPad + 8
}

// fitLine bounds one line of SVG text (SVG does not wrap).
func fitLine(s string) string {
	s = RedactText(s)
	r := []rune(s)
	if len(r) > maxLineRune+6 {
		return string(r[:maxLineRune+5]) + "…"
	}
	return s
}

// wrapLine breaks text into lines of at most maxLineRune runes at spaces.
func wrapLine(s string) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(RedactText(s)) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > maxLineRune {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		out = append(out, line)
	}
	for i := range out {
		out[i] = fitLine(out[i])
	}
	return out
}
