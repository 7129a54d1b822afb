package slackapp

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// sendState is what the views know of sending email: whether a mail server
// is configured, and for an approved action its outbox email, who approved
// it (a Slack user id) and their zone.
type sendState struct {
	Mailing bool
	Email   *journey.OutboxEmail
	By      string
	Loc     *time.Location
}

// actionBlocks renders one action with why it matters, its draft and the
// buttons Send / Edit / Snooze / Dismiss / Done — or, once acted on, what
// happened instead of the buttons. Block ids carry the action id so that
// several actions fit in one message without clashing.
func actionBlocks(a journey.Action, now time.Time, st sendState) []slack.Block {
	text := fmt.Sprintf("*%s*\n_Why it matters:_ %s", escape(a.Title), escape(a.Reason))
	bs := []slack.Block{slack.NewSectionBlock(md(text), nil, nil, slack.SectionBlockOptionBlockID("act_"+a.ID))}
	if a.DraftSubject != "" || a.DraftBody != "" {
		draft := fmt.Sprintf("*Draft:* %s\n%s", escape(a.DraftSubject), quote(escape(truncate(a.DraftBody, 600))))
		bs = append(bs, slack.NewContextBlock("draft_"+a.ID, md(draft)))
	}
	if status := actionStatus(a, now, st); status != "" {
		bs = append(bs, slack.NewContextBlock("status_"+a.ID, md(status)))
		if a.State == journey.ActionFailed {
			retry := button(ActionSend, "Try again", a.ID)
			retry.Style = slack.StylePrimary
			bs = append(bs, slack.NewActionBlock("buttons_"+a.ID, retry, button(ActionEdit, "Edit", a.ID),
				button(ActionCopyDraft, "Copy draft", a.ID), button(ActionDone, "Done", a.ID), button(ActionDismiss, "Dismiss", a.ID)))
			return bs
		}
		if a.State == journey.ActionApproved && !st.Mailing {
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
func actionStatus(a journey.Action, now time.Time, st sendState) string {
	when := a.UpdatedAt.Format("Jan 2 15:04")
	e := st.Email
	to := ""
	if e != nil {
		to = escape(firstNonEmpty(e.ToName, e.ToAddr))
	}
	switch a.State {
	case journey.ActionApproved:
		if st.Mailing {
			if e != nil {
				return fmt.Sprintf(":outbox_tray: Approved — sending to %s <%s>…", to, escape(e.ToAddr))
			}
			return ":outbox_tray: Approved — sending…"
		}
		return fmt.Sprintf(":outbox_tray: Send approved %s, but no email server (SMTP) is configured, so nothing has left. Copy the draft, send it from your mailbox, then press *Mark sent*.", when)
	case journey.ActionSending:
		if e != nil {
			return fmt.Sprintf(":hourglass: Sending to %s…", to)
		}
		return ":hourglass: Sending…"
	case journey.ActionSent:
		if e != nil && !e.SentAt.IsZero() {
			at := e.SentAt
			if st.Loc != nil {
				at = at.In(st.Loc)
			}
			by := ""
			if r := userRef(st.By); r != "" {
				by = " by " + r
			}
			line := fmt.Sprintf(":white_check_mark: Sent %s%s to %s — on the timeline", at.Format("15:04"), by, to)
			if strings.Contains(e.LastError, "not sent again") || strings.Contains(e.LastError, "did not answer") {
				line += fmt.Sprintf(". The mail server's answer was lost, so please check your Sent folder for it (Message-ID %s).", escape(e.MessageID))
			}
			return line
		}
		return fmt.Sprintf(":white_check_mark: Sent %s — on the timeline", when)
	case journey.ActionDone:
		return fmt.Sprintf(":white_check_mark: Done %s", when)
	case journey.ActionDismissed:
		return fmt.Sprintf(":no_entry_sign: Dismissed %s", when)
	case journey.ActionFailed:
		if e != nil && e.LastError != "" {
			return fmt.Sprintf(":x: Not sent to %s: %s. Fix what it says and press *Try again*, or copy the draft and send it yourself.", to, escape(e.LastError))
		}
		return ":x: Sending failed; try again or copy the draft."
	case journey.ActionSnoozed:
		if a.Open(now) {
			return fmt.Sprintf(":alarm_clock: Back from a snooze (until %s)", a.SnoozedUntil.Format("Jan 2 15:04"))
		}
		return fmt.Sprintf(":zzz: Snoozed until %s", a.SnoozedUntil.Format("Mon Jan 2 15:04"))
	}
	return ""
}
