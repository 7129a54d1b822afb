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
	"github.com/journeyhq/journey/internal/testclock"
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
	clock := time.Now
	if v := os.Getenv(workerNowEnv); v != "" {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			return 1
		}
		clock = func() time.Time { return at }
	}
	r, err := jobs.New(s, llm.NewOffline(), jobs.Config{NoSchedule: true, Mailer: sender, Log: log, Now: clock})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	app, err := slackapp.New(slackapp.Config{BotToken: os.Getenv("SLACK_BOT_TOKEN"), AppToken: os.Getenv("SLACK_APP_TOKEN"),
		APIURL: os.Getenv("SLACK_API_URL"), Outbox: r, Log: log, Now: clock}, s)
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

// workerNowEnv gives the worker process the test's clock (RFC 3339).
const workerNowEnv = "JOURNEY_E2E_NOW"

// weekIn returns the days of the test's week in loc: day(0, 10, 0) is
// Monday 10:00 there, day(4, 8, 30) Friday 08:30, day(7, 8, 0) the next
// Monday 08:00. The week is the one that holds the test date (testclock).
func weekIn(loc *time.Location) func(n, hh, mm int) time.Time {
	mon := testclock.Monday(loc, 0, 0)
	return func(n, hh, mm int) time.Time {
		return time.Date(mon.Year(), mon.Month(), mon.Day()+n, hh, mm, 0, 0, loc)
	}
}

// dayLabel is how the morning DM and the digest head a day: "Wed Nov 25".
func dayLabel(t time.Time) string { return t.Format("Mon Jan 2") }

