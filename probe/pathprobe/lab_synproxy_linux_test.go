package pathprobe

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
	"github.com/roompath/roompath/report/reporttest"
)

// runPrefixedIn runs the path check in a process of its own in ns, with prefix before the binary (see runIn).
func runPrefixedIn(t *testing.T, ns *nslab.NS, prefix []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv := append(append(prefix, helperBinary(t)), args...)
	cmd := ns.Command(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String()
	case err != nil:
		t.Fatalf("run: %v (%s)", err, errb.String())
	}
	return 0, out.String()
}

// TestLabSynproxyPath traces through a router running nftables synproxy
// and past a router that sends no time exceeded: a SYN-ACK the proxy sent
// is reached only when the room answers behind it, the proxy is placed by
// the SYN-ACK's IP TTL (hop 1, while the SYN needed TTL 2), and the silent
// router is named in the hint, never blamed or numbered.
func TestLabSynproxyPath(t *testing.T) {
	nslab.Need(t)
	lab, err := nslab.NewSynproxyLab()
	if errors.Is(err, nslab.ErrNoSynproxy) {
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	type want struct {
		Code       int
		Status     report.Status
		Observed   vocab.Observed
		Reason     vocab.Reason
		ReportedBy string
		Check      any
		After      any
		RejectHop  any
	}
	mb := vocab.ReasonHandshakeByMiddlebox
	nobody := []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}
	tests := []struct {
		name   string
		room   string
		prefix []string
		want   want
		hint   string
	}{
		{"refused behind the proxy", lab.Refused, nil, want{1, report.StatusFail, vocab.PathReached, mb, lab.Hop1, "raw_ttl", "reset", nil}, "the SYN-ACK came from hop 1 (" + lab.Hop1 + ")"},
		{"nothing behind the proxy", lab.NoHost, nil, want{1, report.StatusFail, vocab.PathDropped, mb, lab.Hop1, "raw_ttl", "silent", nil}, "nothing behind it acknowledged"},
		{"nothing behind the proxy, unprivileged", lab.NoHost, nobody, want{1, report.StatusFail, vocab.PathDropped, mb, "", "post_handshake", "silent", nil}, "pathcheck run as root places the device"},
		{"nothing behind the proxy v6", lab.NoHostV6, nil, want{1, report.StatusFail, vocab.PathDropped, mb, lab.Hop1V6, "raw_ttl", "silent", nil}, "short of the room"},
		{"room answers behind the proxy", lab.Proxied, nil, want{0, report.StatusPass, vocab.PathReached, vocab.ReasonSynAck, lab.Proxied, "raw_ttl", "acked", nil}, "a SYN proxy (or TCP intercept) answers"},
		{"silent router", lab.BehindSilent, nil, want{0, report.StatusPass, vocab.PathReached, vocab.ReasonSynAck, lab.BehindSilent, "raw_ttl", "acked", nil}, "Hop 2 sent no time exceeded"},
		{"reject behind a silent router", lab.RejectedBehindSilent, nil, want{1, report.StatusFail, vocab.PathRejected, vocab.ReasonAdminProhibited, lab.Hop2, nil, nil, nil}, lab.Hop2 + " answered the TTL 3 probe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prefix != nil {
				if _, err := exec.LookPath(tt.prefix[0]); err != nil {
					t.Skip("setpriv (util-linux) not on PATH")
				}
			}
			code, out := runPrefixedIn(t, lab.Client, tt.prefix, "--timeout", "1s", "--max-hops", "6", tt.room)
			reporttest.ValidateJSON(t, []byte(out))
			rep, d := decode(t, out)
			r := rep.Results[0]
			got := want{code, r.Status, r.Observed, r.Reason, r.ReportedBy, d["handshake_check"], d["after_handshake"], d["reject_hop"]}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("path check of %s (-want +got)\n%s\nhint %q\ndetail %v", tt.room, diff, r.Hint, d)
			}
			if !strings.Contains(r.Hint, tt.hint) {
				t.Errorf("hint %q lacks %q", r.Hint, tt.hint)
			}
		})
	}
}
