package slackapp

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// SendNudge DMs a rep (or CSM) their top actions for the day, each with why
// it matters, its draft and its buttons. It returns the message's ts, or ""
// when nothing waits on them (no empty DMs).
func (a *App) SendNudge(ctx context.Context, ws string, p journey.Person, day string) (string, error) {
	return a.sendActions(ctx, ws, p, day, "")
}

// sendActions DMs a person their top actions, with an optional first line.
func (a *App) sendActions(ctx context.Context, ws string, p journey.Person, day, note string) (string, error) {
	c := caller{WS: journey.Workspace{ID: ws}, UserID: p.SlackUserID, Person: p, Known: true}
	ranked, err := a.myBook(ctx, c)
	if err != nil {
		return "", err
	}
	prio := map[string]journey.Priority{}
	for _, ra := range ranked {
		prio[ra.Data.Account.ID] = ra.Priority
	}
	now := a.cfg.Now()
	actions, err := a.store.ActionsFor(ctx, ws, p.ID, now)
	if err != nil {
		return "", err
	}
	top := journey.RankActions(actions, prio, now)
	if len(top) == 0 {
		return "", nil
	}
	intro := fmt.Sprintf("Good %s, %s. %s", partOfDay(now, p.TimeZone), escape(firstWord(p.Name)), dayLine(len(top), len(ranked)))
	if note != "" {
		intro = note + " " + dayLine(len(top), len(ranked))
	}
	blocks := []slack.Block{header("Your day — " + dayLabel(day, now, p.TimeZone)), section(intro)}
	for i, ra := range top {
		if i == homeActions {
			break
		}
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, actionBlocks(ra.Action, now)...)
	}
	blocks = append(blocks, contextText("Your accounts and all your actions are on Journey's Home tab."))
	im, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{p.SlackUserID}})
	if err != nil {
		return "", fmt.Errorf("open a DM with %s: %w", p.Name, err)
	}
	_, ts, err := a.postMessage(ctx, im.ID, slack.MsgOptionText(fmt.Sprintf("Your day: %d things that matter", min(len(top), homeActions)), false),
		slack.MsgOptionBlocks(blocks...))
	return ts, err
}

// PostDigest posts a manager's team digest in a channel: a short summary,
// and for a big team the full lists as replies in its thread.
func (a *App) PostDigest(ctx context.Context, ws, channel string, manager journey.Person, day string, since, now time.Time) (string, error) {
	people, err := a.store.People(ctx, ws)
	if err != nil {
		return "", err
	}
	byID := map[string]journey.Person{}
	var book []journey.AccountData
	seen := map[string]bool{}
	for _, p := range people {
		byID[p.ID] = p
		if p.ManagerID != manager.ID || p.Role != journey.RoleRep && p.Role != journey.RoleCSM {
			continue
		}
		mine, err := a.store.LoadBookOf(ctx, ws, p.ID, now)
		if err != nil {
			return "", err
		}
		for _, d := range mine {
			if !seen[d.Account.ID] {
				seen[d.Account.ID] = true
				book = append(book, d)
			}
		}
	}
	defs, err := a.store.Definitions(ctx, ws)
	if err != nil {
		return "", err
	}
	d := journey.BuildDigest(defs, book, byID, since, now)
	summary, thread := digestBlocks(d, dayLabel(day, now, manager.TimeZone))
	summary = append(summary, a.unansweredBlocks(ctx, ws, seen)...)
	_, ts, err := a.postMessage(ctx, channel, slack.MsgOptionText("Team digest for "+dayLabel(day, now, manager.TimeZone), false), slack.MsgOptionBlocks(summary...))
	if err != nil {
		return "", err
	}
	for _, part := range thread {
		if _, _, err := a.postMessage(ctx, channel, slack.MsgOptionText("Digest details", false), slack.MsgOptionBlocks(part...), slack.MsgOptionTS(ts)); err != nil {
			return ts, err
		}
	}
	return ts, nil
}

// dayLabel writes a local day ("2026-11-23") as "Mon Nov 23"; without one,
// the day at now in the zone tz.
func dayLabel(day string, now time.Time, tz string) string {
	if d, err := time.Parse("2006-01-02", day); err == nil {
		return d.Format("Mon Jan 2")
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		now = now.In(loc)
	}
	return now.Format("Mon Jan 2")
}

// handleNudgeRep sends a rep their actions now, at their manager's request
// from the digest. Only the rep's manager or an admin may.
func (a *App) handleNudgeRep(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	people, err := a.store.People(ctx, c.WS.ID)
	if err != nil {
		return err
	}
	var rep journey.Person
	for _, p := range people {
		if p.ID == act.Value {
			rep = p
		}
	}
	switch {
	case rep.ID == "":
		return a.tell(ctx, c, cb, "That person is no longer in Journey.")
	case !c.Known || (rep.ManagerID != c.Person.ID && c.Person.Role != journey.RoleAdmin):
		return a.tell(ctx, c, cb, "Only "+escape(rep.Name)+"'s manager (or an admin) can nudge them.")
	case rep.SlackUserID == "":
		return a.tell(ctx, c, cb, escape(rep.Name)+" has no Slack account linked in Journey.")
	}
	ts, err := a.sendActions(ctx, c.WS.ID, rep, "", "Your manager "+escape(c.Person.Name)+" asked you to look at these today.")
	if err != nil {
		return err
	}
	if ts == "" {
		return a.tell(ctx, c, cb, escape(rep.Name)+" has no open actions right now; nothing was sent.")
	}
	return a.tell(ctx, c, cb, "Sent "+escape(rep.Name)+" their top actions.")
}
