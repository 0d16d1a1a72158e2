// Package vocab is roompath's closed vocabulary as typed constants: the
// checks, the observed states of each check, the reasons, the failure
// strings, the operations and the layers of shared/DESIGN.md, with what
// this code base adds to them (docs/vocabulary.md). Every producer of a
// result uses these constants; a test holds them, report/schema.json and
// docs/vocabulary.md to the same set.
//
// vocab is a leaf: it imports nothing, so every package may use it.
package vocab

// Check names what a result checked (report.Result.Check).
type Check string

// The checks.
const (
	CheckTCP     Check = "tcp"
	CheckPath    Check = "path"
	CheckDNS     Check = "dns"
	CheckTLS     Check = "tls"
	CheckHTTP    Check = "http"
	CheckProxy   Check = "proxy"
	CheckStatus  Check = "status"
	CheckCaptive Check = "captive"
	// CheckUDP: UDP reachability of one responder port (mediacheck).
	CheckUDP Check = "udp"
	// CheckMedia: a media-like UDP stream to a responder (mediacheck).
	CheckMedia Check = "media"
)

// Observed is a check's state (report.Result.Observed); each check has its
// own set (ObservedOf).
type Observed string

// TCP observed states.
const (
	TCPOpen        Observed = "open"
	TCPClosed      Observed = "closed"
	TCPFiltered    Observed = "filtered"
	TCPUnreachable Observed = "unreachable"
	TCPNoRoute     Observed = "no_route"
	TCPLocalDenied Observed = "local_denied"
	// TCPUnresolved: a hostname target with no address.
	TCPUnresolved Observed = "unresolved"
	// TCPNotRun: the probe could not be run (interrupted, out of sockets).
	TCPNotRun Observed = "not_run"
)

// Path observed states.
const (
	// PathReached: the room answered at some TTL (a SYN-ACK, or a reset
	// not shown to be forged).
	PathReached Observed = "reached"
	// PathDropped: silence after detail.last_hop.
	PathDropped Observed = "dropped"
	// PathRejected: a router refused with an ICMP reject.
	PathRejected Observed = "rejected"
	// PathUnreachable: a router said host or network unreachable.
	PathUnreachable Observed = "unreachable"
	// PathResetByMiddlebox: a reset in the room's name came from fewer
	// hops away than the room.
	PathResetByMiddlebox Observed = "reset_by_middlebox"
	// PathNoRoute: this host's table has no usable route.
	PathNoRoute Observed = "no_route"
	// PathNeighborFailed: this host's own ARP/ND resolution failed.
	PathNeighborFailed Observed = "neighbor_failed"
	// PathMaxHops: still expiring in transit at the highest TTL probed.
	PathMaxHops Observed = "max_hops"
	// PathLocalDenied: a firewall on this host refused to send.
	PathLocalDenied Observed = "local_denied"
	// PathNotRun: the check could not be run.
	PathNotRun Observed = "not_run"
	// PathUnresolved: the room's name did not resolve.
	PathUnresolved Observed = "unresolved"
)

// DNS observed states.
const (
	DNSOK       Observed = "ok"
	DNSNXDOMAIN Observed = "nxdomain"
	DNSNoAnswer Observed = "no_answer"
	DNSServfail Observed = "servfail"
	DNSRefused  Observed = "refused"
	DNSTimeout  Observed = "timeout"
	DNSBogon    Observed = "bogon"
	DNSMismatch Observed = "mismatch"
	// DNSHijacked: the resolver answers names that do not exist, and this
	// answer is that same address (captive-portal DNS, a walled garden,
	// NXDOMAIN rewriting): the real answer cannot be known through it.
	DNSHijacked Observed = "hijacked"
	DNSError    Observed = "error"
	// DNSNotRun: the check could not be attempted (status error).
	DNSNotRun Observed = "not_run"
)

// Status (Zoom's status page) observed states.
const (
	StateOperational Observed = "operational"
	StateDegraded    Observed = "degraded"
	StateOutage      Observed = "outage"
	StateMaintenance Observed = "maintenance"
	// StateUnknown: the page could not be read from here.
	StateUnknown Observed = "unknown"
)

