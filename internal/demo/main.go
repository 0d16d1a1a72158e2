// Command demo is `make demo`: it builds the namespace lab, runs the
// roompath binaries from bin/ against every fault the lab stages, prints
// the readable reports, writes each one's HTML report under demo-out/,
// and tears the lab down. Without root it says so and
// runs what it can on loopback.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/report"
)

// section is one part of the demo: a heading, the staged faults (address →
// what the lab does there), and the command to run at the vantage point.
type section struct {
	title  string
	legend [][2]string
	argv   []string
	// summarize prints counts by observed state from -o json output
	// instead of the whole report (for sweeps).
	summarize bool
	// host runs the command on this host (loopback fakes), not in the
	// lab's client namespace.
	host bool
}

func main() {
	bin, err := filepath.Abs("bin")
	if err != nil {
		fail(err)
	}
	if _, err := os.Stat(filepath.Join(bin, "portcheck")); err != nil {
		fail(fmt.Errorf("bin/portcheck missing: run `make build` first (make demo does)"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cloud, err := startCloudLab(ctx)
	if err != nil {
		fail(fmt.Errorf("starting the loopback fakes: %w", err))
	}
	code := 0
	if err := nslab.Available(); err != nil {
		fmt.Printf("The namespace lab cannot be built here: %v\nRunning what works on loopback instead.\n\n", err)
		code = loopbackDemo(ctx, bin)
	} else {
		code = labDemo(ctx, bin)
	}
	code = mediaDemo(ctx, bin, code)
	if code == 0 {
		code = runSections(ctx, bin, cloud.sections(), nil)
	}
	if code == 0 {
		fmt.Println("\n=== Messy networks on loopback: a hijacking resolver, split horizon, a non-responder echo ===")
		code = runSections(ctx, bin, cloud.messyCloudSections(), nil)
	}
	cloud.close()
	demoHTML.finish()
	os.Exit(code)
}

func labDemo(ctx context.Context, bin string) int {
	fmt.Println("Building the port lab: a controller-side namespace, a router with nftables rules, a room, a /20 farm ...")
	lab, err := nslab.NewPortLab()
	if err != nil {
		fail(fmt.Errorf("building the lab: %w", err))
	}
	code := runSections(ctx, bin, labSections(lab), func(name string, args ...string) *exec.Cmd {
		return lab.Client.Command(ctx, name, args...)
	})
	closeLab("port lab", lab.Close)
	if code != 0 {
		return code
	}
	fmt.Println("\nBuilding the path lab: client, two routers (the second a firewall), rooms three hops away, a Wi-Fi bridge with isolated ports, a tunnel ...")
	pl, err := nslab.NewPathLab()
	if err != nil {
		fail(fmt.Errorf("building the path lab: %w", err))
	}
	code = runSections(ctx, bin, pathSections(pl), func(name string, args ...string) *exec.Cmd {
		return pl.Client.Command(ctx, name, args...)
	})
	closeLab("path lab", pl.Close)
	if code != 0 {
		return code
	}
	return messyLabDemo(ctx, bin)
}

func closeLab(name string, close func() error) {
	if err := close(); err != nil {
		fmt.Fprintf(os.Stderr, "demo: tearing down the %s: %v\n", name, err)
		return
	}
	fmt.Printf("\n(%s removed)\n", name)
}

// pathSections shows pathcheck and triage on the multi-hop lab.
func pathSections(l *nslab.PathLab) []section {
	rooms := [][2]string{
		{l.Open, "room three hops away, listening"},
		{l.Dropped, "the firewall at hop 2 drops TCP 9090"},
		{l.Rejected, "the firewall at hop 2 rejects with ICMP admin-prohibited"},
		{l.ForgedReset, "the firewall at hop 2 forges a RST in the room's name"},
		{l.Isolated, "on the client's Wi-Fi bridge, port isolated (client isolation)"},
		{l.Unreachable, "this host's table: unreachable route"},
		{l.TunnelRoom, "routed through a tunnel (VPN)"},
	}
	args := []string{"pathcheck", "--timeout", "1500ms"}
	for _, r := range rooms {
		args = append(args, r[0])
	}
	var out []section
	out = append(out, section{title: "pathcheck: route, neighbours and the hop where TCP 9090 dies", legend: rooms, argv: args})
	for _, r := range [][2]string{{l.Dropped, "dropped at hop 2"}, {l.Isolated, "Wi-Fi client isolation"}} {
		out = append(out, section{title: "roompath triage: " + r[1] + " (network checks only; the cloud checks run below)",
			legend: [][2]string{r},
			argv:   []string{"roompath", "triage", "--room", r[0], "--skip", "status,dns,proxy,tls", "--timeout", "1500ms"}})
	}
	return out
}

// runSections runs each section's command through mk (inside the lab's
// client namespace, or directly on loopback).
func runSections(ctx context.Context, bin string, sections []section, mk func(string, ...string) *exec.Cmd) int {
	for _, s := range sections {
		if ctx.Err() != nil {
			return 130
		}
		if _, err := os.Stat(filepath.Join(bin, s.argv[0])); err != nil {
			fmt.Printf("\n(skipping %s: bin/%s is not built)\n", s.title, s.argv[0])
			continue
		}
		printSection(s)
		argv := withJSON(s.argv) // printed as text, and saved as HTML (html.go)
		var cmd *exec.Cmd
		if s.host || mk == nil {
			cmd = exec.CommandContext(ctx, filepath.Join(bin, argv[0]), argv[1:]...)
		} else {
			cmd = mk(filepath.Join(bin, argv[0]), argv[1:]...)
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		code := exitCode(cmd.Run())
		demoHTML.show(s, out.Bytes())
		fmt.Printf("(exit code %d)\n", code)
	}
	return 0
}

// summarize prints the counts by observed state and the wall time of a
// JSON report.
func summarize(b []byte) {
	var rep report.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		fmt.Println("could not read the report:", err)
		return
	}
	counts := map[string]int{}
	for _, r := range rep.Results {
		counts[string(r.Observed)+"/"+string(r.Reason)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("   %-28s %5d\n", k, counts[k])
	}
	fmt.Printf("   %d results in %.0f ms\n", len(rep.Results), rep.DurationMS)
}

// labSections lists what the demo shows, one section per binary.
func labSections(l *nslab.PortLab) []section {
	p := fmt.Sprint(l.Port)
	faults := [][2]string{
		{l.Open, "room listening on 9090"},
		{l.Closed, "room up, nothing on 9090 (RST)"},
		{l.Dropped, "router drops TCP 9090 silently (ping and 443 still answer)"},
		{l.Rejected, "router rejects TCP 9090 with ICMP admin-prohibited"},
		{l.ForgedReset, "router forges a RST in the room's name"},
		{l.NoNeighbor, "nobody owns the address: router's ARP fails"},
		{l.NetUnreach, "router has no route to the subnet"},
		{l.LocalUnreachable, "this host's table: unreachable route"},
		{l.LocalProhibit, "this host's table: prohibit route"},
		{l.LocalBlackhole, "this host's table: blackhole route"},
		{l.OpenV6, "IPv6 room listening on 9090"},
		{l.RejectedV6, "IPv6: router rejects with ICMPv6 admin-prohibited"},
	}
	args := []string{"portcheck", "-p", p, "--timeout", "2s"}
	for _, f := range faults {
		args = append(args, f[0])
	}
	return []section{
		{title: "portcheck: TCP 9090 toward every staged fault", legend: faults, argv: args},
		{title: "portcheck: the room answers other traffic (443) where 9090 is dropped",
			legend: [][2]string{{l.Dropped, "same host as above, port 443 and 9090"}},
			argv:   []string{"portcheck", "-p", fmt.Sprintf("443,%d", l.Port), "--timeout", "1s", l.Dropped}},
		{title: fmt.Sprintf("portcheck: a sweep of %s (a quarter silently dropped), summary only", l.SweepCIDR),
			legend: [][2]string{{l.SweepCIDR, fmt.Sprintf("%d open, %d closed, %d dropped by design", l.SweepOpen, l.SweepClosed, l.SweepDropped)}},
			argv:   []string{"portcheck", "-o", "json", "--rate", "0", "--timeout", "1s", l.SweepCIDR}, summarize: true},
	}
}

func printSection(s section) {
	fmt.Printf("\n\x1b[1m== %s\x1b[0m\n", s.title)
	for _, l := range s.legend {
		fmt.Printf("   %-16s %s\n", l[0], l[1])
	}
	fmt.Printf("$ %s\n\n", strings.Join(s.argv, " "))
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "demo:", err)
	os.Exit(1)
}

// loopbackDemo stages what needs no root: an open port, a closed port and a
// silently dropping port (a listener whose accept queue is full), all on
// 127.0.0.1.
func loopbackDemo(ctx context.Context, bin string) int {
	open, closeOpen, err := probetest.StartOpen()
	if err != nil {
		fail(err)
	}
	defer closeOpen()
	silent, closeSilent, err := probetest.StartSilent()
	if err != nil {
		fail(err)
	}
	defer closeSilent()
	closed, closeClosed, err := probetest.StartClosed()
	if err != nil {
		fail(err)
	}
	defer closeClosed()
	s := section{
		title: "portcheck on loopback",
		legend: [][2]string{
			{open.String(), "listening"}, {closed.String(), "nothing listens (RST)"},
			{silent.String(), "accept queue full: SYNs dropped silently"},
		},
		argv: []string{"portcheck", "--timeout", "1s", open.String(), closed.String(), silent.String()},
	}
	return runSections(ctx, bin, []section{s}, func(name string, args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, name, args...)
	})
}
