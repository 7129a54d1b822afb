package slackapp

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/slacksim"
)

// TestPacerStaysWithinSlackLimits: a burst of posts to one channel, against
// a simulator that allows one a second and answers 429 with Retry-After,
// all land, none twice.
func TestPacerStaysWithinSlackLimits(t *testing.T) {
	t.Parallel()
	sim := slacksim.New(slacksim.Config{
		Channels: []slacksim.Channel{{ID: "C1", Name: "deals", Members: []string{"U0BOT"}}},
		Limits:   map[string]slacksim.Limit{"chat.postMessage": {PerChannelPerSecond: 1}},
	})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	cfg := sim.Config()
	api := slack.New(cfg.BotToken, slack.OptionAPIURL(sim.APIURL()))
	var p pacer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := p.post(ctx, api, "C1", slack.MsgOptionText(fmt.Sprintf("message %d", i), false))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a paced post failed: %v", err)
		}
	}
	if n := len(sim.Messages("C1")); n != 5 {
		t.Errorf("%d messages landed, want 5", n)
	}
	if time.Since(start) < 2*time.Second {
		t.Errorf("5 posts at 1/s should take at least 2 s with a burst of 3, took %v", time.Since(start))
	}
}