// Proxy observed states: per host:port, and of the proxy/config result.
const (
	ProxyDirect         Observed = "direct"              // reachable without a proxy
	ProxyViaProxy       Observed = "via_proxy"           // only through the proxy
	ProxyDenied         Observed = "proxy_denied"        // the proxy refused CONNECT
	ProxyAuthRequired   Observed = "proxy_auth_required" // the proxy wants credentials (407)
	ProxyBlocked        Observed = "blocked"             // neither way
	ProxyConfigNone     Observed = "none"                // no proxy configured, no WPAD
	ProxyConfigExplicit Observed = "explicit"            // --proxy or the environment
	ProxyConfigPAC      Observed = "pac"                 // a PAC file (--pac or WPAD)
	ProxyConfigPACError Observed = "pac_error"           // a PAC file that cannot be used
	ProxyNotRun         Observed = "not_run"             // the check could not be attempted
)

// TLS observed states.
const (
	TLSGenuine     Observed = "genuine"     // chains to the genuine roots and is valid for the name
	TLSIntercepted Observed = "intercepted" // chains elsewhere: an inspection CA re-signed it
	TLSInvalid     Observed = "invalid"     // a certificate problem: the genuine chain is invalid (expired, wrong name)
	TLSBlocked     Observed = "blocked"     // the TCP connection opened but the handshake was stopped (reset, stalled, cut)
	TLSUnreachable Observed = "unreachable" // no TCP path (see the proxy check)
	TLSNotRun      Observed = "not_run"     // the check could not be attempted
)

// HTTP (transparent proxy) observed states.
const (
	HTTPClean       Observed = "clean"       // the request arrived as sent
	HTTPModified    Observed = "modified"    // something rewrote or answered it
	HTTPUnreachable Observed = "unreachable" // the responder did not answer
)

// Captive-portal observed states.
const (
	CaptiveNone        Observed = "none"        // 204, empty body
	CaptivePortal      Observed = "portal"      // a redirect, a login page
	CaptiveUnreachable Observed = "unreachable" // the known-answer URL did not answer
)

// Reason says why a check observed what it did (report.Result.Reason).
type Reason string

// TCP reasons (DESIGN.md), also used by the path check.
const (
	ReasonSynAck          Reason = "syn_ack"
	ReasonConnRefused     Reason = "conn_refused"
	ReasonNoResponse      Reason = "no_response"
	ReasonAdminProhibited Reason = "admin_prohibited"
	ReasonHostUnreach     Reason = "host_unreach"
	ReasonNetUnreach      Reason = "net_unreach"
	ReasonPortUnreach     Reason = "port_unreach"
	ReasonNoRoute         Reason = "no_route"
	ReasonLocalPolicy     Reason = "local_policy"
	// ReasonTTLExceeded: the SYN expired in transit (a routing loop).
	ReasonTTLExceeded Reason = "ttl_exceeded"
	// ReasonParameterProblem: ICMP parameter problem (IPv4 type 12,
	// ICMPv6 type 4): a device on the path could not parse the SYN.
	ReasonParameterProblem Reason = "parameter_problem"
	// ReasonHandshakeByMiddlebox: a device short of the room completed or
	// answered the handshake (a SYN proxy, a firewall's TCP intercept or
	// SYN cookies): observed filtered when nothing behind it answers,
	// closed when the room refuses behind it; never pass.
	ReasonHandshakeByMiddlebox Reason = "handshake_by_middlebox"
)

// Path reasons beyond the TCP ones.
const (
	// ReasonFragNeeded: ICMP fragmentation needed (ICMPv6 packet too
	// big); a hop's unreachable kind that does not end a connect.
	ReasonFragNeeded Reason = "frag_needed"
	// ReasonForgedReset: the reset's IP TTL puts its sender before the
	// room.
	ReasonForgedReset Reason = "forged_reset"
)

