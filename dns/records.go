package dns

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Type is a DNS record type, numbered as on the wire.
type Type uint16

// The record types the cluster DNS serves.
const (
	A     Type = 1  // an IPv4 address
	CNAME Type = 5  // an alias for another name
	PTR   Type = 12 // the name of an address
	SRV   Type = 33 // a named port: its target name and port number
)

// String returns the type's mnemonic, "A" or "SRV"; types without one
// print as TYPE<n>, as RFC 3597 writes them.
func (t Type) String() string {
	switch t {
	case A:
		return "A"
	case CNAME:
		return "CNAME"
	case PTR:
		return "PTR"
	case SRV:
		return "SRV"
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// DefaultTTL is the time to live of every record, CoreDNS's default, in
// seconds.
const DefaultTTL = 5

// Record is one resource record of an answer. Which fields are set depends
// on Type: IP for A; Target for CNAME and PTR; Priority, Weight, Port and
// Target for SRV.
type Record struct {
	// Name is the owner name: absolute, lower case, with the trailing dot.
	Name string
	Type Type
	// TTL is how many seconds the record may be cached.
	TTL uint32
	// IP is an A record's address.
	IP string
	// Target is the name a CNAME, PTR or SRV record points to: absolute,
	// lower case, with the trailing dot.
	Target string
	// Priority, Weight and Port are an SRV record's; CoreDNS gives every
	// record priority 0 and weight 100/n (at least 1) among the n records
	// of the answer.
	Priority, Weight, Port uint16
}

// String formats the record as a line of dig's answer section: owner, TTL,
// class, type and data separated by tabs, and an SRV record's four data
// fields by single spaces.
//
//	web.default.svc.cluster.local.	5	IN	A	10.96.0.10
//	_http._tcp.web.default.svc.cluster.local.	5	IN	SRV	0 100 80 web.default.svc.cluster.local.
func (r Record) String() string {
	head := r.Name + "\t" + strconv.FormatUint(uint64(r.TTL), 10) + "\tIN\t" + r.Type.String() + "\t"
	switch r.Type {
	case A:
		return head + r.IP
	case SRV:
		return head + strconv.Itoa(int(r.Priority)) + " " + strconv.Itoa(int(r.Weight)) + " " + strconv.Itoa(int(r.Port)) + " " + r.Target
	}
	return head + r.Target
}

// compareRecords orders the records of one name: by type, A records by
// numeric address, the others by target, then port.
func compareRecords(a, b Record) int {
	if c := cmp.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	if a.Type == A {
		x, errx := netip.ParseAddr(a.IP)
		y, erry := netip.ParseAddr(b.IP)
		if errx == nil && erry == nil {
			if c := x.Compare(y); c != 0 {
				return c
			}
		}
		return strings.Compare(a.IP, b.IP)
	}
	if c := strings.Compare(a.Target, b.Target); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Port, b.Port); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
		return c
	}
	return cmp.Compare(a.Weight, b.Weight)
}

// node is one name of the index and what each Service contributes to it.
// Most names have one contributor; the names above the Services (the
// namespace, svc, the zone) and PTR names can have many.
type node struct {
	parts []part
	// recs is every part's records, sorted; cname and ips are derived
	// from it for the resolver's fast path. All three are rebuilt, never
	// modified, when a part changes, since answers handed out share them.
	recs  []Record
	cname string
	ips   []string
}

// part is one Service's records at a name; owner "" marks the permanent
// names, the zone apexes.
type part struct {
	owner string
	recs  []Record
}

// attach adds owner's records at name to the index.
func (sv *Server) attach(name, owner string, recs []Record) {
	n := sv.names[name]
	if n == nil {
		n = &node{}
		sv.names[name] = n
	}
	n.parts = append(n.parts, part{owner, recs})
	n.merge()
}

// detach removes owner's records at name, and the name itself when nothing
// else holds it up.
func (sv *Server) detach(name, owner string) {
	n := sv.names[name]
	if n == nil {
		return
	}
	n.parts = slices.DeleteFunc(n.parts, func(p part) bool { return p.owner == owner })
	if len(n.parts) == 0 {
		delete(sv.names, name)
		return
	}
	n.merge()
}

func (n *node) merge() {
	var recs []Record
	if len(n.parts) == 1 {
		recs = n.parts[0].recs
	} else {
		for _, p := range n.parts {
			recs = append(recs, p.recs...)
		}
		slices.SortFunc(recs, compareRecords)
	}
	n.recs, n.cname, n.ips = recs, "", nil
	for _, r := range recs {
		switch r.Type {
		case CNAME:
			n.cname = r.Target
		case A:
			n.ips = append(n.ips, r.IP)
		}
	}
	n.ips = slices.Clip(n.ips)
}

// replace swaps owner's contribution to the index for entries.
func (sv *Server) replace(owner string, entries []entry) {
	for _, name := range sv.owned[owner] {
		sv.detach(name, owner)
	}
	if len(entries) == 0 {
		delete(sv.owned, owner)
		return
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		sv.attach(e.name, owner, e.recs)
		names[i] = e.name
	}
	sv.owned[owner] = names
}
