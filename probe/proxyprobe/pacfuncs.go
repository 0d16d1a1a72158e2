package proxyprobe

import (
	"net/netip"
	"sort"
	"strings"
)

// installHelpers defines the standard PAC functions implemented in Go; the
// date and time functions live in pacPrelude.
func (p *PAC) installHelpers() {
	set := func(name string, f any) { p.vm.Set(name, f) }
	set("isPlainHostName", func(h string) bool { return !strings.Contains(h, ".") })
	set("dnsDomainIs", pacDNSDomainIs)
	set("localHostOrDomainIs", pacLocalHostOrDomainIs)
	set("dnsDomainLevels", func(h string) int { return strings.Count(h, ".") })
	set("shExpMatch", shExpMatch)
	set("convert_addr", pacConvertAddr)
	set("isResolvable", func(h string) bool { return len(p.v4(h)) > 0 })
	set("isResolvableEx", func(h string) bool { return len(p.lookup(h)) > 0 })
	set("dnsResolve", func(h string) any { return firstOrNull(p.v4(h)) })
	set("dnsResolveEx", func(h string) string { return joinAddrs(p.lookup(h)) })
	set("myIpAddress", func() string { return p.myIP().String() })
	set("myIpAddressEx", func() string { return p.myIP().String() })
	set("isInNet", func(h, pattern, mask string) bool { return pacIsInNet(p.v4(h), pattern, mask) })
	set("isInNetEx", func(h, prefix string) bool { return pacIsInNetEx(p.lookup(h), prefix) })
	set("sortIpAddressList", pacSortList)
	set("alert", func(string) {})
}

// v4 resolves h to its IPv4 addresses (dnsResolve and isInNet are IPv4-only
// by the original specification).
func (p *PAC) v4(h string) []netip.Addr {
	var out []netip.Addr
	for _, a := range p.lookup(h) {
		if a = a.Unmap(); a.Is4() {
			out = append(out, a)
		}
	}
	return out
}

func firstOrNull(a []netip.Addr) any {
	if len(a) == 0 {
		return nil
	}
	return a[0].String()
}

func joinAddrs(a []netip.Addr) string {
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = x.String()
	}
	return strings.Join(s, ";")
}

func pacDNSDomainIs(host, domain string) bool {
	return strings.HasSuffix(strings.ToLower(host), strings.ToLower(domain))
}

func pacLocalHostOrDomainIs(host, hostdom string) bool {
	host, hostdom = strings.ToLower(host), strings.ToLower(hostdom)
	if host == hostdom {
		return true
	}
	return !strings.Contains(host, ".") && strings.HasPrefix(hostdom, host+".")
}

// shExpMatch matches a shell expression with * and ? (no character
// classes, as in browsers), in linear time with one backtrack point.
func shExpMatch(s, pattern string) bool {
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(pattern) && (pattern[pi] == '?' || pattern[pi] == s[si]):
			si, pi = si+1, pi+1
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark, pi = pi, si, pi+1
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

func pacConvertAddr(s string) uint32 {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Unmap().Is4() {
		return 0
	}
	b := a.Unmap().As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func pacIsInNet(addrs []netip.Addr, pattern, mask string) bool {
	if len(addrs) == 0 {
		return false
	}
	m := pacConvertAddr(mask)
	return pacConvertAddr(addrs[0].String())&m == pacConvertAddr(pattern)&m
}

func pacIsInNetEx(addrs []netip.Addr, prefix string) bool {
	pfx, err := netip.ParsePrefix(prefix)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if pfx.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

func pacSortList(list string) string {
	var addrs []netip.Addr
	for _, s := range strings.Split(list, ";") {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return ""
		}
		addrs = append(addrs, a)
	}
	sort.Slice(addrs, func(i, j int) bool {
		if addrs[i].Is6() != addrs[j].Is6() {
			return addrs[i].Is6()
		}
		return addrs[i].Less(addrs[j])
	})
	return joinAddrs(addrs)
}

// pacPrelude defines the date and time PAC functions in JavaScript, after
// the reference implementation browsers share: weekdayRange, dateRange and
// timeRange, each taking an optional trailing "GMT".
const pacPrelude = `
var __days = ["SUN","MON","TUE","WED","THU","FRI","SAT"];
var __months = ["JAN","FEB","MAR","APR","MAY","JUN","JUL","AUG","SEP","OCT","NOV","DEC"];
function __args(a) {
	var args = Array.prototype.slice.call(a);
	var gmt = args.length > 0 && args[args.length-1] === "GMT";
	if (gmt) { args.pop(); }
	return {args: args, gmt: gmt, now: new Date()};
}
function __in(lo, x, hi) { return lo <= hi ? (lo <= x && x <= hi) : (x >= lo || x <= hi); }
function weekdayRange() {
	var a = __args(arguments);
	var d = a.gmt ? a.now.getUTCDay() : a.now.getDay();
	var lo = __days.indexOf(String(a.args[0]).toUpperCase());
	var hi = a.args.length > 1 ? __days.indexOf(String(a.args[1]).toUpperCase()) : lo;
	if (lo < 0 || hi < 0) { return false; }
	return __in(lo, d, hi);
}
function timeRange() {
	var a = __args(arguments), n = a.now, v = a.args.map(Number);
	var h = a.gmt ? n.getUTCHours() : n.getHours();
	var m = a.gmt ? n.getUTCMinutes() : n.getMinutes();
	var s = a.gmt ? n.getUTCSeconds() : n.getSeconds();
	var t = h*3600 + m*60 + s;
	switch (v.length) {
	case 1: return h === v[0];
	case 2: return __in(v[0]*3600, t, v[1]*3600 + 3599);
	case 4: return __in(v[0]*3600 + v[1]*60, t, v[2]*3600 + v[3]*60 + 59);
	case 6: return __in(v[0]*3600 + v[1]*60 + v[2], t, v[3]*3600 + v[4]*60 + v[5]);
	}
	return false;
}
function dateRange() {
	var a = __args(arguments), n = a.now;
	var day = a.gmt ? n.getUTCDate() : n.getDate();
	var mon = a.gmt ? n.getUTCMonth() : n.getMonth();
	var year = a.gmt ? n.getUTCFullYear() : n.getFullYear();
	function key(parts) {
		var d = 0, m = -1, y = -1;
		parts.forEach(function(p) {
			var i = __months.indexOf(String(p).toUpperCase());
			if (i >= 0) { m = i; } else if (Number(p) > 31) { y = Number(p); } else { d = Number(p); }
		});
		return {d: d, m: m, y: y};
	}
	var args = a.args, half = args.length > 1 && args.length % 2 === 0 ? args.length / 2 : args.length;
	var lo = key(args.slice(0, half)), hi = half < args.length ? key(args.slice(half)) : lo;
	function val(k, isHi) {
		return (k.y >= 0 ? k.y : year) * 10000 + (k.m >= 0 ? k.m : (k.y >= 0 ? (isHi ? 11 : 0) : mon)) * 100 + (k.d > 0 ? k.d : (isHi ? 31 : (k.m >= 0 || k.y >= 0 ? 1 : day)));
	}
	var now = year * 10000 + mon * 100 + day;
	return __in(val(lo, false), now, val(hi, true));
}
`
