package slackapp

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/journeyhq/journey/internal/journey"
)

// Ingester stores messages on an account's timeline and has them analysed
// in the background. *jobs.Runner implements it.
type Ingester interface {
	Ingest(ctx context.Context, ws string, e journey.Event) (eventID string, added bool, err error)
	Edit(ctx context.Context, ws, source, ext, text string, at time.Time) error
	Delete(ctx context.Context, ws, source, ext string, at time.Time) error
}

// SourceSlack is the timeline source of messages read from Slack.
const SourceSlack = "slack"

// who is a message author as Journey sees them.
type who struct {
	Name      string
	Side      journey.Side
	ActorID   string // one of our people
	ContactID string // a contact at the account
}

// userCache remembers users.info answers for a while.
type userCache struct {
	mu    sync.Mutex
	users map[string]cachedUser
}

type cachedUser struct {
	user slack.User
	at   time.Time
}

const userCacheTTL = time.Hour

func (a *App) slackUser(ctx context.Context, id string) (slack.User, error) {
	a.users.mu.Lock()
	if a.users.users == nil {
		a.users.users = map[string]cachedUser{}
	}
	cu, ok := a.users.users[id]
	a.users.mu.Unlock()
	if ok && time.Since(cu.at) < userCacheTTL {
		return cu.user, nil
	}
	u, err := a.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return slack.User{}, fmt.Errorf("users.info %s: %w", id, err)
	}
	a.users.mu.Lock()
	a.users.users[id] = cachedUser{user: *u, at: time.Now()}
	a.users.mu.Unlock()
	return *u, nil
}

// author resolves who wrote a message: one of our people (us), a contact of
// the account found by email (the customer), someone from another Slack
// team (a Slack Connect guest: the customer), or else a colleague (us).
func (a *App) author(ctx context.Context, c caller, userID, accountID string) who {
	if p, ok, err := a.store.PersonBySlackID(ctx, c.WS.ID, userID); err == nil && ok {
		return who{Name: p.Name, Side: journey.SideUs, ActorID: p.ID}
	}
	u, err := a.slackUser(ctx, userID)
	if err != nil {
		a.log.Warn("cannot look up a message author", "user", userID, "err", err)
		return who{Name: userID, Side: journey.SideCustomer}
	}
	name := firstNonEmpty(u.RealName, u.Profile.RealName, u.Name)
	if u.Profile.Email != "" {
		if ct, ok, err := a.store.ContactByEmail(ctx, c.WS.ID, accountID, u.Profile.Email); err == nil && ok {
			return who{Name: firstNonEmpty(ct.Name, name), Side: journey.SideCustomer, ContactID: ct.ID}
		}
	}
	if u.TeamID != "" && u.TeamID != c.TeamID {
		return who{Name: name, Side: journey.SideCustomer}
	}
	return who{Name: name, Side: journey.SideUs}
}

// ingestChannelMessage stores a message of a channel linked to an account
// (edits and deletions too) and queues it for analysis.
func (a *App) ingestChannelMessage(ctx context.Context, c caller, e *slackevents.MessageEvent) error {
	if a.cfg.Ingester == nil {
		return nil
	}
	accountID, err := a.store.LinkedAccount(ctx, c.WS.ID, e.Channel)
	if err != nil || accountID == "" {
		return err
	}
	switch e.SubType {
	case "message_changed":
		if e.Message == nil || e.Message.BotID != "" {
			return nil
		}
		ext := journey.MessageRef(e.Channel, e.Message.Timestamp, e.Message.ThreadTimestamp)
		if e.Message.SubType == "tombstone" {
			// a thread parent deleted while it has replies stays as
			// "This message was deleted."
			return a.cfg.Ingester.Delete(ctx, c.WS.ID, SourceSlack, ext, a.cfg.Now())
		}
		if e.PreviousMessage != nil && e.PreviousMessage.Text == e.Message.Text {
			return nil // an unfurl, a reply count, a reaction: not an edit
		}
		return a.cfg.Ingester.Edit(ctx, c.WS.ID, SourceSlack, ext, fromSlack(e.Message.Text), a.cfg.Now())
	case "message_deleted":
		ts, thread := e.DeletedTimeStamp, ""
		if e.PreviousMessage != nil {
			ts, thread = firstNonEmpty(ts, e.PreviousMessage.Timestamp), e.PreviousMessage.ThreadTimestamp
		}
		return a.cfg.Ingester.Delete(ctx, c.WS.ID, SourceSlack, journey.MessageRef(e.Channel, ts, thread), a.cfg.Now())
	case "", "thread_broadcast", "file_share":
	default:
		return nil // joins, topic changes, bot messages
	}
	text := fromSlack(e.Text)
	if e.BotID != "" || e.User == "" || e.User == a.botUser || strings.TrimSpace(text) == "" {
		return nil
	}
	w := a.author(ctx, c, e.User, accountID)
	at := tsTime(e.TimeStamp, a.cfg.Now())
	_, _, err = a.cfg.Ingester.Ingest(ctx, c.WS.ID, journey.Event{
		AccountID: accountID, ActorID: w.ActorID, ContactID: w.ContactID, Kind: journey.EventMessage, Source: SourceSlack,
		ExternalID: journey.MessageRef(e.Channel, e.TimeStamp, e.ThreadTimeStamp), At: at, Direction: w.Side,
		Summary: journey.Summarize(text), Link: a.permalink(e.Channel, e.TimeStamp, e.ThreadTimeStamp),
		AuthorRef: e.User, AuthorName: w.Name, Text: text,
	})
	return err
}

