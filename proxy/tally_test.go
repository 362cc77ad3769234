package proxy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// responseCounts recounts a load's responses as they are handed to
// OnResponse: per pod, per group and per group in each interval.
type responseCounts struct {
	groupBy string
	start   cluster.Time
	pods    map[string]*proxy.Counts
	groups  map[string]*proxy.Counts
	steps   map[int]map[string]*proxy.Counts
}

func count(m map[string]*proxy.Counts, k string, r proxy.Response) {
	c := m[k]
	if c == nil {
		c = &proxy.Counts{}
		m[k] = c
	}
	switch r.Outcome {
	case proxy.Answered:
		c.Answered++
		if r.Status >= 500 {
			c.ServerErrors++
		}
	case proxy.Refused:
		c.Refused++
	case proxy.TimedOut:
		c.TimedOut++
	case proxy.Reset:
		c.Reset++
	case proxy.Unresolved:
		c.Unresolved++
	}
}

func (rc *responseCounts) add(r proxy.Response) {
	if r.Pod == "" {
		return
	}
	count(rc.pods, r.Pod, r)
	if r.Labels == nil && r.Image == "" {
		return
	}
	g := r.Image
	if rc.groupBy != "" {
		g = r.Labels[rc.groupBy]
	}
	count(rc.groups, g, r)
	i := int(r.Sent.Sub(rc.start) / time.Second)
	if rc.steps[i] == nil {
		rc.steps[i] = map[string]*proxy.Counts{}
	}
	count(rc.steps[i], g, r)
}

func flat(m map[string]*proxy.Counts) map[string]proxy.Counts {
	out := map[string]proxy.Counts{}
	for k, c := range m {
		out[k] = *c
	}
	return out
}

func flatCounts(cs []proxy.Count) map[string]proxy.Counts {
	out := map[string]proxy.Counts{}
	for _, c := range cs {
		out[c.Name] = c.Counts
	}
	return out
}

// TestTallyCountsWhatItAnswers runs three loads at once over the same
// pods, grouped by a label and by image, while pods change their group
// label and are deleted: each tally, which finds its counters through the
// pods' records, must count exactly the responses its load handed out.
func TestTallyCountsWhatItAnswers(t *testing.T) {
	s, p := flipWorld(t, 20)
	var loads []*responseCounts
	var tallies []*proxy.Tally
	for _, groupBy := range []string{"demo", "", "demo"} {
		rc := &responseCounts{groupBy: groupBy, start: s.Now(), pods: map[string]*proxy.Counts{},
			groups: map[string]*proxy.Counts{}, steps: map[int]map[string]*proxy.Counts{}}
		ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "bgtest"), URL: "blue-green-svc"},
			Rate: 200, Duration: 10 * time.Second, GroupBy: groupBy, OnResponse: rc.add})
		require.NoError(t, err)
		loads, tallies = append(loads, rc), append(tallies, ty)
	}
	require.NoError(t, s.RunFor(3*time.Second))
	// Move some blue pods to another group, and delete others.
	blue, err := selector.Parse("demo=blue-rs")
	require.NoError(t, err)
	pods := cluster.ListAs[*cluster.Pod](s, "default", blue)
	require.Greater(t, len(pods), 6)
	for i, pod := range pods[:6] {
		if i%2 == 0 {
			pod.Labels["demo"] = "moved"
			_, err := s.Update(pod)
			require.NoError(t, err)
		} else {
			require.NoError(t, s.Delete(cluster.KindPod, pod.Namespace, pod.Name, cluster.DeleteOptions{}))
		}
	}
	require.NoError(t, s.RunFor(10*time.Second))
	for i, ty := range tallies {
		require.True(t, ty.Done())
		rc := loads[i]
		assert.Equal(t, flat(rc.pods), flatCounts(ty.Pods()), "load %d: per pod", i)
		assert.Equal(t, flat(rc.groups), flatCounts(ty.Groups()), "load %d: per group", i)
		for j, in := range ty.Series() {
			assert.Equal(t, flat(rc.steps[j]), flatCounts(in.Groups), "load %d: second %d", i, j)
		}
	}
	assert.Contains(t, flatCounts(tallies[0].Groups()), "moved", "the moved pods answered under their new group")
}
