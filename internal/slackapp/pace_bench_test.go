package slackapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/slacksim"
)

// paceMessages is how many messages the pacing benchmark posts per channel.
const paceMessages = 20

// BenchmarkPace posts paceMessages messages per channel through the
// pacer, with the real slack-go client, against the Slack simulator
// configured at Slack's pace for chat.postMessage (one message a second
// per channel, a 429 with Retry-After beyond it): all handed over at once
// to one channel, then to five channels, then one every 1.5 s to a channel
// where an unpaced writer also posts every 1.3 s. A recording HTTP
// transport sees every attempt. It reports, per channel, the achieved
// messages per second (accepted messages after the first over the time
// from the first accepted send to the last), the 429s received, whether
// every retry waited out its Retry-After, and how many of the pacer's
// requests (and 429s) fell inside a Retry-After window an earlier 429 had
// opened on the channel. It fails when a message is lost or posted twice,
// or when a retry went out before its Retry-After had passed. Run it with
//
//	go test -run '^$' -bench BenchmarkPace -benchtime 1x ./internal/slackapp/
func BenchmarkPace(b *testing.B) {
	for _, tc := range []struct {
		name         string
		channels     int
		every, other time.Duration
	}{
		{"channels=1", 1, 0, 0},
		{"channels=5", 5, 0, 0},
		// A shared channel: the bot's posts come one every 1.5 s, and
		// something else (another app, another bot process) posts there
		// too, unpaced, every 1.3 s: together over Slack's limit, so the
		// pacer meets 429s it did not cause and must wait them out.
		{"channels=1+other-writer", 1, 1500 * time.Millisecond, 1300 * time.Millisecond},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var res paceResult
			for b.Loop() {
				res = runPace(b, tc.channels, paceMessages, tc.every, tc.other)
			}
			res.report(b)
		})
	}
}

// paceAttempt is one chat.postMessage request as the transport saw it.
type paceAttempt struct {
	channel, text string
	sent, done    time.Time
	status        int
	retryAfter    time.Duration
}

// paceRecorder is an http.RoundTripper that records every
// chat.postMessage attempt.
type paceRecorder struct {
	next     http.RoundTripper
	mu       sync.Mutex
	attempts []paceAttempt
}

func (r *paceRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/chat.postMessage") || req.Body == nil {
		return r.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	a := paceAttempt{channel: form.Get("channel"), text: form.Get("text"), sent: time.Now()}
	resp, err := r.next.RoundTrip(req)
	a.done = time.Now()
	if resp != nil {
		a.status = resp.StatusCode
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			a.retryAfter = time.Duration(s) * time.Second
		}
	}
	r.mu.Lock()
	r.attempts = append(r.attempts, a)
	r.mu.Unlock()
	return resp, err
}

// paceChannel is what one channel saw.
type paceChannel struct {
	id                 string
	accepted, limited  int
	first, last        time.Time // first and last accepted request sent
	rate               float64   // accepted messages a second
	earlyRetries       int       // retries sent before their Retry-After passed
	limitedInWindow    int       // 429s for requests sent inside an earlier 429's Retry-After window
	sentInWindow       int       // requests of any message sent inside such a window
	maxRetries         int       // most attempts one message needed, minus one
	minRetryWaitMargin time.Duration
}

type paceResult struct {
	channels []paceChannel
	elapsed  time.Duration
	// The other writer's posts: accepted, and refused with a 429.
	otherPosted, otherLimited int
	gaveUp                    int    // posts the pacer gave up on after three 429s
	how                       string // how the posts came
}

