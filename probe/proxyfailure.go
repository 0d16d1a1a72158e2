package probe

// Failure strings and operations of the proxy, TLS, HTTP and captive-portal
// checks (proxycheck). They extend the vocabulary in failure.go; see
// docs/proxycheck.md.
const (
	// FailureProxyDenied: the proxy answered CONNECT with a refusal
	// (any non-2xx status but 407).
	FailureProxyDenied = "proxy_connect_denied"
	// FailureProxyAuthRequired: the proxy answered 407 Proxy
	// Authentication Required.
	FailureProxyAuthRequired = "proxy_auth_required"
	// FailureHTTPInvalidResponse: the peer's answer was not valid HTTP.
	FailureHTTPInvalidResponse = "http_invalid_response"
	// FailureHTTPHeadTooLarge: the peer's response head exceeded the
	// size cap (for example endless headers).
	FailureHTTPHeadTooLarge = "http_response_head_too_large"
	// FailurePACInvalid: a PAC file could not be compiled or evaluated,
	// or its answer could not be parsed.
	FailurePACInvalid = "pac_invalid"
)

// Operations of the proxy checks.
const (
	OpPACFetch   = "pac_fetch"
	OpPACEval    = "pac_eval"
	OpWPADLookup = "wpad_lookup"
	OpEchoParse  = "echo_parse"
)
