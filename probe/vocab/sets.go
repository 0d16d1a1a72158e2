package vocab

// Checks lists every check, in DESIGN.md's order.
func Checks() []Check {
	return []Check{CheckTCP, CheckPath, CheckDNS, CheckTLS, CheckHTTP, CheckProxy, CheckStatus, CheckCaptive, CheckUDP, CheckMedia}
}

// ObservedOf lists the observed states of check c.
func ObservedOf(c Check) []Observed {
	switch c {
	case CheckTCP:
		return []Observed{TCPOpen, TCPClosed, TCPFiltered, TCPUnreachable, TCPNoRoute, TCPLocalDenied, TCPUnresolved, TCPNotRun}
	case CheckPath:
		return []Observed{PathReached, PathDropped, PathRejected, PathUnreachable, PathResetByMiddlebox, PathNoRoute,
			PathNeighborFailed, PathMaxHops, PathLocalDenied, PathNotRun, PathUnresolved}
	case CheckDNS:
		return []Observed{DNSOK, DNSNXDOMAIN, DNSNoAnswer, DNSServfail, DNSRefused, DNSTimeout, DNSBogon, DNSMismatch, DNSHijacked, DNSError, DNSNotRun}
	case CheckStatus:
		return []Observed{StateOperational, StateDegraded, StateOutage, StateMaintenance, StateUnknown}
	case CheckProxy:
		return []Observed{ProxyConfigNone, ProxyConfigExplicit, ProxyConfigPAC, ProxyConfigPACError,
			ProxyDirect, ProxyViaProxy, ProxyDenied, ProxyAuthRequired, ProxyBlocked, ProxyNotRun}
	case CheckTLS:
		return []Observed{TLSGenuine, TLSIntercepted, TLSInvalid, TLSBlocked, TLSUnreachable, TLSNotRun}
	case CheckHTTP:
		return []Observed{HTTPClean, HTTPModified, HTTPUnreachable}
	case CheckCaptive:
		return []Observed{CaptiveNone, CaptivePortal, CaptiveUnreachable}
	case CheckUDP:
		return []Observed{UDPOpen, UDPFiltered, UDPUnreachable, UDPNoRoute, UDPLocalDenied, UDPUnresolved, UDPNotRun}
	case CheckMedia:
		return []Observed{MediaGood, MediaDegraded, MediaBad, MediaBlocked, MediaNotRun}
	}
	return nil
}

// TCPReasons lists the reasons of a tcp result.
func TCPReasons() []Reason {
	return []Reason{ReasonSynAck, ReasonConnRefused, ReasonNoResponse, ReasonAdminProhibited, ReasonHostUnreach,
		ReasonNetUnreach, ReasonPortUnreach, ReasonNoRoute, ReasonLocalPolicy, ReasonTTLExceeded, ReasonParameterProblem,
		ReasonHandshakeByMiddlebox}
}

// PathReasons lists the reasons of a path result.
func PathReasons() []Reason {
	return []Reason{ReasonSynAck, ReasonConnRefused, ReasonForgedReset, ReasonNoResponse, ReasonAdminProhibited,
		ReasonPortUnreach, ReasonParameterProblem, ReasonHostUnreach, ReasonNetUnreach, ReasonNoRoute,
		ReasonLocalPolicy, ReasonTTLExceeded, ReasonHandshakeByMiddlebox}
}

// UDPReasons lists the reasons of a udp result.
func UDPReasons() []Reason {
	return []Reason{ReasonEchoed, ReasonNotResponder, ReasonNoResponse, ReasonAdminProhibited, ReasonPortUnreach,
		ReasonHostUnreach, ReasonNetUnreach, ReasonNoRoute, ReasonLocalPolicy, ReasonTTLExceeded,
		ReasonParameterProblem}
}

// MediaReasons lists the reasons of a media result.
func MediaReasons() []Reason {
	return []Reason{ReasonWithinThresholds, ReasonThresholdCrossed, ReasonMediaPortsBlocked, ReasonStreamLost,
		ReasonResponderNotListening}
}

// Layers lists the layers in troubleshooting order: cloud status, this
// host, the network to the room, the room's port, then the cloud's DNS,
// proxies and TLS, then the UDP media path.
func Layers() []Layer {
	return []Layer{LayerCloud, LayerLocal, LayerNetwork, LayerTransport, LayerDNS, LayerProxy, LayerTLS, LayerMedia}
}

