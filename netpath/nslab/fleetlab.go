package nslab

import (
	"fmt"
	"net/netip"
	"sync"
)

// FleetLab is a campus of rooms for benchmarking an exporter at fleet size:
// a Farm namespace answers TCP on FleetPort at every address of FleetCIDR
// (a /18, 16,384 rooms), and two vantage namespaces, Exporter and Peer,
// reach it over their own links, so two tools probing the same room never
// share an address pair (no TIME_WAIT of one slows the other).
//
//	Exporter 10.93.1.2 ── 10.93.1.1 Farm 10.93.2.1 ── 10.93.2.2 Peer
//	                          local 10.93.64.0/18
//
// A room's fate follows its address's last three bits, like a campus where
// most rooms are up: 000–101 open (75%), 110 closed (Farm's nftables
// answers a RST, 12.5%), 111 silently dropped by Farm's nftables (12.5%).
// Farm's listener backlog holds every handshake a benchmark can start
// (net.core.somaxconn raised in Farm before it listens), so an open room is
// never turned into a false "filtered" by a full accept queue.
//
// Zero FleetLab is not useful; build one with NewFleetLab and Close it.
type FleetLab struct {
	// Lab owns the namespaces; FleetLab.Close closes it.
	Lab *Lab
	// Exporter and Peer are the two vantage points; Farm holds the rooms.
	Exporter, Peer, Farm *NS
	// ExporterAddr and PeerAddr are the vantage points' own addresses.
	ExporterAddr, PeerAddr string
	// FleetCIDR holds every room address.
	FleetCIDR string
	// FleetPort is the probed port, 9090.
	FleetPort int

	acceptors sync.WaitGroup
}

// The fleet lab's address plan; everything lives only inside its
// namespaces.
const (
	fleetExporterAddr, fleetFarmExporter = "10.93.1.2", "10.93.1.1"
	fleetPeerAddr, fleetFarmPeer         = "10.93.2.2", "10.93.2.1"
	fleetCIDR                            = "10.93.64.0/18"
	fleetPort                            = 9090

	fleetMask, fleetClosedBits, fleetDroppedBits = 0x7, 0x6, 0x7

	// fleetBacklog is Farm's somaxconn and listen backlog.
	fleetBacklog = 65535
	// fleetPortRange is the vantage points' ephemeral port range, so a
	// throughput run's TIME_WAIT sockets never exhaust it.
	fleetPortRange = "1024 65535"
)

// FleetRooms returns the first n room addresses of FleetCIDR (skipping its
// network address), or an error when n is not 1–16,383.
func FleetRooms(n int) ([]string, error) {
	p := netip.MustParsePrefix(fleetCIDR)
	if size := 1 << (32 - p.Bits()); n < 1 || n > size-1 {
		return nil, fmt.Errorf("nslab: fleet of %d rooms: want 1-%d", n, size-1)
	}
	out := make([]string, 0, n)
	for a := p.Addr().Next(); len(out) < n; a = a.Next() {
		out = append(out, a.String())
	}
	return out, nil
}

// FleetExpected returns what a TCP connect to addr:FleetPort should
// observe: SweepStateOpen, SweepStateClosed or SweepStateFiltered, or ""
// when addr is not an IPv4 address of FleetCIDR.
func FleetExpected(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || !netip.MustParsePrefix(fleetCIDR).Contains(a) {
		return ""
	}
	switch a.As4()[3] & fleetMask {
	case fleetClosedBits:
		return SweepStateClosed
	case fleetDroppedBits:
		return SweepStateFiltered
	default:
		return SweepStateOpen
	}
}

// fleetRuleset is Farm's nftables input ruleset implementing FleetExpected.
func fleetRuleset() string {
	match := fmt.Sprintf("ip daddr %s tcp dport %d ip daddr & 0.0.0.%d ==", fleetCIDR, fleetPort, fleetMask)
	return fmt.Sprintf(`table inet roompath_fleet {
	chain input {
		type filter hook input priority filter; policy accept;
		%s 0.0.0.%d reject with tcp reset
		%s 0.0.0.%d drop
	}
}
`, match, fleetClosedBits, match, fleetDroppedBits)
}

// Close stops the listener and removes every namespace of the lab. It is
// idempotent and safe on a partly built FleetLab.
func (f *FleetLab) Close() error {
	if f == nil || f.Lab == nil {
		return nil
	}
	err := f.Lab.Close()
	f.acceptors.Wait()
	return err
}
