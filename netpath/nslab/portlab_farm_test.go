//go:build linux

package nslab

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestPortLabFarm16: every campus /16 follows SweepExpected on its first
// and last port, its counts cover a /16, and Farm's backlog is the one
// documented.
func TestPortLabFarm16(t *testing.T) {
	o, c, d := sweepCountsOf(farmCIDRs()[0])
	if o != 32768 || c != 16384 || d != 16384 {
		t.Fatalf("farm counts %d/%d/%d do not cover a /16 by the rule", o, c, d)
	}
	for addr, want := range map[string]string{"10.100.0.0": SweepStateOpen, "10.101.7.2": SweepStateClosed, "10.103.255.255": SweepStateFiltered, "10.104.0.1": ""} {
		if got := SweepExpected(addr); got != want {
			t.Errorf("SweepExpected(%s) = %q, want %q", addr, got, want)
		}
	}
	needLab(t)
	p, err := NewPortLab()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, cidr := range p.FarmCIDRs {
		base := cidr[:len(cidr)-len("0.0/16")]
		for _, port := range []int{p.FarmPortFirst, p.FarmPortLast} {
			for _, host := range []string{"1.1", "1.2", "1.3"} {
				addr := base + host
				got := dialState(t, p, net.JoinHostPort(addr, strconv.Itoa(port)))
				if want := SweepExpected(addr); got != want {
					t.Errorf("%s port %d: %s, want %s", addr, port, got, want)
				}
			}
		}
	}
	out, err := p.Farm.Command(context.Background(), "sysctl", "-n", "net.core.somaxconn").Output()
	if err != nil || string(out) != strconv.Itoa(farmBacklog)+"\n" {
		t.Errorf("Farm somaxconn = %q, %v", out, err)
	}
}

// dialState connects from Client and names the outcome in the sweep's
// terms.
func dialState(t *testing.T, p *PortLab, addr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	c, err := p.Client.Dial(ctx, "tcp", addr)
	switch {
	case err == nil:
		c.Close()
		return SweepStateOpen
	case errors.Is(err, syscall.ECONNREFUSED):
		return SweepStateClosed
	}
	return SweepStateFiltered
}
