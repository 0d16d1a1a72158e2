package probe

import (
	"strings"
	"sync"
	"time"

	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// hintCache words each distinct TCP hint once. The results of a sweep
// share a handful of hints that differ only in the address (every
// silently dropped host gets the same sentence with its own address), so
// a later result's hint is the cached wording with its address put in:
// one strings.ReplaceAll instead of a Sprintf of up to ten arguments.
// Hints that carry per-result evidence (a middlebox's hop and TTL) are
// worded every time.
type hintCache struct {
	mu sync.Mutex
	m  map[hintKey]string
}

// hintCacheMax bounds the cache: a sweep has a few distinct hints; past
// this many (hostile or odd networks with many reporting routers) hints
// are worded every time.
const hintCacheMax = 256

// hintAddr stands for the address in a cached wording; no address or
// sentence contains it.
const hintAddr = "\x00"

// hintKey is everything tcpHint reads but the address: the result's
// status, expectation, reason and failure, who reported it (hintAddr when
// the address itself did), and the detail's port and evidence.
type hintKey struct {
	status       report.Status
	expect       string
	reason       vocab.Reason
	failure      string
	by           string
	port         uint16
	icmp         ICMP
	hasICMP      bool
	routeType    string
	after        string
	intermittent bool
	neighFailed  bool
}

// hint returns tcpHint(res, det, timeout), from the cache when it can.
func (c *hintCache) hint(res report.Result, det *TCPDetail, timeout time.Duration) string {
	if res.Status == report.StatusPass {
		return "" // tcpHint words no pass: half of a sweep, without a lock
	}
	if res.Reason == vocab.ReasonHandshakeByMiddlebox || strings.Contains(det.Address, hintAddr) {
		return tcpHint(res, det, timeout)
	}
	k := hintKey{status: res.Status, expect: res.Expect, reason: res.Reason, failure: derefStr(res.Failure), by: res.ReportedBy,
		port: det.Port, routeType: det.RouteType, after: det.AfterHandshake, intermittent: det.Intermittent, neighFailed: det.NeighborFailed}
	if det.ICMP != nil {
		k.icmp, k.hasICMP = *det.ICMP, true
		k.icmp.From, k.icmp.Local = "", false // not in the wording
	}
	if k.by != "" && k.by == det.Address {
		k.by = hintAddr
	}
	c.mu.Lock()
	w, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		tres, tdet := res, *det
		tdet.Address = hintAddr
		if k.by == hintAddr {
			tres.ReportedBy = hintAddr
		}
		w = tcpHint(tres, &tdet, timeout)
		c.mu.Lock()
		if c.m == nil {
			c.m = map[hintKey]string{}
		}
		if len(c.m) < hintCacheMax {
			c.m[k] = w
		}
		c.mu.Unlock()
	}
	if w == "" || !strings.Contains(w, hintAddr) {
		return w
	}
	return strings.ReplaceAll(w, hintAddr, det.Address)
}
