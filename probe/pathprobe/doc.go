// Package pathprobe is the path check: how this host reaches a room and
// where the path toward its TCP port (DefaultPort, 9090) dies.
//
// NewPath captures one room and the check's limits in a PathConfig and
// returns a Path whose Run emits exactly one result, check "path", with a
// *Detail as its evidence: the route this host uses (interface and its
// kind, source, gateway or on-link, route type and table), the neighbour
// (ARP/ND) state of the on-link room or of the gateway, whether the gateway
// answers, the interface and path MTU, and a TCP trace (a SYN with every TTL
// at once, each hop named by the ICMP time exceeded it draws). With
// CAP_NET_RAW the IP TTL of a reset is read too, to tell the room's own
// reset from a firewall's.
//
// The verdict is decided from that evidence without sockets (judge), in
// the vocabulary of probe/vocab: the Path* observed states and the TCP
// reasons, plus vocab.ReasonForgedReset and vocab.ReasonParameterProblem.
// A network failure is a result; NewPath's error means the check could not
// be built from its configuration.
package pathprobe
