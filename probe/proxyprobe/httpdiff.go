package proxyprobe

import (
	"strings"
)

// HeaderChange is one header field that arrived different from how it was
// sent.
type HeaderChange struct {
	// Name is the field name as sent.
	Name string `json:"name"`
	// ReceivedName is the name as received, when its case changed.
	ReceivedName string `json:"received_name,omitempty"`
	// Sent is the value as sent.
	Sent string `json:"sent"`
	// Received is the value as received.
	Received string `json:"received"`
}

// HeadDiff compares a request head as sent with the head the responder
// received.
type HeadDiff struct {
	// Added lists field names that arrived but were not sent.
	Added []string `json:"added_headers"`
	// Removed lists field names that were sent but did not arrive.
	Removed []string `json:"removed_headers"`
	// Changed lists fields whose value or name case changed.
	Changed []HeaderChange `json:"changed_headers"`
	// RequestLineChanged is true when the request line differs in any byte
	// (method case, target form, protocol version).
	RequestLineChanged bool `json:"request_line_changed"`
	// SentRequestLine is the request line as sent, when it changed.
	SentRequestLine string `json:"sent_request_line,omitempty"`
	// ReceivedRequestLine is the request line as received, when it
	// changed.
	ReceivedRequestLine string `json:"received_request_line,omitempty"`
	// OrderChanged is true when the fields common to both came in another
	// order.
	OrderChanged bool `json:"order_changed"`
}

// Clean reports whether the head arrived byte-for-byte equivalent.
func (d HeadDiff) Clean() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 && !d.RequestLineChanged && !d.OrderChanged
}

// DiffHeads compares sent with received. Names are matched
// case-insensitively; a change of case alone counts as a change, because
// only software that re-writes the head changes it.
func DiffHeads(sent, received Head) HeadDiff {
	d := HeadDiff{Added: []string{}, Removed: []string{}, Changed: []HeaderChange{}}
	if sent.RequestLine != received.RequestLine {
		d.RequestLineChanged, d.SentRequestLine, d.ReceivedRequestLine = true, sent.RequestLine, received.RequestLine
	}
	got := indexFields(received.Fields)
	want := indexFields(sent.Fields)
	for _, f := range sent.Fields {
		k := strings.ToLower(f.Name)
		r, ok := got[k]
		switch {
		case !ok:
			d.Removed = appendOnce(d.Removed, f.Name)
		case r.name != f.Name || r.value != want[k].value:
			d.Changed = appendChange(d.Changed, f.Name, r.name, want[k].value, r.value)
		}
	}
	for _, f := range received.Fields {
		if _, ok := want[strings.ToLower(f.Name)]; !ok {
			d.Added = appendOnce(d.Added, f.Name)
		}
	}
	d.OrderChanged = commonOrder(sent.Fields, got) != commonOrder(received.Fields, want)
	return d
}

type indexed struct{ name, value string }

// indexFields maps lower-cased names to the first name seen and all values
// joined.
func indexFields(fs []Field) map[string]indexed {
	m := map[string]indexed{}
	for _, f := range fs {
		k := strings.ToLower(f.Name)
		if e, ok := m[k]; ok {
			e.value += ", " + f.Value
			m[k] = e
			continue
		}
		m[k] = indexed{name: f.Name, value: f.Value}
	}
	return m
}

// commonOrder lists, in order of first appearance, the lower-cased names
// of fs that other also has.
func commonOrder(fs []Field, other map[string]indexed) string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		k := strings.ToLower(f.Name)
		if _, ok := other[k]; ok && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return strings.Join(out, "\n")
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

func appendChange(list []HeaderChange, name, gotName, sent, received string) []HeaderChange {
	for _, c := range list {
		if strings.EqualFold(c.Name, name) {
			return list
		}
	}
	c := HeaderChange{Name: name, Sent: sent, Received: received}
	if gotName != name {
		c.ReceivedName = gotName
	}
	return append(list, c)
}
