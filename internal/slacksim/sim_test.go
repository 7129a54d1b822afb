package slacksim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/journeyhq/journey/internal/testclock"
)

// slackErr fails t unless err is the Slack error want.
func slackErr(t *testing.T, err error, want string) {
	t.Helper()
	_ = slackErrResponse(t, err, want)
}

// slackErrResponse is slackErr, returning the error's response (its
// messages) for a closer look.
func slackErrResponse(t *testing.T, err error, want string) slack.SlackErrorResponse {
	t.Helper()
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != want {
		t.Fatalf("want Slack error %q, got %v", want, err)
	}
	return se
}

func TestHelloAndSlashCommand(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	var got atomic.Pointer[slack.SlashCommand]
	b := connectBot(t, s, func(b *bot, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			cmd := evt.Data.(slack.SlashCommand)
			got.Store(&cmd)
			_ = b.sm.Ack(*evt.Request, map[string]any{
				"text":   "Acme is in *Evaluation*",
				"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "Acme is in *Evaluation*"}}},
			})
		}
	})
	hello := b.events(socketmode.EventTypeHello)[0].Request
	if hello.NumConnections != 1 || hello.ConnectionInfo.AppID != "A0SIM" || hello.DebugInfo.Host == "" {
		t.Fatalf("hello = %+v", hello)
	}
	if !hello.AcceptsResponsePayload && hello.Type != "hello" {
		t.Fatal("bad hello type")
	}

	ack, err := s.SlashCommand(ctxT(t), "maya", "#deals-acme", "/journey", "acme")
	if err != nil {
		t.Fatal(err)
	}
	cmd := got.Load()
	if cmd == nil || cmd.Command != "/journey" || cmd.Text != "acme" || cmd.UserID != "U0MAYA" || cmd.UserName != "maya" ||
		cmd.ChannelID != "C0ACME" || cmd.ChannelName != "deals-acme" || cmd.TeamID != "T0SIM" || cmd.APIAppID != "A0SIM" ||
		cmd.TriggerID == "" || !strings.HasPrefix(cmd.ResponseURL, s.URL()+"hooks/commands/") {
		t.Fatalf("slash command = %+v", cmd)
	}
	if !bytes.Contains(ack.Payload, []byte("Evaluation")) {
		t.Fatalf("ack payload = %s", ack.Payload)
	}
	eph := s.Ephemerals("U0MAYA")
	if len(eph) != 1 || eph[0].Via != "ack" || eph[0].Channel != "C0ACME" || eph[0].ResponseType != "ephemeral" || len(eph[0].Blocks) == 0 {
		t.Fatalf("ephemerals = %+v", eph)
	}
	d := s.Deliveries()
	if len(d) != 1 || d[0].Type != "slash_commands" || !d[0].Acked {
		t.Fatalf("deliveries = %+v", d)
	}

	// The response_url takes 5 posts, then refuses; it takes the JSON as a
	// form field "payload" too.
	resp, err := http.PostForm(cmd.ResponseURL, url.Values{"payload": {`{"text":"update 0","response_type":"in_channel"}`}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a form-encoded payload: status %d", resp.StatusCode)
	}
	for i := 1; i < 6; i++ {
		err := slack.PostWebhookContext(ctxT(t), cmd.ResponseURL, &slack.WebhookMessage{Text: fmt.Sprintf("update %d", i), ResponseType: "in_channel"})
		if i < 5 && err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		if i == 5 && err == nil {
			t.Fatal("6th response_url post should fail")
		}
	}
	msgs := s.Messages("C0ACME")
	if len(msgs) != 5 || msgs[0].Via != "response_url" || msgs[0].BotID != "B0SIM" || msgs[0].Text != "update 0" {
		t.Fatalf("messages = %+v", msgs)
	}
}

func TestSlashCommandNotAcked(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	connectBot(t, s, func(*bot, socketmode.Event) {}) // never acks
	_, err := s.SlashCommand(ctxT(t), "U0MAYA", "C0ACME", "/journey", "x")
	if err == nil || !strings.Contains(err.Error(), "did not ack") {
		t.Fatalf("err = %v", err)
	}
}

