package triage

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/pathprobe"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/status"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// loopbackConfig is a triage of room:port against a loopback Zoom cloud:
// a status page of kind, a resolver, and a TLS origin signed by signer
// while the genuine root is another CA when intercept is set.
func loopbackConfig(t *testing.T, room string, port uint16, kind statustest.Kind, intercept bool) Config {
	t.Helper()
	srv, err := dnstest.Start(dnstest.Config{IP: "127.0.0.2"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	genuine := proxytest.MustCA("Roompath Test Root G2", "Roompath Test PKI")
	signer := genuine
	if intercept {
		signer = proxytest.MustCA("FortiGate CA", "Fortinet")
	}
	ca := filepath.Join(t.TempDir(), "genuine.pem")
	if err := os.WriteFile(ca, genuine.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxytest.TLSOrigin{CA: signer}.Serve(ln))
	spec, err := targets.Parse(room)
	if err != nil {
		t.Fatal(err)
	}
	return Config{
		Room: spec, Port: port, Timeout: 2 * time.Second, StatusURL: statustest.New(t, kind),
		Resolvers: []string{srv.Addr.String()}, CloudHosts: []string{"zoom.us"}, CAFile: ca,
		Proxy: "none", CaptiveURL: "none", ConnectTo: []string{"zoom.us:443:" + ln.Addr().String()},
	}
}

// TestRunDetailsAreTyped: every result of a real run carries the detail
// type the verdict reads, so a verdict can never lose its evidence to a
// changed detail; and the verdict cites that evidence.
func TestRunDetailsAreTyped(t *testing.T) {
	open := probetest.Open(t)
	tests := []struct {
		name      string
		kind      statustest.Kind
		intercept bool
		wantLayer vocab.Layer
		wantMsg   string
	}{
		{"outage names the components", statustest.Critical, false, vocab.LayerCloud, "(Zoom Rooms"},
		{"interception names the issuer", statustest.Operational, true, vocab.LayerTLS, "FortiGate CA"},
		{"healthy room", statustest.Operational, false, "", "TCP " + itoa(open.Port()) + " to localhost is open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := loopbackConfig(t, "localhost", open.Port(), tt.kind, tt.intercept)
			var mu sync.Mutex
			emitted := 0
			out, err := Run(context.Background(), cfg, func(int, report.Result) { mu.Lock(); emitted++; mu.Unlock() })
			if err != nil {
				t.Fatal(err)
			}
			if emitted != len(out.Results) {
				t.Errorf("emitted %d results, returned %d", emitted, len(out.Results))
			}
			for _, r := range out.Results {
				checkDetailType(t, r)
			}
			if v := out.Verdict; v.Layer != tt.wantLayer || !strings.Contains(v.Message, tt.wantMsg) {
				t.Errorf("verdict %+v, want layer %q and a message with %q", v, tt.wantLayer, tt.wantMsg)
			}
		})
	}
}

// checkDetailType fails when r's detail is not the type the verdict reads.
func checkDetailType(t *testing.T, r report.Result) {
	t.Helper()
	var ok bool
	switch r.Check {
	case vocab.CheckTCP:
		var d *probe.TCPDetail
		d, ok = r.Detail.(*probe.TCPDetail)
		if ok && d.Name == "localhost" && d.ResolvedVia == "" {
			t.Errorf("%s: the room's name resolved, but the result does not say through which resolver", r.ID)
		}
	case vocab.CheckPath:
		_, ok = r.Detail.(*pathprobe.Detail)
	case vocab.CheckStatus:
		_, ok = r.Detail.(*status.Detail)
	case vocab.CheckTLS:
		_, ok = r.Detail.(*proxyprobe.TLSDetail)
	default:
		return
	}
	if !ok {
		t.Errorf("%s: detail is %T, not the type the verdict reads", r.ID, r.Detail)
	}
}

// TestRunRoomUnresolved: a room name that does not resolve gives one
// unresolved result per check that needed its address, all from one
// lookup, and the verdict names the DNS layer.
func TestRunRoomUnresolved(t *testing.T) {
	spec, _ := targets.Parse("room.invalid")
	cfg := Config{Room: spec, ControlPort: 443, Timeout: time.Second, Skip: Skip{Status: true, DNS: true, Proxy: true, TLS: true}}
	out, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range out.Results {
		if r.Observed != vocab.TCPUnresolved || r.Operation == nil || *r.Operation != vocab.OpResolve {
			t.Errorf("%s: %s/%v, want unresolved at the resolve step", r.ID, r.Observed, r.Operation)
		}
		ids = append(ids, r.ID)
	}
	want := "path/room.invalid:9090 tcp/room.invalid:9090 tcp/room.invalid:443"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("results %s, want %s", got, want)
	}
	if out.Verdict.Layer != vocab.LayerDNS || !strings.Contains(out.Verdict.Message, "room.invalid does not resolve") {
		t.Errorf("verdict %+v", out.Verdict)
	}
}

// TestConfigCheck: bad values are found before anything is sent, and
// name what is wrong.
func TestConfigCheck(t *testing.T) {
	room, _ := targets.Parse("10.0.0.1")
	cidr, _ := targets.Parse("10.0.0.0/24")
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"a network is not a room", Config{Room: cidr}, "want one address or hostname"},
		{"bad resolver", Config{Room: room, Resolvers: []string{"300.1.1.1"}}, "dnscheck"},
		{"bad echo URL", Config{Room: room, Echo: "ftp://x"}, "proxycheck: --echo"},
		{"bad status URL", Config{Room: room, StatusURL: "ftp://x"}, "status"},
		{"bad connect-to", Config{Room: room, ConnectTo: []string{"nonsense"}}, "--connect-to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Check()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check() = %v, want an error with %q", err, tt.want)
			}
		})
	}
	if err := (Config{Room: room, Skip: Skip{Status: true}}).Check(); err != nil {
		t.Errorf("a plain room: %v", err)
	}
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }
