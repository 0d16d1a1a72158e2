package proxyprobe

import (
	"context"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/probe/proxytest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func TestDiscoverWPAD(t *testing.T) {
	pacAddr := start(t, proxytest.PACServer{Body: `function FindProxyForURL(u, h) { return "PROXY corp-proxy:3128"; }`}.Serve)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxytest.WPADDNS{A: map[string]string{"wpad.lab.test.": "127.0.0.1"}}.Serve(pc))
	_, port, _ := net.SplitHostPort(pacAddr)
	disc := DiscoveryConfig{
		WPAD:   WPAD{Domains: []string{"rooms.lab.test"}, Servers: []string{pc.LocalAddr().String()}},
		Dialer: &Dialer{Rules: []ConnectTo{{Host: "wpad.lab.test", Port: "80", ToPort: port}}},
	}
	cfg, res, err := discover(context.Background(), disc, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(verdict{Status: report.StatusPass, Observed: vocab.ProxyConfigPAC}, verdictOf(res)); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	det := res.Detail.(*ConfigDetail)
	if diff := cmp.Diff([]string{"wpad.rooms.lab.test", "wpad.lab.test"}, det.WPAD.Tried); diff != "" || det.PACURL != "http://wpad.lab.test/wpad.dat" {
		t.Errorf("wpad %+v pac %q (-want +got)\n%s", det.WPAD, det.PACURL, diff)
	}
	dec, err := cfg.Decide(context.Background(), "https://zoom.us/")
	if err != nil || dec.Source != SourcePAC || *dec.PACAnswer != "PROXY corp-proxy:3128" {
		t.Errorf("decision %+v, %v", dec, err)
	}
}

func TestDiscoverEnvAndFlags(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "http://user:pw@envproxy:3128", "NO_PROXY": "zoom.com"}
	tests := []struct {
		name     string
		disc     DiscoveryConfig
		url      string
		observed vocab.Observed
		source   string
		proxies  []string
	}{
		{"env", DiscoveryConfig{NoWPAD: true}, "https://zoom.us/", vocab.ProxyConfigExplicit, SourceEnv, []string{"PROXY envproxy:3128"}},
		{"env NO_PROXY", DiscoveryConfig{NoWPAD: true}, "https://zoom.com/", vocab.ProxyConfigExplicit, SourceNone, []string{"DIRECT"}},
		{"flag wins", DiscoveryConfig{NoWPAD: true, Proxy: "flagproxy:8080"}, "https://zoom.com/", vocab.ProxyConfigExplicit, SourceFlag, []string{"PROXY flagproxy:8080"}},
		{"none turns all off", DiscoveryConfig{Proxy: "none"}, "https://zoom.us/", vocab.ProxyConfigNone, SourceNone, []string{"DIRECT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, res, err := discover(context.Background(), tt.disc, func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			dec, _ := cfg.Decide(context.Background(), tt.url)
			got := []any{res.Observed, dec.Source, dec.Proxies}
			if diff := cmp.Diff([]any{tt.observed, tt.source, tt.proxies}, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if d := res.Detail.(*ConfigDetail); d.Env["HTTPS_PROXY"] != "" && d.Env["HTTPS_PROXY"] != "http://REDACTED@envproxy:3128" {
				t.Errorf("credentials not redacted: %q", d.Env["HTTPS_PROXY"])
			}
		})
	}
}
