package vocab

// UDP observed states (mediacheck, against a roompath responder).
const (
	// UDPOpen: the responder echoed a datagram (reason echoed), or
	// something answered in its name (reason not_responder).
	UDPOpen Observed = "open"
	// UDPFiltered: silence until the deadline (detail.last_hop).
	UDPFiltered Observed = "filtered"
	// UDPUnreachable: an ICMP error came back (reason, reported_by).
	UDPUnreachable Observed = "unreachable"
	// UDPNoRoute: this host's table has no usable route.
	UDPNoRoute Observed = "no_route"
	// UDPLocalDenied: a firewall on this host refused to send.
	UDPLocalDenied Observed = "local_denied"
	// UDPUnresolved: the responder's name did not resolve.
	UDPUnresolved Observed = "unresolved"
	// UDPNotRun: the probe could not be run (interrupted, out of sockets).
	UDPNotRun Observed = "not_run"
)

// Media observed states: the stream judged against the thresholds.
const (
	MediaGood     Observed = "good"     // within every threshold
	MediaDegraded Observed = "degraded" // a threshold crossed, by at most twice its limit
	MediaBad      Observed = "bad"      // a threshold crossed by more, or the stream got no echo
	// MediaBlocked: UDP 8801-8810 do not pass (whatever 3478/3479 do):
	// Zoom falls back to TCP 8801/8802, then TLS 443.
	MediaBlocked Observed = "blocked"
	MediaNotRun  Observed = "not_run" // the stream could not be run
)

// UDP and media reasons beyond the TCP ones.
const (
	// ReasonEchoed: the responder echoed the datagram (udp open).
	ReasonEchoed Reason = "echoed"
	// ReasonWithinThresholds: every figure of the stream is within the
	// thresholds (media good).
	ReasonWithinThresholds Reason = "within_thresholds"
	// ReasonThresholdCrossed: a figure crossed its threshold
	// (detail.crossed; media degraded or bad).
	ReasonThresholdCrossed Reason = "threshold_crossed"
	// ReasonMediaPortsBlocked: no UDP port of 8801-8810 probed passes
	// (media blocked).
	ReasonMediaPortsBlocked Reason = "media_ports_blocked"
	// ReasonStreamLost: the media ports answered but the stream got no
	// echo at all (media bad).
	ReasonStreamLost Reason = "stream_lost"
	// ReasonResponderNotListening: the responder's host answered every
	// media port with ICMP port unreachable: nothing listens there (start
	// it with --udp) or its own firewall rejects (media not_run).
	ReasonResponderNotListening Reason = "responder_not_listening"
)