// DNS reasons.
const (
	ReasonTCPFallbackFailed  Reason = "tcp_fallback_failed"    // truncated over UDP, TCP retry failed
	ReasonWrongIDSeen        Reason = "wrong_query_id_seen"    // a reply with a wrong id came first
	ReasonUnexpectedSource   Reason = "unexpected_source_seen" // a reply came from another address
	ReasonMalformedSeen      Reason = "malformed_reply_seen"   // a reply did not parse
	ReasonAllowedNet         Reason = "allowed_net"            // private answers inside --allow-net
	ReasonCDNEdgeDiffers     Reason = "cdn_edge_differs"       // no address in common, same CNAME target
	ReasonNoReferenceAnswers Reason = "no_reference_answers"   // references gave nothing to compare
	ReasonNXDOMAINRewrite    Reason = "nxdomain_rewrite"       // the answer is what the resolver gives names that do not exist
	ReasonOtherTypeAnswered  Reason = "other_type_answered"    // empty type, the other address type has addresses
	ReasonNoAddressAtAll     Reason = "no_address_of_any_type" // no address type has addresses
	ReasonNotMeasurable      Reason = "not_measurable"         // an interception check got no usable answer
	ReasonEgressDiffers      Reason = "egress_differs"         // the authoritative servers saw another address
	ReasonEgressSame         Reason = "egress_is_resolver"     // they saw the resolver itself
	// Bogon kinds: the reason of a bogon answer.
	ReasonBogonUnspecified Reason = "unspecified" // 0.0.0.0/8, :: (the usual sinkhole)
	ReasonBogonLoopback    Reason = "loopback"    // 127.0.0.0/8, ::1
	ReasonBogonPrivate     Reason = "private"     // RFC 1918, fc00::/7
	ReasonBogonLinkLocal   Reason = "link_local"  // 169.254.0.0/16, fe80::/10
	ReasonBogonCGNAT       Reason = "cgnat"       // 100.64.0.0/10 (RFC 6598)
	ReasonBogonMulticast   Reason = "multicast"   // 224.0.0.0/4, ff00::/8
	ReasonBogonReserved    Reason = "reserved"    // documentation, benchmarking, class E, IPv4-mapped
	// Transports: the reason of one DNS attempt.
	ReasonTransportUDP Reason = "udp"
	ReasonTransportTCP Reason = "tcp"
	// ReasonTransportUDPTruncated: a UDP reply with the TC bit set.
	ReasonTransportUDPTruncated Reason = "udp_truncated"
)

// Status reasons.
const (
	ReasonAllOperational    Reason = "all_operational"         // the indicator is none and nothing is amiss
	ReasonIndicator         Reason = "indicator"               // the page's overall indicator decided
	ReasonComponent         Reason = "component"               // a component's status outranked the indicator
	ReasonIncident          Reason = "incident"                // an unresolved incident's impact outranked both
	ReasonMaintenanceActive Reason = "maintenance_in_progress" // a scheduled maintenance is in progress
	ReasonUnreadable        Reason = "unreadable"              // no URL gave a Statuspage summary
)

// Proxy, TLS, HTTP and captive-portal reasons.
const (
	ReasonConnected         Reason = "connected"          // the direct connection succeeded
	ReasonConnectGranted    Reason = "connect_granted"    // the proxy granted CONNECT
	ReasonProxyAuth         Reason = "proxy_auth"         // the proxy answered 407
	ReasonConnectDenied     Reason = "connect_denied"     // the proxy refused CONNECT
	ReasonProxyUnreachable  Reason = "proxy_unreachable"  // the proxy itself did not answer
	ReasonNoProxy           Reason = "no_proxy"           // direct failed and no proxy is configured
	ReasonNotTried          Reason = "not_tried"          // nothing could be attempted
	ReasonFailed            Reason = "failed"             // one attempt failed
	ReasonDisabledByFlag    Reason = "disabled_by_flag"   // --proxy none
	ReasonExplicit          Reason = "explicit"           // --proxy or the environment
	ReasonNothingConfigured Reason = "nothing_configured" // no proxy source found anything
	ReasonPACFlag           Reason = "pac_flag"           // the PAC file of --pac
	ReasonPACWPAD           Reason = "pac_wpad"           // the PAC file WPAD found
	ReasonPACUnusable       Reason = "pac_unusable"       // the PAC file did not compile or answer
	ReasonChainVerified     Reason = "chain_verified"     // the chain verifies against the genuine roots
	ReasonUnknownIssuer     Reason = "unknown_issuer"     // the chain ends in another CA
	ReasonChainInvalid      Reason = "chain_invalid"      // the genuine chain is invalid
	ReasonHandshakeFailed   Reason = "handshake_failed"   // the TLS handshake failed
	ReasonSNIFiltered       Reason = "sni_filtered"       // the name's handshake is stopped, a control name to the same address completes
	ReasonMTUBlackHole      Reason = "mtu_black_hole"     // the handshake stalls, and completes with a small MSS
	ReasonHandshakeReset    Reason = "reset"              // the handshake was reset, and no control completed
	ReasonHandshakeTimeout  Reason = "timeout"            // the handshake stalled, and no control completed
	ReasonNoPath            Reason = "no_path"            // no TCP path to the server
	ReasonEchoIdentical     Reason = "echo_identical"     // the responder saw the request as sent
	ReasonHeadRewritten     Reason = "head_rewritten"     // the request head was rewritten
	ReasonNotEchoed         Reason = "not_echoed"         // something else answered for the responder
	ReasonTokenMissing      Reason = "token_missing"      // the echo lacks the request's token
	ReasonNotResponder      Reason = "not_responder"      // an echo without X-Roompath-Echo: not a roompath responder
	ReasonNoAnswer          Reason = "no_answer"          // the responder did not answer
	ReasonProxyAnswered     Reason = "proxy_answered"     // a proxy answered in the server's name
	ReasonProxyHeaders      Reason = "proxy_headers"      // the answer carries proxy headers
	ReasonServerMismatch    Reason = "server_mismatch"    // the server header is not the expected one
	ReasonNoProxyHeaders    Reason = "no_proxy_headers"   // no sign of a proxy
	ReasonKnownAnswer       Reason = "known_answer"       // the known-answer URL answered as expected
	ReasonRedirect          Reason = "redirect"           // a redirect instead of the known answer
	ReasonLoginPage         Reason = "login_page"         // a login page instead of the known answer
	ReasonUnexpectedAnswer  Reason = "unexpected_answer"  // another answer
)

