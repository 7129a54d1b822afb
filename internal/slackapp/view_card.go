package slackapp

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// cardOptions say who sees the card and what it offers.
type cardOptions struct {
	Shared  bool             // posted for everyone in a channel or thread: no personal actions or drafts
	Actions []journey.Action // the viewer's own open actions on this account
	Now     time.Time
	Mailing bool // a mail server is configured: Send sends
}

// Caps that keep a card inside Slack's limits however big the account is.
const (
	cardPersonas   = 6
	cardChanges    = 5
	cardWaits      = 4
	cardSteps      = 5
	cardTimeline   = 4
	cardActions    = 3
	cardStageLines = 10
)

// cardBlocks renders the account card: stage and journey progress, each
// persona's progress, milestones done and missing, health with its reasons,
// recent changes with theirs, what the customer waits on, next steps and
// buttons. It stays under 50 blocks and 3,000 characters per text.
func cardBlocks(c journey.Card, o cardOptions) []slack.Block {
	pos, h := c.Position, c.Health
	links := map[string]string{}
	for _, e := range c.Timeline {
		if l := safeLink(e.Link); e.Ref.Kind == "event" && strings.HasPrefix(l, "https://") {
			links[e.Ref.ID] = l
		}
	}
	linked := func(text, eventID string) string {
		if l := links[eventID]; l != "" {
			return fmt.Sprintf("<%s|%s>", l, text)
		}
		return text
	}
	var bs []slack.Block
	bs = append(bs, header(c.Account.Name))

	var meta []string
	if c.Account.Segment != "" {
		meta = append(meta, escape(strings.ReplaceAll(c.Account.Segment, "_", "-")))
	}
	if c.Owner.ID != "" {
		meta = append(meta, "owner "+personRef(c.Owner))
	}
	if c.CSM.ID != "" {
		meta = append(meta, "CSM "+personRef(c.CSM))
	}
	if c.Account.ARRCents > 0 {
		meta = append(meta, "ARR "+journey.FormatMoney(c.Account.ARRCents, c.Account.Currency))
	}
	if !c.Account.RenewalDate.IsZero() {
		meta = append(meta, "renews "+journey.FormatDate(c.Account.RenewalDate))
	}
	if len(meta) > 0 {
		bs = append(bs, contextText(strings.Join(meta, "  ·  ")))
	}

	stage := fmt.Sprintf("*Stage:* %s  (%d of %d, %s v%d)", escape(pos.StageName), pos.Index+1, len(pos.Stages), escape(pos.DefinitionName), pos.DefinitionVersion)
	if pos.AtRisk() {
		stage += "  :warning: *at risk*"
	}
	stage += "\n_Why:_ " + escape(pos.Why.Sentence)
	if pos.LoopedBack {
		stage += fmt.Sprintf("\n:repeat: Journey cycle %d, started by %s on %s", pos.Cycle.Number, escape(pos.Cycle.DealName), journey.FormatDate(pos.Cycle.StartedAt))
	}
	for _, r := range pos.Risks {
		stage += "\n:warning: " + escape(upperFirst(r.Sentence))
	}
	bs = append(bs, section(stage))
	bs = append(bs, contextText(journeyPath(pos)))

	bs = append(bs, slack.NewDividerBlock())
	bs = append(bs, healthBlock(h))
	pr := c.Priority
	prio := fmt.Sprintf("*Priority %d*", pr.Score)
	if pr.ClosingThisMonth {
		prio += " · closes this month"
	}
	if pr.Class != "" {
		prio += fmt.Sprintf(" · *%s*: %s", pr.Class, escape(pr.ClassWhy))
	}
	var pf []string
	for _, f := range pr.Factors {
		pf = append(pf, fmt.Sprintf("%s %d/%d", f.Label, f.Points, f.Weight))
	}
	bs = append(bs, section(prio), contextText(escape(strings.Join(pf, " · "))))

	if len(pos.Personas) > 0 {
		ls := capped(pos.Personas, cardPersonas, " personas", func(_ int, pp journey.PersonaProgress) string {
			mark := ":white_check_mark:"
			if pp.Stuck {
				mark = ":red_circle:"
			} else if len(pp.Missing) > 0 {
				mark = ":large_yellow_circle:"
			}
			return mark + " " + escape(upperFirst(pp.Sentence))
		})
		bs = append(bs, section("*People and their own progress*\n"+lines(ls, maxText-40)))
	}

	var ms []string
	for _, s := range pos.Stages {
		if !s.Reached || s.Skipped || len(s.Milestones) == 0 {
			continue
		}
		var items []string
		for _, m := range s.Milestones {
			switch {
			case m.Done:
				items = append(items, ":white_check_mark: "+linked(escape(m.Milestone.Name), m.Completion.EvidenceEventID))
			case m.Milestone.Required:
				items = append(items, ":x: *"+escape(m.Milestone.Name)+"*")
			default:
				items = append(items, ":white_circle: "+escape(m.Milestone.Name))
			}
		}
		ms = append(ms, fmt.Sprintf("*%s:* %s", escape(s.Name), strings.Join(items, "  ")))
	}
	if len(ms) > cardStageLines {
		ms = ms[len(ms)-cardStageLines:]
	}
	if len(ms) > 0 {
		bs = append(bs, section("*Milestones*\n"+lines(ms, maxText-20)))
	}

	waits := capped(c.WaitingOnUs, cardWaits, "", func(_ int, w journey.WaitItem) string {
		return fmt.Sprintf("• %s — since %s", linked(escape(w.What), w.SourceEventID), journey.FormatDate(w.Since))
	})
	if len(waits) == 0 {
		waits = append(waits, "nothing")
	}
	waitText := "*Customer waits on us*\n" + strings.Join(waits, "\n")
	if len(c.WaitingOnThem) > 0 {
		var theirs []string
		for i, w := range c.WaitingOnThem {
			if i == cardWaits {
				break
			}
			theirs = append(theirs, "• "+linked(escape(w.What), w.SourceEventID))
		}
		waitText += "\n*We wait on them*\n" + strings.Join(theirs, "\n")
	}
	promises := capped(c.Commitments, cardWaits, "", func(_ int, cm journey.Commitment) string {
		what := linked(escape(cm.What), cm.SourceEventID)
		due := "no date"
		switch {
		case cm.Overdue(o.Now):
			due = "*overdue* since " + journey.FormatDate(cm.DueAt)
		case !cm.DueAt.IsZero():
			due = "due " + journey.FormatDate(cm.DueAt)
		}
		return fmt.Sprintf("• %s — %s → %s, %s", what, escape(orDash(cm.OwnerName)), escape(orDash(cm.Counterpart)), due)
	})
	if len(promises) > 0 {
		waitText += "\n*Open promises*\n" + strings.Join(promises, "\n")
	}
	bs = append(bs, section(truncate(waitText, maxText)))

	if len(c.Changes) > 0 {
		ls := capped(c.Changes, cardChanges, "", func(_ int, ch journey.Change) string {
			return fmt.Sprintf("• %s  %s", ch.At.Format("Jan 2"), escape(journey.ChangeSentence(ch)))
		})
		bs = append(bs, section("*Recent changes*\n"+lines(ls, maxText-30)))
	}
	bs = append(bs, expansionBlocks(c)...)

	steps := capped(c.NextSteps, cardSteps, "", func(i int, s journey.NextStep) string {
		return fmt.Sprintf("%d. *%s* — %s", i+1, escape(s.Text), escape(s.Why))
	})
	if len(steps) == 0 {
		steps = append(steps, "Nothing pressing: keep the cadence.")
	}
	bs = append(bs, section("*Next steps*\n"+lines(steps, maxText-20)))

	if len(c.Timeline) > 0 {
		var ls []string
		for i, e := range c.Timeline {
			if i == cardTimeline {
				break
			}
			t := escape(truncate(strings.Join(strings.Fields(e.Text), " "), 140))
			if l := safeLink(e.Link); strings.HasPrefix(l, "https://") {
				t = fmt.Sprintf("<%s|%s>", l, t)
			}
			ls = append(ls, fmt.Sprintf("%s · %s · %s", e.At.Format("Jan 2"), e.Kind, t))
		}
		ls = append(ls, fmt.Sprintf("%d events in all, across %d deals", c.EventCount, len(c.Deals)))
		bs = append(bs, contextText(lines(ls, maxText-20)))
	}

	if !o.Shared {
		n := 0
		for _, a := range o.Actions {
			if a.AccountID != c.Account.ID || n == cardActions {
				continue
			}
			n++
			bs = append(bs, slack.NewDividerBlock())
			bs = append(bs, actionBlocks(a, o.Now, sendState{Mailing: o.Mailing})...)
		}
	}
	var buttons []slack.BlockElement
	if !o.Shared {
		buttons = append(buttons, button(ActionShare, "Share in channel", c.Account.ID))
	}
	buttons = append(buttons, button(ActionMore, "More: full timeline", c.Account.ID))
	bs = append(bs, slack.NewActionBlock("card_buttons", buttons...))
	return bs
}

