package clustertest_test

import "github.com/svcsim/svcsim/selector"

var clustertestEverything = selector.Everything()
