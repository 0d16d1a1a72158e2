// Package sockerr reads a socket's error queue on Linux: the ICMP and
// ICMPv6 errors (with their senders) and local errors that IP_RECVERR and
// IPV6_RECVERR queue on a socket, unprivileged. The TCP connect probe, the
// TCP trace and the path-MTU probe share it. It also watches what follows
// a completed handshake (AfterConnect, from TCP_INFO), which tells a room
// from a SYN proxy that answered in its name.
//
// Other platforms have no error queue; there the package is empty and its
// callers say what they could not measure.
package sockerr
