package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/netpath/nslab"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"--loss", "5", "--relay-loss", "1.5", "--delay", "30ms", "--jitter", "20ms"})
	want := nslab.MediaLabConfig{LossPct: 5, RelayLossPct: 1.5, Delay: 30 * time.Millisecond, Jitter: 20 * time.Millisecond}
	if err != nil || cfg != want {
		t.Fatalf("parseFlags = %+v, %v; want %+v", cfg, err, want)
	}
	for _, args := range [][]string{
		{"--loss", "101"}, {"--loss", "-1"}, {"--relay-loss", "NaN"}, {"--relay-loss", "100.5"},
		{"--delay", "11s"}, {"--jitter", "-1ms"}, {"extra"},
	} {
		_, err := parseFlags(args)
		var ue *cli.UsageError
		if !errors.As(err, &ue) || strings.Contains(err.Error(), "\n") {
			t.Errorf("parseFlags(%q) = %v, want one usage line", args, err)
		}
	}
}
