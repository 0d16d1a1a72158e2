package nslab

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// MediaLab is the topology mediacheck (and netpath.TraceUDP) is tested
// against: the UDP media path with its faults staged for real. Tools run
// in Client; the caller runs the responder (roompath responder --udp, or
// its package in-process) in Responder, one per address it needs,
// listening on that address.
//
//	Client 10.94.1.2 ── 10.94.1.1 R1 10.94.2.1 ── 10.94.2.2 R2 10.94.3.1 ── Responder 10.94.3.10 (Clean), .11 (Blocked),
//	 fd00:94:1::2       fd00:94:1::1   fd00:94:2::1   fd00:94:2::2  fd00:94:3::1    .12 (Remarked), .13 (Impaired), .20 (RelayTarget)
//
// Every fault is keyed on the destination address, so one lab holds them
// all and Clean stays clean:
//
//   - Blocked: R2 drops UDP 8801-8810 to it (nftables `drop`) and rejects
//     UDP 3479 with ICMP admin-prohibited (3/13; ICMPv6 1/1) from Hop2.
//   - Remarked: R1 re-marks the DSCP of everything to it to CS0 (`ip dscp
//     set cs0`) in its forward chain, after its own TTL check: hop 1's
//     ICMP quotes still carry the mark sent, hop 2's show 0, and the
//     responder receives 0.
//   - Impaired: R1 drops the share MediaLabConfig.LossPct of the UDP to
//     it on the relayed ports (`numgen random mod 100 < N drop`); R2
//     redirects what is left (nftables nat `redirect`) to a userspace
//     Relay in R2 that delays and jitters it (and drops RelayLossPct) and
//     sends it on to RelayTarget, whose replies come back unimpaired. No
//     host owns Impaired on the relayed ports: a responder for it listens
//     at RelayTarget. Other ports (TCP 5201 for iperf3's control
//     connection) reach Impaired itself, owned by Responder, unimpaired.
//
// R1 and R2 forward with ICMP rate limits off. Zero MediaLab is not useful;
// build one with NewMediaLab and Close it.
type MediaLab struct {
	// Lab owns the namespaces; MediaLab.Close closes it.
	Lab *Lab
	// Client is the controller-side vantage point.
	Client *NS
	// R1 is hop 1: the DSCP re-mark and the random drops.
	R1 *NS
	// R2 is hop 2: the firewall (drop, reject) and the relay.
	R2 *NS
	// Responder hosts every target address, hop 3.
	Responder *NS
	// Relay is the impairment relay in R2.
	Relay *Relay `json:"-"`
	// Config is what the lab was built with.
	Config MediaLabConfig

	// ClientAddr and ClientAddrV6 are Client's addresses.
	ClientAddr, ClientAddrV6 string
	// Hop1 and Hop1V6 are R1's Client-facing addresses; Hop2 and Hop2V6
	// R2's R1-facing ones, the sender of its rejects.
	Hop1, Hop1V6, Hop2, Hop2V6 string
	// ResponderHops is the responders' distance from Client: 3.
	ResponderHops int
	// Clean, Blocked, Remarked, Impaired and RelayTarget are the target
	// addresses (above); the V6 ones are their IPv6 twins.
	Clean, Blocked, Remarked, Impaired, RelayTarget           string
	CleanV6, BlockedV6, RemarkedV6, ImpairedV6, RelayTargetV6 string
	// BlockedPorts is the UDP range R2 drops to Blocked; RejectedPort the
	// UDP port it rejects there with admin-prohibited.
	BlockedPorts [2]int
	RejectedPort int
	// RelayedPorts are the UDP ports the impairment applies to, toward
	// Impaired: the Zoom media ports and iperf3's 5201.
	RelayedPorts []int

	stopServe context.CancelFunc // ends what Serve started
	serveCtx  context.Context
	served    sync.WaitGroup
}

// MediaLabConfig is the impairment of the lab's Impaired path; the zero
// value relays without impairing.
type MediaLabConfig struct {
	// LossPct is the share of upstream datagrams R1's nftables drops at
	// random, in whole percent (0-100).
	LossPct int
	// RelayLossPct, Delay and Jitter are the Relay's (RelayConfig).
	RelayLossPct  float64
	Delay, Jitter time.Duration
}

