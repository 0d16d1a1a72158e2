package proxytest

import (
	"net"
	"net/http"
	"time"
)

// Portal modes of CaptivePortal.
const (
	PortalNone     = "none"     // 204, empty body: no portal
	PortalRedirect = "redirect" // 302 to a login page
	PortalLogin    = "login"    // 200 with a login page
)

// CaptivePortal answers every HTTP request as a portal in Mode would.
type CaptivePortal struct {
	Mode string
}

// Serve runs the portal on ln until cleanup.
func (p CaptivePortal) Serve(ln net.Listener) (cleanup func()) {
	return serveHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p.Mode {
		case PortalRedirect:
			http.Redirect(w, r, "http://portal.lab.test/login?continue="+r.URL.Path, http.StatusFound)
		case PortalLogin:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><head><title>Guest Wi-Fi - Sign in</title></head><body>Accept the terms</body></html>"))
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
}

// Origin is a plain HTTP server (Server: fake-origin) answering 200 "ok":
// the public server the weak HTTP check talks to.
type Origin struct{}

// Serve runs the origin on ln until cleanup.
func (Origin) Serve(ln net.Listener) (cleanup func()) {
	return serveHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "fake-origin")
		w.Write([]byte("ok\n"))
	}))
}

// PACServer serves Body at any path as a PAC file.
type PACServer struct {
	Body string
}

// Serve runs it on ln until cleanup.
func (p PACServer) Serve(ln net.Listener) (cleanup func()) {
	return serveHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		w.Write([]byte(p.Body))
	}))
}

func serveHTTP(ln net.Listener, h http.Handler) (cleanup func()) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: peerTimeout, MaxHeaderBytes: maxFakeHead}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	return func() { srv.Close(); <-done }
}
