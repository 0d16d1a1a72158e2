package servecmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unknownField is how yaml names a key the configuration does not have.
var unknownField = regexp.MustCompile(`field .*? not found in type`)

// FuzzWebConfig feeds arbitrary web configurations to the checks serve
// runs on them (exporter-toolkit's validation, then whether they protect
// a listener): no panic, and every error one line that does not echo a
// value of the file.
func FuzzWebConfig(f *testing.F) {
	for _, s := range []string{
		"", "basic_auth_users:\n  prometheus: $2y$10$Pp6rhvx0HT0cfBXXqA4cIu7ejNnaPLpu5D0JwfRWeygCH5HEeiZ5e\n",
		"tls_server_config: {cert_file: /nonexistent, key_file: /nonexistent}\n", "hunter2key: 1\n", "hunter2secret",
		"basic_auth_users: [hunter2]\n", "http_server_config: {http2: false}\n", "tls_server_config: {cert: \"x\"}\n",
		"\t\x00\xff", "&a [*a, *a]", "basic_auth_users: {a: !!binary AAAA}\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "web.yml")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		err := validateWeb(p)
		if err == nil {
			_, err = protected(p)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		// An unknown key is named ("field 0hunter2 not found in type
		// web.Config"): keys are field names, not values.
		values := unknownField.ReplaceAllString(msg, "")
		if strings.ContainsAny(msg, "\n\r") || strings.Contains(values, "hunter2") {
			t.Fatalf("error %q", msg)
		}
	})
}
