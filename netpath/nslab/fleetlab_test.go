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

// TestFleetLab connects to the first rooms from both vantage points and
// checks each against FleetExpected: open completes, closed is refused,
// dropped stays silent until the deadline.
func TestFleetLab(t *testing.T) {
	Need(t)
	f, err := NewFleetLab()
	if err != nil {
		t.Fatalf("NewFleetLab: %v", err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("FleetLab.Close: %v", err)
		}
		if left := labNamespaces(t, f.Lab.Prefix()); len(left) != 0 {
			t.Errorf("namespaces left after Close: %v", left)
		}
	})
	rooms, err := FleetRooms(16)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, ns := range []*NS{f.Exporter, f.Peer} {
		for _, r := range rooms {
			want := FleetExpected(r)
			seen[want]++
			if got := fleetDial(ns, net.JoinHostPort(r, strconv.Itoa(f.FleetPort))); got != want {
				t.Errorf("%s from %s: got %q, want %q", r, ns.Role, got, want)
			}
		}
	}
	if seen[SweepStateOpen] == 0 || seen[SweepStateClosed] == 0 || seen[SweepStateFiltered] == 0 {
		t.Errorf("the first rooms miss a state: %v", seen)
	}
}

// fleetDial classifies one connect as a sweep state.
func fleetDial(ns *NS, addr string) string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := ns.Dial(ctx, "tcp", addr)
	switch {
	case err == nil:
		c.Close()
		return SweepStateOpen
	case errors.Is(err, syscall.ECONNREFUSED):
		return SweepStateClosed
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return SweepStateFiltered
	}
	return err.Error()
}

// TestFleetRoomsBounds checks the fleet size bounds and the mix.
func TestFleetRoomsBounds(t *testing.T) {
	for _, n := range []int{0, -1, 16384} {
		if _, err := FleetRooms(n); err == nil {
			t.Errorf("FleetRooms(%d): no error", n)
		}
	}
	rooms, err := FleetRooms(16383)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range rooms {
		n[FleetExpected(r)]++
	}
	if n[""] != 0 || n[SweepStateOpen] < 3*len(rooms)/4-1 {
		t.Errorf("mix over %d rooms: %v", len(rooms), n)
	}
	if FleetExpected("10.93.1.2") != "" || FleetExpected("nonsense") != "" {
		t.Error("FleetExpected accepts an address outside FleetCIDR")
	}
}
