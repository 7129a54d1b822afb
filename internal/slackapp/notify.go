package slackapp

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// SendNudge DMs a rep (or CSM) their top actions for the day, each with why
// it matters, its draft and its buttons. A nudge is not repeated: only
// actions they have not been DMed about, or that changed since (back from a
// snooze, a failed send), are sent. It returns the message's ts, or "" when
// nothing new waits on them (no empty DMs).
func (a *App) SendNudge(ctx context.Context, ws string, p journey.Person, day string) (string, error) {
	return a.sendActions(ctx, ws, p, day, "", true)
}

// sendActions DMs a person their top actions, with an optional first line;
// freshOnly leaves out what they were DMed about already, unchanged.
func (a *App) sendActions(ctx context.Context, ws string, p journey.Person, day, note string, freshOnly bool) (string, error) {
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
	earlier := 0
	if freshOnly {
		fresh := top[:0:0]
		for _, ra := range top {
			if ra.Action.Fresh() {
				fresh = append(fresh, ra)
			}
		}
		earlier, top = len(top)-len(fresh), fresh
	}
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
		blocks = append(blocks, actionBlocks(ra.Action, now, sendState{Mailing: a.mailing()})...)
	}
	footer := "Your accounts and all your actions are on Journey's Home tab."
	if earlier > 0 {
		footer = fmt.Sprintf("%d earlier %s still open on Journey's Home tab, with your accounts.", earlier, map[bool]string{true: "action is", false: "actions are"}[earlier == 1])
	}
	blocks = append(blocks, contextText(footer))
	ts, err := a.dm(ctx, ws, p, fmt.Sprintf("Your day: %d things that matter", min(len(top), homeActions)), blocks...)
	if err != nil || ts == "" {
		return ts, err
	}
	// what was shown counts as nudged; snoozes it ended are over
	var shown []string
	for i, ra := range top {
		if i == homeActions {
			break
		}
		shown = append(shown, ra.Action.ID)
		if ra.Action.State == journey.ActionSnoozed {
			if _, _, err := a.store.TransitionAction(ctx, ws, ra.Action.ID, journey.VerbWake, "", time.Time{}, "snooze ended (morning DM)"); err != nil {
				a.log.Warn("wake a snoozed action", "action", ra.Action.ID, "err", err)
			}
		}
	}
	if err := a.store.MarkNudged(ctx, ws, shown); err != nil {
		a.log.Warn("record what the morning DM showed", "person", p.Name, "err", err)
	}
	return ts, nil
}

// PostDigest posts a manager's team digest in a channel: a short summary,
// and for a big team the full lists as replies in its thread.
func (a *App) PostDigest(ctx context.Context, ws, channel string, manager journey.Person, day string, since, now time.Time) (string, error) {
	if a.sharedOutside(ctx, channel) {
		return "", journey.Errorf(journey.EINVALID, "Journey does not post digests in %s: it is shared with people outside the organization", channel)
	}
	people, err := a.store.People(ctx, ws)
	if err != nil {
		return "", err
	}
	byID := map[string]journey.Person{}
	var members []string
	for _, p := range people {
		byID[p.ID] = p
		if p.ManagerID == manager.ID && (p.Role == journey.RoleRep || p.Role == journey.RoleCSM) {
			members = append(members, p.ID)
		}
	}
	// the team's accounts in one read, each once
	book, err := a.store.LoadBookOfTeam(ctx, ws, members, now)
	if err != nil {
		return "", err
	}
	seen := make(map[string]bool, len(book))
	for _, d := range book {
		seen[d.Account.ID] = true
	}
	defs, err := a.store.Definitions(ctx, ws)
	if err != nil {
		return "", err
	}
	d := journey.BuildDigest(defs, book, byID, since, now)
	if d.Sent, err = a.store.FollowUpsSent(ctx, ws, members, since, now); err != nil {
		return "", err
	}
	summary, thread := digestBlocks(d, dayLabel(day, now, manager.TimeZone))
	summary = append(summary, a.unansweredBlocks(ctx, ws, seen)...)
	_, ts, err := a.postMessage(ctx, channel, slack.MsgOptionText("Team digest for "+dayLabel(day, now, manager.TimeZone), false), slack.MsgOptionBlocks(summary...))
	if isSlackError(err, "not_in_channel") || isSlackError(err, "channel_not_found") || isSlackError(err, "is_archived") {
		// tell the manager, and do not retry: nothing can go there until
		// someone acts
		reason := "I'm not a member of it. Invite me there with `/invite @Journey`"
		if isSlackError(err, "is_archived") {
			reason = "it is archived. Pick another channel with `bot digest --channel CHANNEL_ID --manager EMAIL`"
		} else if isSlackError(err, "channel_not_found") {
			reason = "I can't see it (it was deleted, or it is private and I'm not in it). Invite me, or pick another channel with `bot digest --channel CHANNEL_ID --manager EMAIL`"
		}
		a.log.Warn("digest channel unavailable", "channel", channel, "err", err)
		_, derr := a.dm(ctx, ws, manager, fmt.Sprintf(":warning: I couldn't post your team digest for %s in <#%s>: %s. Your digest will be posted there on the next workday once that is fixed.",
			dayLabel(day, now, manager.TimeZone), channel, reason))
		return "", derr
	}
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
	ts, err := a.sendActions(ctx, c.WS.ID, rep, "", "Your manager "+escape(c.Person.Name)+" asked you to look at these today.", false)
	if err != nil {
		return err
	}
	if ts == "" {
		return a.tell(ctx, c, cb, escape(rep.Name)+" has no open actions right now; nothing was sent.")
	}
	return a.tell(ctx, c, cb, "Sent "+escape(rep.Name)+" their top actions.")
}
