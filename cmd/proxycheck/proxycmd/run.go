package proxycmd

import (
	"context"
	"sync"

	"github.com/roompath/roompath/internal/cli"
	"github.com/roompath/roompath/probe/proxyprobe"
	"github.com/roompath/roompath/report"
)

// runner is one planned check.
type runner interface {
	Run(ctx context.Context) report.Result
}

func (c *cmd) run(ctx context.Context, env *cli.Env) error {
	cfg, cfgRes, err := proxyprobe.Discover(ctx, c.discovery())
	if err != nil {
		return cli.Usagef("%v", err)
	}
	seq := 0
	if c.plan.checks["proxy"] {
		env.Writer.Add(seq, cfgRes)
	}
	seq++
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.concurrency)
	for _, r := range c.runners(cfg) {
		n := seq
		seq++
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			env.Writer.Add(n, r.Run(ctx))
		})
	}
	wg.Wait()
	return nil
}

func (c *cmd) discovery() proxyprobe.Discovery {
	var servers []string
	for _, s := range c.dnsServers {
		a, _ := dnsServer(s)
		servers = append(servers, a)
	}
	return proxyprobe.Discovery{
		Proxy: c.proxy, PAC: c.pac, NoWPAD: c.noWPAD, Getenv: c.seams.getenv,
		WPAD:   proxyprobe.WPAD{Domains: c.wpadDomains, Servers: servers},
		Dialer: c.plan.dialer,
	}
}

// runners builds the checks in report order: proxy, tls, http, captive.
func (c *cmd) runners(cfg *proxyprobe.ProxyConfig) []runner {
	p, t := &c.plan, c.common.Timeout
	var rs []runner
	if p.checks["proxy"] {
		for _, tg := range p.targets {
			rs = append(rs, proxyprobe.NewProxy(proxyprobe.ProxyCheck{Target: tg, Config: cfg, Dialer: p.dialer, Timeout: t}))
		}
	}
	if p.checks["tls"] {
		for _, tg := range p.tlsTargets {
			rs = append(rs, proxyprobe.NewTLS(proxyprobe.TLSCheck{Target: tg, Config: cfg, Dialer: p.dialer, Timeout: t,
				Roots: p.roots, RootsName: p.rootsName, SystemRoots: c.seams.systemRoots}))
		}
	}
	if p.checks["http"] && p.echo != nil {
		rs = append(rs, proxyprobe.NewHTTPEcho(proxyprobe.HTTPEchoCheck{URL: p.echo, Dialer: p.dialer, Timeout: t}))
	} else if p.checks["http"] && p.weak != nil {
		rs = append(rs, proxyprobe.NewHTTPWeak(proxyprobe.HTTPWeakCheck{URL: p.weak, Dialer: p.dialer, Timeout: t}))
	}
	if p.checks["captive"] && p.captive != nil {
		rs = append(rs, proxyprobe.NewCaptive(proxyprobe.CaptiveCheck{URL: p.captive, Dialer: p.dialer, Timeout: t}))
	}
	return rs
}
