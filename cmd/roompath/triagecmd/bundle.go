package triagecmd

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
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

// writeBundle writes the evidence pack: the report as JSON and text, the
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
	results.Results = c.collected
	results.Summary = report.Summary{}
	for _, r := range c.collected {
		results.Summary.Add(r.Status)
	}
	var files []bundleFile
	for _, f := range []struct{ name, format string }{{"report.json", "json"}, {"report.txt", "text"}} {
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
		strings.Join(os.Args, " "), results.StartedAt.UTC().Format(time.RFC3339Nano), time.Now().UTC().Format(time.RFC3339Nano))
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
