package cluster

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestQueueOrderThroughBursts schedules bursts of timers, some from inside
// others, big enough that the queue gives back its room (renumbering the
// events waiting in its slab) while events are pending: they must still
// run in (time, scheduling) order, each once.
func TestQueueOrderThroughBursts(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s, err := New(Config{Seed: 1})
		require.NoError(rt, err)
		type timer struct {
			at  Time
			seq int
		}
		var want, got []timer
		seq := 0
		add := func(d time.Duration) {
			tm := timer{s.Now().Add(d), seq}
			seq++
			want = append(want, tm)
			s.After(d, "t", func() { got = append(got, tm) })
		}
		bursts := rapid.IntRange(1, 3).Draw(rt, "bursts")
		for b := range bursts {
			n := rapid.IntRange(1, 3000).Draw(rt, "n")
			for range n {
				add(time.Duration(rapid.IntRange(0, 50).Draw(rt, "d")) * time.Millisecond)
			}
			// Run most of the burst, scheduling a few more on the way.
			for k := 0; s.Pending() > n/10 && s.Step(); k++ {
				if k%97 == 0 {
					add(time.Duration(b) * time.Millisecond)
				}
			}
		}
		require.NoError(rt, s.Settle())
		slices.SortStableFunc(want, func(a, b timer) int {
			if c := cmp.Compare(a.at, b.at); c != 0 {
				return c
			}
			return cmp.Compare(a.seq, b.seq)
		})
		require.Equal(rt, want, got)
	})
}

// TestQueueGivesBackItsRoom checks that a burst's events do not stay
// allocated once it has passed.
func TestQueueGivesBackItsRoom(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	for i := range 100_000 {
		s.After(time.Duration(i)*time.Microsecond, "t", func() {})
	}
	s.After(time.Hour, "late", func() {})
	require.NoError(t, s.RunFor(time.Minute))
	assert.Equal(t, 1, s.Pending())
	assert.Less(t, cap(s.slab.events), 2048, "the slab's room was given back")
	assert.Less(t, cap(s.queue), 2048, "the heap's room was given back")
	ran := false
	s.After(0, "now", func() { ran = true })
	require.NoError(t, s.Settle())
	assert.True(t, ran)
}
