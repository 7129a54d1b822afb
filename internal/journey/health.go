package journey

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Health is a 0–100 score made of named factors. The score is exactly the
// sum of the factors' points, so the card can say
// "64: champion silent 12 days (−10), success criteria not agreed (−8)".
type Health struct {
	Score   int
	Factors []Factor
}

// The health factors and their weights; the weights sum to 100.
const (
	FactorEngagement     = "engagement_recency"
	FactorChampion       = "champion_engagement"
	FactorEconomicBuyer  = "economic_buyer_engagement"
	FactorMilestones     = "milestone_progress"
	FactorWaitingOnUs    = "waiting_on_us"
	FactorOverdue        = "overdue_commitments"
	FactorCloseDateSlips = "close_date_slips"
	FactorStakeholders   = "engaged_stakeholders"
)

var factorWeights = []struct {
	key, label string
	weight     int
}{
	{FactorEngagement, "Engagement recency", 20},
	{FactorChampion, "Champion engagement", 15},
	{FactorEconomicBuyer, "Economic buyer engagement", 10},
	{FactorMilestones, "Milestone progress", 20},
	{FactorWaitingOnUs, "Items the customer waits on from us", 10},
	{FactorOverdue, "Overdue commitments", 10},
	{FactorCloseDateSlips, "Close-date slips", 10},
	{FactorStakeholders, "Engaged stakeholders", 5},
}

// Explain is the score in one sentence, naming the factors that cost the
// most points: "64: champion Dana Lee silent 21 days (−15), ...".
func (h Health) Explain() string {
	losses := make([]Factor, 0, len(h.Factors))
	for _, f := range h.Factors {
		if f.Delta() < 0 {
			losses = append(losses, f)
		}
	}
	sort.SliceStable(losses, func(i, j int) bool { return losses[i].Delta() < losses[j].Delta() })
	if len(losses) == 0 {
		return fmt.Sprintf("%d: nothing is holding this account back", h.Score)
	}
	var parts []string
	for i, f := range losses {
		if i == 3 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", f.Sentence, f.Delta()))
	}
	return fmt.Sprintf("%d: %s", h.Score, strings.Join(parts, ", "))
}

// Factor returns the factor with the given key.
func (h Health) Factor(key string) (Factor, bool) {
	for _, f := range h.Factors {
		if f.Key == key {
			return f, true
		}
	}
	return Factor{}, false
}

// Band names the score: "healthy" (70+), "watch" (50–69), "at risk" (<50).
func (h Health) Band() string {
	switch {
	case h.Score >= 70:
		return "healthy"
	case h.Score >= 50:
		return "watch"
	}
	return "at risk"
}

// EngagementWindow is how far back a contact's activity counts as engaged.
const EngagementWindow = 30 * 24 * time.Hour

// ScoreHealth computes the account's health at time now from its data and
// position. It reads only its arguments.
func ScoreHealth(data AccountData, pos Position, now time.Time) Health {
	h := Health{}
	for _, w := range factorWeights {
		f := Factor{Key: w.key, Label: w.label, Weight: w.weight}
		switch w.key {
		case FactorEngagement:
			f = engagementFactor(f, data, now)
		case FactorChampion:
			f = roleFactor(f, data, now, BuyerChampion, "champion", 14, 30)
		case FactorEconomicBuyer:
			f = roleFactor(f, data, now, BuyerEconomic, "economic buyer", 30, 60)
		case FactorMilestones:
			f = milestoneFactor(f, pos)
		case FactorWaitingOnUs:
			f = waitingFactor(f, data, now)
		case FactorOverdue:
			f = overdueFactor(f, data, now)
		case FactorCloseDateSlips:
			f = slipFactor(f, data, pos, now)
		case FactorStakeholders:
			f = stakeholderFactor(f, data, now)
		}
		f.Points = max(0, min(f.Points, f.Weight))
		h.Factors = append(h.Factors, f)
		h.Score += f.Points
	}
	return h
}

