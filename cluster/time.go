package cluster

import (
	"math"
	"strconv"
	"time"
)

// Time is an instant of virtual time: how long after the simulation's start
// it is. Nothing in svcsim reads the wall clock; time moves only when the
// loop runs an event scheduled later than now.
type Time time.Duration

// Epoch is the wall-clock instant that virtual time zero stands for when an
// absolute time must be printed, as in describe's "Start Time". It is fixed
// so that output never depends on when a program runs.
var Epoch = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

// EndOfTime is the last instant virtual time can name, about 292 years
// after the start. It stands for never: an event due at or after it does
// not run, and the clock stops one nanosecond short of it.
const EndOfTime = Time(math.MaxInt64)

// Add returns t+d, saturating instead of wrapping: a sum past [EndOfTime]
// is EndOfTime, and one before the most negative Time is that.
func (t Time) Add(d time.Duration) Time {
	switch {
	case d > 0 && t > EndOfTime-Time(d):
		return EndOfTime
	case d < 0 && t < math.MinInt64-Time(d):
		return math.MinInt64
	}
	return t + Time(d)
}

// Sub returns the duration t-u, saturating at the extremes of
// time.Duration instead of wrapping.
func (t Time) Sub(u Time) time.Duration {
	switch {
	case u < 0 && t > EndOfTime+Time(u):
		return math.MaxInt64
	case u > 0 && t < math.MinInt64+Time(u):
		return math.MinInt64
	}
	return time.Duration(t - u)
}

// Duration returns t as the time since the simulation began.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Wall returns the wall-clock instant t stands for, counted from [Epoch].
func (t Time) Wall() time.Time { return Epoch.Add(time.Duration(t)) }

// String prints t as the offset from the start, "+12.5s".
func (t Time) String() string { return "+" + time.Duration(t).String() }

// HumanDuration renders d as kubectl's AGE column does: "45s", "3m20s",
// "2h5m", "3d4h", "400d", "3y12d".
func HumanDuration(d time.Duration) string {
	// As in Kubernetes: whole seconds, truncated; a second or so in the
	// future still counts as now.
	seconds := int(d.Seconds())
	switch {
	case seconds < -1:
		return "<invalid>"
	case seconds < 0:
		return "0s"
	case seconds < 60*2:
		return strconv.Itoa(seconds) + "s"
	}
	minutes := int(d / time.Minute)
	if minutes < 10 {
		s := int(d/time.Second) % 60
		if s == 0 {
			return strconv.Itoa(minutes) + "m"
		}
		return strconv.Itoa(minutes) + "m" + strconv.Itoa(s) + "s"
	}
	if minutes < 60*3 {
		return strconv.Itoa(minutes) + "m"
	}
	hours := int(d / time.Hour)
	if hours < 8 {
		m := minutes % 60
		if m == 0 {
			return strconv.Itoa(hours) + "h"
		}
		return strconv.Itoa(hours) + "h" + strconv.Itoa(m) + "m"
	}
	if hours < 48 {
		return strconv.Itoa(hours) + "h"
	}
	if hours < 24*8 {
		h := hours % 24
		if h == 0 {
			return strconv.Itoa(hours/24) + "d"
		}
		return strconv.Itoa(hours/24) + "d" + strconv.Itoa(h) + "h"
	}
	if hours < 24*365*2 {
		return strconv.Itoa(hours/24) + "d"
	}
	if hours < 24*365*8 {
		dy := (hours / 24) % 365
		if dy == 0 {
			return strconv.Itoa(hours/24/365) + "y"
		}
		return strconv.Itoa(hours/24/365) + "y" + strconv.Itoa(dy) + "d"
	}
	return strconv.Itoa(hours/24/365) + "y"
}
