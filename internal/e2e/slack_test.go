// Package e2e drives Journey end to end: the real bot, over real Socket Mode
// and Web API sockets, against the local Slack simulator and a real Postgres.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/slacksim"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// now is the fixed clock of the sandbox in these tests: 14:00 UTC on the
// Monday of the week that holds the test date (testclock), so the stories
// below ("Thursday", "since Monday") read the same in any week.
var now = testclock.Monday(time.UTC, 14, 0)

const (
	maya   = "U0REP1"
	jordan = "U0REP2"
	alex   = "U0ADMIN1"
	guest  = "U0GUEST"
)

type env struct {
	t   *testing.T
	s   *store.Store
	sb  *app.Sandbox
	sim *slacksim.Server
	ws  journey.Workspace
}

// start runs the sandbox on the fixed clock; vars ("SMTP_URL=off") set its
// environment.
func start(t *testing.T, vars ...string) *env {
	t.Helper()
	return startAt(t, func() time.Time { return now }, vars...)
}

// startAt runs the sandbox on the clock clock; vars ("SMTP_URL=off") set
// its environment.
func startAt(t *testing.T, clock func() time.Time, vars ...string) *env {
	t.Helper()
	return boot(t, clock, func(k string) string {
		for _, v := range vars {
			if name, value, _ := strings.Cut(v, "="); name == k {
				return value
			}
		}
		return ""
	})
}

// boot starts the sandbox the way `bot sandbox` does (app.StartSandbox),
// on its own database, with settings read from getenv and the clock clock.
func boot(t *testing.T, clock func() time.Time, getenv func(string) string) *env {
	t.Helper()
	skipIfShort(t)
	s := pgtest.NewStore(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	cfg, err := app.FromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := app.StartSandbox(ctx, s, cfg, app.SandboxOptions{Options: app.Options{Now: clock, Log: log}, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	ws, err := s.Workspace(ctx, "T0SAMPLE")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, s: s, sb: sb, sim: sb.Sim, ws: ws}
}

// skipIfShort skips an end-to-end test in the quick loop (go test -short,
// make test-quick); CI never runs short.
func skipIfShort(t *testing.T) {
	t.Helper()
	if !testing.Short() {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("-short skips the end-to-end tests; CI must run them all")
	}
	t.Skip("end to end: skipped by -short (make test-quick); make test runs it")
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// waitFor waits until cond holds, failing with what.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.sim.WaitFor(c, cond); err != nil {
		e.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// quiet waits until nothing is in progress anywhere: the simulator serves
// no call and waits for no ack, the bot's Slack app runs no handler, and no
// job waits or runs. Whatever a test then finds is all that will happen.
func (e *env) quiet() {
	e.t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := e.sim.Quiet(c, func() bool {
		if !e.sb.Slack.Idle() {
			return false
		}
		idle, err := e.sb.Jobs.Idle(c)
		return err == nil && idle
	})
	if err != nil {
		e.t.Fatalf("waiting for the bot and the simulator to be idle: %v", err)
	}
}

// blocksText flattens a message's blocks to the texts in them.
func blocksText(raw json.RawMessage) string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if t, ok := x["text"].(string); ok {
				out = append(out, t)
			}
			for k, c := range x {
				if k != "text" || !isString(c) {
					walk(c)
				}
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	walk(v)
	return strings.Join(out, "\n")
}

func isString(v any) bool { _, ok := v.(string); return ok }

func ackText(a slacksim.Ack) string { return string(a.Payload) }

// lastEphemeral returns the newest ephemeral to user containing want.
func (e *env) ephemeralWith(user, want string) (slacksim.Message, bool) {
	ms := e.sim.Ephemerals(user)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].Text+"\n"+blocksText(ms[i].Blocks), want) {
			return ms[i], true
		}
	}
	return slacksim.Message{}, false
}

