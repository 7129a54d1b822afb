package slacksim

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Test workspace: maya and raj in #deals-acme (with the bot), #random without
// the bot, a private #leadership with the bot.
func testConfig() Config {
	return Config{
		Users: []User{
			{ID: "U0MAYA", Name: "maya", RealName: "Maya Patel", Email: "maya@example.com", TZ: "Europe/Berlin"},
			{ID: "U0RAJ", Name: "raj", RealName: "Raj Rao", Email: "raj@example.com", IsAdmin: true},
		},
		Channels: []Channel{
			{ID: "C0ACME", Name: "deals-acme", Members: []string{"U0MAYA", "U0RAJ", "U0BOT"}},
			{ID: "C0RANDOM", Name: "random", Members: []string{"U0MAYA", "U0RAJ"}},
			{ID: "G0LEAD", Name: "leadership", IsPrivate: true, Members: []string{"U0RAJ", "U0BOT"}},
			{ID: "G0SECRET", Name: "secret", IsPrivate: true, Members: []string{"U0RAJ"}},
		},
		AckTimeout:  500 * time.Millisecond,
		RetryDelays: []time.Duration{0, 50 * time.Millisecond},
		TriggerTTL:  300 * time.Millisecond,
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func startSim(t *testing.T, mod func(*Config)) *Server {
	t.Helper()
	cfg := testConfig()
	if mod != nil {
		mod(&cfg)
	}
	s := New(cfg)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func apiClient(s *Server) *slack.Client {
	c := s.Config()
	return slack.New(c.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(c.AppToken))
}

// bot is a slack-go Socket Mode client whose events go to a handler.
type bot struct {
	api    *slack.Client
	sm     *socketmode.Client
	mu     sync.Mutex
	seen   []socketmode.Event
	handle func(b *bot, evt socketmode.Event)
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// connectBot runs a socketmode client against s; handle gets every event
// (nil: ack everything empty).
func connectBot(t *testing.T, s *Server, handle func(b *bot, evt socketmode.Event)) *bot {
	t.Helper()
	b := &bot{api: apiClient(s), handle: handle}
	b.sm = socketmode.New(b.api, socketmode.OptionPingInterval(5*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.done.Add(2)
	go func() {
		defer b.done.Done()
		_ = b.sm.RunContext(ctx)
	}()
	go func() {
		defer b.done.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-b.sm.Events:
				b.mu.Lock()
				b.seen = append(b.seen, evt)
				b.mu.Unlock()
				if b.handle != nil {
					b.handle(b, evt)
				} else if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = b.sm.Ack(*evt.Request)
				}
			}
		}
	}()
	t.Cleanup(b.stop)
	n := s.Connections()
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if err := s.WaitFor(wctx, func() bool { return b.count(socketmode.EventTypeHello) > 0 && s.Connections() > n-1 }); err != nil {
		t.Fatalf("bot did not connect: %v", err)
	}
	return b
}

func (b *bot) stop() {
	b.cancel()
	b.done.Wait()
}

func (b *bot) count(typ socketmode.EventType) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, e := range b.seen {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func (b *bot) events(typ socketmode.EventType) []socketmode.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []socketmode.Event
	for _, e := range b.seen {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}
