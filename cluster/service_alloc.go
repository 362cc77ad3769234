package cluster

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
)

// bitmap is the allocation state of a range of cluster IPs or node ports:
// one bit per value, as the apiserver's allocators keep it, so that a /12
// of a million addresses costs 128 KiB however many Services there are.
type bitmap struct {
	words []uint64
	size  int // values in the range
	count int // values allocated
}

func newBitmap(size int) bitmap { return bitmap{words: make([]uint64, (size+63)/64), size: size} }

func (b *bitmap) has(i int) bool { return b.words[i/64]&(1<<(i%64)) != 0 }

func (b *bitmap) set(i int) {
	if !b.has(i) {
		b.words[i/64] |= 1 << (i % 64)
		b.count++
	}
}

func (b *bitmap) clear(i int) {
	if b.has(i) {
		b.words[i/64] &^= 1 << (i % 64)
		b.count--
	}
}

// firstFree returns the lowest free value in [from, to), or -1. It skips
// whole words, so scanning a crowded range stays cheap.
func (b *bitmap) firstFree(from, to int) int {
	for i := from; i < to; {
		w := ^b.words[i/64] >> (i % 64)
		if w == 0 {
			i = (i/64 + 1) * 64
			continue
		}
		if j := i + bits.TrailingZeros64(w); j < to {
			return j
		}
		return -1
	}
	return -1
}

// scan returns the first free value in [lo, hi) at or after from, wrapping
// around to lo, or -1.
func (b *bitmap) scan(lo, hi, from int) int {
	if i := b.firstFree(from, hi); i >= 0 {
		return i
	}
	return b.firstFree(lo, from)
}

// pick chooses a free value the way the apiserver's allocators do since
// KEP-3070: the first offset values are a static band kept for explicit
// requests, so a dynamic pick starts at a random point of the upper band
// and scans it with wrap-around, falling back to a random point of the
// static band only when the upper band is full. With no static band the
// scan covers the whole range. It draws nothing when the range is full.
func (b *bitmap) pick(r *rand.Rand, offset int) (int, bool) {
	if b.count >= b.size {
		return 0, false
	}
	if offset == 0 {
		return b.scan(0, b.size, r.IntN(b.size)), true
	}
	if i := b.scan(offset, b.size, offset+r.IntN(b.size-offset)); i >= 0 {
		return i, true
	}
	return b.scan(0, offset, r.IntN(offset)), true
}

// ipRange is the Service CIDR's allocator. Index 0 is the network address
// plus one; the network and broadcast addresses are never handed out.
type ipRange struct {
	prefix netip.Prefix
	base   uint32
	offset int // size of the static band
	bits   bitmap
}

func newIPRange(p netip.Prefix) *ipRange {
	size := 1 << (32 - p.Bits())
	// The band is computed from the CIDR's size, network and broadcast
	// addresses included, as Kubernetes' calculateRangeOffset does.
	offset := 0
	if size > 16 {
		offset = min(max(16, size/16), 256)
	}
	return &ipRange{prefix: p, base: addrBits(p.Addr()) + 1, offset: offset, bits: newBitmap(size - 2)}
}

func addrBits(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// index returns a's position in the range, and whether it is a usable
// address of it.
func (r *ipRange) index(a netip.Addr) (int, bool) {
	if !a.Is4() || !r.prefix.Contains(a) {
		return 0, false
	}
	i := int(addrBits(a)) - int(r.base)
	return i, i >= 0 && i < r.bits.size
}

func (r *ipRange) addr(i int) netip.Addr {
	v := r.base + uint32(i)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// portRange is the node port allocator: index 0 is the range's first port.
type portRange struct {
	base, size int
	offset     int
	bits       bitmap
}

func newPortRange(base, size int) *portRange {
	offset := 0
	if size > 16 {
		offset = min(max(16, size/32), 128)
	}
	return &portRange{base: base, size: size, offset: offset, bits: newBitmap(size)}
}

// parsePortRange reads "30000-32767", as kube-apiserver's
// --service-node-port-range does.
func parsePortRange(s string) (base, size int, err error) {
	lo, hi, ok := strings.Cut(s, "-")
	a, errA := strconv.Atoi(strings.TrimSpace(lo))
	b, errB := strconv.Atoi(strings.TrimSpace(hi))
	if !ok || errA != nil || errB != nil || a < 1 || b > 65535 || a > b {
		return 0, 0, fmt.Errorf("%q is not a port range like 30000-32767", s)
	}
	return a, b - a + 1, nil
}

func (r *portRange) String() string { return fmt.Sprintf("%d-%d", r.base, r.base+r.size-1) }

// The allocators' own words, which the apiserver puts into its errors.
const (
	msgIPAllocated   = "provided IP is already allocated"
	msgPortAllocated = "provided port is already allocated"
	msgRangeFull     = "range is full"
)

// serviceConfig fills in the Service fields of cfg and checks them.
func serviceConfig(cfg *Config) (netip.Prefix, *portRange, error) {
	if cfg.ServiceCIDR == "" {
		cfg.ServiceCIDR = "10.96.0.0/12"
	}
	if cfg.NodePortRange == "" {
		cfg.NodePortRange = "30000-32767"
	}
	p, err := netip.ParsePrefix(cfg.ServiceCIDR)
	// The apiserver refuses ranges wider than /12; a /30 leaves two
	// addresses, the least that can hold the kubernetes Service and one more.
	if err != nil || !p.Addr().Is4() || p.Bits() < 12 || p.Bits() > 30 {
		return netip.Prefix{}, nil, fmt.Errorf("%w: ServiceCIDR %q is not an IPv4 CIDR between /12 and /30", ErrConfig, cfg.ServiceCIDR)
	}
	base, size, err := parsePortRange(cfg.NodePortRange)
	if err != nil {
		return netip.Prefix{}, nil, fmt.Errorf("%w: NodePortRange %v", ErrConfig, err)
	}
	seen := map[netip.Addr]bool{}
	for _, ip := range cfg.LoadBalancerIPs {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() || a.String() != ip || seen[a] {
			return netip.Prefix{}, nil, fmt.Errorf("%w: LoadBalancerIPs: %q is not a distinct IPv4 address", ErrConfig, ip)
		}
		seen[a] = true
	}
	return p.Masked(), newPortRange(base, size), nil
}
