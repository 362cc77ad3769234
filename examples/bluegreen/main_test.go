package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// facts are what the lab asks the reader to notice, read back from the
// session: the endpoint count at each `kubectl get ep`, and who answered
// each hundred requests.
type facts struct {
	endpoints []int
	answers   []map[string]int
}

var countLine = regexp.MustCompile(`^\s*(\d+) (\S+)$`)

func readFacts(t *testing.T, session string) facts {
	t.Helper()
	var f facts
	lines := strings.Split(session, "\n")
	for i, line := range lines {
		switch {
		case strings.HasSuffix(line, "$ kubectl get ep blue-green-svc"):
			// kubectl warns on stderr that v1 Endpoints is deprecated,
			// then prints the table.
			j := i + 1
			if j < len(lines) && strings.HasPrefix(lines[j], "Warning: ") {
				j++
			}
			require.Less(t, j+1, len(lines))
			require.True(t, strings.HasPrefix(lines[j], "NAME"), lines[j])
			row := strings.Fields(lines[j+1])
			f.endpoints = append(f.endpoints, countEndpoints(t, strings.Join(row[1:], " ")))
		case strings.Contains(line, "$ for i in $(seq 100)"):
			counts := map[string]int{}
			for _, l := range lines[i+1:] {
				m := countLine.FindStringSubmatch(l)
				if m == nil {
					break
				}
				n, _ := strconv.Atoi(m[1])
				counts[m[2]] = n
			}
			f.answers = append(f.answers, counts)
		}
	}
	return f
}

// countEndpoints reads kubectl's ENDPOINTS column: "<none>", a list, or a
// list of three and "+ N more...".
func countEndpoints(t *testing.T, col string) int {
	t.Helper()
	if strings.HasPrefix(col, "<none>") {
		return 0
	}
	list, more, _ := strings.Cut(col, " + ")
	n := len(strings.Split(strings.Fields(list)[0], ","))
	if more != "" {
		extra, err := strconv.Atoi(strings.Fields(more)[0])
		require.NoError(t, err, col)
		n += extra
	}
	return n
}

// The lab's facts hold for several seeds: endpoints 0 → 3 → 3 → 6 → 3;
// only blue answers, then both about evenly, then only green.
func TestLessonFacts(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		var b bytes.Buffer
		require.NoError(t, run(&b, seed), b.String())
		f := readFacts(t, b.String())
		assert.Equal(t, []int{0, 3, 3, 6, 3}, f.endpoints, "seed %d", seed)
		require.Len(t, f.answers, 3, "seed %d", seed)
		assert.Equal(t, map[string]int{"blue": 100}, f.answers[0], "seed %d", seed)
		both := f.answers[1]
		assert.Equal(t, 100, both["blue"]+both["green"], "seed %d: %v", seed, both)
		assert.InDelta(t, 50, both["green"], 20, "seed %d: about half each: %v", seed, both)
		assert.Equal(t, map[string]int{"green": 100}, f.answers[2], "seed %d", seed)
	}
}

// The same seed gives the same session, byte for byte.
func TestLessonIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(&a, 7))
	require.NoError(t, run(&b, 7))
	assert.Equal(t, a.String(), b.String())
}

// The session narrates each step and prints each command as the lab's
// prompt shows it.
func TestLessonReadsAsTheLab(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, run(&b, 1))
	s := b.String()
	for _, want := range []string{
		"First the blue ReplicaSet: three pods of the hostinfo app.\n",
		"~/svc$ kubectl apply -f blue.yaml\nreplicaset.apps/blue-rs created\n",
		"~/svc$ kubectl label $(kubectl get po -l demo=blue-rs -o name) method=blue-green\npod/blue-rs-",
		"~/svc$ kubectl label $(kubectl get po -l demo=blue-rs -o name) method-\npod/blue-rs-",
	} {
		assert.Contains(t, s, want)
	}
}