// Failure is a failure string, following OONI's netxlite vocabulary where
// one exists (report.Result.Failure).
type Failure string

// Failures.
const (
	FailureConnectionRefused  Failure = "connection_refused"
	FailureConnectionReset    Failure = "connection_reset"
	FailureConnectionAborted  Failure = "connection_aborted"
	FailureHostUnreachable    Failure = "host_unreachable"
	FailureNetworkUnreachable Failure = "network_unreachable"
	FailureNetworkDown        Failure = "network_down"
	FailurePermissionDenied   Failure = "permission_denied"
	FailureTimeout            Failure = "generic_timeout_error"
	FailureEOF                Failure = "eof_error"
	// FailureInterrupted: the caller cancelled the work (Ctrl-C, a
	// scrape that ended); it says nothing about the network.
	FailureInterrupted     Failure = "interrupted"
	FailureDNSNXDOMAIN     Failure = "dns_nxdomain_error"
	FailureDNSNoAnswer     Failure = "dns_no_answer"
	FailureDNSRefused      Failure = "dns_refused_error"
	FailureDNSServfail     Failure = "dns_servfail_error"
	FailureDNSBogon        Failure = "dns_bogon_error"
	FailureDNSWrongQueryID Failure = "dns_reply_with_wrong_query_id"
	// FailureDNSUnexpectedSource: replies came only from an address or
	// port the query was not sent to (a transparent interceptor).
	FailureDNSUnexpectedSource Failure = "dns_reply_from_unexpected_source"
	// FailureDNSMalformedReply: replies with the query's id did not parse
	// or answered another question, or a DNS-over-TCP stream broke its
	// framing (a zero length, a message cut short or still incomplete at
	// the deadline).
	FailureDNSMalformedReply Failure = "dns_malformed_reply"
	// FailureDNSMismatch: no address in common with the reference
	// resolvers' answers.
	FailureDNSMismatch Failure = "dns_mismatch"
	// FailureDNSNXDOMAINRewrite: a name that does not exist got an
	// address (the resolver rewrites NXDOMAIN).
	FailureDNSNXDOMAINRewrite Failure = "dns_nxdomain_rewrite"
	// FailureDNSHijacked: the answer is the address the resolver gives
	// names that do not exist (observed hijacked).
	FailureDNSHijacked        Failure = "dns_hijacked"
	FailureSSLUnknownAuth     Failure = "ssl_unknown_authority"
	FailureSSLInvalidHostname Failure = "ssl_invalid_hostname"
	FailureSSLInvalidCert     Failure = "ssl_invalid_certificate"
	FailureSSLHandshake       Failure = "ssl_failed_handshake"
	// FailureProxyDenied: the proxy answered CONNECT with a refusal (any
	// non-2xx status but 407).
	FailureProxyDenied Failure = "proxy_connect_denied"
	// FailureProxyAuthRequired: the proxy answered 407.
	FailureProxyAuthRequired Failure = "proxy_auth_required"
	// FailureHTTPInvalidResponse: the peer's answer was not valid HTTP.
	FailureHTTPInvalidResponse Failure = "http_invalid_response"
	// FailureHTTPHeadTooLarge: the peer's response head exceeded the size
	// cap (for example endless headers).
	FailureHTTPHeadTooLarge Failure = "http_response_head_too_large"
	// FailurePACInvalid: a PAC file could not be compiled or evaluated,
	// or its answer could not be parsed.
	FailurePACInvalid Failure = "pac_invalid"
	// FailureStatusHTTP: the status page answered another status than 200.
	FailureStatusHTTP Failure = "status_http_error"
	// FailureStatusNotJSON: the body was not JSON (a block page, a portal).
	FailureStatusNotJSON Failure = "status_not_json"
	// FailureStatusNotStatuspage: JSON, but without page.id.
	FailureStatusNotStatuspage Failure = "status_not_statuspage"
	// FailureStatusBodyTooLarge: the body exceeded the size cap.
	FailureStatusBodyTooLarge Failure = "status_body_too_large"
	// FailureStatusTooManyRedirects: a redirect loop or chain.
	FailureStatusTooManyRedirects Failure = "status_too_many_redirects"
	// FailureLocalResources: this host ran out of sockets, file
	// descriptors or buffers (EMFILE, ENFILE, ENOBUFS): an error of the
	// prober, never evidence about the target.
	FailureLocalResources Failure = "local_resource_exhausted"
	// FailureAddrNotAllowed: the connection was not attempted because the
	// address (a redirect's, or one a name resolved to) lies outside the
	// allowlist of the exporter.
	FailureAddrNotAllowed Failure = "address_not_allowed"
	// FailurePACLimit: a PAC script exceeded its time or memory budget
	// (a loop, a string that doubles): it was stopped.
	FailurePACLimit Failure = "pac_limit_exceeded"
)

