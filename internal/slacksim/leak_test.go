package slacksim

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// TestCloseLeavesNoGoroutines runs a connected bot, a pending redelivery and
// a driver call that waits for an ack, then closes everything.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	s := New(func() Config {
		c := testConfig()
		c.RetryDelays = []time.Duration{time.Hour} // a redelivery that would wait an hour
		c.AckTimeout = 50 * time.Millisecond
		return c
	}())
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ignore := make(chan struct{})
	b := connectBot(t, s, func(b *bot, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeEventsAPI {
			<-ignore // never ack
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.Post(ctx, "maya", "deals-acme", "", "x"); err == nil {
		t.Fatal("expected the unacked post to time out")
	}
	if _, _, err := apiClient(s).PostMessage("C0ACME", slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}
	close(ignore)
	b.stop()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var ours []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if (strings.Contains(g, "slacksim") || strings.Contains(g, "slack-go") || strings.Contains(g, "gorilla")) && !strings.Contains(g, "TestCloseLeavesNoGoroutines") {
				ours = append(ours, g)
			}
		}
		if len(ours) > 0 {
			t.Fatalf("%d goroutines after Close (was %d):\n%s", n, before, strings.Join(ours, "\n\n"))
		}
	}
}