func TestSlashCommandShowsTheCard(t *testing.T) {
	t.Parallel()
	e := start(t)
	// the simulator fails a command not acked within Slack's 3 s
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0ACME", "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	var card slacksim.Message
	e.waitFor("the card", func() bool {
		var ok bool
		card, ok = e.ephemeralWith(maya, "Stage:")
		return ok
	})
	text := blocksText(card.Blocks)
	for _, want := range []string{"Acme Corp", "Proposal", "at risk", "Success criteria agreed", "Health", "Customer waits on us",
		"SOC 2", "Recent changes", "reason unknown", "Next steps", "Share in channel"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	if len(e.sim.Messages("C0ACME")) != 0 {
		t.Error("a /journey card must be visible only to the caller")
	}
}

func TestSlashCommandHelpAndBadInput(t *testing.T) {
	t.Parallel()
	e := start(t)
	cases := []struct{ text, want string }{
		{"", "/journey ACCOUNT"},
		{"help", "/journey mine"},
		{"setup", "Only Journey admins"},
		{strings.Repeat("x", 2000), "2000 characters"},
		{"<!channel> *bold*", "No account matches"},
		{"🚀 ünïcödé", "No account matches"},
		{"globx", "Did you mean"},
	}
	for _, c := range cases {
		before := len(e.sim.Ephemerals(maya))
		if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", c.text); err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		e.waitFor("an answer to "+c.text, func() bool { return len(e.sim.Ephemerals(maya)) > before })
		m := e.sim.Ephemerals(maya)[len(e.sim.Ephemerals(maya))-1]
		got := m.Text + "\n" + blocksText(m.Blocks)
		if !strings.Contains(got, c.want) {
			t.Errorf("/journey %.40q: want %q in\n%s", c.text, c.want, got)
		}
		if strings.Contains(got, "<!channel>") && !strings.Contains(got, "&lt;!channel&gt;") {
			t.Errorf("mention syntax was not escaped: %s", got)
		}
	}
}

func TestDidYouMeanAndMine(t *testing.T) {
	t.Parallel()
	e := start(t)
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "globx"); err != nil {
		t.Fatal(err)
	}
	var pick slacksim.Message
	e.waitFor("did you mean", func() bool {
		var ok bool
		pick, ok = e.ephemeralWith(maya, "Did you mean")
		return ok
	})
	var blocks []map[string]any
	_ = json.Unmarshal(pick.Blocks, &blocks)
	value, actionID := "", ""
	for _, b := range blocks {
		if els, ok := b["elements"].([]any); ok {
			for _, el := range els {
				m := el.(map[string]any)
				if m["text"].(map[string]any)["text"] == "Globex" {
					value, actionID = m["value"].(string), m["action_id"].(string)
				}
			}
		}
	}
	if value == "" {
		t.Fatalf("no Globex button in %s", pick.Blocks)
	}
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: "C0GENERAL", MessageTS: pick.TS, Ephemeral: true}, actionID, value); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Globex's card", func() bool { _, ok := e.ephemeralWith(maya, "loops back to Onboarding"); return ok })

	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "mine"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("my accounts", func() bool { _, ok := e.ephemeralWith(maya, "Your accounts by priority"); return ok })
	m, _ := e.ephemeralWith(maya, "Your accounts by priority")
	if !strings.Contains(blocksText(m.Blocks), "1. Acme Corp") && !strings.Contains(blocksText(m.Blocks), "Acme Corp") {
		t.Errorf("Maya's accounts should include Acme Corp:\n%s", blocksText(m.Blocks))
	}
}

func TestMentionInThreadAndLinkedChannel(t *testing.T) {
	t.Parallel()
	e := start(t)
	parent, err := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "How is Globex doing?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Mention(ctx(t), maya, "C0GENERAL", parent, "globex"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the card in the thread", func() bool {
		for _, m := range e.sim.Thread("C0GENERAL", parent) {
			if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "Globex") {
				return true
			}
		}
		return false
	})
	for _, m := range e.sim.Thread("C0GENERAL", parent) {
		if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "As promised") {
			t.Error("a card in a thread must not show anyone's drafts")
		}
	}
	// in the channel linked to Acme, a bare mention means Acme (shared with
	// Acme: the card goes to Maya alone)
	if _, err := e.sim.Mention(ctx(t), maya, "C0ACME", "", ""); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Acme's card in the linked channel", func() bool { _, ok := e.ephemeralWith(maya, "Acme Corp"); return ok })
}

