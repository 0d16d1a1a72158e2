package probe

import (
	"fmt"
	"strconv"
	"time"

	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

func portName(p uint16) string {
	switch p {
	case 9090:
		return "9090 (Zoom Rooms controller pairing)"
	case 443:
		return "443 (HTTPS)"
	case 8801, 8802:
		return strconv.Itoa(int(p)) + " (Zoom media over TCP)"
	case 8888:
		return "8888 (direct share)"
	case 2244:
		return "2244 (Zoom Rooms control API)"
	}
	return strconv.Itoa(int(p))
}

// tcpHint says, in one or two sentences, what a failed result means and
// what to do about it.
func tcpHint(res report.Result, det *TCPDetail, timeout time.Duration) string {
	if res.Status == report.StatusPass && res.Expect != ExpectBlocked {
		return ""
	}
	if res.Expect == ExpectBlocked && res.Status == report.StatusPass {
		return ""
	}
	addr, port, by := det.Address, portName(det.Port), res.ReportedBy
	switch res.Reason {
	case vocab.ReasonSynAck:
		if res.Expect == ExpectBlocked {
			return fmt.Sprintf("%s accepts TCP %s from here although it must not: the segmentation (ACL, firewall, Wi-Fi policy) between this network and %s is missing.", addr, port, addr)
		}
		if det.Intermittent {
			return fmt.Sprintf("%s accepted TCP %s only on some attempts: look for packet loss, a flapping path, or a host or firewall rate-limiting new connections.", addr, port)
		}
		if det.AfterHandshake == netpath.AfterHandshakeUnconfirmed {
			return fmt.Sprintf("The handshake with %s TCP %s completed, but the attempt's --timeout ended before the far end had to acknowledge anything after it, so a SYN proxy with nothing behind it cannot be ruled out: run again with a longer --timeout.", addr, port)
		}
	case vocab.ReasonHandshakeByMiddlebox:
		return middleboxHint(res, det)
	case vocab.ReasonNoResponse:
		return fmt.Sprintf("Nothing answered the SYN to %s TCP %s within %s: a firewall or ACL on the path drops it silently. If %s answers other traffic (ping, another port), the filter is specific to this port; run pathcheck %s to find the hop where it dies.", addr, port, timeout, addr, addr)
	case vocab.ReasonConnRefused:
		why := "nothing listens on " + port
		if det.Port == 9090 {
			why = "nothing listens on 9090: the Zoom Rooms app is not running or not ready"
		}
		return fmt.Sprintf("%s answered with a TCP reset: the host is up but %s; or a firewall that rejects with a forged reset stands in between (pathcheck names the hop that sent it).", addr, why)
	case vocab.ReasonAdminProhibited:
		return fmt.Sprintf("%s rejected TCP %s to %s with %s (administratively prohibited): an ACL or firewall on %s refuses this traffic; ask for a permit from this subnet to %s TCP %d on that device.", by, port, addr, det.ICMP, by, addr, det.Port)
	case vocab.ReasonPortUnreach:
		return fmt.Sprintf("%s answered ICMP port unreachable for TCP %s: a firewall rule that rejects (such as iptables REJECT) refuses this port on %s or on the path.", by, port, by)
	case vocab.ReasonHostUnreach:
		if det.NeighborFailed {
			return fmt.Sprintf("%s is on this host's own subnet but did not answer ARP/ND: the room is off or unplugged, has another address or VLAN, or Wi-Fi client isolation (no hairpinning on the AP) keeps this client from wired hosts.", addr)
		}
		return fmt.Sprintf("%s reports host unreachable: it has a route toward %s but the host does not answer ARP/ND there; the room is off, unplugged, on another VLAN, or has another address.", dash(by), addr)
	case vocab.ReasonNetUnreach:
		return fmt.Sprintf("%s reports network unreachable: it has no route to %s's subnet; add the route (or fix the redistribution) on %s or upstream.", dash(by), addr, dash(by))
	case vocab.ReasonTTLExceeded:
		return fmt.Sprintf("The SYN to %s expired in transit (reported by %s): a routing loop between routers on the path.", addr, dash(by))
	case vocab.ReasonParameterProblem:
		return fmt.Sprintf("%s answered the SYN to %s with an ICMP parameter problem: a device on the path could not parse the packet (odd IP options, a broken middlebox).", dash(by), addr)
	case vocab.ReasonNoRoute:
		return fmt.Sprintf("This host's routing table has no usable route to %s (route type %s): fix the local route, the VPN's split-tunnel list, or the interface addressing before testing further.", addr, det.RouteType)
	case vocab.ReasonLocalPolicy:
		return fmt.Sprintf("A firewall on this host refused to send to %s TCP %s: check the local firewall (nftables/iptables, endpoint-security software).", addr, port)
	}
	if res.Status == report.StatusError {
		return "The probe could not be run: " + dash(derefStr(res.Failure)) + "."
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "a router"
	}
	return s
}

func derefStr[T ~string](s *T) string {
	if s == nil {
		return ""
	}
	return string(*s)
}

// middleboxHint words a handshake that a device short of the room
// completed: what followed it, and where the device is when the raw
// capture placed it.
func middleboxHint(res report.Result, det *TCPDetail) string {
	addr, port := det.Address, portName(det.Port)
	where := fmt.Sprintf("run pathcheck %s (as root it places the device by the SYN-ACK's IP TTL)", addr)
	if det.SynAck != nil {
		where = fmt.Sprintf("the SYN-ACK came from hop %d by its IP TTL (%d, from an initial %d)", det.SynAck.Hop, det.SynAck.TTL, det.SynAck.InitialTTL)
		if det.Reset != nil {
			where += fmt.Sprintf(", the reset from hop %d", det.Reset.Hop)
		}
	}
	lead := fmt.Sprintf("A device between here and %s completed the TCP %s handshake in its name (a SYN proxy, a firewall's TCP intercept or SYN cookies)", addr, port)
	if res.Observed == vocab.TCPClosed {
		return fmt.Sprintf("%s, and a reset followed at once: behind it %s refuses the port (nothing listens: for 9090 the Zoom Rooms app is not running), or the device itself refuses it. A port scanner calls this port open; %s.", lead, addr, where)
	}
	wait := "the wait"
	if det.AfterHandshakeMS != nil {
		wait = fmt.Sprintf("%.0f ms", *det.AfterHandshakeMS)
	}
	return fmt.Sprintf("%s, but nothing behind it acknowledged anything within %s: %s is off or unplugged, or the device's own SYN toward it is dropped. A port scanner (nmap -sT) calls this port open; %s.", lead, wait, addr, where)
}