// UnknownPrefix starts the failure string of anything unmapped; the
// error's text follows it.
const UnknownPrefix = "unknown_failure: "

// Unknown is the failure string of an error no table maps.
func Unknown(text string) Failure { return Failure(UnknownPrefix + text) }

// Operation is the step that failed (report.Result.Operation).
type Operation string

// Operations.
const (
	OpResolve        Operation = "resolve"
	OpRouteLookup    Operation = "route_lookup"
	OpConnect        Operation = "connect"
	OpTLSHandshake   Operation = "tls_handshake"
	OpHTTPRoundTrip  Operation = "http_round_trip"
	OpDNSRoundTrip   Operation = "dns_round_trip"
	OpProxyConnect   Operation = "proxy_connect"
	OpNeighbor       Operation = "neighbor_resolution"
	OpStatusFetch    Operation = "status_fetch"
	OpTraceHop       Operation = "trace_hop"
	OpLocalPolicy    Operation = "local_policy"
	OpReadErrorQueue Operation = "read_error_queue"
	OpPACFetch       Operation = "pac_fetch"
	OpPACEval        Operation = "pac_eval"
	OpWPADLookup     Operation = "wpad_lookup"
	OpEchoParse      Operation = "echo_parse"
	// OpUDPRoundTrip: a UDP datagram to a responder and its echo.
	OpUDPRoundTrip Operation = "udp_round_trip"
	// OpMediaStream: the media stream to a responder.
	OpMediaStream Operation = "media_stream"
)

// Layer places a result on the troubleshooting path (report.Result.Layer,
// report.Verdict.Layer).
type Layer string

// Layers along the troubleshooting path, in its order.
const (
	LayerCloud     Layer = "cloud"
	LayerLocal     Layer = "local"
	LayerNetwork   Layer = "network"
	LayerTransport Layer = "transport"
	LayerDNS       Layer = "dns"
	LayerProxy     Layer = "proxy"
	LayerTLS       Layer = "tls"
	// LayerMedia: the UDP media path (mediacheck, triage --media-responder).
	LayerMedia Layer = "media"
)
