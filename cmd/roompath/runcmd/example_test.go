package runcmd

import (
	"os"
	"testing"
)

// TestExampleProfileIsValid keeps examples/campus.yaml loadable.
func TestExampleProfileIsValid(t *testing.T) {
	f, err := os.Open("../../../examples/campus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParseProfile(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sites[0].Networks) != 3 || len(p.Sites[0].Rooms) != 2 {
		t.Errorf("profile = %+v", p)
	}
}
