package script

import (
	"io/fs"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// ClusterEnv returns the Env that runs scripts against c, as svcsim run
// and the lessons do: kubectl is c's client for the default namespace
// (see [svcsim.Cluster.Kubectl]), reading the files a command names
// (`kubectl apply -f web.yaml`) from the script's in-memory files,
// relative to the shell's directory; sleep runs c for the time, as
// [cluster.Sim.RunFor] does; c settles with [cluster.Sim.Settle]
// between commands; and jq's now is c's clock. files are mounted at
// [Home] (see [Env.Files]); nil means none.
//
// A nil c gives an Env without functions, which [Run] and [Shell]
// refuse with [ErrInvalid].
func ClusterEnv(c *svcsim.Cluster, files fs.FS) Env {
	if c == nil || c.Sim == nil {
		return Env{Files: files}
	}
	k := c.Kubectl("default")
	return Env{
		Kubectl: func(call Call) int {
			return k.Exec(kubectl.IO{
				In: call.Stdin, Out: call.Stdout, Err: call.Stderr,
				ReadFile: func(name string) ([]byte, error) { return fs.ReadFile(call.Files, call.Name(name)) },
				ReadDir:  func(name string) ([]fs.DirEntry, error) { return fs.ReadDir(call.Files, call.Name(name)) },
			}, call.Args...)
		},
		Advance: c.RunFor,
		Settle:  c.Settle,
		Now:     func() time.Time { return c.Now().Wall() },
		Files:   files,
	}
}
