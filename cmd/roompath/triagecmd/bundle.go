package triagecmd

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/internal/version"
	"github.com/roompath/roompath/netpath"
	"github.com/roompath/roompath/report"
)

// bundleFile is one member of the evidence pack.
type bundleFile struct {
	name string
	body []byte
}

// writeBundle writes the evidence pack: the report as JSON, text and HTML, the
// vantage (interfaces, routes, resolvers, proxy settings), the command line
// and timestamps.
func (c *cmd) writeBundle(env *cli.Env) error {
	if c.bundle == "" {
		return nil
	}
	files, err := c.bundleFiles(env)
	if err != nil {
		return err
	}
	for i := range files { // the last guard: no member carries a URL password
		files[i].body = []byte(report.RedactText(string(files[i].body)))
	}
	var buf bytes.Buffer
	if err := writeTarGz(&buf, files, time.Now()); err != nil {
		return err
	}
	if err := os.WriteFile(c.bundle, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("--bundle: %w", err)
	}
	fmt.Fprintf(env.Stderr, "roompath triage: evidence bundle written to %s\n", c.bundle)
	return nil
}

func (c *cmd) bundleFiles(env *cli.Env) ([]bundleFile, error) {
	results := env.Writer.Snapshot()
	results.Results = make([]report.Result, len(c.collected))
	results.Summary = report.Summary{}
	for i, r := range c.collected {
		results.Results[i] = report.RedactResult(r)
		results.Summary.Add(r.Status)
	}
	var files []bundleFile
	for _, f := range []struct{ name, format string }{{"report.json", "json"}, {"report.txt", "text"}, {"report.html", "html"}} {
		b, err := render(f.format, results)
		if err != nil {
			return nil, err
		}
		files = append(files, bundleFile{f.name, b})
	}
	v := netpath.Vantage()
	routes, rerr := netpath.RoutingTables()
	vantage := map[string]any{"vantage": v, "routes": routes}
	if rerr != nil {
		vantage["routes_error"] = rerr.Error()
	}
	vj, _ := json.MarshalIndent(vantage, "", "  ")
	files = append(files, bundleFile{"vantage.json", vj})
	if runtime.GOOS != "windows" {
		if rc, err := os.ReadFile("/etc/resolv.conf"); err == nil {
			files = append(files, bundleFile{"resolv.conf", rc})
		}
	}
	meta := fmt.Sprintf("roompath %s\ncommand: %s\nstarted: %s\nwritten: %s\n", version.Version,
		strings.Join(report.RedactArgs(os.Args), " "), results.StartedAt.UTC().Format(time.RFC3339Nano), time.Now().UTC().Format(time.RFC3339Nano))
	return append(files, bundleFile{"command.txt", []byte(meta)}), nil
}

// render encodes a finished copy of the report in one format.
func render(format string, rep report.Report) ([]byte, error) {
	var buf bytes.Buffer
	enc, err := report.NewEncoder(format, &buf, report.EncoderOptions{})
	if err != nil {
		return nil, err
	}
	if err := enc.Begin(&rep); err != nil {
		return nil, err
	}
	err = enc.End(&rep)
	return buf.Bytes(), err
}

func writeTarGz(buf *bytes.Buffer, files []bundleFile, now time.Time) error {
	gz := gzip.NewWriter(buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		hdr := &tar.Header{Name: "roompath-triage/" + f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: now, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.body); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// checkBundle makes sure the --bundle file can be written before anything
// is probed: a bundle that fails after every check has run loses the case.
func (c *cmd) checkBundle() error {
	if c.bundle == "" {
		return nil
	}
	dir := filepath.Dir(c.bundle)
	if fi, err := os.Stat(c.bundle); err == nil && fi.IsDir() {
		return cli.Usagef("--bundle %s is a directory; give a file name such as case.tar.gz", c.bundle)
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return cli.Usagef("--bundle %s: directory %s does not exist", c.bundle, dir)
	}
	f, err := os.CreateTemp(dir, ".roompath-bundle-*")
	if err != nil {
		return cli.Usagef("--bundle %s: cannot write in %s: %v", c.bundle, dir, errors.Unwrap(err))
	}
	f.Close()
	_ = os.Remove(f.Name()) // best effort: the probe file is empty
	return nil
}
