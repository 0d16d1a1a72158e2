package servecmd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"regexp"
	"strings"

	"github.com/prometheus/exporter-toolkit/web"
	"go.yaml.in/yaml/v3"
)

// loopbackOnly reports whether a --listen address binds loopback only: an
// address in 127.0.0.0/8 or ::1, or "localhost". An empty host, 0.0.0.0,
// :: and every other name or address reach beyond this machine.
func loopbackOnly(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// webProtection is what of a web configuration guards the listener.
type webProtection struct {
	TLS struct {
		CertFile string `yaml:"cert_file"`
		Cert     string `yaml:"cert"`
	} `yaml:"tls_server_config"`
	Users map[string]string `yaml:"basic_auth_users"`
}

// protected reports whether the web configuration (already validated)
// turns on TLS or basic auth; "" turns on neither.
func protected(webConfig string) (bool, error) {
	if webConfig == "" {
		return false, nil
	}
	b, err := os.ReadFile(webConfig)
	if err != nil {
		return false, err
	}
	var p webProtection
	if err := yaml.Unmarshal(b, &p); err != nil {
		return false, errors.New("does not parse as YAML")
	}
	return p.TLS.CertFile != "" || p.TLS.Cert != "" || len(p.Users) > 0, nil
}

// checkListen refuses a listener beyond loopback without TLS or basic auth
// unless insecure acknowledges it; warn is set when it does.
func checkListen(o opts) (warn string, err error) {
	if loopbackOnly(o.listen) {
		return "", nil
	}
	ok, err := protected(o.webConfig)
	switch {
	case err != nil:
		return "", fmt.Errorf("--web.config.file: %v", err)
	case ok:
		return "", nil
	case !o.insecure:
		return "", fmt.Errorf("--listen %s accepts connections from other hosts without TLS or basic auth: "+
			"listen on 127.0.0.1, protect it with --web.config.file, or pass --insecure-listen", o.listen)
	}
	return fmt.Sprintf("serve: warning: --insecure-listen: %s serves /probe to other hosts without TLS or basic auth", o.listen), nil
}

// validateWeb checks the web configuration; its error is one line.
func validateWeb(path string) error {
	if err := web.Validate(path); err != nil {
		return fmt.Errorf("--web.config.file %s: %s", path, oneLine(err.Error()))
	}
	return nil
}

// quotedValue is how YAML errors quote a file's contents ("cannot
// unmarshal !!str `hunter2` into …"): never echoed.
var quotedValue = regexp.MustCompile("`[^`]*`")

// oneLine joins a multi-line message ("yaml: unmarshal errors:\n  line
// 1: …") into one line, without the file's contents.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "yaml: unmarshal errors:\n", "")
	s = quotedValue.ReplaceAllString(s, "a value")
	return strings.Join(strings.Fields(s), " ")
}
