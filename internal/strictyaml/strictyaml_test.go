package strictyaml

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type doc struct {
	Name string `yaml:"name"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"known key", "name: a\n", ""},
		{"unknown key names its line", "name: a\nnmae: b\n", "line 2"},
		{"too large", "name: " + strings.Repeat("x", 100) + "\n", "doc larger than 64 bytes"},
		{"empty", "", ErrEmpty.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := int64(64)
			if tt.name != "too large" {
				limit = 1 << 10
			}
			var d doc
			err := Decode(strings.NewReader(tt.in), limit, "doc", &d)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("error %v, want one line containing %q", err, tt.wantErr)
			}
			if tt.name == "empty" && !errors.Is(err, ErrEmpty) {
				t.Errorf("empty document: %v is not ErrEmpty", err)
			}
		})
	}
}

type nested struct {
	Version int   `yaml:"version"`
	Items   []doc `yaml:"items"`
}

// TestDecodeRefusesSecondDocument: a second document was silently ignored.
func TestDecodeRefusesSecondDocument(t *testing.T) {
	var n nested
	err := Decode(strings.NewReader("version: 1\n---\nversion: 2\n"), 1<<10, "profile", &n)
	if err == nil || err.Error() != "line 2: a second YAML document; a profile is one document" {
		t.Errorf("err = %v", err)
	}
	if err := Decode(strings.NewReader("version: 1\n---\n"), 1<<10, "profile", &n); err != nil {
		t.Errorf("a trailing separator: %v", err)
	}
}

// TestErrorsDoNotEchoTheFile: a file that is not the expected YAML (a
// password file, a key given by mistake) must not have its contents copied
// into the error.
func TestErrorsDoNotEchoTheFile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"root:Sup3rSecret:0:0:root:/root:/bin/bash\n", "line 1: cannot decode a string into strictyaml.nested"},
		{"version: Sup3rSecret\n", "line 1: cannot decode a string into int"},
		{"items: Sup3rSecret\n", "line 1: cannot decode a string into []strictyaml.doc"},
		{"\"Sup3rSecret key\": 1\n", "line 1: field <not shown> not found in type strictyaml.nested"},
		{"versoin: 1\n", "line 1: field versoin not found in type strictyaml.nested"},
		{"items: [{name: [Sup3rSecret]}]\n", "line 1: cannot decode a list into string"},
		// A backtick in the value ended yaml's quote early and the rest of
		// it was copied.
		{"version: \"S`p3\"\n", "line 1: cannot decode a string into int"},
		{"version: \"a`Sup3rSecret\"\n", "line 1: cannot decode a string into int"},
		{"version: \"x` into y\"\n", "line 1: cannot decode a string into int"},
	}
	for _, tt := range tests {
		var n nested
		err := Decode(strings.NewReader(tt.in), 1<<10, "profile", &n)
		if err == nil || err.Error() != tt.want || strings.Contains(err.Error(), "Sup3rSecret") {
			t.Errorf("Decode(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"version: 1\nitems: [{name: a}]\n", "version: 1\n---\nversion: 2\n", "&a [*a]", "a: &x [*x, *x]\n",
		"items: [{name: \"\\x1b[2J\"}]", "\xff\xfe", "{", "version: !!binary AAAA", "? [a]\n: b\n", strings.Repeat("[", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n nested
		err := Decode(strings.NewReader(s), 1<<12, "profile", &n)
		if err != nil && (strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "`")) {
			t.Fatalf("error not one clean line: %q", err)
		}
	})
}

// TestDecodeRefusesFractionsForIntegers: yaml truncates 2.5 into an int
// field without a word; a strict config refuses it.
func TestDecodeRefusesFractionsForIntegers(t *testing.T) {
	type inner struct {
		PPS uint16 `yaml:"pps"`
	}
	type doc struct {
		Attempts int              `yaml:"attempts"`
		Rate     float64          `yaml:"rate"`
		Ports    []int            `yaml:"ports"`
		Sub      *inner           `yaml:"sub"`
		ByName   map[string]inner `yaml:"by_name"`
		Timeout  time.Duration    `yaml:"timeout"`
		inner    `yaml:",inline"`
	}
	for in, want := range map[string]string{
		"attempts: 2.5\n":                "line 1: field attempts wants a whole number",
		"ports: [1, 2.5]\n":              "line 1: field ports wants a whole number",
		"sub: {pps: 0.5}\n":              "line 1: field pps wants a whole number",
		"by_name:\n  a:\n    pps: 1e3\n": "line 3: field pps wants a whole number",
		"timeout: 1.5\n":                 "line 1: cannot decode a number into time.Duration",
		"rate: 0.5\nattempts: 2\n":       "",
		"attempts: 3\nsub: {pps: 50}\n":  "",
		"timeout: 1500ms\n":              "",
	} {
		var v doc
		err := Decode(strings.NewReader(in), 1<<20, "config", &v)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Decode(%q) = %q, want %q", in, got, want)
		}
	}
}