// lastInbound returns the newest event in which the customer spoke, optionally
// only from one contact.
func lastInbound(events []Event, contactID string) (Event, bool) {
	var best Event
	found := false
	for _, e := range events {
		if e.Direction != SideCustomer && e.Kind != EventMeeting && e.Kind != EventCall {
			continue
		}
		if contactID != "" && e.ContactID != contactID {
			continue
		}
		if !found || e.At.After(best.At) {
			best, found = e, true
		}
	}
	return best, found
}

func engagementFactor(f Factor, data AccountData, now time.Time) Factor {
	e, ok := lastInbound(data.Events, "")
	if !ok {
		f.Sentence = "no reply from the customer on record"
		return f
	}
	d := days(e.At, now)
	switch {
	case d <= 7:
		f.Points = f.Weight
	case d <= 14:
		f.Points = f.Weight * 7 / 10
	case d <= 30:
		f.Points = f.Weight * 4 / 10
	}
	f.Sentence = fmt.Sprintf("customer last engaged %s ago", plural(d, "day", "days"))
	if d == 0 {
		f.Sentence = "customer engaged today"
	}
	f.Evidence = []Evidence{ev("event", e.ID, e.Kind)}
	return f
}

func roleFactor(f Factor, data AccountData, now time.Time, role BuyingRole, label string, fresh, stale int) Factor {
	var who []Contact
	for _, c := range data.Contacts {
		if c.BuyingRole == role {
			who = append(who, c)
		}
	}
	if len(who) == 0 {
		f.Sentence = "no " + label + " identified"
		return f
	}
	var best Event
	var bestContact Contact
	found := false
	for _, c := range who {
		if e, ok := lastInbound(data.Events, c.ID); ok && (!found || e.At.After(best.At)) {
			best, bestContact, found = e, c, true
		}
	}
	if !found {
		f.Sentence = fmt.Sprintf("%s %s has not engaged", label, who[0].Name)
		f.Evidence = []Evidence{ev("contact", who[0].ID, string(role))}
		return f
	}
	d := days(best.At, now)
	switch {
	case d <= fresh:
		f.Points = f.Weight
		f.Sentence = fmt.Sprintf("%s %s engaged %s ago", label, bestContact.Name, plural(d, "day", "days"))
		if d == 0 {
			f.Sentence = fmt.Sprintf("%s %s engaged today", label, bestContact.Name)
		}
	case d <= stale:
		f.Points = f.Weight / 2
		f.Sentence = fmt.Sprintf("%s %s silent %s", label, bestContact.Name, plural(d, "day", "days"))
	default:
		f.Sentence = fmt.Sprintf("%s %s silent %s", label, bestContact.Name, plural(d, "day", "days"))
	}
	f.Evidence = []Evidence{ev("contact", bestContact.ID, string(role)), ev("event", best.ID, best.Kind)}
	return f
}

func milestoneFactor(f Factor, pos Position) Factor {
	done, required := 0, 0
	for _, sp := range pos.Stages {
		if !sp.Reached || sp.Skipped {
			continue
		}
		for _, ms := range sp.Milestones {
			if !ms.Milestone.Required {
				continue
			}
			required++
			if ms.Done {
				done++
				f.Evidence = append(f.Evidence, ev("completion", ms.Completion.ID, ms.Milestone.Key))
			}
		}
	}
	if required == 0 {
		f.Points = f.Weight
		f.Sentence = "no required milestones yet"
		return f
	}
	f.Points = f.Weight * done / required
	f.Sentence = fmt.Sprintf("%d of %d required milestones done", done, required)
	if len(pos.Risks) > 0 {
		f.Sentence = fmt.Sprintf("%s; %q skipped", f.Sentence, pos.Risks[0].MilestoneName)
	} else if len(pos.Missing) > 0 {
		f.Sentence = fmt.Sprintf("%s; %q not yet", f.Sentence, pos.Missing[0].Milestone.Name)
	}
	return f
}

