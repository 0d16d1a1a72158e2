// Package netpath is the local view of the path from this host: interfaces,
// routes, neighbours, resolvers, privileges. Linux reads it through netlink;
// other platforms fall back to what the standard library can see and say
// what they could not measure.
package netpath
