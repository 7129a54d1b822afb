package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/slacksim"
)

// threadMessage returns the message ts of the thread under parent in channel.
func (e *env) threadMessage(channel, parent, ts string) (slacksim.Message, bool) {
	for _, m := range e.sim.Thread(channel, parent) {
		if m.TS == ts {
			return m, true
		}
	}
	return slacksim.Message{}, false
}

// importDoc imports a document as `bot import` does.
func (e *env) importDoc(doc string) {
	e.t.Helper()
	in, err := importer.Read("crafted.json", []byte(doc), "")
	if err != nil {
		e.t.Fatal(err)
	}
	cfg, err := app.FromEnv(func(string) string { return "" })
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := app.Import(context.Background(), cfg, e.s, []*importer.Input{in}, app.ImportOptions{Team: "T0SAMPLE"},
		app.Options{Now: func() time.Time { return now }}); err != nil {
		e.t.Fatal(err)
	}
}

// TestClickOnAThreadReplyKeepsTheMessage: a button on an answer posted in a
// thread re-renders only its action; conversations.history never returns
// thread replies, so the message must not be read back from there.
func TestClickOnAThreadReplyKeepsTheMessage(t *testing.T) {
	t.Parallel()
	e := start(t, "SMTP_URL=off")
	_, ids := e.home(maya)
	if len(ids) == 0 {
		t.Fatal("maya has no actions")
	}
	id := ids[0]
	parent, err := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "What should I do first today?")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fmt.Sprintf(`[{"type":"section","block_id":"intro","text":{"type":"mrkdwn","text":"Here is what to do first, and why it matters."}},
		{"type":"section","block_id":"act_%[1]s","text":{"type":"mrkdwn","text":"*The action*"}},
		{"type":"actions","block_id":"buttons_%[1]s","elements":[{"type":"button","action_id":"action_done","value":%[2]q,"text":{"type":"plain_text","text":"Done"}}]},
		{"type":"context","block_id":"sources","elements":[{"type":"mrkdwn","text":"From the timeline of the account."}]}]`, id, id)
	_, ts, err := e.sb.Slack.API().PostMessage("C0GENERAL", slackRaw(blocks), slack.MsgOptionTS(parent))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: "C0GENERAL", MessageTS: ts}, "action_done", id); err != nil {
		t.Fatal(err)
	}
	e.waitFor("done", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, id)
		return err == nil && a.State == journey.ActionDone
	})
	e.quiet()
	m, ok := e.threadMessage("C0GENERAL", parent, ts)
	if !ok {
		t.Fatal("the answer is gone")
	}
	text := blocksText(m.Blocks)
	for _, want := range []string{"what to do first", "From the timeline"} {
		if !strings.Contains(text, want) {
			t.Errorf("the click wiped %q from the answer:\n%s", want, m.Blocks)
		}
	}
	if !strings.Contains(string(m.Blocks), "buttons_"+id) && !strings.Contains(string(m.Blocks), "status_"+id) && !strings.Contains(string(m.Blocks), "act_"+id) {
		t.Errorf("the action's blocks are gone:\n%s", m.Blocks)
	}
}

// TestSlackTextIsDecoded: Slack sends "AT&T" as AT&amp;T and mentions as
// <@U…>; the bot finds the account all the same.
func TestSlackTextIsDecoded(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.importDoc(`{"accounts":[{"external_id":"att","name":"AT&T","domain":"att.example"}]}`)
	ts, err := e.sim.Mention(ctx(t), maya, "C0GENERAL", "", "AT&T")
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := e.threadMessage("C0GENERAL", ts, ts); !ok || m.Text != "<@"+e.sim.Config().BotUserID+"> AT&amp;T" {
		t.Fatalf("the simulator should send the text as Slack does, got %q", m.Text)
	}
	defer func() {
		if t.Failed() {
			for _, m := range e.sim.Thread("C0GENERAL", ts) {
				t.Logf("%s %q %s", m.BotID, m.Text, m.Blocks)
			}
		}
	}()
	e.waitFor("AT&T's card in the thread", func() bool {
		for _, m := range e.sim.Thread("C0GENERAL", ts) {
			if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "AT&T") && !strings.Contains(m.Text+string(m.Blocks), "&amp;amp;") {
				return true
			}
		}
		return false
	})
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "AT&T"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("AT&T's card from the command", func() bool {
		m, ok := e.ephemeralWith(maya, "AT&T")
		return ok && !strings.Contains(m.Text+string(m.Blocks), "&amp;amp;")
	})
	// a customer's message with markup is stored as they wrote it
	if _, err := e.sim.Post(ctx(t), "U0ACMETOM", "C0ACME", "", "Q&A with @U0REP1 <tomorrow>"); err != nil {
		t.Fatal(err)
	}
	e.quiet()
	var text string
	_ = e.s.Pool().QueryRow(context.Background(),
		`SELECT summary FROM timeline_events WHERE workspace_id = $1 AND summary LIKE 'Q&%' ORDER BY occurred_at DESC LIMIT 1`, e.ws.ID).Scan(&text)
	if text != "Q&A with @U0REP1 <tomorrow>" {
		t.Errorf("stored %q, want the text as typed", text)
	}
}

