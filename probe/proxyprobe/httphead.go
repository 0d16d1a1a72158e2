package proxyprobe

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// maxHeadFields caps the header fields ParseHead accepts.
const maxHeadFields = 256

// Field is one header field as it appeared on the wire.
type Field struct {
	// Name is the field name in the case it was sent.
	Name string `json:"name"`
	// Value is the field value, spacing kept.
	Value string `json:"value"`
}

// Head is an HTTP request head: the request line and the header fields in
// order, names in the case they were sent.
type Head struct {
	// RequestLine is the first line, without its line ending.
	RequestLine string
	// Method is the request line's method, in the case it was sent.
	Method string
	// Target is the request target, e.g. "/?roompath_token=…".
	Target string
	// Proto is the protocol version, e.g. "HTTP/1.1".
	Proto string
	// Fields are the header fields in order.
	Fields []Field
}

// ParseHead parses the echo protocol's payload: the exact bytes of a
// request head, request line through the blank line. CRLF and bare LF line
// ends are accepted; obsolete folded lines are joined to the field before.
func ParseHead(b []byte) (Head, error) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		end = bytes.Index(b, []byte("\n\n"))
	}
	if end < 0 {
		return Head{}, errors.New("no blank line ends the head")
	}
	lines := strings.Split(strings.ReplaceAll(string(b[:end]), "\r\n", "\n"), "\n")
	var h Head
	if err := h.parseRequestLine(lines[0]); err != nil {
		return Head{}, err
	}
	for _, l := range lines[1:] {
		if err := h.addFieldLine(l); err != nil {
			return Head{}, err
		}
	}
	return h, nil
}

func (h *Head) parseRequestLine(l string) error {
	parts := strings.Split(l, " ")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || !strings.HasPrefix(parts[2], "HTTP/") {
		return fmt.Errorf("request line %q is not METHOD TARGET HTTP/x", truncate(l, 80))
	}
	h.RequestLine, h.Method, h.Target, h.Proto = l, parts[0], parts[1], parts[2]
	return nil
}

func (h *Head) addFieldLine(l string) error {
	if l != "" && (l[0] == ' ' || l[0] == '\t') {
		if len(h.Fields) == 0 {
			return errors.New("continuation line before any field")
		}
		f := &h.Fields[len(h.Fields)-1]
		f.Value = strings.TrimSpace(f.Value + " " + strings.TrimSpace(l))
		return nil
	}
	name, value, ok := strings.Cut(l, ":")
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("header line %q has no field name", truncate(l, 80))
	}
	if len(h.Fields) >= maxHeadFields {
		return fmt.Errorf("more than %d header fields", maxHeadFields)
	}
	h.Fields = append(h.Fields, Field{Name: name, Value: strings.Trim(value, " \t")})
	return nil
}

// Values returns the values of the fields named name (case-insensitive),
// joined with ", ", and whether there was one.
func (h *Head) Values(name string) (string, bool) {
	var vals []string
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			vals = append(vals, f.Value)
		}
	}
	return strings.Join(vals, ", "), len(vals) > 0
}

// Bytes writes the head back in wire form with CRLF line ends.
func (h *Head) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(h.RequestLine + "\r\n")
	for _, f := range h.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
