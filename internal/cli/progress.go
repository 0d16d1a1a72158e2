package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 200 * time.Millisecond

// Progress draws a one-line progress bar with counts by observed state on
// stderr. It is a no-op unless enabled (stderr is a terminal).
type Progress struct {
	mu     sync.Mutex
	w      io.Writer
	total  int64
	done   int64
	counts map[string]int64
	start  time.Time
	stop   chan struct{}
	wg     sync.WaitGroup
}

// NewProgress starts a progress line for total items; nil when disabled.
func NewProgress(w io.Writer, enabled bool, total int64) *Progress {
	if !enabled || total <= 1 {
		return nil
	}
	p := &Progress{w: w, total: total, counts: map[string]int64{}, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

// Add counts one finished item; safe on a nil Progress.
func (p *Progress) Add(observed string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.done++
	p.counts[observed]++
	p.mu.Unlock()
}

// Stop erases the progress line; safe on a nil Progress.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	fmt.Fprint(p.w, "\r\x1b[K")
}

func (p *Progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.draw()
		}
	}
}

func (p *Progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	const width = 30
	filled := int(int64(width) * p.done / p.total)
	keys := make([]string, 0, len(p.counts))
	for k := range p.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, p.counts[k]))
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s  %.1fs", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		p.done, p.total, strings.Join(parts, ", "), time.Since(p.start).Seconds())
}