// TestImportedDataCannotMention: a crafted link or Slack user id from an
// import renders no live mention.
func TestImportedDataCannotMention(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.importDoc(`{
	  "people":[{"slack_user_id":"U0EVE><!channel","name":"Eve","email":"eve@journey.example","role":"rep"}],
	  "accounts":[{"external_id":"crafty","name":"Crafty Co","domain":"crafty.example","owner":"eve@journey.example"}],
	  "events":[{"external_id":"ev1","account":"crafty","kind":"message","at":"2026-11-30T10:00:00Z","direction":"inbound","text":"We need the quote.","link":"https://evil.example/x|<!channel>"}],
	  "commitments":[{"external_id":"c1","account":"crafty","side":"us","owner":"eve@journey.example","what":"Send the quote","due":"2026-12-10","status":"open","evidence":"ev1","created_at":"2026-11-30T10:00:00Z"}]
	}`)
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "crafty"); err != nil {
		t.Fatal(err)
	}
	var card slacksim.Message
	e.waitFor("the card", func() bool {
		m, ok := e.ephemeralWith(maya, "Crafty")
		card = m
		return ok
	})
	if strings.Contains(string(card.Blocks), "<!channel") || strings.Contains(string(card.Blocks), `\u003c!channel`) {
		t.Errorf("the card renders a live mention from imported data:\n%s", card.Blocks)
	}
	if !strings.Contains(blocksText(card.Blocks), "Send the quote") {
		t.Errorf("the promise is missing:\n%s", card.Blocks)
	}
}

// analyses counts the analysis jobs queued so far.
func (e *env) analyses() int {
	var n int
	_ = e.s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'analyze_messages'`).Scan(&n)
	return n
}

// TestTombstoneAndUnfurl: a thread parent deleted while it has replies
// comes as a message_changed tombstone and is a deletion; an unfurl changes
// no text and queues no new analysis.
func TestTombstoneAndUnfurl(t *testing.T) {
	t.Parallel()
	e := start(t)
	ts, err := e.sim.Post(ctx(t), maya, "C0ACME", "", "I'll send the security questionnaire answers by Friday: https://example.com/sec")
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise", func() bool { return len(e.commitments("acme", "security questionnaire")) == 1 })
	e.quiet()
	before := e.analyses()
	if err := e.sim.Unfurl(ctx(t), "C0ACME", ts); err != nil {
		t.Fatal(err)
	}
	e.quiet()
	if n := e.analyses(); n != before {
		t.Errorf("an unfurl queued %d new analyses", n-before)
	}
	if _, err := e.sim.Post(ctx(t), "U0ACMETOM", "C0ACME", ts, "Thanks!"); err != nil {
		t.Fatal(err)
	}
	e.quiet()
	if err := e.sim.DeleteMessage(ctx(t), maya, "C0ACME", ts); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the promise withdrawn after the tombstone", func() bool {
		cs := e.commitments("acme", "security questionnaire")
		return len(cs) == 1 && cs[0].Status == journey.CommitmentCancelled
	})
	var n int
	_ = e.s.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM timeline_events WHERE workspace_id = $1 AND summary LIKE '%This message was deleted%'`, e.ws.ID).Scan(&n)
	if n != 0 {
		t.Errorf("the tombstone was stored as an edit")
	}
}

// TestSendOutcomeOnAThreadReply: an email approved from an answer in a
// thread is sent later, by a job; its outcome updates the answer in place,
// read back from the thread, and keeps the rest of the answer.
func TestSendOutcomeOnAThreadReply(t *testing.T) {
	t.Parallel()
	e := start(t)
	_, ids := e.home(maya)
	id := ""
	for _, x := range ids {
		if a, err := e.s.Action(context.Background(), e.ws.ID, x); err == nil && a.DraftSubject != "" {
			id = x
			break
		}
	}
	if id == "" {
		t.Skip("no action with a draft to send")
	}
	parent, err := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "What should I send today?")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fmt.Sprintf(`[{"type":"section","block_id":"intro","text":{"type":"mrkdwn","text":"Here is what to send, and why it matters."}},
		{"type":"section","block_id":"act_%[1]s","text":{"type":"mrkdwn","text":"*The action*"}},
		{"type":"actions","block_id":"buttons_%[1]s","elements":[{"type":"button","action_id":"action_send","value":%[2]q,"text":{"type":"plain_text","text":"Send"}}]},
		{"type":"context","block_id":"sources","elements":[{"type":"mrkdwn","text":"From the timeline of the account."}]}]`, id, id)
	_, ts, err := e.sb.Slack.API().PostMessage("C0GENERAL", slackRaw(blocks), slack.MsgOptionTS(parent))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: "C0GENERAL", MessageTS: ts}, "action_send", id); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the email to be sent", func() bool {
		a, err := e.s.Action(context.Background(), e.ws.ID, id)
		return err == nil && (a.State == journey.ActionSent || a.State == journey.ActionFailed)
	})
	e.quiet()
	m, ok := e.threadMessage("C0GENERAL", parent, ts)
	if !ok {
		t.Fatal("the answer is gone")
	}
	text := blocksText(m.Blocks)
	for _, want := range []string{"what to send", "From the timeline", "Sent"} {
		if !strings.Contains(text, want) {
			t.Errorf("the answer lacks %q after the send:\n%s", want, m.Blocks)
		}
	}
}
