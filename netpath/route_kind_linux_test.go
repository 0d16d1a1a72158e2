//go:build linux

package netpath

import (
	"net"
	"testing"

	"github.com/vishvananda/netlink"
)

func TestLinkKind(t *testing.T) {
	attrs := func(name, encap string) netlink.LinkAttrs {
		return netlink.LinkAttrs{Name: name, EncapType: encap}
	}
	tests := []struct {
		link   netlink.Link
		kind   string
		tunnel bool
	}{
		{&netlink.Device{LinkAttrs: attrs("rp-no-such0", "ether")}, "ethernet", false},
		{&netlink.Device{LinkAttrs: attrs("rp-no-such1", "none")}, "tun", true},
		{&netlink.Device{LinkAttrs: netlink.LinkAttrs{Name: "lo", Flags: net.FlagLoopback}}, "loopback", false},
		{&netlink.Tuntap{LinkAttrs: attrs("tun0", ""), Mode: netlink.TUNTAP_MODE_TUN}, "tun", true},
		{&netlink.Tuntap{LinkAttrs: attrs("tap0", ""), Mode: netlink.TUNTAP_MODE_TAP}, "tap", true},
		{&netlink.Wireguard{LinkAttrs: attrs("wg0", "")}, "wireguard", true},
		{&netlink.Xfrmi{LinkAttrs: attrs("ipsec0", "")}, "xfrm", true},
		{&netlink.Iptun{LinkAttrs: attrs("ipip0", "")}, "ipip", true},
		{&netlink.Gretun{LinkAttrs: attrs("gre0", ""), Local: net.ParseIP("10.0.0.1")}, "gre", true},
		{&netlink.Gretun{LinkAttrs: attrs("gre6", ""), Local: net.ParseIP("fd00::1")}, "ip6gre", true},
		{&netlink.Vlan{LinkAttrs: attrs("eth0.30", ""), VlanId: 30}, "vlan", false},
		{&netlink.Bridge{LinkAttrs: attrs("br0", "")}, "bridge", false},
		{&netlink.Veth{LinkAttrs: attrs("veth0", "")}, "veth", false},
		{&netlink.Vxlan{LinkAttrs: attrs("vx0", "")}, "vxlan", false},
	}
	for _, tt := range tests {
		got := linkKind(tt.link)
		if got != tt.kind || IsTunnelKind(got) != tt.tunnel {
			t.Errorf("linkKind(%s %s) = %q (tunnel %v), want %q (tunnel %v)", tt.link.Type(), tt.link.Attrs().Name, got, IsTunnelKind(got), tt.kind, tt.tunnel)
		}
	}
}
