package targets

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"math/big"
	"net/netip"
	"strings"
)

// Plan is a parsed target list and the ports to probe on targets that did
// not name their own.
type Plan struct {
	Specs []Spec
	Ports []uint16
}

// Size is the number of probes: addresses times ports (a hostname counts as
// one address until it is resolved).
func (p Plan) Size() *big.Int {
	n := new(big.Int)
	for _, s := range p.Specs {
		c := s.Count()
		if s.Port == 0 {
			c.Mul(c, big.NewInt(int64(len(p.Ports))))
		}
		n.Add(n, c)
	}
	return n
}

// Item is one expanded probe target, or the failure to resolve a hostname
// (Err set, Addr invalid).
type Item struct {
	Addr netip.Addr
	Port uint16
	// Name is the hostname the address came from, if any.
	Name string
	// Via is the resolver whose answer gave Addr for Name (Resolved.Via).
	Via  string
	Spec *Spec
	Err  error
}

// Resolver returns every address of a hostname.
type Resolver func(ctx context.Context, host string) (Resolved, error)

// Resolved is what a hostname resolved to.
type Resolved struct {
	// Addrs are its addresses.
	Addrs []netip.Addr
	// Via says which resolver gave each address; nil when not known.
	Via map[netip.Addr]string
}

// All yields every target in order, lazily: specs in the order given,
// addresses ascending, ports in list order.
func (p Plan) All(ctx context.Context, resolve Resolver) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		for i := range p.Specs {
			if !p.yieldSpec(ctx, &p.Specs[i], resolve, yield) {
				return
			}
		}
	}
}

func (p Plan) portsOf(s *Spec) []uint16 {
	if s.Port != 0 {
		return []uint16{s.Port}
	}
	return p.Ports
}

func (p Plan) yieldSpec(ctx context.Context, s *Spec, resolve Resolver, yield func(Item) bool) bool {
	ports := p.portsOf(s)
	if s.Kind == KindHost {
		res, err := resolve(ctx, s.Host)
		addrs := res.Addrs
		if err == nil && len(addrs) == 0 {
			err = fmt.Errorf("%s has no addresses", s.Host)
		}
		if err != nil {
			for _, port := range ports {
				if !yield(Item{Port: port, Name: s.Host, Spec: s, Err: err}) {
					return false
				}
			}
			return true
		}
		for _, a := range addrs {
			for _, port := range ports {
				if !yield(Item{Addr: a.Unmap(), Port: port, Name: s.Host, Via: res.Via[a], Spec: s}) {
					return false
				}
			}
		}
		return true
	}
	for a := s.First; a.IsValid(); a = a.Next() {
		for _, port := range ports {
			if ctx.Err() != nil || !yield(Item{Addr: a, Port: port, Spec: s}) {
				return false
			}
		}
		if a == s.Last {
			break
		}
	}
	return true
}

// MaxListed is the most targets ReadList accepts from one list: each is
// held in memory until the list is read, so an endless list (yes
// 10.0.0.1 | portcheck --targets-file -) is refused here, not by the
// out-of-memory killer. A sweep that large is a CIDR or a range.
const MaxListed = 1 << 18

// ReadList reads targets from r: one or more per line, separated by spaces
// or commas; '#' starts a comment. Errors name the line.
func ReadList(r io.Reader) ([]Spec, error) {
	var out []Spec
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if len(out) == MaxListed {
				return nil, fmt.Errorf("line %d: more than %d targets in one list (give a CIDR or a range)", line, MaxListed)
			}
			s, err := Parse(f)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			out = append(out, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading targets: %w", err)
	}
	return out, nil
}
