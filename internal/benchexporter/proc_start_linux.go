package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/roompath/roompath/netpath/nslab"
)

// exporterProc is one exporter process running inside a lab namespace and
// an HTTP client that reaches its loopback listener there.
type exporterProc struct {
	name   string
	base   string // http://127.0.0.1:PORT, inside the namespace
	cmd    *exec.Cmd
	client *http.Client
	log    string
}

// startProc starts argv inside ns (`ip netns exec` execs it, so the PID is
// the exporter's), logging its stderr to logPath, and waits until ready
// answers true (20 s at most).
func startProc(ns *nslab.NS, name, base, logPath string, argv []string, ready func(*exporterProc) bool) (*exporterProc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := ns.Command(context.Background(), argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &exporterProc{name: name, base: base, cmd: cmd, client: nsClient(ns), log: logPath}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ready(p) {
			return p, nil
		}
	}
	p.stop()
	out, _ := os.ReadFile(logPath)
	return nil, fmt.Errorf("%s did not become ready; its log:\n%s", name, out)
}

// nsClient is an HTTP client whose connections are made inside ns.
func nsClient(ns *nslab.NS) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return ns.Dial(ctx, network, addr)
			},
			MaxIdleConnsPerHost: 256,
			DisableCompression:  true,
		},
	}
}

func (p *exporterProc) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM and waits up to 5 s, then kills.
func (p *exporterProc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// get fetches url and returns the status code and body.
func (p *exporterProc) get(url string) (int, []byte, error) {
	resp, err := p.client.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
