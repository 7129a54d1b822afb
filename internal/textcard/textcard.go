// Package textcard renders Journey's views as plain text for a terminal:
// the account card (`bot journey show`) and the lines of the ranked book
// (`bot accounts`). It is the command line's counterpart of the Slack app's
// Block Kit views.
package textcard

import (
	"fmt"
	"io"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// TimelineLines is how many timeline entries the text card shows.
const TimelineLines = 8

// Write prints the account card as text a rep can read in a terminal.
func Write(w io.Writer, c journey.Card) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	pos, h := c.Position, c.Health
	header := c.Account.Name
	var meta []string
	if c.Account.Segment != "" {
		meta = append(meta, strings.ReplaceAll(c.Account.Segment, "_", "-"))
	}
	meta = append(meta, "owner "+personOr(c.Owner, "none"))
	if c.CSM.ID != "" {
		meta = append(meta, "CSM "+c.CSM.Name)
	}
	if c.Account.ARRCents > 0 {
		meta = append(meta, "ARR "+journey.FormatMoney(c.Account.ARRCents, c.Account.Currency))
	}
	if !c.Account.RenewalDate.IsZero() {
		meta = append(meta, "renews "+journey.FormatDate(c.Account.RenewalDate))
	}
	p("%s", header)
	p("%s", strings.Join(meta, " · "))
	p("%s", strings.Repeat("─", 72))

	risk := ""
	if pos.AtRisk() {
		risk = "  ⚠ AT RISK"
	}
	p("STAGE  %s (%d of %d, %s v%d)%s", pos.StageName, pos.Index+1, len(pos.Stages), pos.DefinitionName, pos.DefinitionVersion, risk)
	p("  why: %s", pos.Why.Sentence)
	if pos.LoopedBack {
		p("  loop: journey cycle %d, started by %q on %s", pos.Cycle.Number, pos.Cycle.DealName, journey.FormatDate(pos.Cycle.StartedAt))
	}
	var path []string
	for _, s := range pos.Stages {
		mark := ""
		done, all := s.DoneCount()
		switch {
		case s.Current:
			mark = fmt.Sprintf("[%s %d/%d]", s.Name, done, all)
		case s.Skipped:
			mark = "(" + s.Name + ")"
		case s.Reached:
			mark = s.Name + " " + fmt.Sprintf("%d/%d", done, all)
		default:
			mark = s.Name
		}
		path = append(path, mark)
	}
	p("  path: %s", strings.Join(path, " → "))
	for _, r := range pos.Risks {
		p("  ⚠ %s", r.Sentence)
	}
	if pos.Lost {
		p("  every deal of this account closed lost")
	}

	p("")
	p("HEALTH %d/100 (%s)", h.Score, h.Band())
	p("  %s", h.Explain())
	for _, f := range h.Factors {
		p("  %3d/%-3d %-36s %s", f.Points, f.Weight, f.Label, f.Sentence)
	}

	p("")
	pr := c.Priority
	line := fmt.Sprintf("PRIORITY %d", pr.Score)
	if pr.ClosingThisMonth {
		line += " · closes this month"
	}
	if pr.Class != "" {
		line += fmt.Sprintf(" · CS class: %s (%s)", pr.Class, pr.ClassWhy)
	}
	p("%s", line)
	for _, f := range pr.Factors {
		p("  %3d/%-3d %-36s %s", f.Points, f.Weight, f.Label, f.Sentence)
	}

	if len(c.Deals) > 0 {
		p("")
		p("DEALS (one journey: %d)", len(c.Deals))
		for _, d := range c.Deals {
			closes := "close date " + journey.FormatDate(d.CloseDate)
			if !d.ClosedAt.IsZero() {
				closes = "closed " + journey.FormatDate(d.ClosedAt)
			}
			p("  %-9s %-34s %-22s %-14s %s", d.Kind, Trim(d.Name, 32), journey.FormatMoney(d.AmountCents, d.Currency), d.Stage, closes)
		}
	}

	if len(pos.Personas) > 0 {
		p("")
		p("PEOPLE AND THEIR OWN PROGRESS")
		for _, pp := range pos.Personas {
			mark := " "
			if pp.Stuck {
				mark = "!"
			}
			p("  %s %s", mark, pp.Sentence)
		}
		var roles []string
		for _, ct := range c.Contacts {
			if ct.BuyingRole != journey.BuyerUnknown {
				roles = append(roles, fmt.Sprintf("%s (%s)", ct.Name, ct.BuyingRole.Label()))
			}
		}
		if len(roles) > 0 {
			p("  buying roles: %s", strings.Join(roles, ", "))
		}
	}

	p("")
	p("MILESTONES")
	for _, s := range pos.Stages {
		if !s.Reached || s.Skipped || len(s.Milestones) == 0 {
			continue
		}
		var items []string
		for _, m := range s.Milestones {
			switch {
			case m.Done:
				items = append(items, fmt.Sprintf("✓ %s (%s)", m.Milestone.Name, m.DoneAt.Format("Jan 2")))
			case m.Milestone.Required:
				items = append(items, "✗ "+m.Milestone.Name+" (required)")
			default:
				items = append(items, "· "+m.Milestone.Name)
			}
		}
		p("  %s: %s", s.Name, strings.Join(items, "; "))
	}

	p("")
	p("CUSTOMER WAITS ON US")
	if len(c.WaitingOnUs) == 0 {
		p("  nothing")
	}
	for _, wt := range c.WaitingOnUs {
		p("  • %s — since %s (%d days)", wt.What, journey.FormatDate(wt.Since), int(c.At.Sub(wt.Since).Hours()/24))
	}
	if len(c.WaitingOnThem) > 0 {
		p("WE WAIT ON THEM")
		for _, wt := range c.WaitingOnThem {
			p("  • %s — since %s", wt.What, journey.FormatDate(wt.Since))
		}
	}
	if len(c.Commitments) > 0 {
		p("OPEN COMMITMENTS")
		for _, cm := range c.Commitments {
			state := "due " + journey.FormatDate(cm.DueAt)
			if cm.DueAt.IsZero() {
				state = "no due date"
			} else if cm.Overdue(c.At) {
				state = fmt.Sprintf("OVERDUE since %s", journey.FormatDate(cm.DueAt))
			}
			who := cm.OwnerName
			if who == "" {
				who = map[journey.Side]string{journey.SideUs: "us", journey.SideCustomer: "the customer"}[cm.Side]
			}
			p("  • %s — %s → %s, %s", cm.What, who, orDash(cm.Counterpart), state)
		}
	}

	p("")
	p("RECENT CHANGES")
	if len(c.Changes) == 0 {
		p("  none recorded")
	}
	for i, ch := range c.Changes {
		if i == 6 {
			p("  … and %d more", len(c.Changes)-i)
			break
		}
		p("  %s  %s", ch.At.Format("Jan _2"), journey.ChangeSentence(ch))
	}

	p("")
	p("NEXT STEPS")
	if len(c.NextSteps) == 0 {
		p("  nothing pressing: keep the cadence")
	}
	for i, s := range c.NextSteps {
		p("  %d. %s — %s", i+1, s.Text, s.Why)
	}

	if len(c.Timeline) > 0 {
		p("")
		p("TIMELINE (newest %d of %d events, all deals)", min(TimelineLines, len(c.Timeline)), c.EventCount)
		for i, e := range c.Timeline {
			if i == TimelineLines {
				break
			}
			deal := ""
			if e.DealName != "" {
				deal = " [" + string(e.DealKind) + "]"
			}
			p("  %s  %-11s %s%s", e.At.Format("Jan _2"), e.Kind, Trim(oneLine(e.Text), 90), deal)
		}
	}
}

func personOr(p journey.Person, none string) string {
	if p.ID == "" {
		return none
	}
	return p.Name
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Trim shortens s to n characters (runes), marking the cut with "…".
func Trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