// runPace posts perChannel messages to each of n channels through one
// pacer, all at once (every == 0) or one per channel every every, and
// sorts what the transport saw by channel. With other > 0, another client
// posts in the first channel every other, without a pacer, until the
// pacer's posts are done. A post the pacer gives up on (after three 429s,
// as designed: the caller's job retries later) is counted, not failed.
func runPace(b *testing.B, n, perChannel int, every, other time.Duration) paceResult {
	b.Helper()
	var chans []slacksim.Channel
	for i := range n {
		chans = append(chans, slacksim.Channel{ID: fmt.Sprintf("C0PACE%d", i+1), Name: fmt.Sprintf("team-%d", i+1), Members: []string{"U0BOT"}})
	}
	sim := slacksim.New(slacksim.Config{
		Channels: chans,
		Limits:   map[string]slacksim.Limit{"chat.postMessage": {PerChannelPerSecond: 1}},
	})
	if err := sim.Start(); err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	rec := &paceRecorder{next: http.DefaultTransport}
	api := slack.New(sim.Config().BotToken, slack.OptionAPIURL(sim.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: rec}))
	var p pacer
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(perChannel)*10*time.Second)
	defer cancel()

	otherRec := &paceRecorder{next: http.DefaultTransport}
	stopOther := make(chan struct{})
	otherDone := make(chan struct{})
	go func() {
		defer close(otherDone)
		if other <= 0 {
			return
		}
		api := slack.New(sim.Config().BotToken, slack.OptionAPIURL(sim.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: otherRec}))
		t := time.NewTicker(other)
		defer t.Stop()
		for k := 1; ; k++ {
			select {
			case <-stopOther:
				return
			case <-t.C:
			}
			_, _, _ = api.PostMessageContext(ctx, chans[0].ID, slack.MsgOptionText(fmt.Sprintf("other writer %d", k), false))
		}
	}()

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n*perChannel)
	for k := range perChannel {
		for _, c := range chans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := p.post(ctx, api, c.ID, slack.MsgOptionText(fmt.Sprintf("%s message %d", c.ID, k+1), false)); err != nil {
					errs <- fmt.Errorf("%s message %d: %w", c.ID, k+1, err)
				}
			}()
		}
		time.Sleep(every)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopOther)
	<-otherDone
	close(errs)
	gaveUp := map[string]int{}
	res := paceResult{elapsed: elapsed, how: "all at once"}
	if every > 0 {
		res.how = fmt.Sprintf("one every %v", every)
	}
	for err := range errs {
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			b.Errorf("a paced post failed: %v", err)
		}
		res.gaveUp++
		gaveUp[strings.Fields(err.Error())[0]]++
	}

	for _, a := range otherRec.attempts {
		switch a.status {
		case http.StatusOK:
			res.otherPosted++
		case http.StatusTooManyRequests:
			res.otherLimited++
		}
	}
	for _, c := range chans {
		ours := 0
		seen := map[string]bool{}
		for _, m := range sim.Messages(c.ID) {
			if !strings.HasPrefix(m.Text, c.ID+" ") {
				continue
			}
			ours++
			if seen[m.Text] {
				b.Errorf("%s: %q posted twice", c.ID, m.Text)
			}
			seen[m.Text] = true
		}
		if ours != perChannel-gaveUp[c.ID] {
			b.Errorf("%s: %d messages landed, want %d (%d given up)", c.ID, ours, perChannel-gaveUp[c.ID], gaveUp[c.ID])
		}
	}
	rec.mu.Lock()
	attempts := slices.Clone(rec.attempts)
	rec.mu.Unlock()
	for _, a := range attempts {
		if a.channel == "" {
			b.Fatalf("a chat.postMessage request without a channel argument: the recorder could not read it")
		}
	}
	for _, c := range chans {
		res.channels = append(res.channels, analysePace(c.ID, attempts))
	}
	return res
}

