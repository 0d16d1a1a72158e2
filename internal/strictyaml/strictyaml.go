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
	return nil
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

// oneLine folds yaml's multi-line errors into one line.
func oneLine(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	return errors.New(strings.Join(strings.Fields(msg), " "))
}
