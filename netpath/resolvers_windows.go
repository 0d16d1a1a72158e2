//go:build windows

package netpath

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// ResolvConfPath is empty on Windows: the resolvers live in the adapter
// configuration (GetAdaptersAddresses), which systemResolverConfig reads.
const ResolvConfPath = ""

// systemResolverConfig reads the DNS servers and connection-specific
// suffixes of the adapters that are up and have a gateway, the way
// Windows' own resolver picks them (and Go's net package reads them).
func systemResolverConfig() (ResolverConfig, error) {
	servers, suffixes, err := adapterDNS()
	if err != nil {
		return ResolverConfig{Source: adaptersSource}, fmt.Errorf("reading the adapters' DNS configuration: %w", err)
	}
	return ResolverConfig{Nameservers: servers, Search: suffixes, Ndots: DefaultNdots, Source: adaptersSource}, nil
}

// adaptersSource is ResolverConfig.Source for the adapters' configuration.
const adaptersSource = "GetAdaptersAddresses"

// adapterDNS reads the DNS servers and the connection-specific DNS suffixes
// (the search list) of the adapters that are up and have a gateway.
// fec0::/10 servers, which Windows lists by default when no IPv6 DNS server
// is set, are skipped.
func adapterDNS() (servers []netip.Addr, suffixes []string, err error) {
	aas, err := adapterAddresses()
	if err != nil {
		return nil, nil, err
	}
	seen := map[netip.Addr]bool{}
	for _, aa := range aas {
		if aa.OperStatus != windows.IfOperStatusUp || aa.FirstGatewayAddress == nil {
			continue
		}
		for dns := aa.FirstDnsServerAddress; dns != nil; dns = dns.Next {
			a, ok := netip.AddrFromSlice(dns.Address.IP())
			if !ok || a.Unmap().Is6() && a.As16()[0] == 0xfe && a.As16()[1]&0xc0 == 0xc0 || seen[a.Unmap()] {
				continue
			}
			seen[a.Unmap()] = true
			servers = append(servers, a.Unmap())
		}
		if aa.DnsSuffix != nil {
			if s := windows.UTF16PtrToString(aa.DnsSuffix); s != "" {
				suffixes = append(suffixes, s)
			}
		}
	}
	if len(servers) == 0 {
		return nil, suffixes, errors.New("no adapter that is up and has a gateway lists a DNS server")
	}
	return servers, suffixes, nil
}

// adapterAddresses returns the adapters' addresses, growing the buffer as
// GetAdaptersAddresses asks.
func adapterAddresses() ([]*windows.IpAdapterAddresses, error) {
	size := uint32(15000) // the size Microsoft recommends to start with
	for {
		b := make([]byte, size)
		p := (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0]))
		err := windows.GetAdaptersAddresses(syscall.AF_UNSPEC, windows.GAA_FLAG_INCLUDE_PREFIX|windows.GAA_FLAG_INCLUDE_GATEWAYS, 0, p, &size)
		if err == nil {
			var out []*windows.IpAdapterAddresses
			for aa := p; aa != nil; aa = aa.Next {
				out = append(out, aa)
			}
			return out, nil
		}
		if !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) || size <= uint32(len(b)) {
			return nil, os.NewSyscallError("getadaptersaddresses", err)
		}
	}
}
