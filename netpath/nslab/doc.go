// Package nslab builds throw-away Linux network-namespace topologies for
// roompath's integration tests, `make demo` and `make bench`, and always
// tears them down again.
//
// A [Lab] owns every namespace it creates. Namespaces are registered under
// /var/run/netns, exactly like `ip netns add`, so a binary can be run inside
// one with `ip netns exec NAME cmd` (see [NS.Command]); Go code can run inside
// one with [NS.Do], or create sockets that stay there with [NS.Listen],
// [NS.ListenPacket] and [NS.Dial]. Every name carries a random per-lab prefix
// ("rp" + 6 hex digits), so parallel runs never collide. Interfaces are
// created directly inside their namespaces (never in the host namespace), so
// their names only need to be unique within one namespace. Veth pairs
// deliver packets asynchronously, as a wire does (see [Lab.Link]), and
// [Lab.Link] returns only once both ends are up with usable IPv6 addresses.
//
// A lab whose process dies without Close (a panic, a kill, a test timeout)
// is removed by the next [New] or by [ReapStale].
//
// [NewPortLab] builds the fault topology the TCP probe is tested against: a
// Client namespace (the controller-side vantage point), a Router with
// nftables rules, a Room with listeners, and a Farm that answers a whole /20
// for sweeps. Each field of [PortLab] names an address that reproduces one
// fault for real: open, closed, silently dropped, rejected with ICMP
// admin-prohibited, reset by a middlebox, no ARP neighbour, no route on the
// router, and unreachable/prohibit/blackhole routes in the client's own table.
//
// [NewPathLab], [NewProxyARPLab], [NewSynproxyLab] and [NewTLSLab] stage the
// messy-network faults (silent hops, proxy ARP and Wi-Fi isolation, SYN
// proxies, SNI filters and MTU black holes); [NewMediaLab] stages the UDP
// media path: Zoom's UDP ports dropped, 3479 rejected with admin-prohibited,
// a DSCP re-mark to CS0, and an impaired path (nftables numgen drops and a
// userspace [Relay] that delays, jitters and drops, since this kernel has no
// sch_netem). [NewFleetLab] is a campus of rooms for the exporter's
// fleet benchmark.
//
// Safety: all lab addresses (10.93.0.0/16 to 10.103.0.0/16, fd00:94::/32 to
// fd00:99::/32) live only inside lab
// namespaces; nothing is added to the host namespace's routes or addresses.
//
// Building a lab needs Linux, root (CAP_SYS_ADMIN and CAP_NET_ADMIN), and the
// `ip` and `nft` tools on PATH; [Available] says whether that holds, and tests
// skip with its message when it does not. On other systems every constructor
// returns the error from [Available].
package nslab
