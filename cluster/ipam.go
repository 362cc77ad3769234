package cluster

import (
	"net/netip"
)

// ipam hands out one node's pod IPs the way the host-local CNI plugin does:
// sequentially from the range, skipping the network address, the gateway
// (.1) and the broadcast address, wrapping around at the end, and starting
// after the last address handed out, so that a freed IP is not reused at
// once.
type ipam struct {
	prefix netip.Prefix
	first  netip.Addr // first usable address
	last   netip.Addr // last usable address
	next   netip.Addr // where the next search starts
	used   []uint64   // bitmap of addresses in use, by offset from the prefix
}

func newIPAM(p netip.Prefix) *ipam {
	first := p.Addr().Next().Next()
	last := lastAddr(p).Prev()
	size := 1 << (32 - p.Bits())
	return &ipam{prefix: p, first: first, last: last, next: first, used: make([]uint64, (size+63)/64)}
}

// offset returns a's position in the range.
func (m *ipam) offset(a netip.Addr) int {
	x, y := a.As4(), m.prefix.Addr().As4()
	return int(uint32(x[0])<<24|uint32(x[1])<<16|uint32(x[2])<<8|uint32(x[3])) -
		int(uint32(y[0])<<24|uint32(y[1])<<16|uint32(y[2])<<8|uint32(y[3]))
}

func (m *ipam) inUse(a netip.Addr) bool {
	o := m.offset(a)
	return m.used[o/64]&(1<<(o%64)) != 0
}

func (m *ipam) set(a netip.Addr, on bool) {
	o := m.offset(a)
	if on {
		m.used[o/64] |= 1 << (o % 64)
	} else {
		m.used[o/64] &^= 1 << (o % 64)
	}
}

// lastAddr returns the highest address of p (its broadcast address).
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := 32 - p.Bits()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= 1<<host - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// allocate returns a free address, or false when the range is exhausted.
func (m *ipam) allocate() (netip.Addr, bool) {
	a := m.next
	for {
		if !m.inUse(a) {
			m.set(a, true)
			m.next = m.after(a)
			return a, true
		}
		a = m.after(a)
		if a == m.next {
			return netip.Addr{}, false
		}
	}
}

func (m *ipam) after(a netip.Addr) netip.Addr {
	if a == m.last {
		return m.first
	}
	return a.Next()
}

// release frees an address.
func (m *ipam) release(a netip.Addr) { m.set(a, false) }

// rangeString renders the usable range as the CNI plugin's error does.
func (m *ipam) rangeString() string { return m.first.String() + "-" + m.last.String() }
