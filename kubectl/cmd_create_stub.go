package kubectl

import "errors"

// createFromFiles stands in for `create -f`, which the apply work builds
// in cmd_apply.go; this file goes when that arrives.
func createFromFiles(c *Client, x *call) error {
	return errors.New("create -f: not yet")
}