func healthBlock(h journey.Health) slack.Block {
	text := fmt.Sprintf("*Health %d/100* (%s)\n%s", h.Score, h.Band(), escape(h.Explain()))
	var fields []*slack.TextBlockObject
	for _, f := range h.Factors {
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType,
			truncate(fmt.Sprintf("*%d/%d* %s\n%s", f.Points, f.Weight, escape(f.Label), escape(f.Sentence)), maxFieldText), false, false))
	}
	if len(fields) > 10 {
		fields = fields[:10]
	}
	return slack.NewSectionBlock(md(text), fields, nil)
}

func journeyPath(pos journey.Position) string {
	var parts []string
	for _, s := range pos.Stages {
		done, all := s.DoneCount()
		switch {
		case s.Current:
			parts = append(parts, fmt.Sprintf("*%s %d/%d*", escape(s.Name), done, all))
		case s.Skipped:
			parts = append(parts, "~"+escape(s.Name)+"~")
		case s.Reached:
			parts = append(parts, fmt.Sprintf("%s %d/%d", escape(s.Name), done, all))
		default:
			parts = append(parts, escape(s.Name))
		}
	}
	return strings.Join(parts, " → ")
}

func personRef(p journey.Person) string {
	if r := userRef(p.SlackUserID); r != "" {
		return r
	}
	return escape(p.Name)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// moreBlocks is the full card in a modal: every milestone and the timeline,
// up to the modal's 100 blocks.
func moreBlocks(c journey.Card) []slack.Block {
	var bs []slack.Block
	bs = append(bs, section(fmt.Sprintf("*%s* — %s", escape(c.Account.Name), escape(c.Position.StageName))))
	for _, s := range c.Position.Stages {
		if len(s.Milestones) == 0 {
			continue
		}
		var items []string
		for _, m := range s.Milestones {
			mark := ":white_circle:"
			when := ""
			switch {
			case m.Done:
				mark, when = ":white_check_mark:", " ("+m.DoneAt.Format("Jan 2")+")"
			case m.Milestone.Required && s.Reached:
				mark = ":x:"
			}
			items = append(items, mark+" "+escape(m.Milestone.Name)+when)
		}
		bs = append(bs, section(fmt.Sprintf("*%s*\n%s", escape(s.Name), lines(items, maxText-40))))
	}
	bs = append(bs, slack.NewDividerBlock(), section("*Timeline*"))
	var ls []string
	for _, e := range c.Timeline {
		t := escape(truncate(strings.Join(strings.Fields(e.Text), " "), 200))
		if l := safeLink(e.Link); strings.HasPrefix(l, "https://") {
			t = fmt.Sprintf("<%s|%s>", l, t)
		}
		ls = append(ls, fmt.Sprintf("%s · %s · %s", e.At.Format("Jan 2, 2006"), e.Kind, t))
	}
	// pack the timeline into sections of up to 3,000 characters
	for len(ls) > 0 && len(bs) < maxViewBlocks-1 {
		var chunk []string
		size := 0
		for len(ls) > 0 && size+len(ls[0])+1 < maxText-40 {
			size += len(ls[0]) + 1
			chunk = append(chunk, ls[0])
			ls = ls[1:]
		}
		if len(chunk) == 0 {
			chunk, ls = ls[:1], ls[1:]
		}
		bs = append(bs, section(strings.Join(chunk, "\n")))
	}
	if len(ls) > 0 {
		bs = append(bs, contextText(fmt.Sprintf("_… and %d older entries_", len(ls))))
	}
	return bs
}
