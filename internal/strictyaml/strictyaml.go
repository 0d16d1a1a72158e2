// Package strictyaml decodes the YAML files roompath reads (profiles, the
// exporter's configuration) one strict way: bounded in size, unknown keys
// refused, every error on one line naming its line.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrEmpty is the error of a document with nothing in it.
var ErrEmpty = errors.New("empty document")

// Load opens path and decodes it into v as Decode does; an error opening
// the file is the *os.PathError, a decoding error is prefixed with path.
func Load(path string, limit int64, what string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := Decode(f, limit, what, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Decode reads at most limit bytes of r and decodes them into v, refusing
// unknown keys. what names the document in the size error ("profile").
// An empty document is ErrEmpty; every other error is one line.
func Decode(r io.Reader, limit int64, what string, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("%s larger than %s", what, size(limit))
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return ErrEmpty
		}
		return oneLine(err)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err == nil {
		if err := wholeNumbers(&doc, reflect.TypeOf(v), ""); err != nil {
			return err
		}
	}
	// A second document would be silently ignored: refuse it (an empty
	// one, a trailing "---", is harmless).
	for {
		var more yaml.Node
		switch err := dec.Decode(&more); {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return oneLine(err)
		case !emptyDocument(&more):
			return fmt.Errorf("line %d: a second YAML document; a %s is one document", max(more.Line, 1), what)
		}
	}
}

func emptyDocument(n *yaml.Node) bool {
	if len(n.Content) == 0 {
		return true
	}
	c := n.Content[0]
	return len(n.Content) == 1 && c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == ""
}

// size renders a limit in MiB or KiB when it is a whole number of them,
// else in bytes.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// oneLine folds yaml's multi-line errors into one line without echoing
// the file: yaml quotes the offending value ("cannot unmarshal !!str
// `secret...`"), which would copy the first line of a file given by
// mistake (a key, a password list) into a terminal or a log. Quoted values
// are dropped, tags named in words, and a key is kept only when it looks
// like one.
func oneLine(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = quoted.ReplaceAllString(msg, "$1")
	msg = unknownField.ReplaceAllStringFunc(msg, func(m string) string {
		sub := unknownField.FindStringSubmatch(m)
		if len(sub[1]) > 40 || !keyLike.MatchString(sub[1]) {
			return "field <not shown> not found" + sub[2]
		}
		return m
	})
	for tag, word := range tagWords {
		msg = strings.ReplaceAll(msg, tag, word)
	}
	msg = strings.Join(strings.Fields(msg), " ")
	return errors.New(strings.ReplaceAll(msg, "cannot unmarshal", "cannot decode"))
}

var (
	// quoted is a value yaml copies into its message: " `value` into T",
	// the value at most 10 bytes or its first 7 and "..." (yaml.v3's
	// terror). The value may hold backticks and newlines itself, so the
	// quote ends at the last "` into " within that reach.
	quoted = regexp.MustCompile("\\s`(?s:.{0,7}\\.\\.\\.|.{0,10})`( into )")
	// unknownField is yaml's unknown-key message.
	unknownField = regexp.MustCompile(`field (.*?) not found( in type \S+)`)
	keyLike      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	tagWords     = map[string]string{"!!str": "a string", "!!int": "a number", "!!float": "a number", "!!bool": "a boolean",
		"!!seq": "a list", "!!map": "a mapping", "!!null": "null", "!!binary": "binary data", "!!timestamp": "a timestamp"}
)
