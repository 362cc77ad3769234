module github.com/svcsim/svcsim

go 1.26.0

require (
	github.com/google/btree v1.1.3
	github.com/itchyny/gojq v0.12.20
	github.com/stretchr/testify v1.12.1
	mvdan.cc/sh/v3 v3.14.1
	pgregory.net/rapid v1.3.0
	sigs.k8s.io/yaml v1.6.0
)

require (
	github.com/itchyny/timefmt-go v0.1.9 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/term v0.45.0 // indirect
)
