package slackapp

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/slacksim"
)

// TestPacerHoldsTheChannelForRetryAfter: someone else has just used the
// channel's one post a second, so the pacer's post gets a 429; the pacer
// sends nothing more to that channel until Retry-After has passed, and
// both of its posts land, once each.
func TestPacerHoldsTheChannelForRetryAfter(t *testing.T) {
	t.Parallel()
	sim := slacksim.New(slacksim.Config{
		Channels: []slacksim.Channel{{ID: "C1", Name: "deals", Members: []string{"U0BOT"}}},
		Limits:   map[string]slacksim.Limit{"chat.postMessage": {PerChannelPerSecond: 1}},
	})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	other := slack.New(sim.Config().BotToken, slack.OptionAPIURL(sim.APIURL()))
	if _, _, err := other.PostMessageContext(ctx, "C1", slack.MsgOptionText("someone else", false)); err != nil {
		t.Fatal(err)
	}
	rec := &paceRecorder{next: http.DefaultTransport}
	api := slack.New(sim.Config().BotToken, slack.OptionAPIURL(sim.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: rec}))
	var p pacer
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := p.post(ctx, api, "C1", slack.MsgOptionText(fmt.Sprintf("C1 message %d", i+1), false)); err != nil {
				t.Errorf("post %d: %v", i+1, err)
			}
		}()
	}
	wg.Wait()

	pc := analysePace("C1", rec.attempts)
	if pc.limited == 0 {
		t.Fatalf("the pacer got no 429 although the channel's second had just been used: %+v", pc)
	}
	if pc.sentInWindow != 0 || pc.earlyRetries != 0 {
		t.Errorf("the pacer posted inside a Retry-After window: %d requests, %d of them retries", pc.sentInWindow, pc.earlyRetries)
	}
	if pc.accepted != 2 {
		t.Errorf("%d of the pacer's posts accepted, want 2", pc.accepted)
	}
	seen := map[string]int{}
	for _, m := range sim.Messages("C1") {
		seen[m.Text]++
	}
	for _, text := range []string{"someone else", "C1 message 1", "C1 message 2"} {
		if seen[text] != 1 {
			t.Errorf("%q landed %d times, want once", text, seen[text])
		}
	}
}
