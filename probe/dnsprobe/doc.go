// Package dnsprobe is roompath's DNS probe: every name, for every query
// type, through every resolver at once, judged together and named in the
// DNS vocabulary of shared/DESIGN.md (ok, nxdomain, no_answer, servfail,
// refused, timeout, bogon, mismatch, hijacked, error), with the evidence
// of interference (replies with a wrong id, from another address,
// malformed, truncated answers whose TCP retry failed), NXDOMAIN rewriting
// and hijacking (a name answered with the address every nonexistent name
// gets) and the whoami egress of each resolver.
//
// NewDNS builds the probe from a DNSConfig and Run emits one result per
// lookup; each result's Detail is a *Detail (a *WhoamiDetail for the whoami
// checks). Options is the same check as a user states it (dnscheck's flags,
// triage's): names as text, the system's resolvers by default; its Config
// fills every default. The system's resolver configuration is read by
// netpath (ReadResolverConfig) and turned into servers by SystemFrom.
package dnsprobe
