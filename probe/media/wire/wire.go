// Package wire is the mediacheck protocol between mediacheck (probe/media)
// and the UDP reflector of roompath responder (docs/responder.md).
//
// Every datagram starts with a 44-byte header, big-endian:
//
//	0  magic      "RPMC"
//	4  version    1
//	5  kind       1 request, 2 reply
//	6  flags      bit 0: keyed (a 16-byte HMAC-SHA256 tag ends the datagram)
//	              bit 1: tos_known (reply: byte 7 holds the TOS received)
//	7  tos        reply: the TOS (IPv6 traffic-class) byte the request arrived with
//	8  session    uint64, chosen by the client per run
//	16 seq        uint32, the packet's sequence number in the session
//	20 send_ns    int64, the client's send timestamp (its own clock), echoed
//	28 recv_ns    int64, reply: the responder's receive timestamp (its clock)
//	36 reply_ns   int64, reply: the responder's send timestamp (its clock)
//
// then zero padding up to the request's size, then the tag when keyed:
// the first 16 bytes of HMAC-SHA256(key, every byte before the tag). A
// reply has exactly the length of its request, never more. Append and
// Parse do not allocate; a Codec is not safe for concurrent use.
package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
)

// Sizes of the protocol.
const (
	HeaderLen = 44
	TagLen    = 16
	// MaxLen is the largest datagram of the protocol: no path fragments it
	// (the 1280-byte IPv6 minimum MTU less the IPv6 and UDP headers).
	MaxLen = 1200
	// Version is the protocol version this package speaks.
	Version = 1
)

// Kinds of datagram.
const (
	KindRequest = 1
	KindReply   = 2
)

const (
	flagKeyed    = 1 << 0
	flagTOSKnown = 1 << 1
)

var magic = [4]byte{'R', 'P', 'M', 'C'}

// zeros is the padding source.
var zeros [MaxLen]byte

// Parse errors; they are values, so a parse never allocates.
var (
	ErrShort   = errors.New("shorter than the mediacheck header")
	ErrLong    = errors.New("longer than the mediacheck maximum")
	ErrMagic   = errors.New("not a mediacheck datagram (magic)")
	ErrVersion = errors.New("unsupported mediacheck version")
	ErrKind    = errors.New("unknown mediacheck kind")
	ErrFlags   = errors.New("unknown mediacheck flags")
	ErrKeyed   = errors.New("keyed datagram without a key, or unkeyed with one")
	ErrTag     = errors.New("HMAC tag does not verify")
	ErrSize    = errors.New("size out of range for the header (and tag)")
)

// Packet is the header of one datagram.
type Packet struct {
	Kind     uint8
	TOS      uint8 // reply: the TOS byte the responder received
	TOSKnown bool  // reply: TOS was read (IP_RECVTOS, IPV6_RECVTCLASS)
	Session  uint64
	Seq      uint32
	SendNS   int64
	RecvNS   int64
	ReplyNS  int64
}

// Codec encodes and decodes datagrams, signing and verifying them with its
// key when it has one.
type Codec struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// NewCodec returns a codec; key nil or empty means unkeyed.
func NewCodec(key []byte) *Codec {
	c := &Codec{}
	if len(key) > 0 {
		c.mac = hmac.New(sha256.New, key)
	}
	return c
}

// Keyed reports whether the codec signs and verifies.
func (c *Codec) Keyed() bool { return c.mac != nil }

// MinLen is the smallest datagram this codec can write.
func (c *Codec) MinLen() int {
	if c.mac != nil {
		return HeaderLen + TagLen
	}
	return HeaderLen
}

// Append appends p as a datagram of size bytes to dst. size must be within
// [MinLen, MaxLen].
func (c *Codec) Append(dst []byte, p *Packet, size int) ([]byte, error) {
	if size < c.MinLen() || size > MaxLen {
		return dst, ErrSize
	}
	start := len(dst)
	dst = append(dst, magic[:]...)
	flags := byte(0)
	if c.mac != nil {
		flags |= flagKeyed
	}
	if p.TOSKnown {
		flags |= flagTOSKnown
	}
	dst = append(dst, Version, p.Kind, flags, p.TOS)
	dst = binary.BigEndian.AppendUint64(dst, p.Session)
	dst = binary.BigEndian.AppendUint32(dst, p.Seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(p.SendNS))
	dst = binary.BigEndian.AppendUint64(dst, uint64(p.RecvNS))
	dst = binary.BigEndian.AppendUint64(dst, uint64(p.ReplyNS))
	end := start + size
	if c.mac != nil {
		end -= TagLen
	}
	dst = append(dst, zeros[:end-len(dst)]...)
	if c.mac != nil {
		dst = append(dst, c.tag(dst[start:end])...)
	}
	return dst, nil
}

// tag computes the truncated HMAC of b into the codec's buffer.
func (c *Codec) tag(b []byte) []byte {
	c.mac.Reset()
	c.mac.Write(b)
	return c.mac.Sum(c.sum[:0])[:TagLen]
}

// Parse decodes datagram b, verifying its tag when the codec is keyed. A
// keyed codec refuses unkeyed datagrams and an unkeyed one keyed ones.
func (c *Codec) Parse(b []byte) (Packet, error) {
	var p Packet
	switch {
	case len(b) < HeaderLen:
		return p, ErrShort
	case len(b) > MaxLen:
		return p, ErrLong
	case [4]byte(b[:4]) != magic:
		return p, ErrMagic
	case b[4] != Version:
		return p, ErrVersion
	case b[5] != KindRequest && b[5] != KindReply:
		return p, ErrKind
	case b[6]&^(flagKeyed|flagTOSKnown) != 0:
		return p, ErrFlags
	}
	keyed := b[6]&flagKeyed != 0
	if keyed != (c.mac != nil) {
		return p, ErrKeyed
	}
	if keyed {
		if len(b) < HeaderLen+TagLen {
			return p, ErrShort
		}
		n := len(b) - TagLen
		if !hmac.Equal(c.tag(b[:n]), b[n:]) {
			return p, ErrTag
		}
	}
	p.Kind, p.TOSKnown, p.TOS = b[5], b[6]&flagTOSKnown != 0, b[7]
	p.Session = binary.BigEndian.Uint64(b[8:])
	p.Seq = binary.BigEndian.Uint32(b[16:])
	p.SendNS = int64(binary.BigEndian.Uint64(b[20:]))
	p.RecvNS = int64(binary.BigEndian.Uint64(b[28:]))
	p.ReplyNS = int64(binary.BigEndian.Uint64(b[36:]))
	return p, nil
}

// Reply turns request req (already parsed from a datagram of n bytes) into
// its reply in dst: the same length, the responder's timestamps and the TOS
// it received. It returns dst unchanged and ErrKind for a non-request.
func (c *Codec) Reply(dst []byte, req Packet, n int, tos int, recvNS, replyNS int64) ([]byte, error) {
	if req.Kind != KindRequest {
		return dst, ErrKind
	}
	rep := req
	rep.Kind, rep.RecvNS, rep.ReplyNS = KindReply, recvNS, replyNS
	rep.TOS, rep.TOSKnown = 0, false
	if tos >= 0 && tos <= 255 {
		rep.TOS, rep.TOSKnown = uint8(tos), true
	}
	return c.Append(dst, &rep, n)
}
