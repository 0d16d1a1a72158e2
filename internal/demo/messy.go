package main

import (
	"fmt"

	"github.com/roompath/roompath/netpath/nslab"
)

// messyCloudSections are the "messy network" faults the loopback fakes
// stage: a resolver that hijacks every name, a split-horizon answer inside
// --allow-net, and an echo server that is not a roompath responder.
func (c *cloudLab) messyCloudSections() []section {
	return []section{
		{title: "messy network: a resolver that answers every name, nonexistent ones too (captive-portal DNS)",
			legend: [][2]string{{c.addr["dns-hijacker"], "answers every name with 52.0.0.1"}},
			argv:   []string{"dnscheck", "--timeout", "1s", "--attempts", "1", "--whoami=", "--resolver", c.addr["dns-hijacker"], "zoom.us", "zoomstatus.com"}, host: true},
		{title: "messy network: a private answer inside --allow-net that no reference resolver gives (split horizon)",
			legend: [][2]string{{c.addr["dns-split"], "answers zoom.us with 10.20.30.40"}, {c.addr["dns-reference"], "reference resolver"}},
			argv: []string{"dnscheck", "--timeout", "1s", "--attempts", "1", "--type", "A", "--nx-zone=", "--whoami=",
				"--resolver", c.addr["dns-split"], "--reference", c.addr["dns-reference"], "--allow-net", "10.20.0.0/16", "zoom.us"}, host: true},
		{title: "messy network: --echo points at a web server that is not a roompath responder",
			legend: [][2]string{{c.addr["plain-echo"], "echoes the request, without X-Roompath-Echo"}},
			argv: []string{"proxycheck", "--no-wpad", "--timeout", "2s", "--checks", "http", "--echo", "http://echo.lab.test:8080/",
				"--connect-to", "echo.lab.test:8080:127.0.0.1:" + c.port("plain-echo"), "zoom.us"}, host: true},
	}
}

// arpSections show Wi-Fi client isolation by proxy ARP, and where a drop
// right before the room can and cannot be placed.
func arpSections(l *nslab.ProxyARPLab) []section {
	rooms := [][2]string{
		{l.Isolated, "Wi-Fi client behind the AP: the gateway answers its ARP (proxy ARP) and drops client-to-client traffic"},
		{l.Peer, "Wi-Fi client the AP lets through (for contrast)"},
		{l.RoomFirewall, "routed room whose own firewall drops TCP 9090 (443 open)"},
		{l.LastRouterDrop, "routed room; its last router drops TCP 9090 (443 open)"},
		{l.EarlyDrop, "routed room; the first router drops TCP 9090 (443 open)"},
	}
	args := []string{"pathcheck", "--timeout", "1s"}
	for _, r := range rooms {
		args = append(args, r[0])
	}
	return []section{
		{title: "messy network: client isolation by proxy ARP, and drops just before the room", legend: rooms, argv: args},
		{title: "messy network: roompath triage of the proxy-ARP-isolated client", legend: rooms[:1],
			argv: []string{"roompath", "triage", "--room", l.Isolated, "--skip", "status,dns,proxy,tls", "--timeout", "1s"}},
		{title: "messy network: roompath triage of a room dropping 9090 itself (or its last router: from here they look alike)", legend: rooms[2:3],
			argv: []string{"roompath", "triage", "--room", l.RoomFirewall, "--skip", "status,dns,proxy,tls", "--timeout", "1s"}},
	}
}

// tlsSections show TLS stopped by an MTU black hole and by SNI filters,
// each proven by a control handshake that completes.
func tlsSections(l *nslab.TLSLab, caFile string) []section {
	rooms := [][2]string{
		{l.Clean, "clean origin (for contrast)"},
		{l.BigChain, "behind a 1280-byte link with ICMP fragmentation-needed filtered (MTU black hole)"},
		{l.SNIReset, "a filter resets ClientHellos naming zoom.us"},
		{l.SNIDrop, "a filter drops ClientHellos naming zoom.us"},
		{l.HardReset, "a firewall resets every TLS handshake"},
	}
	port := fmt.Sprint(l.Port)
	var out []section
	for _, r := range rooms {
		out = append(out, section{title: "messy network: proxycheck TLS to zoom.us, " + r[1], legend: [][2]string{r},
			argv: []string{"proxycheck", "--no-wpad", "--checks", "tls", "--timeout", "2s", "--ca", caFile,
				"--connect-to", "zoom.us:443:" + r[0] + ":" + port, "zoom.us:443"}})
	}
	return append(out, section{title: "messy network: pathcheck's MTU toward the black-holed origin", legend: rooms[1:2],
		argv: []string{"pathcheck", "--port", port, "--timeout", "1s", l.BigChain}})
}

// synSections show a SYN proxy answering for the room, and routers that
// send no time exceeded.
func synSections(l *nslab.SynproxyLab) []section {
	rooms := [][2]string{
		{l.Refused, "room with 9090 closed, behind an nftables synproxy at hop 1"},
		{l.NoHost, "nothing at all behind the synproxy"},
		{l.Proxied, "room listening behind the synproxy (for contrast)"},
		{l.BehindSilent, "room behind a router that sends no time exceeded"},
		{l.RejectedBehindSilent, "rejected just behind that silent router"},
	}
	port := []string{"portcheck", "--timeout", "1s"}
	path := []string{"pathcheck", "--timeout", "1s", "--max-hops", "6"}
	for _, r := range rooms[:3] {
		port = append(port, r[0])
	}
	for _, r := range rooms {
		path = append(path, r[0])
	}
	return []section{
		{title: "messy network: a SYN proxy completes the handshake for the room (nmap -sT calls these open)", legend: rooms[:3], argv: port},
		{title: "messy network: pathcheck toward the synproxied rooms and past a silent router", legend: rooms, argv: path},
		{title: "messy network: roompath triage of an address with nothing behind the synproxy (passed before)", legend: rooms[1:2],
			argv: []string{"roompath", "triage", "--room", l.NoHost, "--skip", "status,dns,proxy,tls", "--timeout", "1s"}},
	}
}
