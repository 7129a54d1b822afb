package history_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
)

type fixture struct {
	sim *slacksim.Server
	api *slack.Client
	s   *store.Store
	run string
}

func newFixture(t *testing.T, limits map[string]slacksim.Limit) *fixture {
	t.Helper()
	sim := slacksim.New(slacksim.Config{
		TeamID: "T1", Domain: "acme", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: limits,
		Users: []slacksim.User{{ID: "U1", Name: "dana", RealName: "Dana Lee"}, {ID: "U2", Name: "priya", RealName: "Priya Nair"}},
		Channels: []slacksim.Channel{
			{ID: "C1", Name: "sales-leadership", Members: []string{"U0BOT", "U1", "U2"}},
			{ID: "C2", Name: "cs-leads", Members: []string{"U1", "U2"}},
			{ID: "C3", Name: "secret", IsPrivate: true, Members: []string{"U1"}},
			{ID: "C4", Name: "digests", Members: []string{"U0BOT", "U1"}},
		},
	})
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	s := pgtest.NewStore(t)
	ctx := context.Background()
	var run string
	err := s.InTx(ctx, func(tx *store.Tx) error {
		ws, err := tx.EnsureWorkspace(ctx, "Acme", "T1")
		if err != nil {
			return err
		}
		run, err = tx.CreateSetupRun(ctx, ws.ID, bootstrap.Run{RequestedBy: "U1", Channels: []string{"C1"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sim: sim, api: slack.New("xoxb-sim", slack.OptionAPIURL(sim.APIURL())), s: s, run: run}
}

// seed writes n top-level messages in C1, every fifth with two replies.
func (f *fixture) seed(t *testing.T, n int) int {
	t.Helper()
	start := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	var msgs []slacksim.SeedMessage
	total := 0
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * time.Hour)
		msgs = append(msgs, slacksim.SeedMessage{User: "dana", Text: fmt.Sprintf("message %d: Discovery → Demo → Proposal", i), At: at})
		total++
		if i%5 == 0 {
			for r := 1; r <= 2; r++ {
				msgs = append(msgs, slacksim.SeedMessage{User: "priya", Text: fmt.Sprintf("reply %d to %d", r, i), At: at.Add(time.Duration(r) * time.Minute), Reply: true})
				total++
			}
		}
	}
	if _, err := f.sim.Seed("C1", msgs); err != nil {
		t.Fatal(err)
	}
	return total
}

func (f *fixture) stored(t *testing.T) []bootstrap.Message {
	t.Helper()
	var out []bootstrap.Message
	if err := f.s.EachSetupMessage(context.Background(), f.run, func(m bootstrap.Message) error {
		out = append(out, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// failingSink stops after a number of pages, like a crash.
type failingSink struct {
	history.Sink
	pages int
}

var errCrash = errors.New("crash")

func (s *failingSink) SavePage(ctx context.Context, ch, name string, msgs []bootstrap.Message, next history.Cursor) (int, error) {
	if s.pages == 0 {
		return 0, errCrash
	}
	s.pages--
	return s.Sink.SavePage(ctx, ch, name, msgs, next)
}

func TestReadsHistoryAndRepliesAndResumesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	total := f.seed(t, 50)
	ctx := context.Background()
	r := &history.Reader{API: f.api, BaseURL: "https://acme.slack.com/", PageSize: 10}
	_, err := r.ReadChannel(ctx, "C1", time.Time{}, time.Time{}, &failingSink{Sink: f.s.SetupSink(f.run), pages: 2}, nil)
	if !errors.Is(err, errCrash) {
		t.Fatalf("first run: %v, want the crash", err)
	}
	partial := len(f.stored(t))
	if partial == 0 || partial >= total {
		t.Fatalf("after the crash %d of %d messages are stored", partial, total)
	}
	calls := f.sim.Calls("conversations.history")
	var progress []int
	r2 := &history.Reader{API: f.api, BaseURL: "https://acme.slack.com/", PageSize: 10}
	res, err := r2.ReadChannel(ctx, "C1", time.Time{}, time.Time{}, f.s.SetupSink(f.run), func(_ string, n int) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if got := f.sim.Calls("conversations.history") - calls; got != 3 {
		t.Errorf("the resumed run read %d history pages, want the 3 left (of 5)", got)
	}
	msgs := f.stored(t)
	if len(msgs) != total || res.Read != total {
		t.Errorf("stored %d messages (result %+v), want %d, each once", len(msgs), res, total)
	}
	seen := map[string]bool{}
	replies := 0
	for _, m := range msgs {
		if seen[m.TS] {
			t.Errorf("message %s stored twice", m.TS)
		}
		seen[m.TS] = true
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			replies++
			if !strings.Contains(m.Permalink, "?thread_ts="+m.ThreadTS) {
				t.Errorf("reply permalink %q lacks its thread", m.Permalink)
			}
		}
		if m.UserName == "" || m.UserName == m.User || m.ChannelName != "sales-leadership" {
			t.Errorf("message %s: user %q (%s), channel %q", m.TS, m.UserName, m.User, m.ChannelName)
		}
	}
	if replies != 20 {
		t.Errorf("%d thread replies stored, want 20", replies)
	}
	if len(progress) != 3 || progress[2] != total {
		t.Errorf("progress = %v, want three pages ending at %d", progress, total)
	}
	// reading again finds the channel done: no call, nothing added
	calls = f.sim.Calls("conversations.history")
	res, err = r2.ReadChannel(ctx, "C1", time.Time{}, time.Time{}, f.s.SetupSink(f.run), nil)
	if err != nil || res.Added != 0 || f.sim.Calls("conversations.history") != calls {
		t.Errorf("a finished channel was read again: %+v, %v", res, err)
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]slacksim.Limit{"conversations.history": {PerChannelPerSecond: 1}})
	total := f.seed(t, 20)
	var mu sync.Mutex
	var waits []time.Duration
	r := &history.Reader{API: f.api, PageSize: 10, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		time.Sleep(d)
		return nil
	}}
	res, err := r.ReadChannel(context.Background(), "C1", time.Time{}, time.Time{}, f.s.SetupSink(f.run), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != total {
		t.Errorf("read %d of %d", res.Read, total)
	}
	if len(waits) == 0 {
		t.Fatalf("never waited: Slack's rate limit was not hit or not honoured")
	}
	for _, w := range waits {
		if w < time.Second {
			t.Errorf("waited %s, less than Slack's Retry-After", w)
		}
	}
}

func TestChannelProblemsSayWhatToDo(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	r := &history.Reader{API: f.api}
	ctx := context.Background()
	cases := []struct {
		channel, code string
		want          []string
	}{
		{"C2", "not_in_channel", []string{"/invite @Journey", "<#C2>", "/journey setup"}},
		{"C3", "no_access", []string{"private", "/invite @Journey"}},
		{"C9", "no_access", []string{"C9"}},
	}
	for _, c := range cases {
		_, err := r.ReadChannel(ctx, c.channel, time.Time{}, time.Time{}, f.s.SetupSink(f.run), nil)
		var ce *history.ChannelError
		if !errors.As(err, &ce) || ce.Code != c.code {
			t.Errorf("%s: %v, want a %s channel error", c.channel, err, c.code)
			continue
		}
		if journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("%s: code %s", c.channel, journey.ErrorCode(err))
		}
		for _, w := range c.want {
			if !strings.Contains(ce.Message, w) {
				t.Errorf("%s: %q lacks %q", c.channel, ce.Message, w)
			}
		}
	}
	// the bot's own posts are read but marked, so they count for no one
	if _, _, err := f.api.PostMessage("C4", slack.MsgOptionText("Team digest: 3 deals changed stage", false)); err != nil {
		t.Fatal(err)
	}
	res, err := r.ReadChannel(ctx, "C4", time.Time{}, time.Time{}, f.s.SetupSink(f.run), nil)
	if err != nil || res.Read != 1 {
		t.Fatalf("bot post: %+v, %v", res, err)
	}
	if msgs := f.stored(t); len(msgs) != 1 || msgs[0].Subtype != "bot_message" {
		t.Errorf("the bot's post was stored as %+v", msgs)
	}
	// an empty channel is read without error, and reads nothing
	f.sim.AddChannel(slacksim.Channel{ID: "C5", Name: "quiet", Members: []string{"U0BOT", "U1"}})
	res, err = r.ReadChannel(ctx, "C5", time.Time{}, time.Time{}, f.s.SetupSink(f.run), nil)
	if err != nil || res.Read != 0 || res.Name != "quiet" {
		t.Errorf("empty channel: %+v, %v", res, err)
	}
}

func TestTimeWindowOnSlack(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.seed(t, 48) // two days, hourly
	from := time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)
	r := &history.Reader{API: f.api, PageSize: 7}
	if _, err := r.ReadChannel(context.Background(), "C1", from, time.Time{}, f.s.SetupSink(f.run), nil); err != nil {
		t.Fatal(err)
	}
	msgs := f.stored(t)
	if len(msgs) == 0 {
		t.Fatal("nothing read in the window")
	}
	for _, m := range msgs {
		if m.At.Before(from) {
			t.Errorf("%s at %s is before the window", m.TS, m.At)
		}
	}
}