func TestNoConnection(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	if _, err := s.SlashCommand(ctxT(t), "maya", "deals-acme", "/journey", ""); !errors.Is(err, ErrNoConnection) {
		t.Fatalf("err = %v", err)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	api := apiClient(s)
	res, err := api.AuthTestContext(ctxT(t))
	if err != nil || res.UserID != "U0BOT" || res.TeamID != "T0SIM" || res.BotID != "B0SIM" {
		t.Fatalf("auth.test = %+v, %v", res, err)
	}
	_, err = slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL())).AuthTestContext(ctxT(t))
	slackErr(t, err, "invalid_auth")
	_, err = slack.New("", slack.OptionAPIURL(s.APIURL())).AuthTestContext(ctxT(t))
	slackErr(t, err, "not_authed")
	// The bot token does not open Socket Mode connections.
	_, _, err = socketmode.New(slack.New("xoxb-sim", slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken("xoxb-sim"))).OpenContext(ctxT(t))
	slackErr(t, err, "not_allowed_token_type")
	info, url, err := socketmode.New(api).OpenContext(ctxT(t))
	if err != nil || info == nil || !strings.HasPrefix(url, "ws://") || !strings.Contains(url, "/link/?ticket=") {
		t.Fatalf("apps.connections.open = %q, %v", url, err)
	}
}

func TestChatMethods(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	api := apiClient(s)
	ctx := ctxT(t)
	ch, ts, msg, err := api.PostMessageWithResponseContext(ctx, "C0ACME", slack.MsgOptionText("Deal card", false))
	if err != nil || ch != "C0ACME" || ts == "" {
		t.Fatalf("postMessage: %v %v %v", ch, ts, err)
	}
	if msg.BotID != "B0SIM" || msg.User != "U0BOT" || msg.Text != "Deal card" || msg.Timestamp != ts {
		t.Fatalf("message = %+v", msg.Msg)
	}
	_, ts2, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	if err != nil || !tsLess(ts, ts2) {
		t.Fatalf("reply: %v %v", ts2, err)
	}
	th := s.Thread("C0ACME", ts)
	if len(th) != 2 || th[1].ThreadTS != ts {
		t.Fatalf("thread = %+v", th)
	}
	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0ACME"})
	if err != nil || len(hist.Messages) != 1 || hist.Messages[0].ReplyCount != 1 || hist.Messages[0].LatestReply != ts2 {
		t.Fatalf("history = %+v, %v", hist, err)
	}

	if _, _, _, err := api.UpdateMessageContext(ctx, "C0ACME", ts, slack.MsgOptionText("Deal card v2", false)); err != nil {
		t.Fatal(err)
	}
	m := s.Messages("C0ACME")[0]
	if m.Text != "Deal card v2" || !m.Edited || m.Via != "chat.update" {
		t.Fatalf("updated = %+v", m)
	}
	_, _, _, err = api.UpdateMessageContext(ctx, "C0ACME", "1.000001", slack.MsgOptionText("x", false))
	slackErr(t, err, "message_not_found")

	ets, err := api.PostEphemeralContext(ctx, "C0ACME", "U0MAYA", slack.MsgOptionText("only you", false))
	if err != nil || ets == "" {
		t.Fatalf("ephemeral: %v %v", ets, err)
	}
	if e := s.Ephemerals("U0MAYA"); len(e) != 1 || e[0].Text != "only you" || !e[0].Ephemeral || e[0].To != "U0MAYA" {
		t.Fatalf("ephemerals = %+v", e)
	}
	_, err = api.PostEphemeralContext(ctx, "G0LEAD", "U0MAYA", slack.MsgOptionText("x", false))
	slackErr(t, err, "user_not_in_channel")

	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C0ACME", Ts: ts})
	if want := "https://sim.slack.com/archives/C0ACME/p" + strings.ReplaceAll(ts, ".", ""); err != nil || link != want {
		t.Fatalf("permalink = %q, %v; want %q", link, err, want)
	}

	_, _, err = api.PostMessageContext(ctx, "C0NOPE", slack.MsgOptionText("x", false))
	slackErr(t, err, "channel_not_found")
	_, _, err = api.PostMessageContext(ctx, "C0RANDOM", slack.MsgOptionText("x", false))
	slackErr(t, err, "not_in_channel")
	_, _, err = api.PostMessageContext(ctx, "G0SECRET", slack.MsgOptionText("x", false))
	slackErr(t, err, "channel_not_found")
	_, _, err = api.PostMessageContext(ctx, "C0ACME")
	slackErr(t, err, "no_text")

	// A user id as channel posts in the bot's IM with that user.
	dm, _, err := api.PostMessageContext(ctx, "U0MAYA", slack.MsgOptionText("morning!", false))
	if err != nil || !strings.HasPrefix(dm, "D") || len(s.DMs("U0MAYA")) != 1 {
		t.Fatalf("dm: %q %v %+v", dm, err, s.DMs("U0MAYA"))
	}
	im, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0MAYA"}})
	if err != nil || im.ID != dm {
		t.Fatalf("conversations.open = %+v, %v", im, err)
	}
}

