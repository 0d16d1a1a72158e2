package proxyprobe

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Size caps for what a peer may send us. A proxy or portal that sends more
// is cut off and classified, never buffered.
const (
	// maxHeadBytes caps an HTTP response head (status line and headers).
	// Real proxies answer CONNECT with a few hundred bytes; 32 KiB leaves
	// room for verbose error pages' headers.
	maxHeadBytes = 32 << 10
	// maxBodyBytes caps a response body we look at (echo, portal page).
	maxBodyBytes = 64 << 10
)

// capReader returns ErrHeadTooLarge once more than limit bytes were read,
// and remembers the first error of the underlying reader so that parse
// errors can be told apart from network errors.
type capReader struct {
	r     io.Reader
	n     int64
	limit int64
	err   error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, ErrHeadTooLarge
	}
	if rest := c.limit - c.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// responseReader reads one bounded HTTP response from a connection.
type responseReader struct {
	cap *capReader
	br  *bufio.Reader
}

func newResponseReader(r io.Reader) *responseReader {
	c := &capReader{r: r, limit: maxHeadBytes}
	return &responseReader{cap: c, br: bufio.NewReaderSize(c, 4096)}
}

// head reads a response head for req. A head over maxHeadBytes fails with
// ErrHeadTooLarge; malformed HTTP fails with an errInvalidHTTP; a read
// that failed (a deadline met while a peer drips a partial line, a reset,
// an EOF) fails with that network error, whatever the parser made of the
// bytes before it.
func (rr *responseReader) head(req *http.Request) (*http.Response, error) {
	resp, err := http.ReadResponse(rr.br, req)
	if err != nil {
		switch {
		case rr.cap.n >= rr.cap.limit:
			return nil, ErrHeadTooLarge
		case rr.cap.err != nil && rr.cap.err != io.EOF:
			return nil, fmt.Errorf("reading the response head: %w", rr.cap.err)
		case rr.cap.err == io.EOF && rr.cap.n == 0:
			return nil, fmt.Errorf("reading the response head: %w", io.EOF)
		}
		return nil, &errInvalidHTTP{err}
	}
	rr.cap.limit = rr.cap.n + maxBodyBytes
	return resp, nil
}

// body reads at most maxBodyBytes of resp's body; truncated says whether
// there was more.
func readBody(resp *http.Response) (b []byte, truncated bool, err error) {
	b, err = io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if len(b) > maxBodyBytes {
		return b[:maxBodyBytes], true, nil
	}
	if err == ErrHeadTooLarge {
		return b, true, nil
	}
	return b, false, err
}

// deadlineFromContext applies ctx's deadline to conn, so that blocking reads
// and writes end when the context does; the returned stop undoes the
// cancellation hook.
func deadlineFromContext(ctx context.Context, conn net.Conn) (stop func() bool) {
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	return context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
}