// The media lab's address plan; everything lives only inside lab
// namespaces.
const (
	mlNet4, mlNet6           = "10.94.0.0/16", "fd00:94::/32"
	mlClient, mlClient6      = "10.94.1.2", "fd00:94:1::2"
	mlR1Client, mlR1Client6  = "10.94.1.1", "fd00:94:1::1"
	mlR1R2, mlR1R26          = "10.94.2.1", "fd00:94:2::1"
	mlR2R1, mlR2R16          = "10.94.2.2", "fd00:94:2::2"
	mlR2Resp, mlR2Resp6      = "10.94.3.1", "fd00:94:3::1"
	mlClean, mlClean6        = "10.94.3.10", "fd00:94:3::10"
	mlBlocked, mlBlocked6    = "10.94.3.11", "fd00:94:3::11"
	mlRemarked, mlRemarked6  = "10.94.3.12", "fd00:94:3::12"
	mlImpaired, mlImpaired6  = "10.94.3.13", "fd00:94:3::13"
	mlTarget, mlTarget6      = "10.94.3.20", "fd00:94:3::20"
	mlBlockedLo, mlBlockedHi = 8801, 8810
	mlRejected               = 3479
	mlIperfPort              = 5201
)

// Interface names in the media lab.
const (
	mlIfClientR1 = "to-r1"
	mlIfR1Client = "to-client"
	mlIfR1R2     = "to-r2"
	mlIfR2R1     = "to-r1"
	mlIfR2Resp   = "to-resp"
	mlIfResp     = "to-r2"
)

// mediaRelayedPorts are the ports the impairment applies to.
func mediaRelayedPorts() []int {
	ports := []int{}
	for p := mlBlockedLo; p <= mlBlockedHi; p++ {
		ports = append(ports, p)
	}
	return append(ports, 3478, 3479, mlIperfPort)
}

// nftPortSet renders ports as an nftables anonymous set.
func nftPortSet(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return "{ " + strings.Join(s, ", ") + " }"
}

// mediaR1Ruleset is R1's ruleset: the re-mark toward Remarked and the
// random drops toward Impaired, one rule (and counter) per relayed port,
// so the drops of each tool's flow can be read apart.
func mediaR1Ruleset(lossPct int) string {
	var loss strings.Builder
	for _, p := range mediaRelayedPorts() {
		if lossPct == 0 {
			break
		}
		fmt.Fprintf(&loss, "\t\tip daddr %s udp dport %d numgen random mod 100 < %d counter drop\n", mlImpaired, p, lossPct)
		fmt.Fprintf(&loss, "\t\tip6 daddr %s udp dport %d numgen random mod 100 < %d counter drop\n", mlImpaired6, p, lossPct)
	}
	return fmt.Sprintf(`table inet roompath_medialab {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[1]s ip dscp set cs0
		ip6 daddr %[2]s ip6 dscp set cs0
%[3]s	}
}
`, mlRemarked, mlRemarked6, loss.String())
}

// mediaR2Ruleset is R2's ruleset: the drops and the reject toward Blocked,
// and the redirect of Impaired's relayed ports to the relay.
func mediaR2Ruleset() string {
	return fmt.Sprintf(`table inet roompath_medialab {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr %[1]s udp dport %[3]d-%[4]d counter drop
		ip6 daddr %[2]s udp dport %[3]d-%[4]d counter drop
		ip daddr %[1]s udp dport %[5]d counter reject with icmp type admin-prohibited
		ip6 daddr %[2]s udp dport %[5]d counter reject with icmpv6 type admin-prohibited
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr %[6]s udp dport %[8]s redirect
		ip6 daddr %[7]s udp dport %[8]s redirect
	}
}
`, mlBlocked, mlBlocked6, mlBlockedLo, mlBlockedHi, mlRejected, mlImpaired, mlImpaired6, nftPortSet(mediaRelayedPorts()))
}

// ResponderAddrs are the addresses Serve listens on: every target but
// Impaired (its relayed ports end at the relay; RelayTarget answers for
// it), both families.
func (m *MediaLab) ResponderAddrs() []string {
	return []string{m.Clean, m.Blocked, m.Remarked, m.RelayTarget, m.CleanV6, m.BlockedV6, m.RemarkedV6, m.RelayTargetV6}
}

// checkMediaLabConfig bounds the impairment.
func checkMediaLabConfig(c MediaLabConfig) error {
	if c.LossPct < 0 || c.LossPct > 100 {
		return fmt.Errorf("nslab: media lab: loss %d%% out of range 0-100", c.LossPct)
	}
	return nil
}

// Close stops the relay and removes every namespace of the lab. It is
// idempotent and safe on a partly built MediaLab.
func (m *MediaLab) Close() error {
	if m == nil || m.Lab == nil {
		return nil
	}
	if m.stopServe != nil {
		m.stopServe()
	}
	if m.Relay != nil {
		m.Relay.Close()
	}
	err := m.Lab.Close()
	m.served.Wait()
	return err
}
