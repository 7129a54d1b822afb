package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/mailsim"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
)

// workerEnv makes this test binary run as a separate bot worker process,
// so that a test can kill it in the middle of a send.
const workerEnv = "JOURNEY_E2E_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(runWorker())
	}
	os.Exit(m.Run())
}

// runWorker is a bot process that only works jobs (it never ticks the
// schedule), until it is killed.
func runWorker() int {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := store.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	mc, err := mail.ParseURL(os.Getenv("SMTP_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	sender, _ := mail.NewSender(mc)
	r, err := jobs.New(s, llm.NewOffline(), jobs.Config{NoSchedule: true, Mailer: sender, Log: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	app, err := slackapp.New(slackapp.Config{BotToken: os.Getenv("SLACK_BOT_TOKEN"), AppToken: os.Getenv("SLACK_APP_TOKEN"),
		APIURL: os.Getenv("SLACK_API_URL"), Outbox: r, Log: log}, s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	r.SetNotifier(app)
	if err := r.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	select {}
}

// clock is a test's controllable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// tick runs the schedule at every quarter hour from from to to, waiting for
// what each tick queues to be sent.
func (e *env) tick(r *jobs.Runner, c *clock, from, to time.Time, after func(at time.Time)) {
	e.t.Helper()
	for at := from; !at.After(to); at = at.Add(15 * time.Minute) {
		c.Set(at)
		n, err := r.ScheduleDue(context.Background(), at)
		if err != nil {
			e.t.Fatal(err)
		}
		if n > 0 {
			e.waitFor("the sends of "+at.Format(time.RFC3339), func() bool {
				var left int
				_ = e.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind IN ('nudge', 'digest', 'wake_action')
					AND state IN ('available', 'running', 'retryable', 'scheduled')`).Scan(&left)
				return left == 0
			})
		}
		if after != nil {
			after(at)
		}
	}
}

// dmWith returns the newest DM from the bot to user whose text has want.
func (e *env) dmWith(user, want string) (slacksim.Message, bool) {
	ms := e.sim.DMs(user)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].BotID != "" && strings.Contains(ms[i].Text+"\n"+blocksText(ms[i].Blocks), want) {
			return ms[i], true
		}
	}
	return slacksim.Message{}, false
}

// TestPromiseToSentEmail is the whole story: a promise made on Monday is a
// nudge by Friday morning in the rep's time zone; approving it sends exactly
// one email, though Send is clicked twice and the worker is killed in the
// middle of sending; the DM reads "Sent 09:14 by @maya"; the next morning's
// digest shows it done.
func TestPromiseToSentEmail(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, ny)} // Monday 10:00 in New York
	e := startAt(t, c.Now)
	if _, err := e.sim.Post(ctx(t), maya, "C0ACME", "", "Thanks Tom! I'll send the pricing sheet Thursday."); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise to be found", func() bool {
		cs := e.commitments("acme", "pricing sheet")
		return len(cs) == 1 && cs[0].Status == journey.CommitmentOpen
	})
	promise := e.commitments("acme", "pricing sheet")[0]

	// Tuesday to Friday morning, on the schedule: Maya hears of the promise
	// on Wednesday (due Thursday), not again on Thursday (nothing changed),
	// and on Friday morning at 08:30 her time, when it is late.
	mornings := map[string]string{}
	e.tick(e.sb.Jobs, c, time.Date(2026, 11, 24, 0, 0, 0, 0, ny), time.Date(2026, 11, 27, 8, 30, 0, 0, ny), func(at time.Time) {
		for _, m := range e.sim.DMs(maya) {
			text := blocksText(m.Blocks)
			if i := strings.Index(text, "Your day — "); m.BotID != "" && i >= 0 {
				mornings[strings.SplitN(text[i+len("Your day — "):], "\n", 2)[0]] = text
			}
		}
	})
	if !strings.Contains(mornings["Wed Nov 25"], "pricing sheet (due Nov 26") {
		t.Errorf("Wednesday's DM should bring the promise due Thursday:\n%s", mornings["Wed Nov 25"])
	}
	if strings.Contains(mornings["Thu Nov 26"], "pricing sheet") {
		t.Errorf("Thursday's DM repeats an unchanged nudge:\n%s", mornings["Thu Nov 26"])
	}
	friday, ok := e.dmWith(maya, "Your day — Fri Nov 27")
	if !ok || !strings.Contains(blocksText(friday.Blocks), "late") || !strings.Contains(blocksText(friday.Blocks), "pricing sheet") {
		t.Fatalf("no Friday morning nudge about the late pricing sheet; mornings: %v", mornings)
	}
	overdue, err := e.actionByKey(promise.AccountID + ":commitment_overdue:" + promise.ID)
	if err != nil {
		t.Fatal(err)
	}

	// 09:14: Maya clicks Send twice. Only a separate worker process runs
	// jobs now, and it is killed while the mail server holds the message.
	stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = e.sb.Jobs.Stop(stop)
	cancel()
	c.Set(time.Date(2026, 11, 27, 9, 14, 0, 0, ny))
	held := make(chan mailsim.Message, 1)
	release := make(chan struct{})
	e.sb.Mail.SetFault(mailsim.Fault{Hold: func(m mailsim.Message) { held <- m; <-release }})
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: friday.Channel, MessageTS: friday.TS}, "action_send", overdue.ID)
		}()
	}
	wg.Wait()
	e.waitFor("the approval", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, overdue.ID)
		return err == nil && a.State == journey.ActionApproved
	})
	cfg := e.sim.Config()
	worker := exec.Command(os.Args[0], "-test.run=^$")
	worker.Env = append(os.Environ(), workerEnv+"=1", "DATABASE_URL="+e.s.Pool().Config().ConnString(), "SMTP_URL="+e.sb.Mail.URL(),
		"SLACK_API_URL="+e.sim.APIURL(), "SLACK_BOT_TOKEN="+cfg.BotToken, "SLACK_APP_TOKEN="+cfg.AppToken)
	worker.Stderr = os.Stderr
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	var m mailsim.Message
	select {
	case m = <-held:
	case <-time.After(60 * time.Second):
		_ = worker.Process.Kill()
		t.Fatal("the worker process never handed the email to the mail server")
	}
	_ = worker.Process.Kill()
	_ = worker.Wait()
	e.sb.Mail.SetFault(mailsim.Fault{})
	close(release) // the server takes the message; its answer reaches a dead process
	if want := journey.MessageID(overdue.ID, "sample.example"); m.MessageID != want {
		t.Errorf("Message-ID %q, want %q", m.MessageID, want)
	}
	if ob, err := e.s.OutboxEmail(context.Background(), e.ws.ID, overdue.ID); err != nil || ob.Phase != "handed_over" {
		t.Fatalf("after the kill the outbox should read handed_over: %+v %v", ob, err)
	}

	// The bot restarts: River finds the job its dead process left running
	// and retries it; the retry sees the hand-over and does not send again.
	r2, err := jobs.New(e.s, llm.NewOffline(), jobs.Config{Now: c.Now, NoSchedule: true, Mailer: mustSender(t, e.sb.Mail),
		SendTimeout: time.Second, RescueAfter: 2 * time.Second,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	r2.SetNotifier(e.sb.App)
	if err := r2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r2.Stop(c)
	})
	wait, cancelWait := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancelWait()
	if err := e.sim.WaitFor(wait, func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, overdue.ID)
		return err == nil && a.State == journey.ActionSent
	}); err != nil {
		t.Fatalf("the restarted bot never recorded the send: %v", err)
	}
	if got := e.sb.Mail.Messages(); len(got) != 1 {
		t.Fatalf("the mail server received %d emails, want exactly 1", len(got))
	}
	if m := e.sb.Mail.Messages()[0]; !strings.Contains(strings.Join(m.To, ","), "tom") || !strings.Contains(m.Body, "pricing sheet") {
		t.Errorf("email to %v:\n%s", m.To, m.Body)
	}
	e.waitFor(`the DM to read "Sent 09:14 by @maya"`, func() bool {
		for _, m := range e.sim.DMs(maya) {
			if m.TS == friday.TS && strings.Contains(blocksText(m.Blocks), "Sent 09:14 by <@"+maya+">") {
				return true
			}
		}
		return false
	})
	if cs := e.commitments("acme", "pricing sheet"); len(cs) != 1 || cs[0].Status != journey.CommitmentDone {
		t.Errorf("the promise should be kept: %+v", cs)
	}
	var events int
	_ = e.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM timeline_events WHERE external_id = $1 AND summary LIKE 'Follow-up sent to Tom%'`,
		"sent:"+overdue.ID).Scan(&events)
	if events != 1 {
		t.Errorf("%d timeline events for the send, want 1", events)
	}

	// Monday 08:00 in Dana's zone: the digest shows it done.
	e.tick(r2, c, time.Date(2026, 11, 27, 9, 15, 0, 0, ny), time.Date(2026, 11, 30, 8, 0, 0, 0, ny), nil)
	var digest string
	for _, m := range e.sim.Messages("C0MANAGERS") {
		if text := blocksText(m.Blocks); m.ThreadTS == "" && strings.Contains(text, "Team digest — Mon Nov 30") {
			digest = text
		}
	}
	if !strings.Contains(digest, "Done since Fri") || !strings.Contains(digest, "Follow-up sent to Tom") || !strings.Contains(digest, "Acme") {
		t.Errorf("Monday's digest should show the follow-up done:\n%s", digest)
	}
	if strings.Contains(digest, "pricing sheet (due") {
		t.Errorf("Monday's digest still lists the kept promise as overdue:\n%s", digest)
	}
}

func mustSender(t *testing.T, m *mailsim.Server) *mail.Sender {
	t.Helper()
	cfg, err := mail.ParseURL(m.URL())
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) actionByKey(key string) (journey.Action, error) {
	var id string
	if err := e.s.Pool().QueryRow(context.Background(), `SELECT id::text FROM actions WHERE workspace_id = $1 AND idempotency_key = $2`,
		e.ws.ID, key).Scan(&id); err != nil {
		return journey.Action{}, fmt.Errorf("action %s: %w", key, err)
	}
	return e.s.Action(context.Background(), e.ws.ID, id)
}
