package kubectl

import "github.com/svcsim/svcsim/cluster"

// Client is a stand-in until the move lands.
type Client struct {
	s  *cluster.Sim
	ns string
}

func (c *Client) check()            {}
func (c *Client) namespace() string { return c.ns }
