package proxytest

import (
	"bytes"
	"net"
	"sync"
	"testing"
	"time"
)

// peerTimeout bounds every fake's connection, so a fake never outlives a
// test by much whatever the client does.
const peerTimeout = 30 * time.Second

// maxFakeHead caps the request heads the fakes read.
const maxFakeHead = 64 << 10

// serve accepts on ln and runs h for each connection until cleanup is
// called; cleanup closes ln and every open connection and waits.
func serve(ln net.Listener, h func(net.Conn)) (cleanup func()) {
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
		done  = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { mu.Lock(); delete(conns, c); mu.Unlock(); c.Close() }()
				c.SetDeadline(time.Now().Add(peerTimeout))
				h(c)
			}()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			ln.Close()
			mu.Lock()
			for c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
	}
}

// Loopback listens on 127.0.0.1:0 for a test and fails it on error.
func Loopback(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// readHead reads a request head (through the blank line) from c, bounded
// by maxFakeHead; rest holds what followed it.
func readHead(c net.Conn) (head, rest []byte, ok bool) {
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for len(buf) < maxFakeHead {
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			return buf[:i+4], buf[i+4:], true
		}
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			return buf, nil, false
		}
	}
	return buf, nil, false
}

// pipe copies both ways until either side ends.
func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	a.Close()
	b.Close()
	<-done
}
