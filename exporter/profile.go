package exporter

import (
	"fmt"
	"time"

	"github.com/roompath/roompath/probe"
	"github.com/roompath/roompath/profile"
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
	prof, err := profile.Load(ps.File)
	if err != nil {
		return nil, err
	}
	site, nw, ok := prof.Network(ps.Network)
	if !ok {
		return nil, fmt.Errorf("%s: no network %q", ps.File, ps.Network)
	}
	checks := site.Checks(nw)
	timeout := firstPositive(time.Duration(ps.Timeout), time.Duration(prof.Defaults.Timeout))
	var out []*scheduled
	for _, x := range []struct{ suffix, expect string }{{"_must_reach", probe.ExpectOpen}, {"_must_not_reach", probe.ExpectBlocked}} {
		ts := checkTargets(checks, x.expect)
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

// checkTargets lists host:port of the checks that expect expect, each
// target once (two rooms may share an address), in profile order.
func checkTargets(checks []profile.Check, expect string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range checks {
		if t := c.HostPort(); c.Expect == expect && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