// homeActionID returns the first action id offered on user's Home tab.
func (e *env) home(user string) (slacksim.View, []string) {
	e.t.Helper()
	if err := e.sim.OpenHome(ctx(e.t), user); err != nil {
		e.t.Fatal(err)
	}
	var v slacksim.View
	e.waitFor("the Home tab", func() bool {
		var ok bool
		v, ok = e.sim.HomeView(user)
		return ok && strings.Contains(string(v.JSON), "My day")
	})
	var ids []string
	for _, el := range elements(v.JSON) {
		if el.ActionID == "action_done" {
			ids = append(ids, el.Value)
		}
	}
	return v, ids
}

type element struct {
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
}

// elements lists the interactive elements of a view or message blocks.
func elements(raw json.RawMessage) []element {
	var view struct {
		Blocks []struct {
			Elements []element `json:"elements"`
		} `json:"blocks"`
	}
	if json.Unmarshal(raw, &view) != nil || view.Blocks == nil {
		var blocks []struct {
			Elements []element `json:"elements"`
		}
		_ = json.Unmarshal(raw, &blocks)
		view.Blocks = blocks
	}
	var out []element
	for _, b := range view.Blocks {
		out = append(out, b.Elements...)
	}
	return out
}

func TestAppHomeAndActionButtons(t *testing.T) {
	t.Parallel()
	e := start(t, "SMTP_URL=off")
	v, ids := e.home(maya)
	if len(ids) < 3 || len(ids) > 5 {
		t.Fatalf("My day should offer 3–5 actions, has %d:\n%s", len(ids), v.JSON)
	}
	if !strings.Contains(string(v.JSON), "My accounts") || !strings.Contains(string(v.JSON), "Why it matters") {
		t.Errorf("home lacks accounts or reasons")
	}
	target := slacksim.Target{ViewID: v.ID}

	// Snooze 3 days: stored with actor and time, Home updated in place.
	if _, err := e.sim.Click(ctx(t), maya, target, "action_snooze", ids[0]+"|3d"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the snooze to be stored", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, ids[0])
		return err == nil && a.State == journey.ActionSnoozed
	})
	a, _ := e.s.Action(context.Background(), e.ws.ID, ids[0])
	if want := now.Add(72 * time.Hour); !a.SnoozedUntil.Equal(want) {
		t.Errorf("snoozed until %v, want %v", a.SnoozedUntil, want)
	}
	tr, _ := e.s.ActionTransitions(context.Background(), e.ws.ID, ids[0])
	if len(tr) != 1 || tr[0].Verb != journey.VerbSnooze || tr[0].ActorID == "" {
		t.Errorf("transition not recorded with its actor: %+v", tr)
	}
	e.waitFor("Home to drop the snoozed action", func() bool {
		hv, _ := e.sim.HomeView(maya)
		return !strings.Contains(string(hv.JSON), `"value":"`+ids[0]+`"`)
	})

	// A double click on Done acts once.
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = e.sim.Click(ctx(t), maya, target, "action_done", ids[1])
		}()
	}
	wg.Wait()
	e.waitFor("done", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, ids[1])
		return err == nil && a.State == journey.ActionDone
	})
	e.quiet()
	tr, _ = e.s.ActionTransitions(context.Background(), e.ws.ID, ids[1])
	if len(tr) != 1 {
		t.Errorf("a double click must act once, recorded %d transitions", len(tr))
	}

	// Someone else's click is refused politely and changes nothing: an
	// action message that several people can see (as in a team channel).
	blocks := fmt.Sprintf(`[{"type":"section","text":{"type":"mrkdwn","text":"An action"}},{"type":"actions","block_id":"b","elements":[{"type":"button","action_id":"action_dismiss","value":%q,"text":{"type":"plain_text","text":"Dismiss"}}]}]`, ids[2])
	_, ts, err := e.sb.Slack.API().PostMessage("C0GENERAL", slackRaw(blocks))
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.sim.DMs(jordan)) + len(e.sim.Ephemerals(jordan))
	if _, err := e.sim.Click(ctx(t), jordan, slacksim.Target{ChannelID: "C0GENERAL", MessageTS: ts}, "action_dismiss", ids[2]); err != nil {
		t.Fatal(err)
	}
	e.waitFor("a refusal to Jordan", func() bool { return len(e.sim.DMs(jordan))+len(e.sim.Ephemerals(jordan)) > before })
	a, _ = e.s.Action(context.Background(), e.ws.ID, ids[2])
	if a.State != journey.ActionProposed {
		t.Errorf("a stranger's click changed the action to %s", a.State)
	}

	// Send is recorded and says what is missing.
	if _, err := e.sim.Click(ctx(t), maya, target, "action_send", ids[2]); err != nil {
		t.Fatal(err)
	}
	e.waitFor("send recorded", func() bool {
		hv, _ := e.sim.HomeView(maya)
		return strings.Contains(string(hv.JSON), "SMTP")
	})
	a, _ = e.s.Action(context.Background(), e.ws.ID, ids[2])
	if a.State != journey.ActionApproved {
		t.Errorf("send should record an approval, state %s", a.State)
	}

	// With no email server: Copy draft shows it, Mark sent records it.
	if _, err := e.sim.Click(ctx(t), maya, target, "action_copy", ids[2]); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the draft to copy", func() bool {
		for _, v := range e.sim.Views(maya) {
			if v.CallbackID == "copy_draft" && strings.Contains(string(v.JSON), a.DraftSubject) {
				return true
			}
		}
		return false
	})
	if _, err := e.sim.Click(ctx(t), maya, target, "action_mark_sent", ids[2]); err != nil {
		t.Fatal(err)
	}
	e.waitFor("sent, and on the timeline", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, ids[2])
		var n int
		_ = e.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM timeline_events WHERE external_id = $1`, "sent:"+ids[2]).Scan(&n)
		return err == nil && a.State == journey.ActionSent && n == 1
	})
	if cid := a.CommitmentID(); cid != "" {
		var status string
		_ = e.s.Pool().QueryRow(context.Background(), `SELECT status FROM commitments WHERE id = $1`, cid).Scan(&status)
		if status != journey.CommitmentDone {
			t.Errorf("sending the promised thing should close the promise, status %s", status)
		}
	}
}

func TestEditDraftModal(t *testing.T) {
	t.Parallel()
	e := start(t)
	v, _ := e.home(maya)
	editable := ""
	for _, el := range elements(v.JSON) {
		if el.ActionID == "action_edit" {
			editable = el.Value
			break
		}
	}
	if editable == "" {
		t.Fatalf("no action with a draft on Maya's Home:\n%s", v.JSON)
	}
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ViewID: v.ID}, "action_edit", editable); err != nil {
		t.Fatal(err)
	}
	var modal slacksim.View
	e.waitFor("the edit modal", func() bool {
		for _, m := range e.sim.Views(maya) {
			if m.CallbackID == "edit_draft" && !m.Closed {
				modal = m
				return true
			}
		}
		return false
	})
	ack, err := e.sim.SubmitView(ctx(t), maya, modal.ID, map[string]map[string]string{"draft_subject": {"subject": "New subject"}, "draft_body": {"body": "   "}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ackText(ack), "cannot be empty") {
		t.Errorf("an empty body should be refused in the modal: %s", ack.Payload)
	}
	if _, err := e.sim.SubmitView(ctx(t), maya, modal.ID, map[string]map[string]string{"draft_subject": {"subject": "New subject"}, "draft_body": {"body": "Hi Tom, here it is."}}); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the draft saved", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, editable)
		return err == nil && a.DraftBody == "Hi Tom, here it is." && a.DraftSubject == "New subject"
	})
	e.waitFor("Home updated with the new draft", func() bool {
		hv, _ := e.sim.HomeView(maya)
		return strings.Contains(string(hv.JSON), "Hi Tom, here it is.")
	})
}

func TestShareInChannel(t *testing.T) {
	t.Parallel()
	e := start(t)
	for _, ch := range []string{"C0GENERAL", "C0RANDOM"} {
		if _, err := e.sim.SlashCommand(ctx(t), maya, ch, "/journey", "acme"); err != nil {
			t.Fatal(err)
		}
	}
	var cards []slacksim.Message
	e.waitFor("two cards", func() bool {
		cards = nil
		for _, m := range e.sim.Ephemerals(maya) {
			if strings.Contains(blocksText(m.Blocks), "Share in channel") {
				cards = append(cards, m)
			}
		}
		return len(cards) == 2
	})
	accountID := ""
	var blocks []map[string]any
	_ = json.Unmarshal(cards[0].Blocks, &blocks)
	for _, b := range blocks {
		if els, ok := b["elements"].([]any); ok {
			for _, el := range els {
				if m := el.(map[string]any); m["action_id"] == "journey_share" {
					accountID = m["value"].(string)
				}
			}
		}
	}
	for _, c := range cards {
		if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: c.Channel, MessageTS: c.TS, Ephemeral: true}, "journey_share", accountID); err != nil {
			t.Fatal(err)
		}
	}
	e.waitFor("the shared card", func() bool {
		for _, m := range e.sim.Messages("C0GENERAL") {
			if strings.Contains(blocksText(m.Blocks), "Acme Corp") {
				return true
			}
		}
		return false
	})
	e.waitFor("an invitation hint for #random", func() bool { _, ok := e.ephemeralWith(maya, "/invite @Journey"); return ok })
	if len(e.sim.Messages("C0RANDOM")) != 0 {
		t.Error("nothing should be posted where the bot is not a member")
	}
}

func TestDMAndGuest(t *testing.T) {
	t.Parallel()
	e := start(t)
	ch, _, err := e.sim.SendDM(ctx(t), maya, "initech")
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("a card in the DM", func() bool {
		for _, m := range e.sim.DMs(maya) {
			if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "closedlost → closedwon") {
				return true
			}
		}
		return false
	})
	_ = ch
	if _, _, err := e.sim.SendDM(ctx(t), guest, "hello"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("help for a guest", func() bool {
		for _, m := range e.sim.DMs(guest) {
			if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "/journey ACCOUNT") {
				return true
			}
		}
		return false
	})
	if err := e.sim.OpenHome(ctx(t), guest); err != nil {
		t.Fatal(err)
	}
	e.waitFor("a guest's Home", func() bool {
		v, ok := e.sim.HomeView(guest)
		return ok && strings.Contains(string(v.JSON), "does not know you")
	})
}

func TestEventsAreProcessedOnce(t *testing.T) {
	t.Parallel()
	e := start(t)
	// A mention whose ack the simulator never sees is redelivered in a new
	// envelope with retry_attempt; the bot answers once.
	parent, err := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "Where is Hooli?")
	if err != nil {
		t.Fatal(err)
	}
	e.sim.DropAcks(1)
	if _, err := e.sim.Mention(ctx(t), maya, "C0GENERAL", parent, "hooli"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("a redelivery", func() bool {
		for _, d := range e.sim.Deliveries() {
			if d.RetryAttempt > 0 {
				return true
			}
		}
		return false
	})
	e.waitFor("the card", func() bool { return len(botReplies(e.sim.Thread("C0GENERAL", parent))) > 0 })
	e.quiet()
	if n := len(botReplies(e.sim.Thread("C0GENERAL", parent))); n != 1 {
		t.Errorf("the bot answered %d times to one mention delivered twice", n)
	}
	if e.sb.Slack.Stats().Duplicates == 0 {
		t.Error("the duplicate delivery was not counted as one")
	}
	// The same event sent twice (Slack may do this) is handled once.
	parent2, _ := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "And Initech?")
	if _, err := e.sim.Mention(ctx(t), maya, "C0GENERAL", parent2, "initech"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the Initech card", func() bool { return len(botReplies(e.sim.Thread("C0GENERAL", parent2))) > 0 })
	if err := e.sim.ResendLastEvent(ctx(t)); err != nil {
		t.Fatal(err)
	}
	e.quiet()
	if n := len(botReplies(e.sim.Thread("C0GENERAL", parent2))); n != 1 {
		t.Errorf("the bot answered %d times to one event delivered twice", n)
	}
}

// slackRaw sends raw Block Kit JSON with a message.
func slackRaw(blocks string) slack.MsgOption {
	var bs slack.Blocks
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		panic(err)
	}
	return slack.MsgOptionBlocks(bs.BlockSet...)
}

func botReplies(ms []slacksim.Message) []slacksim.Message {
	var out []slacksim.Message
	for _, m := range ms {
		if m.BotID != "" {
			out = append(out, m)
		}
	}
	return out
}

// TestHugeAccountCardFits: 200 events and 40 contacts never get rejected by Slack.
func TestHugeAccountCardFits(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := context.Background()
	refs, _ := e.s.AccountRefs(c, e.ws.ID)
	acme := journey.Match(refs, "acme")[0]
	err := e.s.InTx(c, func(tx *store.Tx) error {
		for i := 0; i < 40; i++ {
			if _, err := tx.SaveContact(c, e.ws.ID, "test", journey.Contact{AccountID: acme.ID, Name: fmt.Sprintf("Person %d with a long name", i),
				Persona: []string{"exec", "revops", "cs_lead", "it", "end_user"}[i%5], BuyingRole: journey.BuyerInfluencer, ExternalID: fmt.Sprint("big-c-", i)}); err != nil {
				return err
			}
		}
		for i := 0; i < 200; i++ {
			if _, _, err := tx.AddEvent(c, e.ws.ID, journey.Event{AccountID: acme.ID, Kind: "message", Source: "test", ExternalID: fmt.Sprint("big-e-", i),
				At: now.Add(-time.Duration(i) * time.Hour), Direction: journey.SideCustomer, Summary: strings.Repeat("A long message about the rollout plan. ", 40)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0ACME", "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the big card", func() bool { _, ok := e.ephemeralWith(maya, "events in all"); return ok })
	m, _ := e.ephemeralWith(maya, "events in all")
	if !strings.Contains(blocksText(m.Blocks), "more") {
		t.Error("the big card should be summarized with a way to see more")
	}
	var blocks []any
	_ = json.Unmarshal(m.Blocks, &blocks)
	if len(blocks) > 50 {
		t.Errorf("%d blocks", len(blocks))
	}
}

// TestRefreshDropsNothing: Slack refreshes Socket Mode connections; the bot
// reconnects and keeps answering.
func TestRefreshDropsNothing(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.sim.Disconnect("refresh_requested")
	// the refreshed connections close shortly after; two new ones replace them
	e.waitFor("the bot to reconnect", func() bool { return e.sim.LiveConnections() == 2 && e.sim.Connections() == 2 })
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0ACME", "/journey", "hooli"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("an answer after the refresh", func() bool { _, ok := e.ephemeralWith(maya, "Hooli"); return ok })
}

// openCommitments returns the account's open commitments whose text has what.
func (e *env) commitments(account, what string) []journey.Commitment {
	e.t.Helper()
	c := context.Background()
	refs, _ := e.s.AccountRefs(c, e.ws.ID)
	m := journey.Match(refs, account)
	if len(m) != 1 {
		e.t.Fatalf("account %q: %v", account, m)
	}
	data, err := e.s.LoadAccount(c, e.ws.ID, m[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []journey.Commitment
	for _, cm := range data.Commitments {
		if strings.Contains(strings.ToLower(cm.What), what) {
			out = append(out, cm)
		}
	}
	return out
}

// TestPromiseInLinkedChannel: a promise in the deal channel shows on the card
// with a link to the message, and a later message that delivers it closes it.
func TestPromiseInLinkedChannel(t *testing.T) {
	t.Parallel()
	e := start(t)
	ts, err := e.sim.Post(ctx(t), maya, "C0ACME", "", "Thanks Tom! I'll send the pricing sheet Thursday.")
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise to be found", func() bool {
		cs := e.commitments("acme", "pricing sheet")
		return len(cs) == 1 && cs[0].Status == journey.CommitmentOpen
	})
	cm := e.commitments("acme", "pricing sheet")[0]
	// Monday → Thursday, end of day
	if want := now.AddDate(0, 0, 3).Format(time.DateOnly); cm.DueAt.Format(time.DateOnly) != want || cm.OwnerName != "Maya Patel" {
		t.Errorf("commitment = %+v", cm)
	}
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0ACME", "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	link := "https://sample.slack.com/archives/C0ACME/p" + strings.ReplaceAll(ts, ".", "")
	e.waitFor("the promise on the card with its link", func() bool {
		m, ok := e.ephemeralWith(maya, "Open promises")
		return ok && strings.Contains(string(m.Blocks), link) && strings.Contains(blocksText(m.Blocks), "pricing sheet")
	})
	// The customer asks for it, then Maya delivers.
	if _, err := e.sim.Post(ctx(t), "U0ACMETOM", "C0ACME", "", "Great, we need it before our budget meeting."); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Post(ctx(t), maya, "C0ACME", "", "Here's the pricing sheet, as promised: https://example.com/pricing.pdf"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise to be closed", func() bool {
		cs := e.commitments("acme", "pricing sheet")
		return len(cs) == 1 && cs[0].Status == journey.CommitmentDone
	})
}

// TestEditsAndDeletesAreHonoured: a promise edited away, or deleted, is withdrawn.
func TestEditsAndDeletesAreHonoured(t *testing.T) {
	t.Parallel()
	e := start(t)
	ts, err := e.sim.Post(ctx(t), maya, "C0ACME", "", "I'll send the revised SLA appendix tomorrow.")
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise", func() bool { return len(e.commitments("acme", "sla appendix")) == 1 })
	if err := e.sim.EditMessage(ctx(t), maya, "C0ACME", ts, "SLA appendix questions go to legal."); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise withdrawn after the edit", func() bool {
		cs := e.commitments("acme", "sla appendix")
		return len(cs) == 1 && cs[0].Status == journey.CommitmentCancelled
	})
	ts2, err := e.sim.Post(ctx(t), maya, "C0ACME", "", "I'll share the rollout plan by Friday.")
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("the second promise", func() bool { return len(e.commitments("acme", "rollout plan")) == 1 })
	if err := e.sim.DeleteMessage(ctx(t), maya, "C0ACME", ts2); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise withdrawn after the delete", func() bool {
		cs := e.commitments("acme", "rollout plan")
		return len(cs) == 1 && cs[0].Status == journey.CommitmentCancelled
	})
}

func TestLinkAndLog(t *testing.T) {
	t.Parallel()
	e := start(t)
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "link globex"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the link confirmed", func() bool { _, ok := e.ephemeralWith(maya, "Linked this channel to"); return ok })
	if id, _ := e.s.LinkedAccount(context.Background(), e.ws.ID, "C0GENERAL"); id == "" {
		t.Fatal("the channel was not linked")
	}
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0RANDOM", "/journey", "link hooli"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("an invite hint", func() bool { _, ok := e.ephemeralWith(maya, "invite me"); return ok })
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "log initech Call with Peter: I'll send the updated quote by end of week"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the log confirmed", func() bool { _, ok := e.ephemeralWith(maya, "Logged on *Initech*"); return ok })
	e.waitFor("the logged promise", func() bool { return len(e.commitments("initech", "quote")) == 1 })
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "log"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("usage for an empty log", func() bool { _, ok := e.ephemeralWith(maya, "Say which account and what happened"); return ok })
}

func TestLogByDM(t *testing.T) {
	t.Parallel()
	e := start(t)
	if _, _, err := e.sim.SendDM(ctx(t), maya, "log hooli Spoke with their CFO. I'll send the renewal quote by Friday."); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the DM confirmation", func() bool {
		for _, m := range e.sim.DMs(maya) {
			if m.BotID != "" && strings.Contains(m.Text, "Logged on *Hooli*") {
				return true
			}
		}
		return false
	})
	e.waitFor("the logged promise", func() bool { return len(e.commitments("hooli", "renewal quote")) == 1 })
}

// TestWeekOfNudgesAndDigestsTwoProcesses runs a week of schedules in
// seconds with two more bot processes (job runners and Slack apps) beside
// the sandbox's own, all on one database: every rep gets one morning DM per
// workday, the managers' channel one digest per workday, never twice.
func TestWeekOfNudgesAndDigestsTwoProcesses(t *testing.T) {
	t.Parallel()
	e := start(t)
	// the sandbox's own runner keeps the sandbox's fixed clock: stop it,
	// so the week runs on the two processes below
	stop, cancelStop := context.WithTimeout(context.Background(), 5*time.Second)
	_ = e.sb.Jobs.Stop(stop)
	cancelStop()
	var mu sync.Mutex
	monday := testclock.Monday(time.UTC, 0, 0)
	clock := monday
	nowFn := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	cfg := e.sim.Config()
	var runners []*jobs.Runner
	for i := 0; i < 2; i++ {
		app, err := slackapp.New(slackapp.Config{BotToken: cfg.BotToken, AppToken: cfg.AppToken, APIURL: e.sim.APIURL(), Now: nowFn,
			Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}, e.s)
		if err != nil {
			t.Fatal(err)
		}
		r, err := jobs.New(e.s, llm.NewOffline(), jobs.Config{Now: nowFn, NoSchedule: true,
			Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
		if err != nil {
			t.Fatal(err)
		}
		r.SetNotifier(app)
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = r.Stop(c)
		})
		runners = append(runners, r)
	}
	idle := func() bool {
		var n int
		_ = e.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind IN ('nudge', 'digest') AND state IN ('available', 'running', 'retryable', 'scheduled')`).Scan(&n)
		return n == 0
	}
	for step := 0; step < 7*24*4; step++ {
		mu.Lock()
		clock = monday.Add(time.Duration(step) * 15 * time.Minute)
		at := clock
		mu.Unlock()
		var wg sync.WaitGroup
		queued := make([]int, len(runners))
		for i, r := range runners {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := r.ScheduleDue(context.Background(), at)
				if err != nil {
					t.Error(err)
				}
				queued[i] = n
			}()
		}
		wg.Wait()
		if queued[0]+queued[1] > 0 {
			e.waitFor("the sends of "+at.Format(time.RFC3339), idle)
		}
	}
	// every DM and digest once per local workday
	for _, u := range []string{maya, jordan, "U0REP3", "U0CSM1", "U0CSM2"} {
		days := map[string]int{}
		for _, m := range e.sim.DMs(u) {
			text := blocksText(m.Blocks)
			if i := strings.Index(text, "Your day — "); m.BotID != "" && i >= 0 {
				day := strings.SplitN(text[i+len("Your day — "):], "\n", 2)[0]
				if strings.HasPrefix(day, "Sat") || strings.HasPrefix(day, "Sun") {
					t.Errorf("%s got a morning DM on %s", u, day)
				}
				days[day]++
			}
		}
		if len(days) > 5 {
			t.Errorf("%s got morning DMs on %d days; there are 5 workdays", u, len(days))
		}
		for d, n := range days {
			if n != 1 {
				t.Errorf("%s got %d morning DMs on %s", u, n, d)
			}
		}
	}
	if n, _ := e.s.DeliveryCount(context.Background(), e.ws.ID, "nudge"); n == 0 {
		t.Error("no morning DM was sent at all")
	}
	digests := map[string]int{}
	for _, m := range e.sim.Messages("C0MANAGERS") {
		text := blocksText(m.Blocks)
		if i := strings.Index(text, "Team digest — "); m.BotID != "" && m.ThreadTS == "" && i >= 0 {
			digests[strings.SplitN(text[i+len("Team digest — "):], "\n", 2)[0]]++
		}
	}
	if len(digests) != 5 {
		t.Errorf("digests on %d days in #sales-managers over a week, want 5 (one per workday): %v", len(digests), digests)
	}
	for d, n := range digests {
		if n != 1 {
			t.Errorf("%d digests on %s", n, d)
		}
	}
}