func cardBlocks() []slack.Block {
	return []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Acme · Evaluation", false, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Health 64*: champion silent 12 days (−10)", false, false),
			[]*slack.TextBlockObject{
				slack.NewTextBlockObject(slack.MarkdownType, "*Stage*\nEvaluation", false, false),
				slack.NewTextBlockObject(slack.MarkdownType, "*Owner*\n<@U0MAYA>", false, false),
			}, nil, slack.SectionBlockOptionBlockID("summary")),
		slack.NewDividerBlock(),
		slack.NewContextBlock("ctx", slack.NewTextBlockObject(slack.MarkdownType, "Updated just now", false, false)),
		slack.NewActionBlock("actions",
			slack.NewButtonBlockElement("send", "a1", slack.NewTextBlockObject(slack.PlainTextType, "Send", false, false)).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement("snooze", "a1", slack.NewTextBlockObject(slack.PlainTextType, "Snooze", false, false)),
		),
	}
}

func TestInvalidBlocks(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	api := apiClient(s)
	ctx := ctxT(t)

	if _, _, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText("card", false), slack.MsgOptionBlocks(cardBlocks()...)); err != nil {
		t.Fatalf("valid card rejected: %v", err)
	}

	var many []slack.Block
	for i := range 51 {
		many = append(many, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprint(i), false, false), nil, nil))
	}
	_, _, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionBlocks(many...))
	se := slackErrResponse(t, err, "invalid_blocks")
	if len(se.ResponseMetadata.Messages) == 0 || !strings.Contains(se.ResponseMetadata.Messages[0], "no more than 50 items") {
		t.Fatalf("51 blocks: %+v", se.ResponseMetadata)
	}
	if len(se.Errors) == 0 || se.Errors[0].Message == nil {
		t.Fatalf("errors = %+v", se.Errors)
	}

	long := slack.NewActionBlock("a", slack.NewButtonBlockElement("b", "v", slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("x", 76), false, false)))
	_, _, err = api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionBlocks(long))
	se = slackErrResponse(t, err, "invalid_blocks")
	if !strings.Contains(strings.Join(se.ResponseMetadata.Messages, "\n"), "[json-pointer:/blocks/0/elements/0/text/text]") {
		t.Fatalf("76-char label: %v", se.ResponseMetadata.Messages)
	}

	dup := slack.NewActionBlock("a",
		slack.NewButtonBlockElement("same", "1", slack.NewTextBlockObject(slack.PlainTextType, "One", false, false)),
		slack.NewButtonBlockElement("same", "2", slack.NewTextBlockObject(slack.PlainTextType, "Two", false, false)))
	_, _, err = api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionBlocks(dup))
	se = slackErrResponse(t, err, "invalid_blocks")
	if !strings.Contains(strings.Join(se.ResponseMetadata.Messages, "\n"), `duplicate action_id "same"`) {
		t.Fatalf("duplicate action_id: %v", se.ResponseMetadata.Messages)
	}
	// The same action_id in two blocks is fine (Slack: unique within the
	// containing block); the same block_id twice is not.
	row := func(id string) slack.Block {
		return slack.NewActionBlock(id, slack.NewButtonBlockElement("send", id, slack.NewTextBlockObject(slack.PlainTextType, "Send", false, false)))
	}
	if _, _, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionBlocks(row("r1"), row("r2"))); err != nil {
		t.Fatalf("same action_id in two blocks: %v", err)
	}
	_, _, err = api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionBlocks(row("r1"), row("r1")))
	se = slackErrResponse(t, err, "invalid_blocks")
	if !strings.Contains(strings.Join(se.ResponseMetadata.Messages, "\n"), `duplicate block_id "r1"`) {
		t.Fatalf("duplicate block_id: %v", se.ResponseMetadata.Messages)
	}
	if n := len(s.Messages("C0ACME")); n != 2 {
		t.Fatalf("rejected posts were stored: %d messages", n)
	}
}