// analysePace sums up one channel's attempts.
func analysePace(channel string, all []paceAttempt) paceChannel {
	pc := paceChannel{id: channel, minRetryWaitMargin: -1}
	var as []paceAttempt
	for _, a := range all {
		if a.channel == channel {
			as = append(as, a)
		}
	}
	slices.SortFunc(as, func(x, y paceAttempt) int { return x.sent.Compare(y.sent) })
	byText := map[string][]paceAttempt{}
	var windowEnd time.Time // the latest end of a Retry-After window opened by a 429
	for _, a := range as {
		inWindow := a.sent.Before(windowEnd)
		if inWindow {
			pc.sentInWindow++
		}
		switch a.status {
		case http.StatusOK:
			pc.accepted++
			if pc.first.IsZero() {
				pc.first = a.sent
			}
			pc.last = a.sent
		case http.StatusTooManyRequests:
			pc.limited++
			if inWindow {
				pc.limitedInWindow++
			}
			if end := a.done.Add(a.retryAfter); end.After(windowEnd) {
				windowEnd = end
			}
		}
		byText[a.text] = append(byText[a.text], a)
	}
	for _, tries := range byText {
		pc.maxRetries = max(pc.maxRetries, len(tries)-1)
		for i := 1; i < len(tries); i++ {
			prev := tries[i-1]
			margin := tries[i].sent.Sub(prev.done.Add(prev.retryAfter))
			if margin < 0 {
				pc.earlyRetries++
			}
			if pc.minRetryWaitMargin < 0 || margin < pc.minRetryWaitMargin {
				pc.minRetryWaitMargin = margin
			}
		}
	}
	if pc.accepted > 1 {
		pc.rate = float64(pc.accepted-1) / pc.last.Sub(pc.first).Seconds()
	}
	return pc
}

func (r paceResult) report(b *testing.B) {
	var limited, inWindow, sentInWindow, early int
	minRate, maxRate := 0.0, 0.0
	var lines []string
	for i, c := range r.channels {
		limited += c.limited
		inWindow += c.limitedInWindow
		sentInWindow += c.sentInWindow
		early += c.earlyRetries
		if i == 0 || c.rate < minRate {
			minRate = c.rate
		}
		maxRate = max(maxRate, c.rate)
		margin := "no retries"
		if c.minRetryWaitMargin >= 0 {
			margin = fmt.Sprintf("every retry waited its Retry-After + at least %d ms", c.minRetryWaitMargin.Milliseconds())
		}
		lines = append(lines, fmt.Sprintf("%s: %d accepted in %.1f s = %.2f msg/s; %d × 429 (%d inside an open Retry-After window; %d requests sent inside one); "+
			"at most %d retries for one message; %s",
			c.id, c.accepted, c.last.Sub(c.first).Seconds(), c.rate, c.limited, c.limitedInWindow, c.sentInWindow, c.maxRetries, margin))
		if c.earlyRetries > 0 {
			b.Errorf("%s: %d retries went out before their Retry-After had passed", c.id, c.earlyRetries)
		}
	}
	b.ReportMetric(minRate, "min-msg/s/channel")
	b.ReportMetric(maxRate, "max-msg/s/channel")
	b.ReportMetric(float64(limited), "429s")
	b.ReportMetric(float64(inWindow), "429s-in-window")
	b.ReportMetric(r.elapsed.Seconds(), "elapsed-s")
	otherLine := ""
	if r.otherPosted+r.otherLimited > 0 {
		otherLine = fmt.Sprintf("; meanwhile an unpaced writer in %s posted %d messages and got %d × 429", r.channels[0].id, r.otherPosted, r.otherLimited)
	}
	b.Logf("%d channel(s) × %d messages posted %s through the pacer (%v/s per channel) against slacksim at 1 msg/s per channel: "+
		"done in %.1f s, %d given up after three 429s; %d × 429 in all, %d of them inside a Retry-After window, %d retries early%s\n  %s",
		len(r.channels), paceMessages, r.how, float64(postRate), r.elapsed.Seconds(), r.gaveUp, limited, inWindow, early, otherLine, strings.Join(lines, "\n  "))
	b.ReportMetric(float64(r.gaveUp), "given-up")
}
