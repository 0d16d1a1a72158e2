// Package responder is the echo responder that proxycheck's transparent
// proxy check talks to ("roompath responder"). Engineers place it beyond
// the suspect device, on the room VLAN or in a DMZ.
//
// The echo protocol: for an HTTP request, the response is "200 OK" with
// header X-Roompath-Echo and a body holding the exact bytes of the request
// head as the responder received them, from the request line through the
// blank line. On the same port a client that does not speak HTTP gets a
// plain TCP echo. See docs/responder.md.
//
// It is built to be exposed: every read is bounded in size and time, the
// number of connections is capped in total and per source address, it
// never sends more than it received plus a fixed-size header, it keeps no
// state between connections, and it never opens a connection itself.
package responder
