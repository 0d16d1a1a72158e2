package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, key := range [][]byte{nil, []byte("s3cret")} {
		c := NewCodec(key)
		p := Packet{Kind: KindRequest, Session: 0xdeadbeefcafe, Seq: 7, SendNS: 123456789}
		b, err := c.Append(nil, &p, 200)
		if err != nil || len(b) != 200 {
			t.Fatalf("key %q: Append = %d bytes, %v", key, len(b), err)
		}
		got, err := c.Parse(b)
		if err != nil || got != p {
			t.Fatalf("key %q: Parse = %+v, %v; want %+v", key, got, err, p)
		}
		r, err := c.Reply(nil, got, len(b), 0xb8, 11, 12)
		if err != nil || len(r) != len(b) {
			t.Fatalf("key %q: Reply = %d bytes, %v", key, len(r), err)
		}
		rp, err := c.Parse(r)
		want := Packet{Kind: KindReply, TOS: 0xb8, TOSKnown: true, Session: p.Session, Seq: 7, SendNS: p.SendNS, RecvNS: 11, ReplyNS: 12}
		if err != nil || rp != want {
			t.Fatalf("key %q: reply = %+v, %v; want %+v", key, rp, err, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	plain, keyed := NewCodec(nil), NewCodec([]byte("k"))
	good, _ := plain.Append(nil, &Packet{Kind: KindRequest}, 64)
	signed, _ := keyed.Append(nil, &Packet{Kind: KindRequest}, 64)
	mut := func(b []byte, i int, v byte) []byte { b = bytes.Clone(b); b[i] = v; return b }
	tests := []struct {
		name string
		c    *Codec
		in   []byte
		want error
	}{
		{"empty", plain, nil, ErrShort},
		{"truncated", plain, good[:HeaderLen-1], ErrShort},
		{"oversized", plain, make([]byte, MaxLen+1), ErrLong},
		{"magic", plain, mut(good, 0, 'X'), ErrMagic},
		{"version", plain, mut(good, 4, 9), ErrVersion},
		{"kind", plain, mut(good, 5, 0), ErrKind},
		{"unknown flags", plain, mut(good, 6, 0x30), ErrFlags},
		{"unkeyed to keyed", keyed, good, ErrKeyed},
		{"keyed to unkeyed", plain, signed, ErrKeyed},
		{"tag", keyed, mut(signed, 20, 1), ErrTag},
		{"keyed truncated", keyed, signed[:HeaderLen+4], ErrShort},
		{"wrong key", NewCodec([]byte("other")), signed, ErrTag},
	}
	for _, tt := range tests {
		if _, err := tt.c.Parse(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: Parse error %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestAppendSizeBounds(t *testing.T) {
	for _, tt := range []struct {
		key  []byte
		size int
		ok   bool
	}{{nil, HeaderLen, true}, {nil, HeaderLen - 1, false}, {nil, MaxLen + 1, false},
		{[]byte("k"), HeaderLen, false}, {[]byte("k"), HeaderLen + TagLen, true}} {
		_, err := NewCodec(tt.key).Append(nil, &Packet{Kind: KindRequest}, tt.size)
		if (err == nil) != tt.ok {
			t.Errorf("key %q size %d: err %v", tt.key, tt.size, err)
		}
	}
}

func TestReplyOnlyToRequests(t *testing.T) {
	if _, err := NewCodec(nil).Reply(nil, Packet{Kind: KindReply}, 64, 0, 0, 0); !errors.Is(err, ErrKind) {
		t.Fatalf("a reply to a reply: %v", err)
	}
}

// FuzzParse: no input panics, and whatever parses re-encodes to the same
// header (a reply is never longer than what it answers).
func FuzzParse(f *testing.F) {
	c := NewCodec(nil)
	good, _ := c.Append(nil, &Packet{Kind: KindRequest, Session: 1, Seq: 2, SendNS: 3}, 200)
	rep, _ := c.Reply(nil, Packet{Kind: KindRequest, Session: 1}, 64, 0x10, 5, 6)
	f.Add(good)
	f.Add(rep)
	f.Add(good[:HeaderLen])
	f.Add(good[:10])
	f.Add([]byte("RPMC"))
	f.Add(bytes.Repeat([]byte{0xff}, 1300))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := c.Parse(b)
		if err != nil {
			return
		}
		out, err := c.Append(nil, &p, len(b))
		if err != nil {
			t.Fatalf("parsed %d bytes but cannot re-encode: %v", len(b), err)
		}
		if !bytes.Equal(out[:HeaderLen], b[:HeaderLen]) {
			t.Fatalf("header re-encodes differently:\n%x\n%x", out[:HeaderLen], b[:HeaderLen])
		}
		if p.Kind == KindRequest {
			r, err := c.Reply(nil, p, len(b), 0, 1, 2)
			if err != nil || len(r) > len(b) {
				t.Fatalf("reply of %d bytes to %d: %v", len(r), len(b), err)
			}
		}
	})
}

// FuzzParseKeyed: with a key, only datagrams signed with it parse.
func FuzzParseKeyed(f *testing.F) {
	c := NewCodec([]byte("fuzz-key"))
	good, _ := c.Append(nil, &Packet{Kind: KindRequest, Session: 9}, 100)
	f.Add(good)
	f.Add(good[:HeaderLen+TagLen-1])
	other, _ := NewCodec([]byte("x")).Append(nil, &Packet{Kind: KindRequest}, 100)
	f.Add(other)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := c.Parse(b)
		if err != nil {
			return
		}
		out, err := c.Append(nil, &p, len(b))
		if err != nil {
			t.Fatalf("verified %d bytes but cannot re-encode: %v", len(b), err)
		}
		if q, err := c.Parse(out); err != nil || q != p {
			t.Fatalf("re-signed datagram parses to %+v, %v; want %+v", q, err, p)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	for _, key := range [][]byte{nil, []byte("bench-key")} {
		c := NewCodec(key)
		buf := make([]byte, 0, MaxLen)
		p := Packet{Kind: KindRequest, Session: 1}
		b.Run(map[bool]string{false: "plain", true: "hmac"}[key != nil], func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p.Seq = uint32(i)
				buf, _ = c.Append(buf[:0], &p, 200)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, key := range [][]byte{nil, []byte("bench-key")} {
		c := NewCodec(key)
		d, _ := c.Append(nil, &Packet{Kind: KindReply, Session: 1}, 200)
		b.Run(map[bool]string{false: "plain", true: "hmac"}[key != nil], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Parse(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
