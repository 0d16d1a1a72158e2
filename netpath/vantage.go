package netpath

import (
	"net"
	"os"
	"runtime"
	"sort"

	"github.com/roompath/roompath/report"
)

// proxyVars are the environment variables that configure an explicit proxy.
var proxyVars = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy"}

// Vantage describes this host as the envelope's vantage: interfaces with
// their addresses and MTU, resolvers, proxy settings, privilege, and what
// this platform cannot measure.
func Vantage() report.Vantage {
	v := report.Vantage{OS: runtime.GOOS, Arch: runtime.GOARCH, Proxy: map[string]string{}}
	v.Hostname, _ = os.Hostname()
	v.Interfaces = Interfaces()
	v.Resolvers = SystemResolvers()
	for _, k := range proxyVars {
		if val := os.Getenv(k); val != "" {
			v.Proxy[k] = report.RedactURL(val)
		}
	}
	v.Privileged = HasRawSocket()
	v.Limits = PlatformLimits()
	if !v.Privileged && runtime.GOOS == "linux" {
		v.Limits = append(v.Limits, "no CAP_NET_RAW: probes ran unprivileged (IP_RECVERR); raw-socket upgrades were not used")
	}
	return v
}

// SystemResolvers returns the nameservers the system's configuration
// lists, in order, for the report's vantage (ReadResolverConfig with the
// platform's source). It describes the configuration: a resolv.conf
// without a nameserver line gives an empty list, not the 127.0.0.1 the C
// library would then ask (LibcNameservers), and an unreadable
// configuration gives an empty list too.
func SystemResolvers() []string {
	c, _ := ReadResolverConfig("")
	out := make([]string, 0, len(c.Nameservers))
	for _, a := range c.Nameservers {
		out = append(out, a.String())
	}
	return out
}

// Interfaces lists the local interfaces, sorted by index.
func Interfaces() []report.Interface {
	ifs, err := net.Interfaces()
	if err != nil {
		return []report.Interface{}
	}
	out := make([]report.Interface, 0, len(ifs))
	for _, ifc := range ifs {
		ri := report.Interface{Name: ifc.Name, Index: ifc.Index, MTU: ifc.MTU, Up: ifc.Flags&net.FlagUp != 0, Addresses: []string{}}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ri.Addresses = append(ri.Addresses, a.String())
		}
		out = append(out, ri)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}
