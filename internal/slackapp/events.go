package slackapp

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/journeyhq/journey/internal/journey"
)

var mentionToken = regexp.MustCompile(`<@[A-Z0-9]+(\|[^>]*)?>`)

// handleMention answers "@Journey acme" with the card, as a reply in the
// thread it was asked in (slash commands cannot answer in threads). In a
// channel linked to an account, "@Journey" alone means that account.
func (a *App) handleMention(ctx context.Context, c caller, ev slackevents.EventsAPIInnerEvent) error {
	e, ok := ev.Data.(*slackevents.AppMentionEvent)
	if !ok || e.BotID != "" {
		return nil
	}
	thread := firstNonEmpty(e.ThreadTimeStamp, e.TimeStamp)
	if !c.MayRead {
		return a.refuse(ctx, c, e.Channel, thread)
	}
	query := strings.TrimSpace(fromSlack(mentionToken.ReplaceAllString(e.Text, " ")))
	// in a channel shared outside the organization, only the asker sees it
	reply := func(text string, blocks ...slack.Block) error {
		return a.postInChannel(ctx, c, e.Channel, thread, text, blocks...)
	}
	accountID := ""
	if query == "" || strings.EqualFold(query, "help") {
		linked, err := a.store.LinkedAccount(ctx, c.WS.ID, e.Channel)
		if err != nil {
			return err
		}
		if linked == "" || query != "" {
			return reply("Journey help", section("Ask me about an account: `@Journey acme` — I answer in the thread.\n\n"+usageText))
		}
		accountID = linked
	} else if a.asks() && looksLikeQuestion(query) {
		// "@Journey which of my deals are at risk?": Ask Journey, in the thread
		return a.answerQuestion(ctx, c, e.User, e.Channel, thread, thread, query, false)
	} else if len([]rune(query)) > maxQuery {
		return reply("That is longer than any account name; try `@Journey acme`.")
	} else {
		ref, msg, err := a.findAccount(ctx, c, query)
		if err != nil {
			return err
		}
		if msg != nil {
			return reply(msg.Text, msg.Blocks.BlockSet...)
		}
		accountID = ref.ID
	}
	card, _, err := a.cardFor(ctx, c, accountID)
	if err != nil {
		return reply(journey.ErrorMessage(err))
	}
	return reply(escape(card.Account.Name+": "+card.Position.StageName), cardBlocks(card, cardOptions{Shared: true, Now: a.cfg.Now()})...)
}

// handleMessage answers direct messages: an account name gets its card,
// anything else the help. Channel messages are stored in the inbox only.
func (a *App) handleMessage(ctx context.Context, c caller, ev slackevents.EventsAPIInnerEvent) error {
	e, ok := ev.Data.(*slackevents.MessageEvent)
	if !ok {
		return nil
	}
	if e.ChannelType == "channel" || e.ChannelType == "group" {
		return a.ingestChannelMessage(ctx, c, e)
	}
	if e.ChannelType != "im" || e.BotID != "" || e.SubType != "" || e.User == "" || e.User == a.botUser {
		return nil
	}
	text := strings.TrimSpace(fromSlack(mentionToken.ReplaceAllString(e.Text, " ")))
	post := func(text string, blocks ...slack.Block) error {
		opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
		if len(blocks) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(blocks...))
		}
		_, _, err := a.postMessage(ctx, e.Channel, opts...)
		return err
	}
	first := strings.ToLower(firstField(text))
	switch {
	case text == "" || first == "help" || first == "hi" || first == "hello":
		return post("Journey help", section(usageText))
	case !c.MayRead:
		return post(c.refusal())
	case first == "log":
		// "log acme Called Dana; she'll send the PO Friday" — a note on the
		// account's timeline, as with /journey log
		r := &dmResponder{post: post}
		return a.logNote(ctx, c, e.User, "dm:"+e.Channel+":"+e.TimeStamp, strings.TrimSpace(text[len(first):]), tsTime(e.TimeStamp, a.cfg.Now()), r.reply)
	case a.asks() && first != "mine" && (e.ThreadTimeStamp != "" || looksLikeQuestion(text)):
		// a question (or anything in a DM thread, as in the assistant pane):
		// Ask Journey answers, in the thread when it was asked in one
		return a.answerQuestion(ctx, c, e.User, e.Channel, e.ThreadTimeStamp, e.ThreadTimeStamp, text, e.ThreadTimeStamp != "")
	case first == "mine" || first == "my":
		if !c.Known {
			return post("Journey does not know you as a rep, manager or CSM here yet, so you have no accounts.")
		}
		ranked, err := a.myBook(ctx, c)
		if err != nil {
			return err
		}
		return post("Your accounts by priority", append([]slack.Block{header("Your accounts by priority")}, accountRows(ranked, maxMessageBlocks-2)...)...)
	case len([]rune(text)) > maxQuery:
		return post("That is longer than any account name. Send me an account name, like `acme`.")
	}
	ref, msg, err := a.findAccount(ctx, c, text)
	if err != nil {
		return err
	}
	if msg != nil {
		return post(msg.Text, msg.Blocks.BlockSet...)
	}
	card, actions, err := a.cardFor(ctx, c, ref.ID)
	if err != nil {
		return post(journey.ErrorMessage(err))
	}
	// a DM is private: the card shows the person's own actions and drafts
	blocks := cardBlocks(card, cardOptions{Actions: actions, Now: a.cfg.Now(), Mailing: a.mailing()})
	return post(escape(card.Account.Name+": "+card.Position.StageName), blocks...)
}

// handleMemberJoined introduces Journey when it is added to a channel.
func (a *App) handleMemberJoined(ctx context.Context, c caller, ev slackevents.EventsAPIInnerEvent) error {
	e, ok := ev.Data.(*slackevents.MemberJoinedChannelEvent)
	if !ok || e.User != a.botUser {
		return nil
	}
	_, _, err := a.postMessage(ctx, e.Channel, slack.MsgOptionText(
		"Hi! I'm Journey. Ask me where a customer is in their journey with `@Journey acme` (I answer in the thread), or `/journey acme` for a card only you see.", false))
	return err
}

// dmResponder answers in the DM the message came from.
type dmResponder struct {
	post func(text string, blocks ...slack.Block) error
}

func (r *dmResponder) reply(text string) error { return r.post(text) }
