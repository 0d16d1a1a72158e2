package nslab

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Interface names inside the fleet lab's namespaces.
const (
	ifFleetToFarm     = "to-farm"
	ifFleetToExporter = "to-exporter"
	ifFleetToPeer     = "to-peer"
)

// NewFleetLab builds the FleetLab topology, loads Farm's rules and starts
// its listener (it accepts and closes at once). Close it to tear everything
// down; on error, everything built so far has already been removed.
func NewFleetLab() (*FleetLab, error) {
	lab, err := New()
	if err != nil {
		return nil, err
	}
	f := &FleetLab{Lab: lab, ExporterAddr: fleetExporterAddr, PeerAddr: fleetPeerAddr, FleetCIDR: fleetCIDR, FleetPort: fleetPort}
	for _, step := range []func() error{f.build, f.configure, f.listen} {
		if err := step(); err != nil {
			f.Close()
			return nil, fmt.Errorf("nslab: fleet lab: %w", err)
		}
	}
	return f, nil
}

// build creates the namespaces, wires them and routes FleetCIDR to Farm.
func (f *FleetLab) build() error {
	var err error
	for _, ns := range []struct {
		dst  **NS
		role string
	}{{&f.Exporter, "exporter"}, {&f.Peer, "peer"}, {&f.Farm, "farm"}} {
		if *ns.dst, err = f.Lab.AddNS(ns.role); err != nil {
			return err
		}
	}
	if err := f.Lab.Link(f.Exporter, ifFleetToFarm, []string{fleetExporterAddr + "/24"},
		f.Farm, ifFleetToExporter, []string{fleetFarmExporter + "/24"}); err != nil {
		return err
	}
	if err := f.Lab.Link(f.Peer, ifFleetToFarm, []string{fleetPeerAddr + "/24"},
		f.Farm, ifFleetToPeer, []string{fleetFarmPeer + "/24"}); err != nil {
		return err
	}
	if err := f.Exporter.Route(fleetCIDR, fleetFarmExporter); err != nil {
		return err
	}
	if err := f.Peer.Route(fleetCIDR, fleetFarmPeer); err != nil {
		return err
	}
	return f.Farm.RouteType(fleetCIDR, "local")
}

// configure widens the vantage points' ephemeral ports, raises Farm's
// accept backlog and loads its rules.
func (f *FleetLab) configure() error {
	for _, ns := range []*NS{f.Exporter, f.Peer} {
		if err := ns.Sysctl("net.ipv4.ip_local_port_range", fleetPortRange); err != nil {
			return err
		}
	}
	if err := f.Farm.sysctls([][2]string{
		{"net.core.somaxconn", strconv.Itoa(fleetBacklog)},
		{"net.ipv4.tcp_max_syn_backlog", strconv.Itoa(fleetBacklog)},
	}); err != nil {
		return err
	}
	return f.Farm.Nft(fleetRuleset())
}

// listen opens Farm's wildcard listener on FleetPort with a backlog of
// fleetBacklog (net.Listen would take the backlog it cached from the
// first namespace it listened in) and accepts and closes until Close.
func (f *FleetLab) listen() error {
	var ln net.Listener
	err := f.Farm.Do(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		file := os.NewFile(uintptr(fd), "fleet-listener")
		defer file.Close()
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrInet4{Port: fleetPort}); err != nil {
			return err
		}
		if err := unix.Listen(fd, fleetBacklog); err != nil {
			return err
		}
		ln, err = net.FileListener(file)
		return err
	})
	if err != nil {
		return fmt.Errorf("listen :%d in %s: %w", fleetPort, f.Farm.Name, err)
	}
	f.Lab.track(ln)
	f.acceptors.Add(1)
	go func() {
		defer f.acceptors.Done()
		acceptAndClose(ln)
	}()
	return nil
}
