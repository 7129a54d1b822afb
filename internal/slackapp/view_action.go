package slackapp

import (
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// actionBlocks renders one action with why it matters, its draft and the
// buttons Send / Edit / Snooze / Dismiss / Done — or, once acted on, what
// happened instead of the buttons. Block ids carry the action id so that
// several actions fit in one message without clashing.
func actionBlocks(a journey.Action, now time.Time) []slack.Block {
	text := fmt.Sprintf("*%s*\n_Why it matters:_ %s", escape(a.Title), escape(a.Reason))
	bs := []slack.Block{slack.NewSectionBlock(md(text), nil, nil, slack.SectionBlockOptionBlockID("act_"+a.ID))}
	if a.DraftSubject != "" || a.DraftBody != "" {
		draft := fmt.Sprintf("*Draft:* %s\n%s", escape(a.DraftSubject), quote(escape(truncate(a.DraftBody, 600))))
		bs = append(bs, slack.NewContextBlock("draft_"+a.ID, md(draft)))
	}
	if status := actionStatus(a, now); status != "" {
		bs = append(bs, slack.NewContextBlock("status_"+a.ID, md(status)))
		if a.State == journey.ActionApproved {
			// no email server: the owner sends it themselves
			mark := button(ActionMarkSent, "Mark sent", a.ID)
			mark.Style = slack.StylePrimary
			bs = append(bs, slack.NewActionBlock("buttons_"+a.ID, button(ActionCopyDraft, "Copy draft", a.ID), mark, button(ActionDone, "Done", a.ID)))
			return bs
		}
		if a.State != journey.ActionSnoozed || !a.Open(now) {
			return bs
		}
	}
	send := button(ActionSend, "Send", a.ID)
	send.Style = slack.StylePrimary
	snooze := slack.NewOverflowBlockElement(ActionSnooze,
		slack.NewOptionBlockObject(a.ID+"|"+Snooze1Day, plainShort("Snooze 1 day"), nil),
		slack.NewOptionBlockObject(a.ID+"|"+Snooze3Days, plainShort("Snooze 3 days"), nil),
		slack.NewOptionBlockObject(a.ID+"|"+SnoozeNextWeek, plainShort("Snooze to next week"), nil),
	)
	var elems []slack.BlockElement
	if a.DraftBody != "" {
		elems = append(elems, send, button(ActionEdit, "Edit", a.ID))
	}
	elems = append(elems, button(ActionDone, "Done", a.ID), button(ActionDismiss, "Dismiss", a.ID), snooze)
	bs = append(bs, slack.NewActionBlock("buttons_"+a.ID, elems...))
	return bs
}

func plainShort(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, truncate(s, maxButtonText), false, false)
}

func quote(s string) string {
	out := "> "
	for _, r := range s {
		out += string(r)
		if r == '\n' {
			out += "> "
		}
	}
	return out
}

// actionStatus says what happened to an action that is no longer just proposed.
func actionStatus(a journey.Action, now time.Time) string {
	when := a.UpdatedAt.Format("Jan 2 15:04")
	switch a.State {
	case journey.ActionApproved:
		return fmt.Sprintf(":outbox_tray: Send approved %s, but no email server (SMTP) is configured, so nothing has left. Copy the draft, send it from your mailbox, then press *Mark sent*.", when)
	case journey.ActionSending:
		return ":hourglass: Sending…"
	case journey.ActionSent:
		return fmt.Sprintf(":white_check_mark: Sent %s — on the timeline", when)
	case journey.ActionDone:
		return fmt.Sprintf(":white_check_mark: Done %s", when)
	case journey.ActionDismissed:
		return fmt.Sprintf(":no_entry_sign: Dismissed %s", when)
	case journey.ActionFailed:
		return ":x: Sending failed; try again or copy the draft."
	case journey.ActionSnoozed:
		if a.Open(now) {
			return fmt.Sprintf(":alarm_clock: Back from a snooze (until %s)", a.SnoozedUntil.Format("Jan 2 15:04"))
		}
		return fmt.Sprintf(":zzz: Snoozed until %s", a.SnoozedUntil.Format("Mon Jan 2 15:04"))
	}
	return ""
}
