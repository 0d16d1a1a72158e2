package strictyaml

import (
	"errors"
	"strings"
	"testing"
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
