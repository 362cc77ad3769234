package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// rankNow is the moment the drawn keys are ranked at.
const rankNow = 16 * Time(time.Second)

// Which of the drawn pods' times rankKeysGen makes distinct.
const (
	sharedTimes   = iota // both ready and creation times from a few
	distinctReady        // ready times distinct, creation times from a few
	distinctTimes        // no two pods share a ready or creation time
)

// rankKeysGen draws the keys of up to 40 pods from small domains, so that
// pods often compare alike and the comparison's inconsistencies show up.
func rankKeysGen(times int) *rapid.Generator[[]rankKey] {
	// Ages of 15, 14 and 13 s share a power of two of nanoseconds, as do
	// 7 and 6 s; 1 s and 0.5 s have one each.
	few := []Time{Time(time.Second), 2 * Time(time.Second), 3 * Time(time.Second), 9 * Time(time.Second),
		10 * Time(time.Second), 15 * Time(time.Second), 15*Time(time.Second) + Time(time.Second)/2}
	return rapid.Custom(func(t *rapid.T) []rankKey {
		n := rapid.IntRange(0, 40).Draw(t, "pods")
		order := rapid.Permutation(func() []int {
			s := make([]int, 2*n)
			for i := range s {
				s[i] = i
			}
			return s
		}()).Draw(t, "order")
		at := func(i int, label string) Time {
			if times == distinctTimes || times == distinctReady && i%2 == 1 {
				// Spread over 1..15 s, each instant used once.
				return Time(time.Second) + Time(order[i])*Time(14*time.Second)/Time(2*n)
			}
			return rapid.SampledFrom(few).Draw(t, label)
		}
		keys := make([]rankKey, n)
		for i := range keys {
			// Most pods are alike up to the times, as a Deployment's
			// running pods are: scheduled, Running and ready (or not
			// ready), of the same cost and as doubled up as each other.
			k := rankKey{member: member{
				uid:      fmt.Sprintf("uid-%02d", rapid.IntRange(0, 99).Draw(t, "uid")),
				ready:    true,
				phase:    2,
				restarts: int32(rapid.IntRange(0, 1).Draw(t, "restarts")),
				created:  at(2*i, "created"),
			}, index: i}
			switch rapid.IntRange(0, 3).Draw(t, "like") {
			case 2:
				k.ready = false
			case 3:
				k.unscheduled = rapid.Bool().Draw(t, "unscheduled")
				k.ready = rapid.Bool().Draw(t, "ready")
				k.phase = rapid.IntRange(0, 2).Draw(t, "phase")
				k.cost = int32(rapid.IntRange(0, 1).Draw(t, "cost"))
				k.doubled = rapid.IntRange(0, 1).Draw(t, "doubled")
			}
			if k.ready {
				k.readyAt = at(2*i+1, "readyAt")
				k.readyAge = log2Age(rankNow, k.readyAt)
			}
			k.createdAge = log2Age(rankNow, k.created)
			keys[i] = k
		}
		return keys
	})
}

func indexes(keys []rankKey) []int {
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = k.index
	}
	return out
}

// TestFirstForDeletionIsTheStableSortsFirst: whatever the pods, the ones
// picked for deletion are those the stable sort of all of them puts
// first, in its order, whether the comparison is consistent on them (and
// only the first are picked) or not (and all are sorted).
func TestFirstForDeletionIsTheStableSortsFirst(t *testing.T) {
	for _, times := range []int{sharedTimes, distinctReady, distinctTimes} {
		t.Run(fmt.Sprint(times), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				keys := rankKeysGen(times).Draw(t, "keys")
				n := rapid.IntRange(0, len(keys)+2).Draw(t, "n")
				all := make([]*rankKey, len(keys))
				for i := range keys {
					all[i] = &keys[i]
				}
				slices.SortStableFunc(all, compareForDeletion)
				want := []int{}
				for _, k := range all[:min(n, len(all))] {
					want = append(want, k.index)
				}
				require.Equal(t, want, indexes(firstForDeletion(keys, n)), "first %d", n)
				if times == distinctTimes {
					require.True(t, consistentForDeletion(keys), "distinct times leave nothing to disagree")
				}
				// What podsToDelete relies on to skip the check.
				if times == distinctReady && !slices.ContainsFunc(keys, func(k rankKey) bool { return !k.ready }) {
					require.True(t, consistentForDeletion(keys), "all ready at distinct instants")
				}
			})
		})
	}
}

// TestConsistentForDeletionIsSound: when consistentForDeletion says the
// comparison is a strict weak order on some pods, it is: irreflexive,
// and both it and "neither before the other" are transitive.
func TestConsistentForDeletionIsSound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rankKeysGen(rapid.IntRange(sharedTimes, distinctTimes).Draw(t, "times")).Draw(t, "keys")
		if !consistentForDeletion(keys) {
			t.Skip("not claimed consistent")
		}
		before := func(a, b int) bool { return compareForDeletion(&keys[a], &keys[b]) < 0 }
		alike := func(a, b int) bool { return !before(a, b) && !before(b, a) }
		for a := range keys {
			require.False(t, before(a, a))
			for b := range keys {
				require.Equal(t, -compareForDeletion(&keys[a], &keys[b]) < 0, before(b, a), "antisymmetric: %d %d", a, b)
				for c := range keys {
					if before(a, b) && before(b, c) {
						require.True(t, before(a, c), "before is transitive: %d %d %d", a, b, c)
					}
					if alike(a, b) && alike(b, c) {
						require.True(t, alike(a, c), "alike is transitive: %d %d %d", a, b, c)
					}
				}
			}
		}
	})
}

// TestCompareForDeletionIsNotAlwaysConsistent shows why the check is
// needed: three ready pods of one age bucket, two ready at the same
// instant, where the comparison goes round in a circle.
func TestCompareForDeletionIsNotAlwaysConsistent(t *testing.T) {
	ready := func(uid string, readyAt, created Time) rankKey {
		k := rankKey{member: member{uid: uid, ready: true, phase: 2, readyAt: readyAt, created: created}}
		k.readyAge, k.createdAge = log2Age(rankNow, readyAt), log2Age(rankNow, created)
		return k
	}
	s := Time(time.Second)
	keys := []rankKey{
		ready("uid-3", 2*s, 9*s), // newer than uid-1, ready with it: before it
		ready("uid-1", 2*s, 1*s),
		ready("uid-2", 3*s, 1*s), // ready apart from both: by UID, after uid-1, before uid-3
	}
	require.Negative(t, compareForDeletion(&keys[0], &keys[1]))
	require.Negative(t, compareForDeletion(&keys[1], &keys[2]))
	require.Negative(t, compareForDeletion(&keys[2], &keys[0]))
	require.False(t, consistentForDeletion(keys))
}
