package statustest

import (
	"bufio"
	"net/http"
	"strings"
	"time"
)

// raw answers with bytes net/http would never write: k is HugeHead,
// Garbage, BadHeader or HeaderDrip.
func raw(w http.ResponseWriter, r *http.Request, k Kind, stop <-chan struct{}) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "statustest: cannot hijack", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	switch k {
	case HugeHead:
		writeHugeHead(buf)
	case Garbage:
		buf.WriteString(GarbageMarker)
		buf.WriteString(strings.Repeat(GarbageRepeat, (GarbageSize-len(GarbageMarker))/len(GarbageRepeat)))
	case BadHeader:
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nthis line has no colon\r\n\r\n{}")
	case HeaderDrip:
		buf.WriteString("HTTP/1.1 200 OK\r\n")
		buf.Flush()
		for range 600 {
			if buf.WriteByte('X') != nil || buf.Flush() != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	buf.Flush()
}

// writeHugeHead writes a status line and HugeHeadSize bytes of headers,
// stopping when the client leaves.
func writeHugeHead(buf *bufio.ReadWriter) {
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
	line := "X-Padding: " + strings.Repeat("a", 1000) + "\r\n"
	for n := 0; n < HugeHeadSize; n += len(line) {
		if _, err := buf.WriteString(line); err != nil {
			return
		}
	}
	buf.WriteString("Content-Length: 2\r\n\r\n{}")
}
