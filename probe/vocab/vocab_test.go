package vocab

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// declared returns the constants the package's files declare, by type
// name.
func declared(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, name := range []string{"vocab.go", "media.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		declaredIn(t, f, out)
	}
	return out
}

func declaredIn(t *testing.T, f *ast.File, out map[string][]string) {
	t.Helper()
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			id, ok := vs.Type.(*ast.Ident)
			if !ok || len(vs.Values) != 1 {
				continue // UnknownPrefix: untyped
			}
			v, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			out[id.Name] = append(out[id.Name], v)
		}
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, string(x))
	}
	return set(out)
}

func set(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return slices.Compact(out)
}

// TestSetsHoldEveryConstant: each list function names every constant of
// its type, so the schema and docs tests below cover all of them.
func TestSetsHoldEveryConstant(t *testing.T) {
	d := declared(t)
	var observed []Observed
	for _, c := range Checks() {
		observed = append(observed, ObservedOf(c)...)
	}
	for typ, got := range map[string][]string{
		"Check": strs(Checks()), "Observed": strs(observed), "Reason": strs(Reasons()),
		"Failure": strs(Failures()), "Operation": strs(Operations()), "Layer": strs(Layers()),
	} {
		if diff := cmp.Diff(set(d[typ]), got); diff != "" {
			t.Errorf("%s constants and their list differ (-declared +listed):\n%s", typ, diff)
		}
	}
}

// schema is the part of report/schema.json the vocabulary appears in.
type schema struct {
	Defs struct {
		Layer  struct{ Enum []string } `json:"layer"`
		Result struct {
			Properties struct {
				Check struct{ Enum []string } `json:"check"`
			} `json:"properties"`
			AllOf []struct {
				If struct {
					Properties struct {
						Check struct{ Const string } `json:"check"`
					} `json:"properties"`
				} `json:"if"`
				Then struct {
					Properties struct {
						Observed struct{ Enum []string } `json:"observed"`
						Reason   struct{ Enum []string } `json:"reason"`
					} `json:"properties"`
				} `json:"then"`
			} `json:"allOf"`
		} `json:"result"`
	} `json:"$defs"`
}

// TestSchemaMatches holds report/schema.json to the constants.
func TestSchemaMatches(t *testing.T) {
	b, err := os.ReadFile("../../report/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	check(t, "layer", strs(Layers()), set(s.Defs.Layer.Enum))
	check(t, "check", strs(Checks()), set(s.Defs.Result.Properties.Check.Enum))
	seen := map[string]bool{}
	for _, a := range s.Defs.Result.AllOf {
		c := Check(a.If.Properties.Check.Const)
		seen[string(c)] = true
		check(t, "observed of "+string(c), strs(ObservedOf(c)), set(a.Then.Properties.Observed.Enum))
		reasons := map[Check][]Reason{CheckTCP: TCPReasons(), CheckPath: PathReasons(), CheckUDP: UDPReasons(),
			CheckMedia: MediaReasons()}[c]
		if reasons != nil {
			check(t, "reason of "+string(c), append(strs(reasons), ""), set(a.Then.Properties.Reason.Enum))
		}
	}
	check(t, "checks with observed enums", strs(Checks()), set(mapKeys(seen)))
}

func check(t *testing.T, what string, want, got []string) {
	t.Helper()
	if diff := cmp.Diff(set(want), got); diff != "" {
		t.Errorf("%s: constants and report/schema.json differ (-constants +schema):\n%s", what, diff)
	}
}

func mapKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// docSections reads docs/vocabulary.md: under each "## " heading, the
// backticked value that starts each "- " item.
func docSections(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/vocabulary.md")
	if err != nil {
		t.Fatal(err)
	}
	item := regexp.MustCompile("^- `([^`]*)`")
	out := map[string][]string{}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section = strings.TrimSpace(h)
			continue
		}
		if m := item.FindStringSubmatch(line); m != nil && section != "" {
			out[section] = append(out[section], m[1])
		}
	}
	return out
}

// TestDocsMatch holds docs/vocabulary.md to the constants: one section per
// check's observed states, and one each for the checks, reasons,
// failures, operations and layers.
func TestDocsMatch(t *testing.T) {
	docs := docSections(t)
	want := map[string][]string{
		"Checks": strs(Checks()), "Reasons": strs(Reasons()), "Failures": strs(Failures()),
		"Operations": strs(Operations()), "Layers": strs(Layers()),
	}
	for _, c := range Checks() {
		want["Observed: "+string(c)] = strs(ObservedOf(c))
	}
	for section, w := range want {
		if diff := cmp.Diff(w, set(docs[section])); diff != "" {
			t.Errorf("docs/vocabulary.md section %q and the constants differ (-constants +docs):\n%s", section, diff)
		}
	}
	for section := range docs {
		if _, ok := want[section]; !ok {
			t.Errorf("docs/vocabulary.md section %q lists values no constant list has", section)
		}
	}
}
