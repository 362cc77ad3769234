// Package kubectl is svcsim's kubectl: a client of the simulated cluster's
// store, as the real kubectl is a client of the apiserver. Its verbs (run,
// apply, label, delete, expose, create deployment, scale, set image, the
// rollout commands) read and write the store through the cluster package's
// public API and act at the current virtual time, like a person at a
// terminal; get and describe print what kubectl prints, byte for byte, and
// the printers (PrintPods, DescribeService and the rest) can be used on
// their own. The cluster package keeps the control plane and the nodes.
//
//	sim, err := cluster.New(cluster.Config{Seed: 1})
//	k := kubectl.New(sim, "default")
//	k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
//	sim.Settle()
//	out, _ := k.Get(cluster.KindPod, kubectl.GetOptions{Wide: true})
//
// Simplifications: Apply replaces an object's metadata and spec rather than
// doing apply's three-way merge (it keeps a pod's node and the owners
// controllers recorded). Malformed arguments give an error wrapping
// [ErrUsage]; what the store refuses comes back as the store's
// [*cluster.StatusError].
package kubectl
