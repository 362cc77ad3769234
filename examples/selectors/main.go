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

// lesson is the session as a script; its "## " comments are the narration.
//
//go:embed selectors.sh
var lesson string

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "selectors:", err)
		os.Exit(1)
	}
}

// run plays the lesson on a fresh three-node cluster, writing the session,
// output and errors as a terminal shows them, to w. No think time passes
// between commands, so the session reads the same whatever the pace.
func run(w io.Writer) error {
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	if err != nil {
		return err
	}
	opts := script.Options{ExitOnError: true, Echo: true, Narrate: true, Think: -1}
	return script.Run(context.Background(), script.ClusterEnv(c, nil), "selectors.sh", strings.NewReader(lesson), w, w, opts)
}
