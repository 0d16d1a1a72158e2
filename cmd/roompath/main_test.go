package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	var out, errb bytes.Buffer
	if code := dispatch([]string{"--help"}, &out, &errb); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, name := range []string{"triage", "status", "run", "serve", "responder", "diff", "port", "path", "dns", "proxy"} {
		if !strings.Contains(out.String(), "  "+name+" ") {
			t.Errorf("--help does not list %s", name)
		}
	}
	out.Reset()
	if code := dispatch([]string{"nope"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "nope"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := dispatch([]string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "roompath ") {
		t.Errorf("version: exit %d, %q", code, out.String())
	}
	errb.Reset()
	if code := dispatch([]string{"port", "10.0.0.300"}, &out, &errb); code != 2 || !strings.HasPrefix(errb.String(), "portcheck: invalid address") {
		t.Errorf("subcommand bad input: exit %d, %q", code, errb.String())
	}
}
