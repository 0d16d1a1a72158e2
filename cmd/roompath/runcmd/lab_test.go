package runcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/roompath/roompath/netpath/nslab"
	"github.com/roompath/roompath/report"
)

// TestLabSegmentation runs a profile from the lab's client namespace: the
// controller network reaches its room and none of the filtered ones (pass),
// while the same client posing as the guest network reaches a room it must
// not (fail).
func TestLabSegmentation(t *testing.T) {
	nslab.Need(t)
	bin := filepath.Join(t.TempDir(), "roompath")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/roompath/roompath/cmd/roompath").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	lab, err := nslab.NewPortLab()
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	profile := filepath.Join(t.TempDir(), "lab.yaml")
	body := fmt.Sprintf(`version: 1
defaults: {timeout: 1500ms}
sites:
  - name: lab
    rooms:
      - {name: board, address: %s}
      - {name: dropped, address: %s}
      - {name: rejected, address: %s}
    networks:
      - name: controller
        cidrs: [%s/24]
        must_reach: [{rooms: [board], ports: [9090]}]
        must_not_reach: [{rooms: [dropped, rejected], ports: [9090]}]
      - name: guest
        cidrs: [192.0.2.0/24]
        must_not_reach: [{rooms: ["*"], ports: [9090]}]
`, lab.Open, lab.Dropped, lab.Rejected, lab.ClientAddr)
	if err := os.WriteFile(profile, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // status/expect/observed per result
	}{
		{"controller network (found from the address)", []string{profile}, 0,
			[]string{"pass/open/open", "pass/blocked/filtered", "pass/blocked/filtered"}},
		{"guest network", []string{"--network", "guest", profile}, 1,
			[]string{"fail/blocked/open", "pass/blocked/filtered", "pass/blocked/filtered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := lab.Client.Command(context.Background(), bin, append([]string{"run", "-o", "json"}, tt.args...)...)
			out, err := cmd.Output()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			var rep report.Report
			if err := json.Unmarshal(out, &rep); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var got []string
			for _, r := range rep.Results {
				got = append(got, fmt.Sprintf("%s/%s/%s", r.Status, r.Expect, r.Observed))
			}
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
