package status

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// maxHead bounds the head (status line and headers) of an answer: a
// Statuspage or CDN head is a few kilobytes, and the bound stops endless
// headers long before the body's own bound would.
const maxHead = 64 << 10

// excerptLen is the most bytes of a peer's bad answer quoted in an error.
const excerptLen = 24

// ErrHeadTooLarge: an answer's head exceeded maxHead.
var ErrHeadTooLarge = errors.New("HTTP response head too large")

// InvalidResponseError is an answer that is not HTTP: its first line is no
// status line. Excerpt is a short, escaped quote of it.
type InvalidResponseError struct {
	Excerpt string
}

// Error names the bad answer by its excerpt only.
func (e *InvalidResponseError) Error() string {
	return "not an HTTP answer: it starts " + e.Excerpt
}

// excerpt quotes at most excerptLen bytes of b, escaped.
func excerpt(b []byte) string {
	if len(b) > excerptLen {
		return fmt.Sprintf("%q…", b[:excerptLen])
	}
	return fmt.Sprintf("%q", b)
}

// headConn checks the first answer read from a connection as it passes:
// a status line "HTTP/d.d ddd", then a head of at most maxHead bytes. The
// answer's body, and everything after it, passes unchecked (the transport's
// own header bound still holds). For HTTPS it wraps the TLS connection,
// so what it reads is plaintext.
type headConn struct {
	net.Conn
	mu    sync.Mutex
	done  bool   // the first head has ended
	line  []byte // the first line so far, up to statusLineLen bytes
	n     int    // head bytes seen
	tail  uint32 // the last four bytes seen, to find the blank line
	fault error  // once set, every read returns it
}

// statusLineLen is how much of the first line is checked: "HTTP/1.1 200".
const statusLineLen = len("HTTP/1.1 200")

func newHeadConn(c net.Conn) *headConn { return &headConn{Conn: c} }

// Read reads from the connection and checks what it read.
func (c *headConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	fault, done := c.fault, c.done
	c.mu.Unlock()
	if fault != nil {
		return 0, fault
	}
	n, err := c.Conn.Read(p)
	if done || n == 0 {
		return n, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fault = c.scan(p[:n]); c.fault != nil {
		return 0, c.fault
	}
	return n, err
}

// scan checks b, the next bytes of the head; it stops at the head's end.
func (c *headConn) scan(b []byte) error {
	for i, x := range b {
		if len(c.line) < statusLineLen && !c.lineDone() {
			c.line = append(c.line, x)
			if !c.lineOK() {
				return &InvalidResponseError{Excerpt: excerpt(append(c.line[:len(c.line)-1:len(c.line)-1], b[i:]...))}
			}
		}
		c.n++
		c.tail = c.tail<<8 | uint32(x)
		if c.tail == 0x0d0a0d0a || c.tail&0xffff == 0x0a0a {
			c.done = true
			return nil
		}
		if c.n > maxHead {
			return ErrHeadTooLarge
		}
	}
	return nil
}

func (c *headConn) lineDone() bool {
	return len(c.line) > 0 && c.line[len(c.line)-1] == '\n'
}

// lineOK reports whether the first line so far is a prefix of
// "HTTP/d.d ddd".
func (c *headConn) lineOK() bool {
	const pattern = "HTTP/9.9 999"
	for i, x := range c.line {
		if p := pattern[i]; p == '9' && (x < '0' || x > '9') || p != '9' && x != p {
			return false
		}
	}
	return true
}
