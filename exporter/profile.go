package exporter

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/roompath/roompath/cmd/roompath/runcmd"
	"github.com/roompath/roompath/internal/targets"
	"github.com/roompath/roompath/probe"
)

// ProfileSchedule runs the expectations of one network of a `roompath run`
// profile (docs/profiles.md) on a schedule: must_reach as TCP checks that
// expect open, must_not_reach as checks that expect blocked.
type ProfileSchedule struct {
	// Name labels the results: schedule="NAME_must_reach" and
	// "NAME_must_not_reach"; required and unique.
	Name string `yaml:"name"`
	// File is the profile.
	File string `yaml:"file"`
	// Network is the profile network this exporter sits on; required (an
	// exporter's addresses may match several).
	Network string `yaml:"network"`
	// Interval between runs; zero means DefaultInterval.
	Interval Duration `yaml:"interval"`
	// Timeout of each check; zero means the profile's default timeout, or
	// DefaultTimeout.
	Timeout Duration `yaml:"timeout"`
}

// profileModules are the tcp modules of profile checks, by expectation.
var profileModules = map[string]string{probe.ExpectOpen: "tcp", probe.ExpectBlocked: "tcp_blocked"}

// profileSchedules turns a profile network's expectations into two
// schedules (one per expectation; either may be empty and is then left
// out).
func (e *Exporter) profileSchedules(ps ProfileSchedule) ([]*scheduled, error) {
	site, nw, prof, err := loadProfileNetwork(ps)
	if err != nil {
		return nil, err
	}
	timeout := firstPositive(time.Duration(ps.Timeout), time.Duration(prof.Defaults.Timeout))
	var out []*scheduled
	for _, x := range []struct {
		suffix, expect string
		exps           []runcmd.Expectation
	}{{"_must_reach", probe.ExpectOpen, nw.MustReach}, {"_must_not_reach", probe.ExpectBlocked, nw.MustNotReach}} {
		ts := expectationTargets(site, x.exps)
		if len(ts) == 0 {
			continue
		}
		mod, err := newTCPModule(ModuleConfig{TCP: TCPModule{Attempts: prof.Defaults.Attempts, Expect: x.expect}})
		if err != nil {
			return nil, err
		}
		s, err := e.newScheduled(Schedule{Name: ps.Name + x.suffix, Module: profileModules[x.expect], Targets: ts,
			Interval: ps.Interval, Timeout: Duration(timeout)}, mod, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func loadProfileNetwork(ps ProfileSchedule) (*runcmd.Site, *runcmd.Network, *runcmd.Profile, error) {
	f, err := os.Open(ps.File)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	prof, err := runcmd.ParseProfile(f)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", ps.File, err)
	}
	for i := range prof.Sites {
		for j := range prof.Sites[i].Networks {
			if n := &prof.Sites[i].Networks[j]; n.Name == ps.Network {
				return &prof.Sites[i], n, prof, nil
			}
		}
	}
	return nil, nil, nil, fmt.Errorf("%s: no network %q", ps.File, ps.Network)
}

// expectationTargets lists host:port for every room and port of exps, each
// once, in profile order.
func expectationTargets(site *runcmd.Site, exps []runcmd.Expectation) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range exps {
		for _, ref := range x.Rooms {
			for _, r := range site.Rooms {
				if ref.Name != "*" && ref.Name != r.Name {
					continue
				}
				for _, p := range x.Ports {
					t := net.JoinHostPort(hostOfSpec(r.Address.Spec), strconv.Itoa(int(p)))
					if !seen[t] {
						seen[t] = true
						out = append(out, t)
					}
				}
			}
		}
	}
	return out
}

func hostOfSpec(s targets.Spec) string {
	if s.Kind == targets.KindHost {
		return s.Host
	}
	return s.First.String()
}
