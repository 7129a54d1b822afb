package slackapp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"
)

// Slack's documented pace for the writes Journey makes most: about one
// message a second per channel (short bursts allowed), chat.update about 50
// a minute per workspace.
var (
	postRate    = rate.Limit(1)
	postBurst   = 3
	updateRate  = rate.Every(time.Minute / 50)
	updateBurst = 10
)

// maxRetryAfter is the longest Retry-After the bot waits out in place;
// beyond it the write fails and the caller's job retries later.
const maxRetryAfter = 30 * time.Second

// pacer spaces Slack writes per method and channel, so that the bot stays
// under Slack's limits instead of bouncing off them, and waits out a
// Retry-After when Slack asks anyway.
type pacer struct {
	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	lanes    map[string]*lane
}

// lane lets one chat.postMessage to a channel go at a time, in the order
// they came, each at least 1/postRate after the answer to the one before.
// Slack counts a message when it receives it, so spacing from the answer
// (rather than from the send, as a token bucket does) keeps the channel
// under its limit whatever the network's jitter; and a post that got a 429
// waits out Retry-After holding the lane, so no other post to the channel
// goes inside that window.
type lane struct {
	turn chan struct{} // holds the right to post
	next time.Time     // no post before this
}

func (p *pacer) lane(channel string) *lane {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lanes == nil {
		p.lanes = map[string]*lane{}
	}
	l, ok := p.lanes[channel]
	if !ok {
		l = &lane{turn: make(chan struct{}, 1)}
		l.turn <- struct{}{}
		p.lanes[channel] = l
	}
	return l
}

func (p *pacer) limiter(key string, r rate.Limit, burst int) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limiters == nil {
		p.limiters = map[string]*rate.Limiter{}
	}
	l, ok := p.limiters[key]
	if !ok {
		l = rate.NewLimiter(r, burst)
		p.limiters[key] = l
	}
	return l
}

// do runs call once its slot comes, retrying after Slack's Retry-After
// (up to three times, each wait at most maxRetryAfter).
func (p *pacer) do(ctx context.Context, l *rate.Limiter, call func() error) error {
	for attempt := 0; ; attempt++ {
		if err := l.Wait(ctx); err != nil {
			return fmt.Errorf("waiting for a Slack rate slot: %w", err)
		}
		err := call()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || attempt == 3 || rl.RetryAfter > maxRetryAfter {
			return err
		}
		select {
		case <-time.After(rl.RetryAfter):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// post sends chat.postMessage at Slack's per-channel pace.
func (p *pacer) post(ctx context.Context, api *slack.Client, channel string, opts ...slack.MsgOption) (string, string, error) {
	ln := p.lane(channel)
	select {
	case <-ln.turn:
	case <-ctx.Done():
		return "", "", fmt.Errorf("waiting for a Slack rate slot: %w", ctx.Err())
	}
	defer func() {
		ln.next = time.Now().Add(time.Duration(float64(time.Second) / float64(postRate)))
		ln.turn <- struct{}{}
	}()
	select {
	case <-time.After(time.Until(ln.next)):
	case <-ctx.Done():
		return "", "", fmt.Errorf("waiting for a Slack rate slot: %w", ctx.Err())
	}
	var ch, ts string
	err := p.do(ctx, p.limiter("chat.postMessage:"+channel, postRate, postBurst), func() error {
		var err error
		ch, ts, err = api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ch, ts, err
}

// update sends chat.update at Slack's per-workspace pace.
func (p *pacer) update(ctx context.Context, api *slack.Client, channel, ts string, opts ...slack.MsgOption) error {
	return p.do(ctx, p.limiter("chat.update", updateRate, updateBurst), func() error {
		_, _, _, err := api.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}
