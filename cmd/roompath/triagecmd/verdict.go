package triagecmd

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/roompath/roompath/report"
)

// layerOrder is the troubleshooting order for a room showing 4001: cloud
// status, then this host, then the network to the room, the room's port,
// and the cloud's DNS, proxies and TLS.
var layerOrder = []string{
	report.LayerCloud, report.LayerLocal, report.LayerNetwork, report.LayerTransport,
	report.LayerDNS, report.LayerProxy, report.LayerTLS,
}

// finding is a result with its detail decoded to a generic map, so the
// verdict reads every tool's evidence by its documented JSON names.
type finding struct {
	report.Result
	d map[string]any
}

func newFinding(r report.Result) finding {
	f := finding{Result: r, d: map[string]any{}}
	if r.Detail != nil {
		if b, err := json.Marshal(r.Detail); err == nil {
			_ = json.Unmarshal(b, &f.d)
		}
	}
	return f
}

// str reads a string at a dotted path of the detail ("route.type").
func (f finding) str(path string) string {
	v := f.get(path)
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func (f finding) num(path string) (float64, bool) {
	n, ok := f.get(path).(float64)
	return n, ok
}

func (f finding) get(path string) any {
	var cur any = f.d
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// layerOf places a result that did not pass on the decision path.
func layerOf(f finding) string {
	switch f.Check {
	case "status":
		return report.LayerCloud
	case "path":
		switch f.Observed {
		case "no_route", "neighbor_failed", "local_denied":
			return report.LayerLocal
		}
		return report.LayerNetwork
	case "tcp":
		switch f.Observed {
		case "no_route", "local_denied":
			return report.LayerLocal
		case "closed":
			return report.LayerTransport
		case "unresolved":
			return report.LayerDNS
		}
		return report.LayerNetwork
	case "dns":
		return report.LayerDNS
	case "proxy", "http", "captive":
		return report.LayerProxy
	case "tls":
		return report.LayerTLS
	}
	if f.Layer != "" {
		return f.Layer
	}
	return report.LayerNetwork
}

// Decide builds the verdict: the first failing layer along the decision
// path, with its evidence in one or two sentences and what to do next.
// Warnings are mentioned when nothing fails.
func Decide(room string, port uint16, results []report.Result) *report.Verdict {
	fs := make([]finding, 0, len(results))
	for _, r := range results {
		fs = append(fs, newFinding(r))
	}
	byLayer := map[string][]finding{}
	for _, f := range fs {
		if f.Status == report.StatusFail {
			byLayer[layerOf(f)] = append(byLayer[layerOf(f)], f)
		}
	}
	ev := evidence{room: room, port: port, all: fs}
	for _, layer := range layerOrder {
		if failed := byLayer[layer]; len(failed) > 0 {
			msg, steps := ev.explain(layer, failed)
			return &report.Verdict{Status: report.StatusFail, Layer: layer, Message: msg, NextSteps: steps}
		}
	}
	return ev.healthy()
}

// evidence is what the verdict can cite: every result of the run.
type evidence struct {
	room string
	port uint16
	all  []finding
}

// find returns the first result of check whose target names the room and
// port, or any of check when port is 0.
func (e evidence) find(check string, port uint16) (finding, bool) {
	for _, f := range e.all {
		if f.Check != check {
			continue
		}
		if p, ok := f.num("port"); port == 0 || !ok || uint16(p) == port {
			return f, true
		}
	}
	return finding{}, false
}

// answersOther says which other traffic the room answers (another TCP port
// open or closed), the evidence that a filter is specific to the port.
func (e evidence) answersOther() string {
	for _, f := range e.all {
		p, _ := f.num("port")
		if f.Check == "tcp" && uint16(p) != e.port && (f.Observed == "open" || f.Observed == "closed") {
			verb := "accepts"
			if f.Observed == "closed" {
				verb = "answers (with a reset)"
			}
			return fmt.Sprintf("the room %s TCP %d", verb, uint16(p))
		}
	}
	return ""
}

func (e evidence) explain(layer string, failed []finding) (string, []string) {
	f := failed[0]
	switch layer {
	case report.LayerCloud:
		return e.cloud(f)
	case report.LayerLocal:
		return e.local(f)
	case report.LayerNetwork:
		return e.network(failed)
	case report.LayerTransport:
		return e.transport(f)
	case report.LayerDNS:
		return e.dns(failed)
	case report.LayerProxy:
		return e.proxy(f)
	}
	return e.tls(f)
}

func (e evidence) cloud(f finding) (string, []string) {
	what := f.str("description")
	if what == "" {
		what = "an outage"
	}
	return fmt.Sprintf("Zoom's status page reports %s%s: the room's error may be Zoom's, not this network's.", what, componentList(f)),
		[]string{"Follow the incident on Zoom's status page before changing the network.", "Run triage again once Zoom reports all systems operational."}
}

func componentList(f finding) string {
	comps, _ := f.get("components").([]any)
	var names []string
	for _, c := range comps {
		if m, ok := c.(map[string]any); ok {
			if n, _ := m["name"].(string); n != "" {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("%d more", len(names)-3))
	}
	return " (" + strings.Join(names, ", ") + ")"
}

func (e evidence) local(f finding) (string, []string) {
	switch f.Observed {
	case "neighbor_failed":
		gw := "the gateway"
		if g := f.str("gateway.address"); g != "" {
			gw = "the gateway " + g
		}
		if f.get("gateway.reachable") == true {
			return fmt.Sprintf("%s is on this subnet but does not answer ARP while %s does: Wi-Fi client isolation (AP hairpinning) or a wrong VLAN.", e.room, gw),
				[]string{"Allow client-to-client traffic (turn off client/peer isolation, or enable hairpinning) on the controller's SSID, or route controller and room through the gateway.",
					"Check the room's switch-port VLAN and IP address."}
		}
		return fmt.Sprintf("%s is on this subnet but does not answer ARP: the room is off or unplugged, on another VLAN, or has another address.", e.room),
			[]string{"Check that the room is powered and connected, and its IP address and VLAN."}
	case "local_denied":
		return fmt.Sprintf("A firewall on this host refuses to send to %s TCP %d.", e.room, e.port),
			[]string{"Check the local firewall or endpoint-security software on this host."}
	}
	rt := f.str("route.type")
	if rt == "" {
		rt = f.str("route_type")
	}
	return fmt.Sprintf("This host has no usable route to %s (route type %s): the test cannot even leave this machine.", e.room, dashIfEmpty(rt)),
		[]string{"Fix this host's routing (a VPN's split-tunnel list, a stale static route, the interface's addressing) and run triage again."}
}

func (e evidence) network(failed []finding) (string, []string) {
	path, hasPath := e.find("path", 0)
	if hasPath && path.Status == report.StatusFail {
		return e.pathStory(path)
	}
	f := failed[0]
	by := dashIfEmpty(f.ReportedBy)
	switch f.Reason {
	case "admin_prohibited", "port_unreach":
		return fmt.Sprintf("TCP %d to %s is rejected by %s with %s: an ACL or firewall on %s refuses it.", e.port, e.room, by, rejectText(f.Reason), by),
			[]string{fmt.Sprintf("Ask for a permit from this subnet to %s TCP %d (and its return traffic) on %s.", e.room, e.port, by)}
	case "host_unreach":
		return fmt.Sprintf("%s reports %s unreachable: it has a route to the room's subnet but the room does not answer ARP there.", by, e.room),
			[]string{"Check that the room is on, on the right VLAN, and has the address the controller uses."}
	case "net_unreach":
		return fmt.Sprintf("%s has no route to %s's subnet.", by, e.room),
			[]string{fmt.Sprintf("Add or redistribute the route to the room VLAN on %s.", by)}
	}
	other := e.answersOther()
	msg := fmt.Sprintf("TCP %d to %s is silently dropped", e.port, e.room)
	if other != "" {
		return msg + "; " + other + ", so a firewall or ACL drops TCP " + fmt.Sprint(e.port) + " specifically.", dropSteps(e)
	}
	return msg + ": a firewall or ACL on the path drops it, or the room is off.", dropSteps(e)
}

func dropSteps(e evidence) []string {
	return []string{
		fmt.Sprintf("Find the ACL or firewall between this network and the room VLAN and permit TCP %d to %s, and its return traffic.", e.port, e.room),
		"Check for asymmetric routing through a stateful firewall (ping works, TCP does not).",
	}
}

// pathStory tells where pathcheck saw the path die.
func (e evidence) pathStory(p finding) (string, []string) {
	last, hop := p.str("last_hop"), ""
	if n, ok := p.num("last_hop_ttl"); ok {
		hop = fmt.Sprintf(" (hop %d)", int(n))
	}
	switch p.Observed {
	case "rejected":
		return fmt.Sprintf("TCP %d to %s is rejected by %s%s with %s: an ACL or firewall on that device refuses it.", e.port, e.room, dashIfEmpty(p.ReportedBy), hopOf(p), rejectText(p.Reason)),
			[]string{fmt.Sprintf("Ask for a permit from this subnet to %s TCP %d on %s.", e.room, e.port, dashIfEmpty(p.ReportedBy))}
	case "reset_by_middlebox":
		return fmt.Sprintf("TCP %d to %s is reset by a device at hop %s, not by the room: a firewall that denies with a forged RST.", e.port, e.room, numStr(p, "reset_hop")),
			[]string{fmt.Sprintf("Find the firewall at that hop and permit TCP %d to %s.", e.port, e.room)}
	case "unreachable":
		by := dashIfEmpty(p.ReportedBy)
		if p.Reason == "net_unreach" {
			return fmt.Sprintf("%s%s has no route to %s's subnet (ICMP network unreachable).", by, hopOf(p), e.room),
				[]string{fmt.Sprintf("Add or redistribute the route to the room VLAN on %s.", by)}
		}
		return fmt.Sprintf("%s%s has a route to %s but the room does not answer ARP/ND there: the room is off, unplugged, on another VLAN or has another address.", by, hopOf(p), e.room),
			[]string{"Check that the room is on, on the right VLAN, and has the address the controller uses."}
	case "max_hops":
		return fmt.Sprintf("TCP %d to %s did not arrive within %s hops: a routing loop or a very long path.", e.port, e.room, numStr(p, "max_hops")),
			[]string{"Look for a routing loop between the last hops of the trace (pathcheck shows them)."}
	}
	why := "a firewall or ACL beyond it drops it"
	if other := e.answersOther(); other != "" {
		why = other + ", so an ACL between this network and the room VLAN drops " + fmt.Sprint(e.port)
	}
	if last == "" {
		return fmt.Sprintf("TCP %d to %s is silently dropped before the first hop answers: %s.", e.port, e.room, why), dropSteps(e)
	}
	return fmt.Sprintf("TCP %d to %s is silently dropped after %s%s; %s.", e.port, e.room, last, hop, why), dropSteps(e)
}

// rejectText names the ICMP message behind a reject reason.
func rejectText(reason string) string {
	switch reason {
	case "admin_prohibited":
		return "ICMP administratively prohibited"
	case "port_unreach":
		return "ICMP port unreachable"
	}
	return "an ICMP error (" + reason + ")"
}

func hopOf(p finding) string {
	if n, ok := p.num("reject_hop"); ok {
		return fmt.Sprintf(" (hop %d)", int(n))
	}
	return ""
}

func numStr(f finding, path string) string {
	if n, ok := f.num(path); ok {
		return fmt.Sprint(int(n))
	}
	return "?"
}

func (e evidence) transport(f finding) (string, []string) {
	p, _ := f.num("port")
	return fmt.Sprintf("%s is up but refuses TCP %d with a reset from the room itself: nothing listens there.", e.room, uint16(p)),
		[]string{"Check that the Zoom Rooms app is running on the room computer and not stuck before sign-in.",
			"Check the room computer's own firewall for an inbound rule on that port."}
}

func (e evidence) dns(failed []finding) (string, []string) {
	first := failed[0]
	if first.Check == "tcp" { // the room's own name did not resolve
		name := strings.TrimSuffix(first.Target, fmt.Sprintf(":%d", e.port))
		why := ""
		if f := deref(first.Failure); f != "" {
			why = " (" + f + ")"
		}
		return fmt.Sprintf("The room's name %s does not resolve from here%s: the controller cannot find the room either.", name, why),
			[]string{"Check the name, the DNS search domain of this network, and the room's DNS record.", "Run dnscheck " + name + " to compare the resolvers."}
	}
	groups := map[string][]string{}
	var order []string
	for _, f := range failed {
		key := f.Observed + "@" + f.ReportedBy
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = appendUnique(groups[key], f.Target)
	}
	names := groups[first.Observed+"@"+first.ReportedBy]
	sort.Strings(names)
	msg, steps := dnsStory(dashIfEmpty(first.ReportedBy), first.Observed, joinMax(names, 3))
	if len(order) > 1 {
		msg += fmt.Sprintf(" (%d more resolver or failure kinds in the results.)", len(order)-1)
	}
	return msg, steps
}

// dnsStory words one DNS failure kind and what to do about it.
func dnsStory(res, observed, names string) (string, []string) {
	policy := []string{"Check the DNS filtering policy (security category, blocklist, RPZ) and the forwarders of " + res + " for the Zoom domains.",
		"Compare with dnscheck --reference against a resolver you trust."}
	switch observed {
	case "bogon":
		return fmt.Sprintf("Resolver %s answers %s with a sinkhole or private address: DNS filtering blocks Zoom.", res, names), policy
	case "nxdomain":
		return fmt.Sprintf("Resolver %s says %s does not exist (NXDOMAIN).", res, names), append(policy, "If every resolver says NXDOMAIN, the name itself is down: check www.zoomstatus.com.")
	case "mismatch":
		return fmt.Sprintf("Resolver %s answers %s with addresses no reference resolver gives: a rewriting or split-horizon resolver.", res, names), policy
	case "timeout":
		return fmt.Sprintf("Resolver %s does not answer queries for %s.", res, names),
			[]string{"Check that UDP and TCP 53 to " + res + " are allowed from this network and that the resolver is up.", "Give the controller network a resolver it can reach (DHCP option 6)."}
	case "refused":
		return fmt.Sprintf("Resolver %s refuses queries for %s from this network.", res, names),
			[]string{"Allow this subnet in the resolver's ACL (allow-query / recursion clients), or hand out a resolver that serves it."}
	}
	return fmt.Sprintf("Resolver %s fails to resolve %s (%s).", res, names, observed), policy
}

func (e evidence) proxy(f finding) (string, []string) {
	switch f.Check {
	case "captive":
		return fmt.Sprintf("A captive portal answers %s: this network needs a sign-in before anything reaches Zoom.", f.Target),
			[]string{"Sign the device in, or exempt the room and controller from the portal (MAC bypass)."}
	case "http":
		return fmt.Sprintf("A transparent proxy rewrites HTTP on the way to %s.", f.Target),
			[]string{"Exempt the Zoom domains and ports from the web proxy."}
	}
	switch f.Observed {
	case "proxy_denied":
		return fmt.Sprintf("The proxy refuses CONNECT to %s (HTTP %s).", f.Target, numStr(newFinding(f.Result), "status")),
			[]string{"Allow CONNECT to the Zoom ports (443, 8801, 8802) on the proxy, or let the room reach them directly."}
	case "proxy_auth_required":
		return fmt.Sprintf("The proxy demands authentication for %s: rooms and controllers cannot answer proxy authentication.", f.Target),
			[]string{"Exempt the room and controller from proxy authentication for the Zoom domains."}
	}
	return fmt.Sprintf("%s is blocked: neither a direct connection nor the proxy reaches it.", f.Target),
		[]string{"Permit TCP 443, 8801 and 8802 to the Zoom ranges on the firewall, or through the proxy."}
}

func (e evidence) tls(f finding) (string, []string) {
	if f.Observed == "intercepted" {
		who := f.str("issuer")
		if v := f.str("vendor"); v != "" {
			who += " (" + v + ")"
		}
		return fmt.Sprintf("TLS to %s is intercepted: the certificate is issued by %s, not by the roots Zoom chains to.", f.Target, dashIfEmpty(who)),
			[]string{"Add the Zoom domains to the TLS-inspection bypass list; Zoom clients pin their certificate roots."}
	}
	return fmt.Sprintf("The TLS handshake with %s fails (%s).", f.Target, dashIfEmpty(deref(f.Failure))),
		[]string{"Check for a TLS-inspecting proxy or a firewall that resets TLS to the Zoom domains."}
}

// healthy is the passing verdict, naming the evidence and any warnings.
func (e evidence) healthy() *report.Verdict {
	var parts []string
	if t, ok := e.find("tcp", e.port); ok && t.Observed == "open" {
		s := fmt.Sprintf("TCP %d to %s is open", e.port, e.room)
		if t.RTTMS != nil {
			s += fmt.Sprintf(" (%.2f ms)", *t.RTTMS)
		}
		parts = append(parts, s)
	}
	if p, ok := e.find("path", 0); ok {
		parts = append(parts, routeText(p))
	}
	msg := strings.Join(parts, "")
	if msg == "" {
		msg = "Nothing failed"
	}
	msg += "; nothing along the decision path failed."
	var steps []string
	for _, f := range e.all {
		if f.Status == report.StatusWarn && f.Hint != "" {
			steps = append(steps, f.Hint)
		}
	}
	if len(steps) == 0 {
		steps = append(steps, "If the room still shows an error, the network is not the cause: check pairing, activation and version alignment.")
	}
	return &report.Verdict{Status: report.StatusPass, Message: msg, NextSteps: steps}
}

// routeText describes the route of a path result: hops, interface and
// gateway, or on-link.
func routeText(p finding) string {
	var s []string
	if n, ok := p.num("reach_ttl"); ok {
		s = append(s, fmt.Sprintf("%d hop(s) away", int(n)))
	}
	if iface := p.str("route.interface"); iface != "" {
		via := "via " + iface
		if k := p.str("route.interface_kind"); k != "" {
			via += " (" + k + ")"
		}
		s = append(s, via)
	}
	if gw := p.str("route.gateway"); gw != "" {
		s = append(s, "gateway "+gw)
	} else if p.get("route.on_link") == true {
		s = append(s, "on-link")
	}
	if len(s) == 0 {
		return ""
	}
	return ", " + strings.Join(s, ", ")
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func joinMax(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
	}
	return strings.Join(s, ", ")
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "an unknown device"
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
