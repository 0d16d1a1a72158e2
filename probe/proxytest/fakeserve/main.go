// Command fakeserve runs the proxytest fakes on loopback for
// scripts/compare-curl.sh: it writes the CA certificates to --dir, prints
// one NAME=ADDRESS line per fake on stdout, and serves until stdin closes
// or SIGTERM. Every fake listens on 127.0.0.1 and reaches only loopback
// upstreams.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/roompath/roompath/internal/responder"
	"github.com/roompath/roompath/probe/proxytest"
)

func main() {
	dir := flag.String("dir", ".", "directory for genuine.pem and inspect.pem")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "fakeserve:", err)
		os.Exit(1)
	}
}

type fakes struct {
	cleanups []func()
}

func (f *fakes) listen(name string, serve func(net.Listener) func()) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	f.cleanups = append(f.cleanups, serve(ln))
	fmt.Printf("%s=%s\n", name, ln.Addr())
	return ln.Addr().String(), nil
}

func run(dir string) error {
	genuine, err := proxytest.NewCA("Roompath Test Root G2", "Roompath Test PKI")
	if err != nil {
		return err
	}
	inspect, err := proxytest.NewCA("FortiGate CA", "Fortinet")
	if err != nil {
		return err
	}
	for name, ca := range map[string]*proxytest.CA{"genuine.pem": genuine, "inspect.pem": inspect} {
		if err := os.WriteFile(filepath.Join(dir, name), ca.PEM(), 0o644); err != nil {
			return err
		}
	}
	f := &fakes{}
	defer func() {
		for _, c := range f.cleanups {
			c()
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := f.start(ctx, genuine, inspect); err != nil {
		return err
	}
	fmt.Println("READY=1")
	go func() { io.Copy(io.Discard, os.Stdin); stop() }()
	<-ctx.Done()
	return nil
}

func (f *fakes) start(ctx context.Context, genuine, inspect *proxytest.CA) error {
	origin, err := f.listen("ORIGIN_TLS", proxytest.TLSOrigin{CA: genuine}.Serve)
	if err != nil {
		return err
	}
	media, err := f.listen("ORIGIN_MEDIA", proxytest.StallTLS{}.Serve)
	if err != nil {
		return err
	}
	echoLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go responder.New(responder.Config{}).Serve(ctx, echoLn, responder.ModeAuto)
	fmt.Printf("RESPONDER=%s\n", echoLn.Addr())
	up := map[string]string{"zoom.us:443": origin, "zoom.us:8801": media}
	steps := []struct {
		name  string
		serve func(net.Listener) func()
	}{
		{"INSPECT_TLS", proxytest.TLSOrigin{CA: inspect}.Serve},
		{"PROXY_443_ONLY", proxytest.ConnectProxy{AllowPorts: []string{"443"}, Upstream: up}.Serve},
		{"PROXY_AUTH", proxytest.ConnectProxy{User: "room", Password: "secret", AuthSchemes: []string{"Negotiate", "NTLM", `Basic realm="corp"`}, Upstream: up}.Serve},
		{"PROXY_INTERCEPT", proxytest.ConnectProxy{Intercept: inspect, Upstream: up}.Serve},
		{"TRANSPARENT", proxytest.TransparentProxy{Upstream: echoLn.Addr().String()}.Serve},
		{"PORTAL", proxytest.CaptivePortal{Mode: proxytest.PortalRedirect}.Serve},
		{"NO_PORTAL", proxytest.CaptivePortal{Mode: proxytest.PortalNone}.Serve},
		{"ECHO_NOT_RESPONDER", proxytest.PlainEcho{}.Serve},
		{"BLOCK_PAGE", proxytest.BlockPage{}.Serve},
		{"ORIGIN_HTTP", proxytest.Origin{}.Serve},
	}
	for _, s := range steps {
		if _, err := f.listen(s.name, s.serve); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ln.Close()
	fmt.Printf("REFUSED=%s\n", ln.Addr())
	return nil
}