// tsTime reads a Slack ts ("1700000000.000100") as a time; an empty or
// unreadable one is now.
func tsTime(ts string, now time.Time) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	// base 10: Sscan would read "000100" as octal
	s, _ := strconv.ParseInt(sec, 10, 64)
	var us int64
	if frac != "" {
		us, _ = strconv.ParseInt(frac, 10, 64)
	}
	if s == 0 {
		return now.UTC()
	}
	return time.Unix(s, us*1000).UTC()
}

// permalink builds a message's link from the workspace's URL (auth.test).
func (a *App) permalink(channel, ts, threadTS string) string {
	if a.teamURL == "" {
		return ""
	}
	link := fmt.Sprintf("%sarchives/%s/p%s", a.teamURL, channel, strings.ReplaceAll(ts, ".", ""))
	if threadTS != "" && threadTS != ts {
		link += fmt.Sprintf("?thread_ts=%s&cid=%s", threadTS, channel)
	}
	return link
}

// splitLog separates "ACCOUNT: text" or "ACCOUNT text" for /journey log: the
// longest run of leading words that names exactly one account.
func splitLog(refs []journey.NamedRef, s string) (journey.NamedRef, string, bool) {
	if name, text, ok := strings.Cut(s, ":"); ok {
		if m := journey.Match(refs, name); len(m) == 1 && strings.TrimSpace(text) != "" {
			return m[0], strings.TrimSpace(text), true
		}
	}
	words := strings.Fields(s)
	for n := min(5, len(words)-1); n >= 1; n-- {
		m := journey.Match(refs, strings.Join(words[:n], " "))
		if len(m) == 1 {
			return m[0], strings.Join(words[n:], " "), true
		}
	}
	return journey.NamedRef{}, "", false
}

// handleLink links the channel to an account: its messages become the
// account's timeline.
func (a *App) handleLink(ctx context.Context, c caller, cmd slack.SlashCommand, rest string, r *responder) error {
	if strings.TrimSpace(rest) == "" {
		return r.Reply(ctx, ephemeral("Say which account to link this channel to: `/journey link acme`."))
	}
	if strings.HasPrefix(cmd.ChannelID, "D") {
		return r.Reply(ctx, ephemeral("Link a channel, not a DM: run `/journey link ACCOUNT` in the account's deal channel."))
	}
	ref, msg, err := a.findAccount(ctx, c, rest)
	if err != nil {
		return err
	}
	if msg != nil {
		return r.Reply(ctx, msg)
	}
	if err := a.store.LinkChannel(ctx, c.WS.ID, cmd.ChannelID, ref.ID, c.Person.ID); err != nil {
		return err
	}
	text := fmt.Sprintf("Linked this channel to *%s*. I'll read its messages for promises, what each side waits on, milestones and new people, and show them on the card.", escape(ref.Name))
	info, err := a.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: cmd.ChannelID})
	if err == nil && !info.IsMember || isSlackError(err, "channel_not_found") {
		text += " I'm not a member yet, so I can't read it: invite me with `/invite @Journey`."
	}
	return r.Reply(ctx, ephemeral(text))
}

// handleLog records a note on an account's timeline: "/journey log acme
// Called Dana; she'll send the PO Friday".
func (a *App) handleLog(ctx context.Context, c caller, cmd slack.SlashCommand, rest string, r *responder) error {
	ref := "log:" + firstNonEmpty(cmd.TriggerID, fmt.Sprint(a.cfg.Now().UnixNano()))
	return a.logNote(ctx, c, cmd.UserID, ref, rest, a.cfg.Now(), func(text string) error { return r.Reply(ctx, ephemeral(text)) })
}

// logNote stores "ACCOUNT text" as a note on the account's timeline and
// queues it for analysis; answer tells the person how it went.
func (a *App) logNote(ctx context.Context, c caller, userID, ext, rest string, at time.Time, answer func(string) error) error {
	if a.cfg.Ingester == nil {
		return answer("Logging is not available in this installation.")
	}
	ix, err := a.names(ctx, c.WS.ID)
	if err != nil {
		return err
	}
	ref, text, ok := splitLog(ix.Refs(), rest)
	if !ok || text == "" {
		return answer("Say which account and what happened: `log acme Called Dana, she'll send the PO by Friday`.")
	}
	w := a.author(ctx, c, userID, ref.ID)
	_, _, err = a.cfg.Ingester.Ingest(ctx, c.WS.ID, journey.Event{
		AccountID: ref.ID, ActorID: w.ActorID, Kind: journey.EventNote, Source: SourceSlack, ExternalID: ext, At: at,
		Direction: journey.SideUs, Summary: journey.Summarize(text), AuthorRef: userID, AuthorName: w.Name, Text: text,
	})
	if err != nil {
		return err
	}
	return answer(fmt.Sprintf("Logged on *%s*'s timeline. I'll look for promises, open questions and milestones in it.", escape(ref.Name)))
}
