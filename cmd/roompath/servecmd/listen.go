package servecmd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
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
	if path == "" {
		return nil
	}
	if err := checkWebFiles(path); err != nil {
		return fmt.Errorf("--web.config.file %s: %v", path, err)
	}
	if err := web.Validate(path); err != nil {
		return fmt.Errorf("--web.config.file %s: %s", path, oneLine(err.Error()))
	}
	return nil
}

// maxWebFile bounds the web configuration and each file it names: a PEM
// bundle is a few KiB, and /dev/zero or a log named by mistake must be an
// error, not a read that never ends (exporter-toolkit reads them whole).
const maxWebFile = 1 << 20

// webFiles are the files a web configuration names, relative to its
// directory as exporter-toolkit takes them.
type webFiles struct {
	TLS struct {
		CertFile string `yaml:"cert_file"`
		KeyFile  string `yaml:"key_file"`
		ClientCA string `yaml:"client_ca_file"`
	} `yaml:"tls_server_config"`
}

// checkWebFiles refuses a web configuration, or a file it names, that is
// not a regular file of at most maxWebFile. A file that does not exist, or
// a configuration that does not parse, is left for web.Validate to report.
func checkWebFiles(path string) error {
	if err := regularAndSmall(path); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) > maxWebFile {
		return nil // gone or grown since the check: web.Validate says so
	}
	var f webFiles
	if yaml.Unmarshal(b, &f) != nil {
		return nil
	}
	for _, x := range []struct{ field, path string }{
		{"cert_file", f.TLS.CertFile}, {"key_file", f.TLS.KeyFile}, {"client_ca_file", f.TLS.ClientCA},
	} {
		if x.path == "" {
			continue
		}
		p := x.path
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		if err := regularAndSmall(p); err != nil {
			return fmt.Errorf("tls_server_config.%s: %v", x.field, err)
		}
	}
	return nil
}

// regularAndSmall refuses an existing path that is not a regular file or
// is larger than maxWebFile.
func regularAndSmall(path string) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case st.Size() > maxWebFile:
		return fmt.Errorf("%s is larger than %d MiB", path, maxWebFile>>20)
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
