package kubectl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// createServiceCommand is `kubectl create service` and its four
// generators, one per Service type.
func createServiceCommand() *command {
	common := []flagDef{{name: "tcp", typ: sliceFlag}, outputFlag, dryRunFlag,
		{name: "validate", typ: stringFlag, def: "strict", noOpt: "strict"}}
	sub := func(typ cluster.ServiceType, name, usage string, extra ...flagDef) *command {
		return &command{
			name:  name,
			short: "Create " + article(string(typ)) + " " + string(typ) + " service",
			usage: usage,
			flags: append(append([]flagDef(nil), common...), extra...),
			run:   func(c *Client, x *call) error { return runCreateService(c, x, typ) },
		}
	}
	group := &command{
		name:    "service",
		aliases: []string{"svc"},
		short:   "Create a service using a specified subcommand",
		usage:   "kubectl create service [flags] [options]",
		subs: []*command{
			sub(cluster.ServiceTypeClusterIP, "clusterip", "kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]",
				flagDef{name: "clusterip", typ: stringFlag}),
			sub(cluster.ServiceTypeNodePort, "nodeport", "kubectl create service nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none]",
				flagDef{name: "node-port", typ: int64Flag, def: "0"}),
			sub(cluster.ServiceTypeLoadBalancer, "loadbalancer", "kubectl create service loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none]"),
			sub(cluster.ServiceTypeExternalName, "externalname", "kubectl create service externalname NAME --external-name external.name [--dry-run=server|client|none]",
				flagDef{name: "external-name", typ: stringFlag}),
		},
	}
	group.run = func(c *Client, x *call) error { return groupWithoutVerb(x, "kubectl create service", group) }
	return group
}

// runCreateService checks the command line as kubectl's ServiceOptions
// do, in their order, before it sends anything.
func runCreateService(c *Client, x *call, typ cluster.ServiceType) error {
	if typ == cluster.ServiceTypeExternalName {
		if err := requireFlag(x, "external-name"); err != nil {
			return err
		}
	}
	name, err := nameArg(x)
	if err != nil {
		return err
	}
	m, err := makingOf(x)
	if err != nil {
		return err
	}
	var clusterIP, externalName string
	var nodePort int64
	if typ == cluster.ServiceTypeClusterIP {
		clusterIP = x.flags.String("clusterip")
	}
	if typ == cluster.ServiceTypeNodePort {
		nodePort = x.flags.Int("node-port")
	}
	tcp := x.flags.List("tcp")
	switch {
	case clusterIP != "None" && len(tcp) == 0 && typ != cluster.ServiceTypeExternalName:
		return errors.New("at least one tcp port specifier must be provided")
	case typ == cluster.ServiceTypeExternalName:
		externalName = x.flags.String("external-name")
		if !isDNS1123Subdomain(externalName) {
			return fmt.Errorf("invalid service external name %s", externalName)
		}
	}
	svc := &cluster.Service{
		ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: c.ns, Labels: selector.Set{"app": name}},
		Spec: cluster.ServiceSpec{Type: typ, Selector: selector.Set{"app": name}, ExternalName: externalName,
			ClusterIP: clusterIP},
	}
	for _, spec := range tcp {
		port, target, err := parseTCP(spec)
		if err != nil {
			return err
		}
		svc.Spec.Ports = append(svc.Spec.Ports, cluster.ServicePort{
			Name: strings.ReplaceAll(spec, ":", "-"), Port: port, TargetPort: target,
			Protocol: cluster.ProtocolTCP, NodePort: int32(nodePort), // kubectl narrows the int as Go does
		})
	}
	return m.make(c, x, svc, "created", func(err error) error { return fmt.Errorf("failed to create %s service: %s", typ, err) })
}

// parseTCP reads one --tcp value, "port" or "port:targetPort", as kubectl's
// parsePorts does: the port a number from 0 to 65535 (0 is the
// apiserver's to refuse), the target a port number or a port name.
func parseTCP(s string) (int32, cluster.IntOrString, error) {
	parts := strings.Split(s, ":")
	p, err := strconv.ParseUint(parts[0], 10, 16)
	if err != nil {
		return 0, cluster.IntOrString{}, err
	}
	port := int32(p)
	if len(parts) == 1 {
		return port, cluster.FromInt(port), nil
	}
	if n, err := strconv.Atoi(parts[1]); err == nil {
		if n < 1 || n > 65535 {
			return 0, cluster.IntOrString{}, errors.New("must be between 1 and 65535, inclusive")
		}
		return port, cluster.FromInt(int32(n)), nil
	}
	if problems := portNameProblems(parts[1]); len(problems) > 0 {
		return 0, cluster.IntOrString{}, errors.New(strings.Join(problems, ","))
	}
	return port, cluster.FromString(parts[1]), nil
}

// portNameProblems is apimachinery's IsValidPortName: an IANA service
// name.
func portNameProblems(s string) []string {
	var p []string
	if len(s) > 15 {
		p = append(p, "must be no more than 15 characters")
	}
	letter, ok := false, true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			letter = true
		case r >= '0' && r <= '9', r == '-':
		default:
			ok = false
		}
	}
	if !ok {
		p = append(p, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !letter {
		p = append(p, "must contain at least one letter (a-z)")
	}
	if strings.Contains(s, "--") {
		p = append(p, "must not contain consecutive hyphens")
	}
	if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		p = append(p, "must not begin or end with a hyphen")
	}
	return p
}

// article is "a" or "an", as kubectl's help words each Service type.
func article(word string) string {
	if strings.ContainsRune("AEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}
