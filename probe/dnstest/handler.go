package dnstest

import (
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// handle answers one query according to the server's mode.
func (s *Server) handle(w dns.ResponseWriter, q *dns.Msg) {
	s.n.Add(1)
	if len(q.Question) == 0 {
		reply := new(dns.Msg).SetRcode(q, dns.RcodeFormatError)
		_ = w.WriteMsg(reply)
		return
	}
	switch s.cfg.Mode {
	case Silent:
		return
	case Slow:
		time.Sleep(s.cfg.Delay) // the fake's behaviour, not a timeout
	case TruncateNoTCP:
		if isTCP(w) {
			_ = w.Close()
			return
		}
	}
	s.send(w, q, s.reply(w, q))
}

// reply builds the answer the mode calls for.
func (s *Server) reply(w dns.ResponseWriter, q *dns.Msg) *dns.Msg {
	switch s.cfg.Mode {
	case NXDomain:
		return new(dns.Msg).SetRcode(q, dns.RcodeNameError)
	case ServFail:
		return new(dns.Msg).SetRcode(q, dns.RcodeServerFailure)
	case Refused:
		return new(dns.Msg).SetRcode(q, dns.RcodeRefused)
	}
	m := s.answer(w, q)
	if (s.cfg.Mode == Truncate || s.cfg.Mode == TruncateNoTCP) && !isTCP(w) {
		m.Truncated, m.Answer, m.Ns = true, nil, nil
	}
	return m
}

// answer resolves the question from the zone (or the sinkhole, or the
// whoami data), echoing EDNS when the query had it.
func (s *Server) answer(w dns.ResponseWriter, q *dns.Msg) *dns.Msg {
	m := new(dns.Msg).SetReply(q)
	m.RecursionAvailable = true
	qq := q.Question[0]
	name := strings.ToLower(qq.Name)
	switch {
	case s.cfg.Mode == Hijack:
		m.Answer = s.hijack(qq)
	case isWhoami(name):
		m.Answer = s.whoami(w, qq)
	case s.sinkholes(name):
		m.Answer = s.sinkhole(qq)
	default:
		s.fromZone(m, qq)
	}
	if opt := q.IsEdns0(); opt != nil {
		m.SetEdns0(1232, opt.Do())
		m.AuthenticatedData = q.AuthenticatedData && s.cfg.Mode == Answer
	}
	return m
}

// fromZone fills m from the zone, following CNAMEs inside it; a name the
// zone lacks is NXDOMAIN, or the rewrite address when RewriteNX is set.
func (s *Server) fromZone(m *dns.Msg, qq dns.Question) {
	rrs, ok := s.cfg.Zone.Lookup(qq.Name, qq.Qtype)
	switch {
	case ok:
		m.Answer = rrs
	case s.cfg.RewriteNX != "" && (qq.Qtype == dns.TypeA):
		m.Answer = []dns.RR{mustRR(qq.Name + " 60 IN A " + s.cfg.RewriteNX)}
	case s.cfg.RewriteNX != "":
		// the rewrite has no AAAA: an empty NOERROR
	default:
		m.Rcode = dns.RcodeNameError
	}
}

func (s *Server) sinkholes(name string) bool {
	if s.cfg.Mode != Sinkhole {
		return false
	}
	if s.cfg.Names == nil {
		_, inZone := s.cfg.Zone.Lookup(name, dns.TypeA)
		return inZone
	}
	for _, n := range s.cfg.Names {
		if dns.Fqdn(strings.ToLower(n)) == name {
			return true
		}
	}
	return false
}

func (s *Server) sinkhole(qq dns.Question) []dns.RR {
	switch {
	case qq.Qtype == dns.TypeA:
		to := s.cfg.Sinkhole
		if to == "" {
			to = "0.0.0.0"
		}
		return []dns.RR{mustRR(qq.Name + " 60 IN A " + to)}
	case qq.Qtype == dns.TypeAAAA && s.cfg.Sinkhole6 != "":
		return []dns.RR{mustRR(qq.Name + " 60 IN AAAA " + s.cfg.Sinkhole6)}
	}
	return nil
}

// hijack is Hijack mode's answer: the one address for every name.
func (s *Server) hijack(qq dns.Question) []dns.RR {
	switch {
	case qq.Qtype == dns.TypeA:
		to := s.cfg.Hijack
		if to == "" {
			to = DefaultHijack
		}
		return []dns.RR{mustRR(qq.Name + " 10 IN A " + to)}
	case qq.Qtype == dns.TypeAAAA && s.cfg.Hijack6 != "":
		return []dns.RR{mustRR(qq.Name + " 10 IN AAAA " + s.cfg.Hijack6)}
	}
	return nil
}

// whoamiNames are the names a fake answers with its egress address.
var whoamiNames = []string{"whoami.akamai.net.", "o-o.myaddr.l.google.com.", "whoami.roompath.test."}

func isWhoami(name string) bool {
	for _, n := range whoamiNames {
		if name == n {
			return true
		}
	}
	return false
}

func (s *Server) whoami(w dns.ResponseWriter, qq dns.Question) []dns.RR {
	egress := s.cfg.Whoami
	if egress == "" {
		egress = s.Addr.Addr().String()
	}
	switch qq.Qtype {
	case dns.TypeA:
		return []dns.RR{mustRR(qq.Name + " 0 IN A " + egress)}
	case dns.TypeTXT:
		return []dns.RR{mustRR(qq.Name + ` 0 IN TXT "` + egress + `"`)}
	}
	return nil
}

// send writes the reply the way the mode misbehaves.
func (s *Server) send(w dns.ResponseWriter, q, m *dns.Msg) {
	switch s.cfg.Mode {
	case WrongID:
		for i := 1; i < s.cfg.Flood; i++ {
			if m.Id = q.Id ^ uint16(0x5a5a+i); m.Id != q.Id {
				_ = w.WriteMsg(m)
			}
		}
		m.Id = q.Id ^ 0x5a5a
	case WrongIDThenRight:
		wrong := m.Copy()
		wrong.Id = q.Id ^ 0x5a5a
		_ = w.WriteMsg(wrong)
	case OtherSource:
		if !isTCP(w) {
			b, _ := m.Pack()
			_, _ = s.from.WriteTo(b, w.RemoteAddr().(*net.UDPAddr))
			return
		}
	case Malformed:
		b, _ := m.Pack()
		b = append(b[:12:12], 0xc0, 0xff, 0x00) // a header and a broken question
		b[5] = 1                                // qdcount 1
		_, _ = w.Write(b)
		return
	}
	_ = w.WriteMsg(m)
}
