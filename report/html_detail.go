package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Bounds of the generic evidence list of one result: the JSON report has
// everything; the page shows what a reader can take in.
const (
	evidenceMaxRows  = 60
	evidenceMaxValue = 300
	evidenceMaxItems = 8
	evidenceOpenRows = 12
)

// decodeDetail reads a result's detail into v through its JSON form, the
// contract of every probe's detail type (the report package cannot import
// the probes; a report read back from JSON holds maps).
func decodeDetail(d any, v any) bool {
	if d == nil {
		return false
	}
	b, err := json.Marshal(d)
	if err != nil || string(b) == "null" {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

// evidence flattens a detail into key/value rows (hops become a table).
func evidence(d any) ([]htmlKV, []hopRow) {
	var m map[string]any
	b, err := json.Marshal(d)
	if d == nil || err != nil {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return []htmlKV{{"detail", clip(string(b))}}, nil
	}
	var rows []htmlKV
	flatten("", m, &rows)
	if len(rows) > evidenceMaxRows {
		n := len(rows) - evidenceMaxRows
		rows = append(rows[:evidenceMaxRows], htmlKV{"…", fmt.Sprintf("%d more rows in the JSON report (-o json)", n)})
	}
	var hops []pathHop
	if h, ok := m["hops"]; ok {
		decodeDetail(h, &hops)
	}
	return rows, hopRows(hops)
}

// tabled are the keys shown by a view of their own (hop table, TLS chain,
// media charts) and only counted in the evidence list.
var tabled = map[string]string{"hops": "the hop table", "chain": "the certificate chain", "windows": "the charts"}

func flatten(prefix string, v any, rows *[]htmlKV) {
	if len(*rows) > evidenceMaxRows {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(join(prefix, k), x[k], rows)
		}
	case []any:
		flattenList(prefix, x, rows)
	case nil:
		*rows = append(*rows, htmlKV{prefix, "null (not measured)"})
	default:
		*rows = append(*rows, htmlKV{prefix, clip(fmt.Sprint(x))})
	}
}

func flattenList(prefix string, x []any, rows *[]htmlKV) {
	if view, ok := tabled[prefix]; ok {
		*rows = append(*rows, htmlKV{prefix, fmt.Sprintf("%d entries, shown in %s", len(x), view)})
		return
	}
	scalars := make([]string, 0, len(x))
	for _, e := range x {
		switch e.(type) {
		case map[string]any, []any:
		default:
			scalars = append(scalars, fmt.Sprint(e))
		}
	}
	if len(scalars) == len(x) {
		if len(x) == 0 {
			*rows = append(*rows, htmlKV{prefix, "none"})
			return
		}
		*rows = append(*rows, htmlKV{prefix, clip(strings.Join(scalars, ", "))})
		return
	}
	for i, e := range x {
		if i == evidenceMaxItems {
			*rows = append(*rows, htmlKV{prefix, fmt.Sprintf("%d more entries in the JSON report", len(x)-i)})
			return
		}
		flatten(fmt.Sprintf("%s[%d]", prefix, i), e, rows)
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// clip bounds one value and redacts any URL credentials in it.
func clip(s string) string {
	s = RedactText(s)
	if len(s) > evidenceMaxValue {
		cut := evidenceMaxValue
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// pathHop is netpath.Hop as its JSON reads.
type pathHop struct {
	TTL         int      `json:"ttl"`
	Address     *string  `json:"address"`
	RTTMS       *float64 `json:"rtt_ms"`
	Reply       string   `json:"reply"`
	Unreachable string   `json:"unreachable"`
	ICMP        *struct {
		V6         bool `json:"v6"`
		Type, Code int
	} `json:"icmp"`
	Local          bool   `json:"local"`
	Failure        string `json:"failure"`
	AfterHandshake string `json:"after_handshake"`
}

func (h pathHop) addr() string {
	if h.Address == nil {
		return ""
	}
	return *h.Address
}

// replyText names a hop's reply with its ICMP message.
func (h pathHop) replyText() string {
	s := strings.ReplaceAll(h.Reply, "_", " ")
	if h.Unreachable != "" {
		s += ": " + h.Unreachable
	}
	if h.ICMP != nil {
		v := "ICMP"
		if h.ICMP.V6 {
			v = "ICMPv6"
		}
		s += fmt.Sprintf(" (%s %d/%d)", v, h.ICMP.Type, h.ICMP.Code)
	}
	if h.AfterHandshake != "" {
		s += ", then " + h.AfterHandshake
	}
	if h.Local {
		s += ", from this host itself"
	}
	if h.Failure != "" {
		s += " [" + h.Failure + "]"
	}
	return s
}

// hopRow is one row of the hop table; runs of silent TTLs share a row.
type hopRow struct {
	TTL, Address, RTT, Reply string
	Silent                   bool
}

func hopRows(hops []pathHop) []hopRow {
	var out []hopRow
	for i := 0; i < len(hops); i++ {
		h := hops[i]
		if h.Reply == "none" {
			j := i
			for j+1 < len(hops) && hops[j+1].Reply == "none" {
				j++
			}
			ttl := fmt.Sprint(h.TTL)
			if j > i {
				ttl = fmt.Sprintf("%d–%d", h.TTL, hops[j].TTL)
			}
			out = append(out, hopRow{TTL: ttl, Address: "no reply", Reply: "silence until the deadline", Silent: true})
			i = j
			continue
		}
		row := hopRow{TTL: fmt.Sprint(h.TTL), Address: h.addr(), Reply: h.replyText()}
		if row.Address == "" {
			row.Address = "(sender not told)"
		}
		if h.RTTMS != nil {
			row.RTT = fmtMS(*h.RTTMS)
		}
		out = append(out, row)
	}
	return out
}
