package journey

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// NextStep is a suggestion on the card: what to do, and why.
type NextStep struct {
	Text     string
	Why      string
	Evidence []Evidence
}

// Card is everything the account card shows, derived at one moment. Each
// surface (CLI text, Block Kit) renders the same Card.
type Card struct {
	Account       Account
	Owner         Person
	CSM           Person
	At            time.Time
	Position      Position
	Health        Health
	Priority      Priority
	Deals         []Deal
	Contacts      []Contact
	Changes       []Change     // newest first
	WaitingOnUs   []WaitItem   // what the customer waits on from us
	WaitingOnThem []WaitItem   // what we wait on from the customer
	Commitments   []Commitment // open ones, soonest due first
	NextSteps     []NextStep
	Timeline      []TimelineEntry
	EventCount    int
}

// BuildCard derives the whole card for one account at time now.
func BuildCard(def Definition, data AccountData, now time.Time) Card {
	pos := Derive(def, data, now)
	h := ScoreHealth(data, pos, now)
	c := Card{
		Account: data.Account, Owner: data.Owner, CSM: data.CSM, At: now,
		Position: pos, Health: h, Priority: Prioritize(def, data, pos, h, now),
		Deals: data.Deals, Contacts: data.Contacts, Changes: data.Changes,
		Timeline: Timeline(def, data), EventCount: max(data.EventCount, len(data.Events)),
	}
	for _, w := range data.Waits {
		if !w.Open() {
			continue
		}
		if w.Waiter == SideCustomer {
			c.WaitingOnUs = append(c.WaitingOnUs, w)
		} else {
			c.WaitingOnThem = append(c.WaitingOnThem, w)
		}
	}
	for _, cm := range data.Commitments {
		if cm.Status == CommitmentOpen {
			c.Commitments = append(c.Commitments, cm)
		}
	}
	sort.SliceStable(c.Commitments, func(i, j int) bool {
		a, b := c.Commitments[i].DueAt, c.Commitments[j].DueAt
		if a.IsZero() != b.IsZero() {
			return !a.IsZero()
		}
		return a.Before(b)
	})
	c.NextSteps = NextSteps(def, data, pos, h, now)
	return c
}

// NextSteps lists what to do next on the account, most pressing first: what
// we owe, what the customer waits on, skipped milestones, the next milestone
// of the current stage, people gone quiet.
func NextSteps(def Definition, data AccountData, pos Position, h Health, now time.Time) []NextStep {
	var out []NextStep
	for _, c := range data.Commitments {
		if c.Side == SideUs && c.Overdue(now) {
			out = append(out, NextStep{
				Text:     fmt.Sprintf("Deliver %q to %s", c.What, orSomeone(c.Counterpart)),
				Why:      fmt.Sprintf("%s promised it for %s; it is %s late", orSomeone(c.OwnerName), FormatDate(c.DueAt), plural(days(c.DueAt, now), "day", "days")),
				Evidence: []Evidence{ev("commitment", c.ID, c.What)},
			})
		}
	}
	for _, w := range data.Waits {
		if w.Waiter == SideCustomer && w.Open() && !coveredByCommitment(w, data.Commitments, now) {
			out = append(out, NextStep{
				Text:     fmt.Sprintf("Send %q", w.What),
				Why:      fmt.Sprintf("the customer has waited on it since %s", FormatDate(w.Since)),
				Evidence: []Evidence{ev("wait", w.ID, w.What)},
			})
		}
	}
	for _, d := range data.Deals {
		if def.DealOpen(d) && !d.CloseDate.IsZero() && d.CloseDate.Before(now.Truncate(24*time.Hour)) {
			out = append(out, NextStep{
				Text:     fmt.Sprintf("Update the close date of %q", d.Name),
				Why:      fmt.Sprintf("it was %s and the deal is still open", FormatDate(d.CloseDate)),
				Evidence: []Evidence{ev("deal", d.ID, "close_date")},
			})
		}
	}
	for _, r := range pos.Risks {
		m, i, _ := def.Milestone(r.MilestoneKey)
		why := fmt.Sprintf("it was skipped in %s and the account is already in %s", r.StageName, pos.StageName)
		if i >= 0 && len(m.Evidence) > 0 {
			why += "; done when: " + m.Evidence[0]
		}
		out = append(out, NextStep{Text: fmt.Sprintf("Get %q done", r.MilestoneName), Why: why})
	}
	for _, ms := range pos.Missing {
		if ms.StageKey != pos.StageKey {
			continue
		}
		why := fmt.Sprintf("a required milestone of %s", pos.StageName)
		if len(ms.Milestone.Evidence) > 0 {
			why += "; done when: " + ms.Milestone.Evidence[0]
		}
		out = append(out, NextStep{Text: fmt.Sprintf("Next milestone: %q", ms.Milestone.Name), Why: why})
		break
	}
	skipped := map[string]bool{}
	for _, r := range pos.Risks {
		skipped[r.MilestoneKey] = true
	}
	for _, pp := range pos.Personas {
		if !pp.Stuck || len(pp.Missing) == 0 || skipped[pp.Missing[0].Milestone.Key] && !pp.NoContact {
			continue
		}
		m := pp.Missing[0].Milestone.Name
		if pp.NoContact {
			out = append(out, NextStep{
				Text: fmt.Sprintf("Find the %s at %s", PersonaLabel(pp.Persona), data.Account.Name),
				Why:  fmt.Sprintf("%q needs one and nobody at the account has that persona yet", m),
			})
			continue
		}
		out = append(out, NextStep{
			Text: fmt.Sprintf("Take %s (%s) through %q", strings.Join(pp.Contacts, ", "), PersonaLabel(pp.Persona), m),
			Why:  pp.Sentence,
		})
	}
	for _, key := range []string{FactorChampion, FactorEconomicBuyer} {
		if f, ok := h.Factor(key); ok && f.Points < f.Weight && len(f.Evidence) > 0 && f.Evidence[0].Kind == "contact" {
			out = append(out, NextStep{Text: "Re-engage the " + map[string]string{FactorChampion: "champion", FactorEconomicBuyer: "economic buyer"}[key], Why: f.Sentence, Evidence: f.Evidence})
		}
	}
	return out
}

func coveredByCommitment(w WaitItem, cs []Commitment, now time.Time) bool {
	for _, c := range cs {
		if c.Side == SideUs && c.Overdue(now) && (c.SourceEventID != "" && c.SourceEventID == w.SourceEventID ||
			strings.Contains(strings.ToLower(c.What), strings.ToLower(w.What)) || strings.Contains(strings.ToLower(w.What), strings.ToLower(c.What))) {
			return true
		}
	}
	return false
}

func orSomeone(s string) string {
	if s == "" {
		return "the customer"
	}
	return s
}