func TestViewFixtures(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/views/*.json")
	if len(files) != 4 {
		t.Fatalf("fixtures: %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if errs := ValidateView(b); len(errs) > 0 {
			t.Errorf("%s: %v", f, errs)
		}
	}
	bad := `{"type":"modal","title":{"type":"plain_text","text":"` + strings.Repeat("t", 25) + `"},"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x"}}]}`
	if errs := ValidateView(json.RawMessage(bad)); len(errs) != 1 || !strings.Contains(errs[0], "/view/title/text") {
		t.Fatalf("long title: %v", errs)
	}
}

func TestConversationsAndUsers(t *testing.T) {
	t.Parallel()
	s := startSim(t, func(c *Config) {
		for i := range 7 {
			c.Channels = append(c.Channels, Channel{ID: fmt.Sprintf("C1%02d", i), Name: fmt.Sprintf("ch-%d", i)})
			c.Users = append(c.Users, User{ID: fmt.Sprintf("U1%02d", i), Name: fmt.Sprintf("user%d", i)})
		}
	})
	api := apiClient(s)
	ctx := ctxT(t)

	var posted []string
	for i := range 25 {
		_, ts, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText(fmt.Sprint("m", i), false))
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, ts)
	}
	var got []string
	cursor := ""
	pages := 0
	for {
		res, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0ACME", Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range res.Messages {
			got = append(got, m.Timestamp)
		}
		if !res.HasMore {
			if res.ResponseMetaData.NextCursor != "" {
				t.Fatal("cursor without has_more")
			}
			break
		}
		cursor = res.ResponseMetaData.NextCursor
	}
	if pages != 3 || len(got) != 25 || got[0] != posted[24] || got[24] != posted[0] {
		t.Fatalf("history: %d pages, %d messages", pages, len(got))
	}
	// oldest/latest/inclusive.
	res, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0ACME", Oldest: posted[10], Latest: posted[12], Inclusive: true})
	if err != nil || len(res.Messages) != 3 {
		t.Fatalf("range inclusive: %d %v", len(res.Messages), err)
	}
	res, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0ACME", Oldest: posted[10], Latest: posted[12]})
	if err != nil || len(res.Messages) != 1 {
		t.Fatalf("range exclusive: %d %v", len(res.Messages), err)
	}
	_, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0RANDOM"})
	slackErr(t, err, "not_in_channel")
	_, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0ACME", Cursor: "bogus"})
	slackErr(t, err, "invalid_cursor")

	// Replies, paginated.
	for i := range 4 {
		if _, _, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText(fmt.Sprint("r", i), false), slack.MsgOptionTS(posted[0])); err != nil {
			t.Fatal(err)
		}
	}
	msgs, more, next, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ACME", Timestamp: posted[0], Limit: 3})
	if err != nil || len(msgs) != 3 || !more || next == "" || msgs[0].Timestamp != posted[0] || msgs[0].ReplyCount != 4 {
		t.Fatalf("replies page 1: %d %v %q %v", len(msgs), more, next, err)
	}
	msgs, more, _, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ACME", Timestamp: posted[0], Limit: 3, Cursor: next})
	if err != nil || len(msgs) != 2 || more || msgs[0].ParentUserId != "U0BOT" {
		t.Fatalf("replies page 2: %d %v %v", len(msgs), more, err)
	}
	_, _, _, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ACME", Timestamp: "1.000000"})
	slackErr(t, err, "thread_not_found")

	// conversations.list: types filter and pagination.
	all, err := api.GetAllConversationsContext(ctx, slack.GetConversationsOptionLimit(3), slack.GetConversationsOptionTypes([]string{"public_channel", "private_channel"}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range all {
		names = append(names, c.Name)
	}
	// Public: deals-acme, random, ch-0…6; private: only leadership (the bot is not in #secret).
	if len(all) != 10 || !strings.Contains(strings.Join(names, ","), "leadership") || strings.Contains(strings.Join(names, ","), "secret") {
		t.Fatalf("conversations.list = %v", names)
	}
	pub, next, err := api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Limit: 4})
	if err != nil || len(pub) != 4 || next == "" || pub[0].IsPrivate {
		t.Fatalf("list page: %d %q %v", len(pub), next, err)
	}
	info, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0ACME"})
	if err != nil || info.Name != "deals-acme" || !info.IsMember || info.NumMembers != 3 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	_, err = api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "G0SECRET"})
	slackErr(t, err, "channel_not_found")
	members, cur, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C0ACME", Limit: 2})
	if err != nil || len(members) != 2 || cur == "" {
		t.Fatalf("members: %v %q %v", members, cur, err)
	}
	members, cur, err = api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C0ACME", Limit: 2, Cursor: cur})
	if err != nil || len(members) != 1 || cur != "" {
		t.Fatalf("members page 2: %v %q %v", members, cur, err)
	}

	u, err := api.GetUserInfoContext(ctx, "U0MAYA")
	if err != nil || u.Name != "maya" || u.RealName != "Maya Patel" || u.Profile.Email != "maya@example.com" || u.TZ != "Europe/Berlin" {
		t.Fatalf("users.info = %+v, %v", u, err)
	}
	_, err = api.GetUserInfoContext(ctx, "U0NOBODY")
	slackErr(t, err, "user_not_found")
	users, err := api.GetUsersContext(ctx, slack.GetUsersOptionLimit(4))
	if err != nil || len(users) != 10 { // bot + maya + raj + 7
		t.Fatalf("users.list = %d, %v", len(users), err)
	}
	byMail, err := api.GetUserByEmailContext(ctx, "raj@example.com")
	if err != nil || byMail.ID != "U0RAJ" || !byMail.IsAdmin {
		t.Fatalf("lookupByEmail = %+v, %v", byMail, err)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s := startSim(t, func(c *Config) {
		c.Limits = map[string]Limit{
			"chat.postMessage": {PerChannelPerSecond: 1},
			"users.info":       {PerMinute: 2},
		}
	})
	api := apiClient(s)
	ctx := ctxT(t)
	if _, _, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText("1", false)); err != nil {
		t.Fatal(err)
	}
	_, _, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText("2", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("want RateLimitedError with 1s, got %v", err)
	}
	// Another channel has its own budget.
	if _, _, err := api.PostMessageContext(ctx, "G0LEAD", slack.MsgOptionText("3", false)); err != nil {
		t.Fatal(err)
	}
	if got := s.Calls("chat.postMessage"); got != 3 {
		t.Fatalf("calls = %d", got)
	}
	if n := len(s.Messages("C0ACME")); n != 1 {
		t.Fatalf("a rate-limited call was applied: %d messages", n)
	}

	for i := range 2 {
		if _, err := api.GetUserInfoContext(ctx, "U0MAYA"); err != nil {
			t.Fatal(i, err)
		}
	}
	// Raw HTTP: 429, Retry-After, {"ok":false,"error":"ratelimited"}.
	req, _ := http.NewRequest(http.MethodGet, s.APIURL()+"users.info?user=U0MAYA", nil)
	req.Header.Set("Authorization", "Bearer xoxb-sim")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || body["error"] != "ratelimited" {
		t.Fatalf("429: %d %q %v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestEventRedelivery(t *testing.T) {
	t.Parallel()
	s := startSim(t, func(c *Config) { c.AckTimeout = 200 * time.Millisecond })
	var first atomic.Bool
	connectBot(t, s, func(b *bot, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeEventsAPI {
			return
		}
		// Drop the first envelope on the floor; ack the rest.
		if first.CompareAndSwap(false, true) {
			return
		}
		_ = b.sm.Ack(*evt.Request)
	})
	ts, err := s.Post(ctxT(t), "maya", "deals-acme", "", "hello")
	if err != nil || ts == "" {
		t.Fatal(ts, err)
	}
	d := s.Deliveries()
	if len(d) != 2 || d[0].Acked || !d[1].Acked || d[1].RetryAttempt != 1 || d[1].RetryReason != "timeout" ||
		d[0].EventID != d[1].EventID || d[0].EnvelopeID == d[1].EnvelopeID || d[1].EventType != "message" {
		t.Fatalf("deliveries = %+v", d)
	}
}

func TestEventsDecode(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	b := connectBot(t, s, nil)
	ctx := ctxT(t)
	ts, err := s.Mention(ctx, "maya", "deals-acme", "", "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Post(ctx, "raj", "deals-acme", ts, "in thread"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendDM(ctx, "maya", "which deals are at risk?"); err != nil {
		t.Fatal(err)
	}
	if err := s.EditMessage(ctx, "maya", "deals-acme", ts, "@U0BOT acme please"); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenHome(ctx, "maya"); err != nil {
		t.Fatal(err)
	}
	if err := s.JoinChannel(ctx, "U0BOT", "random"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Mention(ctx, "maya", "#secret", "", "x"); err == nil {
		t.Fatal("mention in a channel maya is not in should fail")
	}

	var kinds []string
	for _, e := range b.events(socketmode.EventTypeEventsAPI) {
		ev := e.Data.(slackevents.EventsAPIEvent)
		cb := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if ev.TeamID != "T0SIM" || ev.APIAppID != "A0SIM" || !strings.HasPrefix(cb.EventID, "Ev") || cb.EventTime == 0 || len(cb.Authorizations) != 1 {
			t.Fatalf("outer = %+v", cb)
		}
		switch inner := ev.InnerEvent.Data.(type) {
		case *slackevents.AppMentionEvent:
			if inner.User != "U0MAYA" || inner.Channel != "C0ACME" || inner.TimeStamp != ts || !strings.HasPrefix(inner.Text, "<@U0BOT>") {
				t.Fatalf("app_mention = %+v", inner)
			}
			kinds = append(kinds, "app_mention")
		case *slackevents.MessageEvent:
			kinds = append(kinds, "message:"+inner.ChannelType+":"+inner.SubType)
			if inner.SubType == "" && inner.ChannelType == "channel" && inner.ThreadTimeStamp == ts && inner.User != "U0RAJ" {
				t.Fatalf("thread reply = %+v", inner)
			}
			if inner.SubType == "message_changed" && (inner.Message == nil || inner.Message.Text != "<@U0BOT> acme please") {
				t.Fatalf("message_changed = %+v", inner)
			}
		case *slackevents.AppHomeOpenedEvent:
			if inner.Tab != "home" || inner.User != "U0MAYA" || !strings.HasPrefix(inner.Channel, "D") {
				t.Fatalf("app_home_opened = %+v", inner)
			}
			kinds = append(kinds, "app_home_opened")
		case *slackevents.MemberJoinedChannelEvent:
			kinds = append(kinds, "member_joined_channel")
		default:
			t.Fatalf("unexpected %T", inner)
		}
	}
	// app_mention and its message event race each other, as on Slack.
	slices.Sort(kinds)
	want := "app_home_opened,app_mention,member_joined_channel,message:channel:,message:channel:,message:channel:message_changed,message:im:"
	if got := strings.Join(kinds, ","); got != want {
		t.Fatalf("events:\n got %s\nwant %s", got, want)
	}
}

func TestDisconnect(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	b := connectBot(t, s, nil)
	s.Disconnect("refresh_requested")
	ctx := ctxT(t)
	if err := s.WaitFor(ctx, func() bool {
		return b.count(socketmode.EventTypeHello) >= 2 && b.count(socketmode.EventTypeConnected) >= 2 && s.Connections() == 1
	}); err != nil {
		t.Fatalf("slack-go did not reconnect: %v (hellos %d)", err, b.count(socketmode.EventTypeHello))
	}
	// The new connection works.
	if _, err := s.Post(ctx, "maya", "deals-acme", "", "still there?"); err != nil {
		t.Fatal(err)
	}
}

func TestBlockActions(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	api := apiClient(s)
	var got atomic.Pointer[slack.InteractionCallback]
	connectBot(t, s, func(b *bot, evt socketmode.Event) {
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			_ = b.sm.Ack(*evt.Request)
		}
		if evt.Type == socketmode.EventTypeInteractive {
			cb := evt.Data.(slack.InteractionCallback)
			got.Store(&cb)
		}
	})
	ctx := ctxT(t)
	_, ts, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionText("card", false), slack.MsgOptionBlocks(cardBlocks()...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Click(ctx, "maya", Target{ChannelID: "C0ACME", MessageTS: ts}, "snooze", ""); err != nil {
		t.Fatal(err)
	}
	cb := got.Load()
	if cb == nil || cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "U0MAYA" || cb.User.Name != "maya" ||
		cb.Team.ID != "T0SIM" || cb.APIAppID != "A0SIM" || cb.Channel.ID != "C0ACME" || cb.Container.Type != "message" ||
		cb.Container.ChannelID != "C0ACME" || cb.Container.MessageTs != ts || cb.Message.Timestamp != ts ||
		len(cb.Message.Blocks.BlockSet) != 5 || cb.TriggerID == "" || cb.ResponseURL == "" {
		t.Fatalf("callback = %+v", cb)
	}
	acts := cb.ActionCallback.BlockActions
	if len(acts) != 1 || acts[0].ActionID != "snooze" || acts[0].BlockID != "actions" || acts[0].Value != "a1" ||
		acts[0].Type != "button" || acts[0].ActionTs == "" || acts[0].Text.Text != "Snooze" {
		t.Fatalf("actions = %+v", acts)
	}
	// The bot answers through response_url, replacing the card.
	if err := slack.PostWebhookContext(ctx, cb.ResponseURL, &slack.WebhookMessage{Text: "Snoozed", ReplaceOriginal: true}); err != nil {
		t.Fatal(err)
	}
	if m := s.Messages("C0ACME")[0]; m.Text != "Snoozed" || !m.Edited || m.Via != "response_url" || len(m.Blocks) != 0 {
		t.Fatalf("replaced = %+v", m)
	}
	if _, err := s.Click(ctx, "maya", Target{ChannelID: "C0ACME", MessageTS: ts}, "nope", ""); err == nil {
		t.Fatal("unknown action_id should fail")
	}

	// A click in an ephemeral message carries no message object.
	ets, err := api.PostEphemeralContext(ctx, "C0ACME", "U0MAYA", slack.MsgOptionText("card", false), slack.MsgOptionBlocks(cardBlocks()...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Click(ctx, "raj", Target{ChannelID: "C0ACME", MessageTS: ets, Ephemeral: true}, "send", ""); err == nil {
		t.Fatal("raj cannot see maya's ephemeral")
	}
	if _, err := s.Click(ctx, "maya", Target{ChannelID: "C0ACME", MessageTS: ets, Ephemeral: true}, "send", "override"); err != nil {
		t.Fatal(err)
	}
	cb = got.Load()
	if !cb.Container.IsEphemeral || cb.Message.Timestamp != "" || cb.ActionCallback.BlockActions[0].Value != "override" {
		t.Fatalf("ephemeral click = %+v", cb)
	}
	if err := slack.PostWebhookContext(ctx, cb.ResponseURL, &slack.WebhookMessage{DeleteOriginal: true}); err != nil {
		t.Fatal(err)
	}
	if e := s.Ephemerals("U0MAYA"); len(e) != 1 || !e[0].Deleted {
		t.Fatalf("ephemeral not deleted: %+v", e)
	}
}

func modal(title string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		Title:      slack.NewTextBlockObject(slack.PlainTextType, title, false, false),
		Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Save", false, false),
		Close:      slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks:     slack.Blocks{BlockSet: blocks},
		CallbackID: "edit_draft",
	}
}

func noteInput() slack.Block {
	return slack.NewInputBlock("note", slack.NewTextBlockObject(slack.PlainTextType, "Note", false, false), nil,
		slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "…", false, false), "note_input"))
}

func TestViews(t *testing.T) {
	t.Parallel()
	clock := testclock.New(testclock.Now())
	s := startSim(t, func(c *Config) { c.Now = clock.Now })
	api := apiClient(s)
	type opened struct {
		view *slack.ViewResponse
		err  error
	}
	results := make(chan opened, 4)
	var triggers = make(chan string, 4)
	var submitted atomic.Pointer[slack.InteractionCallback]
	connectBot(t, s, func(b *bot, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			cmd := evt.Data.(slack.SlashCommand)
			_ = b.sm.Ack(*evt.Request)
			triggers <- cmd.TriggerID
			if cmd.Text == "open" {
				v, err := b.api.OpenViewContext(ctxT(t), cmd.TriggerID, modal("Edit draft", noteInput()))
				results <- opened{v, err}
			}
		case socketmode.EventTypeInteractive:
			cb := evt.Data.(slack.InteractionCallback)
			submitted.Store(&cb)
			if cb.Type == slack.InteractionTypeViewSubmission && cb.View.State.Values["note"]["note_input"].Value == "bad" {
				_ = b.sm.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"note": "Say more"}))
				return
			}
			_ = b.sm.Ack(*evt.Request)
		default:
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				_ = b.sm.Ack(*evt.Request)
			}
		}
	})
	ctx := ctxT(t)
	if _, err := s.SlashCommand(ctx, "maya", "deals-acme", "/journey", "open"); err != nil {
		t.Fatal(err)
	}
	trig := <-triggers
	res := <-results
	if res.err != nil {
		t.Fatal(res.err)
	}
	v := res.view.View
	if !strings.HasPrefix(v.ID, "V") || v.Hash == "" || v.RootViewID != v.ID || v.CallbackID != "edit_draft" || v.AppID != "A0SIM" {
		t.Fatalf("view = %+v", v)
	}
	views := s.Views("U0MAYA")
	if len(views) != 1 || views[0].ID != v.ID || views[0].Closed {
		t.Fatalf("views = %+v", views)
	}
	// The trigger works once.
	_, err := api.OpenViewContext(ctx, trig, modal("Again", noteInput()))
	slackErr(t, err, "exchanged_trigger_id")
	_, err = api.OpenViewContext(ctx, "123.456.nope", modal("Again", noteInput()))
	slackErr(t, err, "invalid_trigger_id")
	// A trigger older than TriggerTTL has expired.
	if _, err := s.SlashCommand(ctx, "maya", "deals-acme", "/journey", "later"); err != nil {
		t.Fatal(err)
	}
	late := <-triggers
	clock.Advance(s.Config().TriggerTTL + time.Millisecond)
	_, err = api.OpenViewContext(ctx, late, modal("Late", noteInput()))
	slackErr(t, err, "expired_trigger_id")

	// views.update with the hash; a stale hash conflicts.
	up, err := api.UpdateViewContext(ctx, modal("Edit draft v2", noteInput()), "", v.Hash, v.ID)
	if err != nil || up.Hash == v.Hash || up.ID != v.ID {
		t.Fatalf("update: %+v %v", up, err)
	}
	_, err = api.UpdateViewContext(ctx, modal("Edit draft v3", noteInput()), "", v.Hash, v.ID)
	slackErr(t, err, "hash_conflict")
	_, err = api.UpdateViewContext(ctx, modal(strings.Repeat("x", 30), noteInput()), "", "", v.ID)
	se := slackErrResponse(t, err, "invalid_arguments")
	if len(se.ResponseMetadata.Messages) == 0 || !strings.Contains(se.ResponseMetadata.Messages[0], "/view/title/text") {
		t.Fatalf("invalid view: %+v", se.ResponseMetadata)
	}

	// Submit: a required input, an errors answer, then a plain ack closes it.
	if _, err := s.SubmitView(ctx, "maya", v.ID, nil); err == nil || !strings.Contains(err.Error(), "required") {
		t.Fatalf("empty required input: %v", err)
	}
	if _, err := s.SubmitView(ctx, "maya", v.ID, map[string]map[string]string{"note": {"note_input": "bad"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.View(v.ID); got.Closed || got.Errors["note"] != "Say more" {
		t.Fatalf("after errors: %+v", got)
	}
	if _, err := s.SubmitView(ctx, "maya", v.ID, map[string]map[string]string{"note": {"note_input": "Follow up Friday"}}); err != nil {
		t.Fatal(err)
	}
	cb := submitted.Load()
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.ID != v.ID || cb.View.CallbackID != "edit_draft" ||
		cb.View.State.Values["note"]["note_input"].Value != "Follow up Friday" || cb.User.ID != "U0MAYA" {
		t.Fatalf("submission = %+v", cb)
	}
	if got, _ := s.View(v.ID); !got.Closed {
		t.Fatal("view should be closed after an empty ack")
	}

	// Home tab.
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: cardBlocks()}}
	pub, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0MAYA", View: home})
	if err != nil || pub.Type != slack.VTHomeTab {
		t.Fatalf("publish: %+v %v", pub, err)
	}
	stale := "1.stale"
	_, err = api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0MAYA", View: home, Hash: &stale})
	slackErr(t, err, "hash_conflict")
	_, err = api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0NOBODY", View: home})
	slackErr(t, err, "invalid_arguments")
	hv, ok := s.HomeView("U0MAYA")
	if !ok || hv.ID != pub.ID || hv.Type != "home" {
		t.Fatalf("home = %+v", hv)
	}
	if _, err := s.Click(ctx, "maya", Target{ViewID: hv.ID}, "send", ""); err != nil {
		t.Fatal(err)
	}
	if cb := submitted.Load(); cb.Container.Type != "view" || cb.View.ID != hv.ID || cb.ActionCallback.BlockActions[0].ActionID != "send" {
		t.Fatalf("home click = %+v", cb)
	}
}

func TestHTTPDriver(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	connectBot(t, s, func(b *bot, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			cmd := evt.Data.(slack.SlashCommand)
			_ = b.sm.Ack(*evt.Request, map[string]any{"text": "Looking up " + cmd.Text + "…"})
			go func() {
				_, _, _ = b.api.PostMessage(cmd.ChannelID, slack.MsgOptionText("card", false), slack.MsgOptionBlocks(cardBlocks()...))
			}()
		case socketmode.EventTypeInteractive:
			_ = b.sm.Ack(*evt.Request)
			cb := evt.Data.(slack.InteractionCallback)
			_ = slack.PostWebhook(cb.ResponseURL, &slack.WebhookMessage{Text: "Sent ✓", ReplaceOriginal: true})
		default:
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				_ = b.sm.Ack(*evt.Request)
			}
		}
	})
	post := func(path string, body any) (int, map[string]any) {
		t.Helper()
		raw, _ := json.Marshal(body)
		resp, err := http.Post(s.URL()+"driver/"+path, "application/json", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, out
	}
	code, out := post("command", map[string]any{"user": "maya", "channel": "#deals-acme", "command": "/journey", "text": "acme"})
	if code != 200 || out["ok"] != true {
		t.Fatalf("command: %d %v", code, out)
	}
	news, _ := out["new_messages"].([]any)
	if len(news) != 2 {
		t.Fatalf("new_messages = %v", news)
	}
	// the ack and the bot's post race each other: read them by kind
	first, second := news[0].(map[string]any), news[1].(map[string]any)
	if first["kind"] == "message" {
		first, second = second, first
	}
	if first["kind"] != "ephemeral" || first["text"] != "Looking up acme…" || second["kind"] != "message" ||
		!strings.Contains(second["text_view"].(string), "[Snooze](action_id=snooze") || !strings.Contains(second["text_view"].(string), "@maya") {
		t.Fatalf("new_messages = %v", news)
	}

	// Click by action_id only: the newest message showing it.
	code, out = post("click", map[string]any{"user": "maya", "action_id": "send"})
	if code != 200 || out["ok"] != true {
		t.Fatalf("click: %d %v", code, out)
	}
	news, _ = out["new_messages"].([]any)
	if len(news) != 1 || news[0].(map[string]any)["text"] != "Sent ✓" || news[0].(map[string]any)["change"] != "updated" {
		t.Fatalf("click new_messages = %v", news)
	}

	code, out = post("command", map[string]any{"user": "nobody", "channel": "deals-acme", "command": "/journey"})
	if code != 400 || !strings.Contains(out["error"].(string), "maya (U0MAYA)") {
		t.Fatalf("unknown user: %d %v", code, out)
	}

	resp, err := http.Get(s.URL() + "driver/messages?channel=deals-acme")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		OK       bool             `json:"ok"`
		Messages []map[string]any `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || !list.OK || len(list.Messages) != 1 || list.Messages[0]["text_view"] != "Sent ✓" {
		t.Fatalf("messages: %+v %v", list, err)
	}
}
