package responder

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"time"
)

// EchoHeader marks an echo answer.
const EchoHeader = "X-Roompath-Echo"

// auto reads the first line, then serves the HTTP echo or the plain echo.
func (s *Server) auto(c net.Conn, start time.Time) (string, int64) {
	buf := make([]byte, 0, 1024)
	c.SetReadDeadline(start.Add(s.cfg.SniffTimeout))
	kind := sniffMore
	for kind == sniffMore {
		var err error
		buf, err = readSome(c, buf, s.cfg.MaxHead)
		kind = sniff(buf)
		if err != nil && kind == sniffMore {
			if len(buf) > 0 {
				kind = sniffPlain // a slow or finished non-HTTP client: echo what it sent
				break
			}
			return "closed", 0
		}
		if len(buf) >= s.cfg.MaxHead && kind == sniffMore {
			kind = sniffPlain
		}
	}
	if kind == sniffPlain {
		return "tcp-echo", s.tcpEcho(c, buf, start)
	}
	return s.httpEcho(c, buf, start)
}

// readSome appends one read to buf, never growing it past max.
func readSome(c net.Conn, buf []byte, max int) ([]byte, error) {
	if len(buf) >= max {
		return buf, errors.New("buffer full")
	}
	if cap(buf)-len(buf) < 512 {
		nb := make([]byte, len(buf), min(2*cap(buf)+512, max))
		copy(nb, buf)
		buf = nb
	}
	n, err := c.Read(buf[len(buf):min(cap(buf), max)])
	return buf[:len(buf)+n], err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// httpEcho reads the rest of the head and answers with it.
func (s *Server) httpEcho(c net.Conn, buf []byte, start time.Time) (string, int64) {
	c.SetReadDeadline(start.Add(s.cfg.HeadTimeout))
	for HeadEnd(buf) < 0 {
		if len(buf) >= s.cfg.MaxHead {
			s.writeStatus(c, "431 Request Header Fields Too Large")
			return "http-too-large", int64(len(buf))
		}
		var err error
		if buf, err = readSome(c, buf, s.cfg.MaxHead); err != nil && HeadEnd(buf) < 0 {
			if isTimeout(err) {
				s.writeStatus(c, "408 Request Timeout")
			}
			return "http-incomplete", int64(len(buf))
		}
	}
	head := buf[:HeadEnd(buf)]
	body := head
	if bytes.HasPrefix(head, []byte("HEAD ")) {
		body = nil
	}
	c.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
	resp := "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(head)) +
		"\r\nCache-Control: no-store\r\n" + EchoHeader + ": 1\r\nConnection: close\r\n\r\n"
	c.Write(append([]byte(resp), body...))
	return "http-echo", int64(len(head))
}

func (s *Server) writeStatus(c net.Conn, status string) {
	c.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
	io.WriteString(c, "HTTP/1.1 "+status+"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

// HeadEnd returns the length of the request head in b, blank line
// included, or -1 when b holds no complete head. Both CRLF CRLF and bare
// LF LF end a head.
func HeadEnd(b []byte) int {
	crlf := bytes.Index(b, []byte("\r\n\r\n"))
	lf := bytes.Index(b, []byte("\n\n"))
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		return crlf + 4
	case lf >= 0:
		return lf + 2
	}
	return -1
}

// tcpEcho returns what the client sends (starting with first), never more
// than EchoMax in total, closing when idle for EchoIdle or after
// EchoLifetime.
func (s *Server) tcpEcho(c net.Conn, first []byte, start time.Time) int64 {
	end := start.Add(s.cfg.EchoLifetime)
	var sent int64
	write := func(p []byte) bool {
		if rest := s.cfg.EchoMax - sent; int64(len(p)) > rest {
			p = p[:rest]
		}
		c.SetWriteDeadline(minTime(time.Now().Add(s.cfg.WriteTimeout), end))
		n, err := c.Write(p)
		sent += int64(n)
		return err == nil && sent < s.cfg.EchoMax
	}
	if len(first) > 0 && !write(first) {
		return sent
	}
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(minTime(time.Now().Add(s.cfg.EchoIdle), end))
		n, err := c.Read(buf)
		if n > 0 && !write(buf[:n]) {
			return sent
		}
		if err != nil {
			return sent
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