// tick runs the schedule at every quarter hour from from to to, waiting for
// what each tick queues to be sent.
func (e *env) tick(r *jobs.Runner, c *testclock.Clock, from, to time.Time, after func(at time.Time)) {
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
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	day := weekIn(ny)
	c := testclock.New(day(0, 10, 0)) // Monday 10:00 in New York
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
	e.tick(e.sb.Jobs, c, day(1, 0, 0), day(4, 8, 30), func(at time.Time) {
		for _, m := range e.sim.DMs(maya) {
			text := blocksText(m.Blocks)
			if i := strings.Index(text, "Your day — "); m.BotID != "" && i >= 0 {
				mornings[strings.SplitN(text[i+len("Your day — "):], "\n", 2)[0]] = text
			}
		}
	})
	wed, thu := dayLabel(day(2, 0, 0)), dayLabel(day(3, 0, 0))
	if !strings.Contains(mornings[wed], "pricing sheet (due "+day(3, 0, 0).Format("Jan 2")) {
		t.Errorf("Wednesday's DM should bring the promise due Thursday:\n%s", mornings[wed])
	}
	if strings.Contains(mornings[thu], "pricing sheet") {
		t.Errorf("Thursday's DM repeats an unchanged nudge:\n%s", mornings[thu])
	}
	friday, ok := e.dmWith(maya, "Your day — "+dayLabel(day(4, 0, 0)))
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
	c.Set(day(4, 9, 14))
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
		"SLACK_API_URL="+e.sim.APIURL(), "SLACK_BOT_TOKEN="+cfg.BotToken, "SLACK_APP_TOKEN="+cfg.AppToken,
		workerNowEnv+"="+c.Now().Format(time.RFC3339))
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
	r2.SetNotifier(e.sb.Slack)
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
	if due, err := e.actionByKey(promise.AccountID + ":commitment_due:" + promise.ID); err != nil || due.State != journey.ActionDone {
		t.Errorf("Wednesday's nudge about the kept promise should be done: %+v %v", due.State, err)
	}
	var events int
	_ = e.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM timeline_events WHERE external_id = $1 AND summary LIKE 'Follow-up sent to Tom%'`,
		"sent:"+overdue.ID).Scan(&events)
	if events != 1 {
		t.Errorf("%d timeline events for the send, want 1", events)
	}

	// Monday 08:00 in Dana's zone: the digest shows it done.
	e.tick(r2, c, day(4, 9, 15), day(7, 8, 0), nil)
	var digest string
	for _, m := range e.sim.Messages("C0MANAGERS") {
		if text := blocksText(m.Blocks); m.ThreadTS == "" && strings.Contains(text, "Team digest — "+dayLabel(day(7, 0, 0))) {
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

// TestSendBadInput: a contact or a rep without an email address, a mail
// server that refuses or fails for a while, a digest channel the bot is not
// in, a person who left — each told to the right person, the action kept,
// nothing sent twice.
func TestSendBadInput(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := context.Background()
	v, ids := e.home(maya)
	target := slacksim.Target{ViewID: v.ID}
	// an action with a draft, and who it would go to
	var action journey.Action
	var to journey.Contact
	for _, id := range ids {
		a, err := e.s.Action(c, e.ws.ID, id)
		if err != nil || a.DraftBody == "" {
			continue
		}
		data, err := e.s.LoadAccount(c, e.ws.ID, a.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if ct, err := journey.Recipient(a, data); err == nil {
			action, to = a, ct
			break
		}
	}
	if action.ID == "" {
		t.Fatal("no action in Maya's day has a draft with a recipient")
	}
	told := func(want string) {
		t.Helper()
		e.waitFor("Maya to be told "+want, func() bool { _, ok := e.dmWith(maya, want); return ok })
	}
	state := func() journey.ActionState {
		a, _ := e.s.Action(c, e.ws.ID, action.ID)
		return a.State
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := e.s.Pool().Exec(c, sql, args...); err != nil {
			t.Fatal(err)
		}
	}

	// an admin cannot send a rep's email for them
	blocks := fmt.Sprintf(`[{"type":"actions","block_id":"b","elements":[{"type":"button","action_id":"action_send","value":%q,"text":{"type":"plain_text","text":"Send"}}]}]`, action.ID)
	_, ts, err := e.sb.Slack.API().PostMessage("C0GENERAL", slackRaw(blocks))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Click(ctx(t), alex, slacksim.Target{ChannelID: "C0GENERAL", MessageTS: ts}, "action_send", action.ID); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Alex to be told it is not his to send", func() bool {
		_, ok := e.ephemeralWith(alex, "an email goes out only when its owner sends it")
		return ok
	})
	if state() != journey.ActionProposed {
		t.Errorf("an admin's Send changed the action to %s", state())
	}

	// the contact has no email address
	exec(`UPDATE contacts SET email = '' WHERE id = $1`, to.ID)
	if _, err := e.sim.Click(ctx(t), maya, target, "action_send", action.ID); err != nil {
		t.Fatal(err)
	}
	told(escapeWant(to.Name) + " at ")
	if _, ok := e.dmWith(maya, "has no email address in Journey"); !ok || state() != journey.ActionProposed {
		t.Errorf("a contact without an address: state %s", state())
	}
	exec(`UPDATE contacts SET email = $2 WHERE id = $1`, to.ID, to.Email)

	// the rep has no email address
	exec(`UPDATE people SET email = '' WHERE workspace_id = $1 AND slack_user_id = $2`, e.ws.ID, maya)
	if _, err := e.sim.Click(ctx(t), maya, target, "action_send", action.ID); err != nil {
		t.Fatal(err)
	}
	told("You have no email address in Journey")
	if state() != journey.ActionProposed {
		t.Errorf("a rep without an address: state %s", state())
	}
	exec(`UPDATE people SET email = 'maya.patel@sample.example' WHERE workspace_id = $1 AND slack_user_id = $2`, e.ws.ID, maya)

	// the mail server refuses: the action fails, Maya is told why, and
	// can try again once it is fixed
	e.sb.Mail.SetFault(mailsim.Fault{Code: 550, Text: "5.1.1 mailbox unavailable"})
	if _, err := e.sim.Click(ctx(t), maya, target, "action_send", action.ID); err != nil {
		t.Fatal(err)
	}
	told("was not sent")
	if m, _ := e.dmWith(maya, "was not sent"); !strings.Contains(blocksText(m.Blocks), "550") || !strings.Contains(blocksText(m.Blocks), "Try again") {
		t.Errorf("the refusal DM should say why and offer Try again:\n%s", blocksText(m.Blocks))
	}
	if state() != journey.ActionFailed || len(e.sb.Mail.Messages()) != 0 {
		t.Fatalf("refused: state %s, %d emails", state(), len(e.sb.Mail.Messages()))
	}
	// then it fails once more for a while (451), and the retry gets through
	e.sb.Mail.SetFault(mailsim.Fault{Code: 451, Text: "4.3.0 try again later", Times: 1})
	if _, err := e.sim.Click(ctx(t), maya, target, "action_send", action.ID); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(c, 60*time.Second)
	defer cancel()
	if err := e.sim.WaitFor(wait, func() bool { return state() == journey.ActionSent }); err != nil {
		t.Fatalf("after a temporary failure the retry should send it: state %s", state())
	}
	ms := e.sb.Mail.Messages()
	if len(ms) != 1 || ms[0].MessageID != journey.MessageID(action.ID, "sample.example") {
		t.Fatalf("%d emails, want exactly 1 with the action's Message-ID: %+v", len(ms), ms)
	}
	if ob, _ := e.s.OutboxEmail(c, e.ws.ID, action.ID); ob.Attempts != 3 {
		t.Errorf("outbox attempts %d, want 3 (refused, temporary failure, sent)", ob.Attempts)
	}

	// a digest channel the bot is not in: Dana is told how to fix it
	people, _ := e.s.People(c, e.ws.ID)
	var dana, mayaP journey.Person
	for _, p := range people {
		switch p.SlackUserID {
		case "U0MGR1":
			dana = p
		case maya:
			mayaP = p
		}
	}
	ts, err = e.sb.Slack.PostDigest(c, e.ws.ID, "C0RANDOM", dana, now.Format(time.DateOnly), now.Add(-24*time.Hour), now)
	if err != nil || ts != "" {
		t.Fatalf("digest in a channel the bot is not in: ts %q, err %v", ts, err)
	}
	e.waitFor("Dana to hear why her digest is missing", func() bool {
		_, ok := e.dmWith("U0MGR1", "/invite @Journey")
		return ok
	})

	// Maya leaves the workspace: her morning DM can't reach her, and Dana
	// hears of it once
	e.sim.DeactivateUser(maya)
	for i := 0; i < 2; i++ {
		if ts, err := e.sb.Slack.SendNudge(c, e.ws.ID, mayaP, now.AddDate(0, 0, 1).Format(time.DateOnly)); err != nil || ts != "" {
			t.Fatalf("nudge to a person who left: ts %q, err %v", ts, err)
		}
	}
	e.waitFor("Dana to hear that Maya left", func() bool {
		_, ok := e.dmWith("U0MGR1", "Maya Patel has left the Slack workspace")
		return ok
	})
	n := 0
	for _, m := range e.sim.DMs("U0MGR1") {
		if strings.Contains(m.Text, "has left the Slack workspace") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Dana was told %d times that Maya left, want once", n)
	}
}

// escapeWant is a name as Slack mrkdwn shows it.
func escapeWant(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestSnoozedActionComesBack: an action snoozed for a day comes back as a DM
// of its own when the snooze ends (at a working hour), once; the next
// morning's DM does not repeat it.
func TestSnoozedActionComesBack(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	day := weekIn(ny)
	c := testclock.New(day(0, 11, 0)) // Monday 11:00
	e := startAt(t, c.Now)
	v, ids := e.home(maya)
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ViewID: v.ID}, "action_snooze", ids[0]+"|1d"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the snooze", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, ids[0])
		return err == nil && a.State == journey.ActionSnoozed
	})
	a, _ := e.s.Action(context.Background(), e.ws.ID, ids[0])
	back := func() int {
		n := 0
		for _, m := range e.sim.DMs(maya) {
			if m.BotID != "" && strings.Contains(m.Text, "Back from your snooze") && strings.Contains(blocksText(m.Blocks), a.Title) {
				n++
			}
		}
		return n
	}
	// Monday 11:15 to Tuesday 10:45: still snoozed, nothing comes back
	e.tick(e.sb.Jobs, c, day(0, 11, 15), day(1, 10, 45), nil)
	if back() != 0 {
		t.Fatal("the action came back before its snooze ended")
	}
	if m, ok := e.dmWith(maya, "Your day — "+dayLabel(day(1, 0, 0))); ok && strings.Contains(blocksText(m.Blocks), a.Title) {
		t.Error("Tuesday's morning DM shows an action still snoozed")
	}
	// Tuesday 11:00 the snooze ends: one DM brings it back
	e.tick(e.sb.Jobs, c, day(1, 11, 0), day(2, 9, 0), nil)
	if n := back(); n != 1 {
		t.Fatalf("the snoozed action came back %d times, want once", n)
	}
	if a, _ := e.s.Action(context.Background(), e.ws.ID, ids[0]); a.State != journey.ActionProposed {
		t.Errorf("after its snooze the action is %s, want proposed", a.State)
	}
	if m, ok := e.dmWith(maya, "Your day — "+dayLabel(day(2, 0, 0))); ok && strings.Contains(blocksText(m.Blocks), a.Title) {
		t.Error("Wednesday's morning DM repeats the action that just came back, unchanged")
	}
}