func waitingFactor(f Factor, data AccountData, now time.Time) Factor {
	f.Points = f.Weight
	var items []string
	for _, w := range data.Waits {
		if w.Waiter != SideCustomer || !w.Open() {
			continue
		}
		cost := 4
		if days(w.Since, now) > 7 {
			cost = 6
		}
		f.Points -= cost
		items = append(items, w.What)
		f.Evidence = append(f.Evidence, ev("wait", w.ID, w.What))
	}
	if len(items) == 0 {
		f.Sentence = "the customer waits on nothing from us"
		return f
	}
	f.Sentence = fmt.Sprintf("customer waits on us for %s", quoteList(items))
	return f
}

func overdueFactor(f Factor, data AccountData, now time.Time) Factor {
	f.Points = f.Weight
	var ours, theirs int
	var first string
	for _, c := range data.Commitments {
		if !c.Overdue(now) {
			continue
		}
		if c.Side == SideUs {
			ours++
			f.Points -= 5
			if first == "" {
				first = c.What
			}
		} else {
			theirs++
			f.Points -= 2
		}
		f.Evidence = append(f.Evidence, ev("commitment", c.ID, c.What))
	}
	switch {
	case ours == 0 && theirs == 0:
		f.Sentence = "no overdue commitments"
	case ours > 0:
		f.Sentence = fmt.Sprintf("%s overdue from us (%q)", plural(ours, "promise", "promises"), first)
		if theirs > 0 {
			f.Sentence += fmt.Sprintf(" and %d from the customer", theirs)
		}
	default:
		f.Sentence = fmt.Sprintf("%s overdue from the customer", plural(theirs, "promise", "promises"))
	}
	return f
}

func slipFactor(f Factor, data AccountData, pos Position, now time.Time) Factor {
	// open under the account's journey definition, which names its own won
	// and lost CRM stages
	open := map[string]Deal{}
	for _, d := range data.Deals {
		if slices.Contains(pos.OpenDeals, d.ID) {
			open[d.ID] = d
		}
	}
	slips := 0
	for _, c := range data.Changes {
		if c.Field != "close_date" || now.Sub(c.At) > 90*24*time.Hour {
			continue
		}
		if _, ok := open[c.DealID]; !ok {
			continue
		}
		if c.Old != "" && c.New > c.Old {
			slips++
			f.Evidence = append(f.Evidence, ev("change", c.ID, c.Old+" → "+c.New))
		}
	}
	passed := 0
	for _, d := range open {
		if !d.CloseDate.IsZero() && d.CloseDate.Before(now.Truncate(24*time.Hour)) {
			passed++
			f.Evidence = append(f.Evidence, ev("deal", d.ID, "close date passed"))
		}
	}
	f.Points = f.Weight - 4*slips - 5*passed
	switch {
	case slips == 0 && passed == 0:
		f.Sentence = "no close-date slips"
	case passed > 0:
		f.Sentence = fmt.Sprintf("close date passed with the deal still open (%s in 90 days)", plural(slips, "slip", "slips"))
	default:
		f.Sentence = fmt.Sprintf("close date pushed %s in 90 days", plural(slips, "time", "times"))
	}
	return f
}

func stakeholderFactor(f Factor, data AccountData, now time.Time) Factor {
	seen := map[string]bool{}
	for _, e := range data.Events {
		if e.ContactID != "" && now.Sub(e.At) <= EngagementWindow && !e.At.After(now) {
			if !seen[e.ContactID] {
				f.Evidence = append(f.Evidence, ev("contact", e.ContactID, ""))
			}
			seen[e.ContactID] = true
		}
	}
	n := len(seen)
	switch {
	case n >= 3:
		f.Points = f.Weight
	case n == 2:
		f.Points = f.Weight * 6 / 10
	case n == 1:
		f.Points = f.Weight * 2 / 10
	}
	f.Sentence = fmt.Sprintf("%s engaged in 30 days", plural(n, "stakeholder", "stakeholders"))
	if n == 1 {
		f.Sentence = "single-threaded: 1 stakeholder engaged in 30 days"
	}
	return f
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
