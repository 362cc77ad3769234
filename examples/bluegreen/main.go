package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/script"
)

// lab4 is the lab's section 4 as a script; its "## " comments are the
// narration.
//
//go:embed lab4.sh
var lab4 string

func main() {
	if err := run(os.Stdout, 1); err != nil {
		fmt.Fprintln(os.Stderr, "bluegreen:", err)
		os.Exit(1)
	}
}

// run plays the lesson on a fresh three-node cluster seeded with seed,
// writing the session to w.
func run(w io.Writer, seed uint64) error {
	c, err := svcsim.New(svcsim.Config{Seed: seed})
	if err != nil {
		return err
	}
	opts := script.Options{ExitOnError: true, Echo: true, Narrate: true, Prompt: `\w$ `}
	return script.Run(context.Background(), script.ClusterEnv(c, nil), "lab4.sh", strings.NewReader(lab4), w, w, opts)
}
