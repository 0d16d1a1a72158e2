package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// fetched is what reading one URL gave.
type fetched struct {
	index      int    // position in Status.urls
	url        string // as requested
	finalURL   string // after redirects; empty when not redirected
	httpStatus int
	bytes      int
	summary    *Summary
	err        error
	duration   time.Duration
}

// HTTPStatusError is an answer with an HTTP status other than 200.
type HTTPStatusError struct {
	// Code is the HTTP status code.
	Code int
}

// Error names the status code and its text.
func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("HTTP status %d %s", e.Code, http.StatusText(e.Code))
}

// Fetch errors.
var (
	// ErrTooLarge: the body exceeded StatusConfig.MaxBody.
	ErrTooLarge = errors.New("body too large for a status summary")
	// ErrTooManyRedirects: more than maxRedirects redirects.
	ErrTooManyRedirects = errors.New("too many redirects")
)

// maxRedirects allows http→https and apex→www hops, and stops loops.
const maxRedirects = 5

// newClient wraps rt in a client that stops after maxRedirects and holds
// each hop to g (nil: none); deadlines come from each request's context,
// never from the client.
func newClient(rt http.RoundTripper, g *Guard) *http.Client {
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return checkRedirect(g, req, via)
		},
	}
}

// fetch reads and decodes one summary URL, bounded by ctx and maxBody.
func (p *Status) fetch(ctx context.Context, i int) fetched {
	start := time.Now()
	f := fetched{index: i, url: p.urls[i]}
	f.err = p.get(ctx, &f)
	f.duration = time.Since(start)
	return f
}

func (p *Status) get(ctx context.Context, f *fetched) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f.httpStatus = resp.StatusCode
	if u := resp.Request.URL.String(); u != f.url {
		f.finalURL = u
	}
	if resp.StatusCode != http.StatusOK {
		return &HTTPStatusError{Code: resp.StatusCode}
	}
	body, err := readLimited(resp.Body, p.cfg.MaxBody)
	f.bytes = len(body)
	if err != nil {
		return err
	}
	f.summary, err = Decode(body)
	return err
}

// readLimited reads at most limit bytes; one more is an ErrTooLarge.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], ErrTooLarge
	}
	return b, nil
}
