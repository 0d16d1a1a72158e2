package triagecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/roompath/roompath/cmd/roompath/diffcmd"
	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/probe/dnstest"
	"github.com/roompath/roompath/probe/probetest"
	"github.com/roompath/roompath/probe/status/statustest"
	"github.com/roompath/roompath/probe/vocab"
	"github.com/roompath/roompath/report"
)

// htmlShotsEnv names a directory to keep the browser test's screenshots
// and pages in (they go to a temporary directory otherwise).
const htmlShotsEnv = "ROOMPATH_HTML_SHOTS"

// htmlBrowserWait bounds one headless chromium run, so a browser that
// hangs fails the test instead of stalling it.
const htmlBrowserWait = 2 * time.Minute

// TestHTMLBrowserRender renders the triage report of a dropped room and of
// a Wi-Fi-isolated room from the path lab in headless chromium, at desktop
// and tablet width, and checks from the dumped DOM that the verdict and the
// hop that failed are on the page, and that the screenshots are not blank.
func TestHTMLBrowserRender(t *testing.T) {
	nslab.Need(t)
	browser := htmlChromium(t)
	dir := t.TempDir()
	if d := os.Getenv(htmlShotsEnv); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	bin := filepath.Join(t.TempDir(), "roompath")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	lab, err := nslab.NewPathLab()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	rooms := []struct {
		name, room string
		hop        []string // what the diagram must show of the hop that failed
	}{
		{"dropped", lab.Dropped, []string{"hop 2  " + lab.Hop2, "✗ dropped: no answer for TTL 3"}},
		{"isolated", lab.Isolated, []string{"✗ no ARP/ND answer from the room", "room " + lab.Isolated}},
	}
	for _, rm := range rooms {
		page := filepath.Join(dir, "triage-"+rm.name+".html")
		bundle := filepath.Join(dir, "triage-"+rm.name+".tar.gz")
		cmd := lab.Client.Command(context.Background(), bin, "triage", "--room", rm.room, "--skip", "status,dns,proxy,tls",
			"--timeout", "1500ms", "-o", "html", "--bundle", bundle)
		out, err := cmd.Output()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatalf("%s: %v", rm.name, err)
		}
		if err := os.WriteFile(page, out, 0o644); err != nil {
			t.Fatal(err)
		}
		files := readTarGz(t, bundle)
		var rep report.Report
		if err := json.Unmarshal(files["report.json"], &rep); err != nil || rep.Verdict == nil {
			t.Fatalf("%s: bundle report.json has no verdict: %v", rm.name, err)
		}
		if !bytes.Contains(files["report.html"], []byte(`id="verdict-sentence"`)) {
			t.Errorf("%s: the bundle's report.html is not the HTML report", rm.name)
		}
		for _, size := range []string{"1280,800", "820,1180"} {
			shot := filepath.Join(dir, "triage-"+rm.name+"-"+strings.Replace(size, ",", "x", 1)+".png")
			dom := htmlBrowse(t, browser, page, size, shot)
			htmlCheckDOM(t, rm.name+" at "+size, dom, rep.Verdict.Message, rm.hop)
			htmlCheckShot(t, shot, size)
		}
	}
	t.Logf("pages and screenshots in %s", dir)
}

// htmlChromium finds Debian's chromium; it skips without one, unless the
// lab is required (CI), where a missing browser fails.
func htmlChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(nslab.RequireEnv) == "1" {
		t.Fatalf("chromium is required (%s=1) but not installed", nslab.RequireEnv)
	}
	t.Skip("chromium not installed: skipping the browser render test (apt-get install chromium)")
	return ""
}

// htmlBrowse takes a screenshot of page at size and returns its DOM as the
// browser built it.
func htmlBrowse(t *testing.T, browser, page, size, shot string) []byte {
	t.Helper()
	run := func(extra ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), htmlBrowserWait)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + t.TempDir(), "--window-size=" + size}, extra...)
		out, err := exec.CommandContext(ctx, browser, append(args, "file://"+page)...).Output()
		if err != nil {
			t.Fatalf("chromium %v: %v", extra, err)
		}
		return out
	}
	run("--screenshot=" + shot)
	return run("--dump-dom")
}

