package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/journey"
)

// AskThreads keeps what a conversation with Ask Journey remembers between
// questions. *store.Store implements it.
type AskThreads interface {
	AskThread(ctx context.Context, ws, channelID, threadTS, slackUserID string, notBefore time.Time) ([]byte, bool, error)
	SaveAskThread(ctx context.Context, ws, channelID, threadTS, slackUserID string, data []byte, at time.Time) error
}

// How long a conversation's context lasts: a DM's top level is one running
// conversation, forgotten after half an hour of quiet; a thread keeps its
// context for a week.
const (
	askDMContextTTL     = 30 * time.Minute
	askThreadContextTTL = 7 * 24 * time.Hour
)

// askThinking is the assistant pane's status while an answer is prepared.
const askThinking = "is thinking…"

// questionWords start a question rather than an account name.
var questionWords = map[string]bool{
	"what": true, "what's": true, "whats": true, "which": true, "who": true, "who's": true, "whos": true, "where": true,
	"where's": true, "wheres": true, "when": true, "why": true, "how": true, "how's": true, "hows": true, "is": true,
	"are": true, "do": true, "does": true, "did": true, "can": true, "could": true, "should": true, "would": true,
	"will": true, "show": true, "list": true, "tell": true, "give": true, "find": true, "any": true, "and": true,
	"approve": true, "send": true, "dismiss": true, "snooze": true, "please": true, "ignore": true, "explain": true,
	"summarize": true, "summarise": true, "whose": true, "has": true, "have": true, "was": true, "were": true,
}

// looksLikeQuestion tells a question ("where is acme?") from an account name
// ("acme", "Acme Corp"), which still gets the card.
func looksLikeQuestion(text string) bool {
	if strings.Contains(text, "?") {
		return true
	}
	f := strings.Fields(strings.ToLower(strings.ReplaceAll(text, "’", "'")))
	if len(f) == 0 {
		return false
	}
	return questionWords[strings.Trim(f[0], ",.!:")] || len(f) > 5
}

// asks reports whether Ask Journey is on.
func (a *App) asks() bool { return a.cfg.Ask != nil }

// answerQuestion answers a question asked in channel and posts the answer:
// in replyTS's thread when set, else at the top level. threadKey names the
// conversation whose context the question continues ("" for a DM's top
// level). In the assistant pane the thread shows "thinking…" meanwhile.
func (a *App) answerQuestion(ctx context.Context, c caller, userID, channel, threadKey, replyTS, question string, assistant bool) error {
	now := a.cfg.Now()
	if assistant {
		if err := a.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{
			ChannelID: channel, ThreadTS: replyTS, Status: askThinking}); err != nil {
			a.log.Debug("assistant status not set", "channel", channel, "thread_ts", replyTS, "err", err)
		}
	}
	var th ask.Thread
	ttl := askThreadContextTTL
	if threadKey == "" {
		ttl = askDMContextTTL
	}
	if a.cfg.AskThreads != nil {
		raw, ok, err := a.cfg.AskThreads.AskThread(ctx, c.WS.ID, channel, threadKey, userID, now.Add(-ttl))
		if err != nil {
			return err
		}
		if ok {
			if err := json.Unmarshal(raw, &th); err != nil {
				a.log.Warn("ask: unreadable thread context; starting afresh", "channel", channel, "thread_ts", threadKey, "err", err)
				th = ask.Thread{}
			}
		}
	}
	if assistant && len(th.Turns) == 0 {
		// the pane lists conversations by title: the first question names it
		if err := a.api.SetAssistantThreadsTitleContext(ctx, slack.AssistantThreadsSetTitleParameters{
			ChannelID: channel, ThreadTS: replyTS, Title: truncate(strings.Join(strings.Fields(question), " "), 80)}); err != nil {
			a.log.Debug("assistant title not set", "channel", channel, "thread_ts", replyTS, "err", err)
		}
	}
	if th.AccountID == "" {
		// in a deal channel, "what are they waiting on?" means its account
		if err := a.linkedAccountContext(ctx, c, channel, &th); err != nil {
			return err
		}
	}
	ans, err := a.cfg.Ask.Ask(ctx, c.WS.ID, ask.Asker{Person: c.Person, Known: c.Known}, question, th)
	// in a channel shared outside the organization, only the asker sees it
	post := func(text string, blocks ...slack.Block) error {
		return a.postInChannel(ctx, c, channel, replyTS, text, blocks...)
	}
	if err != nil {
		if perr := post("Sorry, I could not answer that just now: " + escape(journey.ErrorMessage(err)) + ". Try again in a moment."); perr != nil {
			a.log.Error("ask: could not tell the person about a failure", "err", perr)
		}
		return err
	}
	if a.cfg.AskThreads != nil {
		raw, err := json.Marshal(ans.Thread)
		if err != nil {
			return fmt.Errorf("ask: encode thread context: %w", err)
		}
		if err := a.cfg.AskThreads.SaveAskThread(ctx, c.WS.ID, channel, threadKey, userID, raw, now); err != nil {
			return err
		}
	}
	return post(escape(truncate(ans.Text, maxText)), answerBlocks(ans, now, a.mailing())...)
}

