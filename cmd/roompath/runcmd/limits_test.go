package runcmd

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/cli/clitest"
	"github.com/roompath/roompath/profile"
	"github.com/roompath/roompath/report"
)

// bigProfile writes a profile of rooms rooms (loopback addresses, never
// probed: every test here is refused before anything is sent) and, for
// network "wifi", a must_not_reach of every room on ports 1..ports.
func bigProfile(t *testing.T, rooms, ports int) (path string, size int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("version: 1\nsites:\n  - name: hq\n    rooms:\n")
	for i := range rooms {
		fmt.Fprintf(&b, "      - {name: room-%05d, address: 127.0.%d.%d}\n", i, i/250, i%250+1)
	}
	b.WriteString("    networks:\n      - name: wifi\n        cidrs: [127.0.0.0/8]\n        must_not_reach:\n          - rooms: [\"*\"]\n            ports: [1")
	for p := 2; p <= ports; p++ {
		fmt.Fprintf(&b, ", %d", p)
	}
	b.WriteString("]\n      - name: guest\n        cidrs: [192.0.2.0/24]\n        must_not_reach:\n          - rooms: [\"*\"]\n            ports: [9090]\n")
	return writeProfile(t, b.String()), b.Len()
}

// toolWithCounter is the run command with its plan builder counted.
func toolWithCounter(built *int) cli.Tool {
	c := newCmd(func() []netip.Addr { return nil })
	c.expand = func(s *profile.Site, n *profile.Network) []profile.Check {
		*built++
		return s.Checks(n)
	}
	return c.tool()
}

// TestHugeProfileRefusedFast: a 512 KB profile of 3,000 rooms x every port
// was expanded until the process was OOM-killed (24 GB). It is now counted
// and refused with exit 2 before anything is built.
func TestHugeProfileRefusedFast(t *testing.T) {
	path, size := bigProfile(t, 3000, 54000)
	if size < 500<<10 {
		t.Fatalf("generated profile is %d bytes, want about 512 KB", size)
	}
	built := 0
	start := time.Now()
	code, out, errs := clitest.Execute(toolWithCounter(&built), "--network", "wifi", path)
	t.Logf("%d-byte profile refused in %s", size, time.Since(start))
	if code != report.ExitUsage || out != "" || built != 0 {
		t.Fatalf("exit %d, %d plans built, stdout %q", code, built, out)
	}
	want := fmt.Sprintf("expands to %d checks (rooms x ports), more than the limit of %d", 3000*54000, profile.MaxChecks)
	if !strings.Contains(errs, want) || strings.Count(errs, "\n") != 1 {
		t.Errorf("stderr = %q, want one line with %q", errs, want)
	}
}

// TestLargeProfileBadNetworkBuildsNothing: a 386 KB profile with a bad
// --network once took 569 MB and 8 s to refuse; it must be refused
// without building any plan.
func TestLargeProfileBadNetworkBuildsNothing(t *testing.T) {
	path, size := bigProfile(t, 8000, 20)
	if size < 380<<10 {
		t.Fatalf("generated profile is %d bytes, want about 386 KB", size)
	}
	built := 0
	start := time.Now()
	code, _, errs := clitest.Execute(toolWithCounter(&built), "--network", "lobby", path)
	t.Logf("%d-byte profile, bad --network refused in %s", size, time.Since(start))
	if code != report.ExitUsage || built != 0 || !strings.Contains(errs, `--network "lobby": no such network`) {
		t.Errorf("exit %d, %d plans built, stderr %q", code, built, errs)
	}
	// Within the hard limit but above --max-checks: refused unless --force.
	code, _, errs = clitest.Execute(toolWithCounter(&built), "--network", "wifi", path)
	if code != report.ExitUsage || built != 0 || !strings.Contains(errs, "expands to 160000 checks (rooms x ports), more than --max-checks 65536; narrow the profile or add --force") {
		t.Errorf("exit %d, %d plans built, stderr %q", code, built, errs)
	}
}
