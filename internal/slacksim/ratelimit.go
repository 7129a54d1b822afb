package slacksim

import (
	"math"
	"time"
)

// limiter keeps sliding windows of accepted calls per method and per
// method+channel. Rejected calls do not count.
type limiter struct {
	calls map[string][]time.Time
}

func newLimiter() *limiter { return &limiter{calls: map[string][]time.Time{}} }

// allow records a call of method (in channel, if any) at now under lim; when
// the call is over the limit it returns false and the seconds to wait.
func (l *limiter) allow(method, channel string, lim Limit, now time.Time) (bool, int) {
	type window struct {
		key string
		dur time.Duration
		max int
	}
	var ws []window
	if lim.PerMinute > 0 {
		ws = append(ws, window{"m:" + method, time.Minute, lim.PerMinute})
	}
	if lim.PerChannelPerSecond > 0 && channel != "" {
		// A rate below 1/s becomes one call per 1/rate seconds.
		dur := time.Second
		n := int(math.Round(lim.PerChannelPerSecond))
		if lim.PerChannelPerSecond < 1 {
			dur = time.Duration(float64(time.Second) / lim.PerChannelPerSecond)
			n = 1
		}
		ws = append(ws, window{"c:" + method + ":" + channel, dur, max(n, 1)})
	}
	wait := time.Duration(0)
	for _, w := range ws {
		kept := l.calls[w.key][:0]
		for _, t := range l.calls[w.key] {
			if now.Sub(t) < w.dur {
				kept = append(kept, t)
			}
		}
		l.calls[w.key] = kept
		if len(kept) >= w.max {
			wait = max(wait, kept[len(kept)-w.max].Add(w.dur).Sub(now))
		}
	}
	if wait > 0 {
		return false, max(1, int(math.Ceil(wait.Seconds())))
	}
	for _, w := range ws {
		l.calls[w.key] = append(l.calls[w.key], now)
	}
	return true, 0
}