// answerBlocks renders an answer: its text, the sources it cites (message
// permalinks and cards), buttons to open the accounts it names or may mean,
// and the asker's own actions with their Send / Edit / Snooze / Dismiss /
// Done buttons. Nothing here acts by itself: each button is a person's click.
func answerBlocks(ans ask.Answer, now time.Time, mailing bool) []slack.Block {
	var bs []slack.Block
	var chunk []string
	size := 0
	flush := func() {
		if len(chunk) > 0 {
			bs = append(bs, section(strings.Join(chunk, "\n")))
			chunk, size = nil, 0
		}
	}
	for _, l := range strings.Split(ans.Text, "\n") {
		l = escape(truncate(l, maxText-100))
		if size+len(l)+1 > maxText-100 || len(bs) >= 3 {
			flush()
			if len(bs) >= 3 {
				break
			}
		}
		chunk = append(chunk, l)
		size += len(l) + 1
	}
	flush()
	if len(ans.Citations) > 0 {
		var srcs []string
		for i, c := range ans.Citations {
			label := escape(truncate(c.Label, 80))
			if u := safeLink(c.Link); u != "" {
				label = "<" + u + "|" + label + ">"
			}
			srcs = append(srcs, fmt.Sprintf("[%d] %s", i+1, label))
		}
		bs = append(bs, contextText(lines(append([]string{"*Sources*"}, srcs...), maxText)))
	}
	for i, act := range ans.Actions {
		if i == 5 {
			break
		}
		bs = append(bs, actionBlocks(act, now, sendState{Mailing: mailing})...)
	}
	var buttons []slack.BlockElement
	seen := map[string]bool{}
	for _, r := range append(append([]journey.NamedRef(nil), ans.Suggest...), ans.Accounts...) {
		if seen[r.ID] || len(buttons) == 5 {
			continue
		}
		seen[r.ID] = true
		buttons = append(buttons, button(ActionPickAccount+":"+itoa(len(buttons)), "Open "+r.Name, r.ID))
	}
	if len(buttons) > 0 {
		bs = append(bs, slack.NewActionBlock("ask_accounts", buttons...))
	}
	if len(bs) > maxMessageBlocks {
		bs = bs[:maxMessageBlocks]
	}
	return bs
}

// suggestedPrompts are what the assistant pane offers to ask, by role.
func suggestedPrompts(c caller) []slack.AssistantThreadsPrompt {
	ps := []slack.AssistantThreadsPrompt{
		{Title: "My deals at risk", Message: "Which of my deals are at risk?"},
		{Title: "What to do first", Message: "What should I do first today?"},
		{Title: "Pipeline changes", Message: "What changed in my pipeline since Monday?"},
		{Title: "Renewals", Message: "Which of my accounts renew this quarter?"},
	}
	if c.Known && (c.Person.Role == journey.RoleManager || c.Person.Role == journey.RoleAdmin) {
		ps[1] = slack.AssistantThreadsPrompt{Title: "Overdue follow-ups", Message: "Which reps have overdue follow-ups?"}
	}
	if !c.Known {
		ps = []slack.AssistantThreadsPrompt{
			{Title: "Where is an account", Message: "Where is Acme?"},
			{Title: "What can you answer", Message: "What can you answer?"},
		}
	}
	return ps
}

// handleAssistantThreadStarted greets a person who opens Journey in Slack's
// assistant pane, with suggested prompts for their role.
func (a *App) handleAssistantThreadStarted(ctx context.Context, c caller, ev slackevents.EventsAPIInnerEvent) error {
	e, ok := ev.Data.(*slackevents.AssistantThreadStartedEvent)
	if !ok || !a.asks() {
		return nil
	}
	th := e.AssistantThread
	c, err := a.caller(ctx, c.TeamID, th.UserID, th.ChannelID)
	if err != nil {
		return err
	}
	if err := a.api.SetAssistantThreadsSuggestedPromptsContext(ctx, slack.AssistantThreadsSetSuggestedPromptsParameters{
		Title: "Ask about your customers' journeys", ChannelID: th.ChannelID, ThreadTS: th.ThreadTimeStamp, Prompts: suggestedPrompts(c),
	}); err != nil {
		return fmt.Errorf("set suggested prompts: %w", err)
	}
	hello := "Hi! Ask me where a customer is in their journey, why, and what to do next — I answer from Journey's records and cite them."
	if c.Known {
		hello = fmt.Sprintf("Hi %s! Ask me about your customers — where they are, what they wait on, what changed, what to do first. I answer from Journey's records and cite them.", escape(firstWord(c.Person.Name)))
	}
	_, _, err = a.postMessage(ctx, th.ChannelID, slack.MsgOptionText(hello, false), slack.MsgOptionTS(th.ThreadTimeStamp))
	return err
}

// linkedAccountContext makes the account linked to channel (if any) the
// conversation's account.
func (a *App) linkedAccountContext(ctx context.Context, c caller, channel string, th *ask.Thread) error {
	id, err := a.store.LinkedAccount(ctx, c.WS.ID, channel)
	if err != nil || id == "" {
		return err
	}
	ix, err := a.names(ctx, c.WS.ID)
	if err != nil {
		return err
	}
	for _, r := range ix.Refs() {
		if r.ID == id {
			th.AccountID, th.Account = r.ID, r.Name
		}
	}
	return nil
}