// Failures lists every failure string but the Unknown ones.
func Failures() []Failure {
	return []Failure{
		FailureConnectionRefused, FailureConnectionReset, FailureConnectionAborted, FailureHostUnreachable,
		FailureNetworkUnreachable, FailureNetworkDown, FailurePermissionDenied, FailureTimeout, FailureEOF,
		FailureInterrupted, FailureDNSNXDOMAIN, FailureDNSNoAnswer, FailureDNSRefused, FailureDNSServfail,
		FailureDNSBogon, FailureDNSWrongQueryID, FailureDNSUnexpectedSource, FailureDNSMalformedReply,
		FailureDNSMismatch, FailureDNSNXDOMAINRewrite, FailureDNSHijacked, FailureSSLUnknownAuth, FailureSSLInvalidHostname,
		FailureSSLInvalidCert, FailureSSLHandshake, FailureProxyDenied, FailureProxyAuthRequired,
		FailureHTTPInvalidResponse, FailureHTTPHeadTooLarge, FailurePACInvalid, FailureStatusHTTP,
		FailureStatusNotJSON, FailureStatusNotStatuspage, FailureStatusBodyTooLarge, FailureStatusTooManyRedirects,
		FailureLocalResources, FailureAddrNotAllowed, FailurePACLimit,
	}
}

// Operations lists every operation.
func Operations() []Operation {
	return []Operation{OpResolve, OpRouteLookup, OpConnect, OpTLSHandshake, OpHTTPRoundTrip, OpDNSRoundTrip,
		OpProxyConnect, OpNeighbor, OpStatusFetch, OpTraceHop, OpLocalPolicy, OpReadErrorQueue, OpPACFetch,
		OpPACEval, OpWPADLookup, OpEchoParse, OpUDPRoundTrip, OpMediaStream}
}

// Reasons lists every reason.
func Reasons() []Reason {
	return []Reason{
		ReasonSynAck, ReasonConnRefused, ReasonNoResponse, ReasonAdminProhibited, ReasonHostUnreach, ReasonNetUnreach,
		ReasonPortUnreach, ReasonNoRoute, ReasonLocalPolicy, ReasonTTLExceeded, ReasonParameterProblem,
		ReasonHandshakeByMiddlebox, ReasonFragNeeded, ReasonForgedReset,
		ReasonTCPFallbackFailed, ReasonWrongIDSeen, ReasonUnexpectedSource, ReasonMalformedSeen, ReasonAllowedNet,
		ReasonCDNEdgeDiffers, ReasonNoReferenceAnswers, ReasonNXDOMAINRewrite, ReasonOtherTypeAnswered,
		ReasonNoAddressAtAll, ReasonNotMeasurable, ReasonEgressDiffers, ReasonEgressSame,
		ReasonBogonUnspecified, ReasonBogonLoopback, ReasonBogonPrivate, ReasonBogonLinkLocal, ReasonBogonCGNAT,
		ReasonBogonMulticast, ReasonBogonReserved, ReasonTransportUDP, ReasonTransportTCP, ReasonTransportUDPTruncated,
		ReasonAllOperational, ReasonIndicator, ReasonComponent, ReasonIncident, ReasonMaintenanceActive, ReasonUnreadable,
		ReasonConnected, ReasonConnectGranted, ReasonProxyAuth, ReasonConnectDenied, ReasonProxyUnreachable,
		ReasonNoProxy, ReasonNotTried, ReasonFailed, ReasonDisabledByFlag, ReasonExplicit, ReasonNothingConfigured,
		ReasonPACFlag, ReasonPACWPAD, ReasonPACUnusable, ReasonChainVerified, ReasonUnknownIssuer, ReasonChainInvalid,
		ReasonHandshakeFailed, ReasonSNIFiltered, ReasonMTUBlackHole, ReasonHandshakeReset, ReasonHandshakeTimeout, ReasonNoPath, ReasonEchoIdentical, ReasonHeadRewritten, ReasonNotEchoed,
		ReasonTokenMissing, ReasonNotResponder, ReasonNoAnswer, ReasonProxyAnswered, ReasonProxyHeaders, ReasonServerMismatch,
		ReasonNoProxyHeaders, ReasonKnownAnswer, ReasonRedirect, ReasonLoginPage, ReasonUnexpectedAnswer,
		ReasonEchoed, ReasonWithinThresholds, ReasonThresholdCrossed, ReasonMediaPortsBlocked, ReasonStreamLost,
		ReasonResponderNotListening,
	}
}
