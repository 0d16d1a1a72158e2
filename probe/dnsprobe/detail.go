package dnsprobe

import "github.com/roompath/roompath/probe/vocab"

// Detail is the evidence of one DNS result: every result of the probe but
// the whoami checks carries a *Detail in report.Result.Detail (those carry
// a *WhoamiDetail, which embeds one). Fields that were not measured are
// null or absent.
type Detail struct {
	// Role is the resolver's role: "system", "resolver" or "reference".
	Role Role `json:"role"`
	// QName is the fully qualified name whose reply stands for the result
	// (after the search list, for the system's resolvers).
	QName string `json:"qname"`
	// Type is the query type's mnemonic ("A", "AAAA", or TYPEnnn).
	Type string `json:"type"`
	// Rcode is the reply's rcode ("NOERROR", "NXDOMAIN"…); null when no
	// reply was accepted.
	Rcode *string `json:"rcode"`
	// Answers are the reply's answer records, CNAMEs included; empty, not
	// null, when there were none.
	Answers []Answer `json:"answers"`
	// CNAMEChain lists the CNAME targets of the answer, in order; empty
	// when there were none.
	CNAMEChain []string `json:"cname_chain"`
	// Transport is the transport of the reply that stands: "udp" or "tcp".
	Transport string `json:"transport"`
	// TruncatedRetry is true when a truncated UDP reply was asked again
	// over TCP.
	TruncatedRetry bool `json:"truncated_retry"`
	// TCPError says why that TCP retry failed; absent when it did not.
	TCPError *vocab.Failure `json:"tcp_error,omitempty"`
	// EDNSSent is the UDP size advertised (0: no EDNS).
	EDNSSent int `json:"edns_sent"`
	// EDNS is the reply's OPT record, null when the reply had none.
	EDNS *EDNS `json:"edns"`
	// AD is the reply's Authenticated Data bit, reported only when DNSSEC
	// was asked for.
	AD *bool `json:"ad,omitempty"`
	// RA is the reply's Recursion Available bit; null without a reply.
	RA *bool `json:"ra"`
	// QueryID is the query id evidence.
	QueryID QueryCheck `json:"query_id"`
	// Source is the address the accepted reply came from.
	Source string `json:"source,omitempty"`
	// UnexpectedSources are the first 5 addresses that sent replies to a
	// query sent elsewhere.
	UnexpectedSources []string `json:"unexpected_sources,omitempty"`
	// UnexpectedSourceCount counts those replies, all of them.
	UnexpectedSourceCount int `json:"unexpected_source_count,omitempty"`
	// MalformedReplies counts replies with the right id that did not
	// parse or answered another question.
	MalformedReplies int `json:"malformed_replies,omitempty"`
	// ReplyNote is a short remark on the first reply refused as malformed
	// or cut short (its size, why it failed, its first 16 bytes in hex;
	// peer text quoted and cut); absent when there was none.
	ReplyNote string `json:"reply_note,omitempty"`
	// Bogons are the answers a public name must not have.
	Bogons []BogonAnswer `json:"bogons,omitempty"`
	// Allowed are the private answers inside an --allow-net network, as
	// "ADDR in CIDR".
	Allowed []string `json:"allowed,omitempty"`
	// Reference is the comparison with the reference resolvers' answers;
	// absent when there was nothing to compare.
	Reference *Comparison `json:"reference,omitempty"`
	// NXDOMAINRewrite is the resolver's answer for a name that does not
	// exist, when this answer is made of it (observed hijacked), when the
	// other address type's answer is (an empty type beside a hijacked
	// one), and on the dns/nxdomain-rewrite result itself (every A and
	// AAAA address the random name got).
	NXDOMAINRewrite []string `json:"nxdomain_rewrite,omitempty"`
	// Search lists the names tried when the search list was applied.
	Search []SearchStep `json:"search,omitempty"`
}

// WhoamiDetail is the evidence of a whoami check: the lookup's detail
// and the egress address(es) the authoritative servers saw.
type WhoamiDetail struct {
	*Detail
	// Egress is what the whoami name answered: the address that really
	// asked the authoritative servers on the resolver's behalf.
	Egress []string `json:"egress"`
}

// Answer is one answer record.
type Answer struct {
	// Name is the record's owner name, fully qualified.
	Name string `json:"name"`
	// Type is the record type's mnemonic.
	Type string `json:"type"`
	// TTL is the record's time to live, in seconds.
	TTL uint32 `json:"ttl"`
	// Data is the record's data in presentation form.
	Data string `json:"data"`
}

// EDNS is the OPT record of a reply.
type EDNS struct {
	// UDPSize is the UDP payload size the resolver advertised.
	UDPSize uint16 `json:"udp_size"`
	// DO is the DNSSEC OK bit.
	DO bool `json:"do"`
	// Version is the EDNS version.
	Version uint8 `json:"version"`
}

// QueryCheck is the query id evidence.
type QueryCheck struct {
	// Sent is the id of the query.
	Sent uint16 `json:"sent"`
	// Received is the id of the accepted reply; null when none.
	Received *uint16 `json:"received"`
	// WrongIDs are the ids of the first 5 replies that did not match.
	WrongIDs []uint16 `json:"wrong_ids,omitempty"`
	// WrongIDCount counts the replies that did not match, all of them.
	WrongIDCount int `json:"wrong_id_count,omitempty"`
}

// BogonAnswer is one answer that a public name must not have.
type BogonAnswer struct {
	// Address is the answer.
	Address string `json:"address"`
	// Kind is the kind of bogon (BogonKind).
	Kind vocab.Reason `json:"kind"`
}

// Comparison is a resolver's answer set compared with the references'.
type Comparison struct {
	// References are the reference resolvers that answered.
	References []string `json:"references"`
	// Addresses are the references' addresses, sorted.
	Addresses []string `json:"addresses"`
	// Common are the addresses both gave, sorted; empty, not null, when
	// there are none.
	Common []string `json:"common"`
	// SameCNAME is true when both answers went through a common CNAME.
	SameCNAME bool `json:"same_cname"`
}

// SearchStep is one name of the search list and what came of it.
type SearchStep struct {
	// QName is the fully qualified name asked.
	QName string `json:"qname"`
	// Observed is what that name got.
	Observed vocab.Observed `json:"observed"`
}
