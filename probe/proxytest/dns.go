package proxytest

import (
	"net"
	"strings"

	"github.com/miekg/dns"
)

// WPADDNS is a DNS server that answers A queries for the names in A (and
// NXDOMAIN for the rest), e.g. {"wpad.lab.test.": "127.0.0.1"}.
type WPADDNS struct {
	A map[string]string
}

// Serve runs the server on pc (UDP) until cleanup; it returns once ready.
func (w WPADDNS) Serve(pc net.PacketConn) (cleanup func()) {
	ready := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, NotifyStartedFunc: func() { close(ready) }, Handler: dns.HandlerFunc(w.answer)}
	go srv.ActivateAndServe()
	<-ready
	return func() { srv.Shutdown() }
}

func (w WPADDNS) answer(rw dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	name := strings.ToLower(q.Question[0].Name)
	addr, ok := w.A[name]
	switch {
	case !ok:
		m.Rcode = dns.RcodeNameError
	case q.Question[0].Qtype == dns.TypeA:
		m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.ParseIP(addr)})
	}
	rw.WriteMsg(m)
}