// htmlCheckDOM holds the dumped DOM to the verdict of the JSON report and
// the diagram's failing hop.
func htmlCheckDOM(t *testing.T, name string, dom []byte, verdict string, hop []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var sentence string
	var svgText []string
	htmlEach(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if n.Data == "script" {
			t.Errorf("%s: a script element in the page", name)
		}
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == "verdict-sentence" {
				sentence = htmlTextOf(n)
			}
		}
		if n.Data == "text" && n.Parent != nil {
			svgText = append(svgText, htmlTextOf(n))
		}
	})
	if sentence != verdict {
		t.Errorf("%s: verdict on the page %q, want the report's %q", name, sentence, verdict)
	}
	all := strings.Join(svgText, "\n")
	for _, h := range hop {
		if !strings.Contains(all, h) {
			t.Errorf("%s: the path diagram lacks %q:\n%s", name, h, all)
		}
	}
}

// htmlCheckShot fails unless the screenshot has the window's size and is
// not blank (a rendered report has text, badges and a diagram in many
// colours).
func htmlCheckShot(t *testing.T, shot, size string) {
	t.Helper()
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", shot, err)
	}
	b := img.Bounds()
	if got := fmt.Sprintf("%d,%d", b.Dx(), b.Dy()); got != size {
		t.Errorf("%s: %s pixels, want %s", shot, got, size)
	}
	colours := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
		}
	}
	if len(colours) < 32 {
		t.Errorf("%s: only %d distinct colours: the page rendered blank", shot, len(colours))
	}
}

func htmlEach(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		htmlEach(c, f)
	}
}

func htmlTextOf(n *html.Node) string {
	var b strings.Builder
	htmlEach(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// TestHTMLBundleAndOutput checks `-o html` of triage and the bundle's
// report.html on loopback: one page, the verdict first.
func TestHTMLBundleAndOutput(t *testing.T) {
	open := probetest.Open(t)
	c := startCloud(t, statustest.Operational, dnstest.Config{IP: "127.0.0.2"}, false)
	path := filepath.Join(t.TempDir(), "case.tar.gz")
	args := append(c.args("127.0.0.1", open.Port()), "--bundle", path)
	for i := range args {
		if args[i] == "-o" {
			args[i+1] = "html"
		}
	}
	code, out, errs := runTriageRaw(t, args)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	files := readTarGz(t, path)
	for name, page := range map[string][]byte{"stdout": out, "report.html": files["report.html"]} {
		doc, err := html.Parse(bytes.NewReader(page))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := htmlTextOf(doc)
		for _, want := range []string{"PASS", "tcp 127.0.0.1", "Names × resolvers"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
	}
}

// TestHTMLDiff checks `roompath diff -o html`.
func TestHTMLDiff(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, observed vocab.Observed, st report.Status) string {
		rep := report.Report{Schema: report.Schema, Tool: "portcheck", Vantage: report.Vantage{Hostname: "<b>wifi</b>"},
			Results: []report.Result{{ID: "tcp/10.0.0.9:9090", Check: "tcp", Target: "10.0.0.9:9090", Status: st, Observed: observed}}}
		b, _ := json.Marshal(rep)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := mk("a.json", "filtered", report.StatusFail), mk("b.json", "open", report.StatusPass)
	var out, errb bytes.Buffer
	if code := diffcmd.Main([]string{"-o", "html", a, b}, &out, &errb); code != report.ExitFail {
		t.Fatalf("exit %d, want 1: %s", code, errb.String())
	}
	doc, err := html.Parse(&out)
	if err != nil {
		t.Fatal(err)
	}
	text := htmlTextOf(doc)
	for _, want := range []string{"CHANGED", "1 changed", "filtered", "→ open", "<b>wifi</b>"} {
		if !strings.Contains(text, want) {
			t.Errorf("diff page lacks %q", want)
		}
	}
}