// TestDigestNudgeRep: the sandbox posts Dana's digest on its morning tick;
// her "Nudge" button sends the rep their actions at once.
func TestDigestNudgeRep(t *testing.T) {
	t.Parallel()
	e := start(t)
	var digest slacksim.Message
	e.waitFor("the morning digest in #sales-managers", func() bool {
		for _, m := range e.sim.Messages("C0MANAGERS") {
			if m.BotID != "" && m.ThreadTS == "" && strings.Contains(blocksText(m.Blocks), "Team digest") {
				digest = m
				return true
			}
		}
		return false
	})
	var actionID, repID string
	for _, el := range elements(digest.Blocks) {
		if strings.HasPrefix(el.ActionID, "digest_nudge:") {
			actionID, repID = el.ActionID, el.Value
			break
		}
	}
	if actionID == "" {
		t.Fatalf("no Nudge button in the digest:\n%s", blocksText(digest.Blocks))
	}
	people, _ := e.s.People(context.Background(), e.ws.ID)
	var rep journey.Person
	for _, p := range people {
		if p.ID == repID {
			rep = p
		}
	}
	if _, err := e.sim.Click(ctx(t), "U0MGR1", slacksim.Target{ChannelID: "C0MANAGERS", MessageTS: digest.TS}, actionID, repID); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the rep's DM from the nudge", func() bool {
		for _, m := range e.sim.DMs(rep.SlackUserID) {
			if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "asked you to look at these") {
				return true
			}
		}
		return false
	})
}
