package slackapp

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// digestTop is how many entries of each list the digest's first message
// shows; the rest go in thread replies.
const digestTop = 5

// digestBlocks renders a manager's digest as a short first message (the top
// of each list, with an "Open card" button per deal) and, for big teams,
// the full lists as thread replies, each within Slack's 50 blocks.
func digestBlocks(d journey.Digest, day string) (summary []slack.Block, thread [][]slack.Block) {
	if day == "" {
		day = d.At.Format("Mon Jan 2")
	}
	summary = append(summary, header("Team digest — "+day))
	summary = append(summary, contextText(fmt.Sprintf("%d reps with overdue promises · %d deals at risk · %d need you · %d stage moves since %s",
		len(d.OverdueByRep), len(d.AtRisk), len(d.Intervene), len(d.Moves), d.Since.Format("Mon 15:04"))))

	var details []string
	add := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		shown := lines
		if len(shown) > digestTop {
			shown = shown[:digestTop]
		}
		text := "*" + title + "*\n" + strings.Join(shown, "\n")
		if len(lines) > digestTop {
			text += fmt.Sprintf("\n_… and %d more in the thread_", len(lines)-digestTop)
			details = append(details, "*"+title+" (all)*")
			details = append(details, lines...)
		}
		summary = append(summary, section(truncate(text, maxText)))
	}

	var overdue []string
	for _, r := range d.OverdueByRep {
		overdue = append(overdue, fmt.Sprintf("• %s — %d overdue, oldest due %s: %s", personRef(r.Rep), r.Count, r.Oldest.Format("Jan 2"),
			escape(strings.Join(r.Examples, "; "))))
	}
	add("Reps with overdue promises", overdue)

	dealLine := func(x journey.DigestDeal) string {
		amount := ""
		if x.AmountCents > 0 {
			amount = " · " + journey.FormatMoney(x.AmountCents, x.Currency)
		}
		return fmt.Sprintf("• *%s* (%s%s) — %s", escape(x.AccountName), personRef(x.Rep), amount, escape(x.Why))
	}
	var risk, intervene []string
	for _, x := range d.AtRisk {
		risk = append(risk, dealLine(x))
	}
	for _, x := range d.Intervene {
		intervene = append(intervene, dealLine(x))
	}
	add("Deals at risk: a milestone was skipped", risk)
	add("Deals that need you", intervene)

	var moves []string
	for _, m := range d.Moves {
		reason := escape(m.Reason)
		if m.Reason == "" {
			reason = ":warning: *reason unknown*"
		}
		moves = append(moves, fmt.Sprintf("• *%s* (%s): %s → %s — %s", escape(m.AccountName), personRef(m.Rep), escape(m.From), escape(m.To), reason))
	}
	add("Stage moves since yesterday", moves)

	var pipe []string
	for _, p := range d.PipelineByRep {
		pipe = append(pipe, fmt.Sprintf("• %s — %s at risk in %d deals, of %s open", personRef(p.Rep), journey.FormatMoney(p.AtRiskCents, p.Currency),
			p.AtRiskDeals, journey.FormatMoney(p.OpenCents, p.Currency)))
	}
	add("Pipeline at risk by rep", pipe)

	// "Open card" for the deals the summary names (each button in its own
	// action slot, ids unique in the block)
	var buttons []slack.BlockElement
	seen := map[string]bool{}
	for _, x := range append(append([]journey.DigestDeal{}, headOf(d.Intervene)...), headOf(d.AtRisk)...) {
		if seen[x.AccountID] || len(buttons) == 10 {
			continue
		}
		seen[x.AccountID] = true
		buttons = append(buttons, button(ActionPickAccount+":"+itoa(len(buttons)), "Open "+x.AccountName, x.AccountID))
	}
	if len(buttons) > 0 {
		summary = append(summary, slack.NewActionBlock("digest_cards", buttons...))
	}
	// "Nudge" the reps with overdue promises: their actions, sent now
	var nudges []slack.BlockElement
	for _, r := range d.OverdueByRep {
		if len(nudges) == 10 || r.Rep.ID == "" {
			break
		}
		nudges = append(nudges, button(ActionNudgeRep+":"+itoa(len(nudges)), "Nudge "+firstWord(r.Rep.Name), r.Rep.ID))
	}
	if len(nudges) > 0 {
		summary = append(summary, slack.NewActionBlock("digest_nudges", nudges...))
	}
	if len(summary) == 2 {
		summary = append(summary, section("Nothing needs you this morning: no overdue promises, no skipped milestones, no deals slipping."))
	}
	var sent []string
	for _, f := range d.Sent {
		by := personRef(d.People[f.ByID])
		sent = append(sent, fmt.Sprintf("• :white_check_mark: *%s* (%s): %s — %s", escape(f.AccountName), by, escape(f.Summary), f.At.Format("Mon 15:04")))
	}
	add("Done since "+d.Since.Format("Mon 15:04"), sent)

	// thread replies: the full lists, packed into sections of ≤3,000
	// characters and messages of ≤50 blocks
	var cur []slack.Block
	var chunk []string
	size := 0
	flush := func() {
		if len(chunk) > 0 {
			cur = append(cur, section(strings.Join(chunk, "\n")))
			chunk, size = nil, 0
		}
		if len(cur) == maxMessageBlocks {
			thread = append(thread, cur)
			cur = nil
		}
	}
	for _, l := range details {
		l = truncate(l, maxText-10)
		if size+len(l)+1 > maxText-10 {
			flush()
		}
		chunk = append(chunk, l)
		size += len(l) + 1
	}
	flush()
	if len(cur) > 0 {
		thread = append(thread, cur)
	}
	return summary, thread
}

func headOf(ds []journey.DigestDeal) []journey.DigestDeal {
	if len(ds) > digestTop {
		return ds[:digestTop]
	}
	return ds
}
