package journey

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// CSClass is how a customer-success team sorts its book.
type CSClass string

// The CS classes of the brief: keep them happy, save them, or grow them.
const (
	ClassMaintain CSClass = "Maintain"
	ClassRisk     CSClass = "Risk"
	ClassGrow     CSClass = "Grow"
)

// Priority ranks an account: deals closing this month come first, then the
// score, made of named factors like health.
type Priority struct {
	AccountID        string
	AccountName      string
	Score            int     // 0–100, the sum of the factors' points
	ClosingThisMonth bool    // an open deal closes this calendar month (or its date passed)
	Class            CSClass // for customers; empty for prospects
	ClassWhy         string
	Deal             *Deal // the open deal the score is about, if any
	Factors          []Factor
	Sentence         string
}

// The priority factors.
const (
	FactorLikelihood = "likelihood"
	FactorTimeline   = "decision_timeline"
	FactorValue      = "value"
	FactorUrgency    = "urgency"
)

// Prioritize scores one account at time now from its data, position and health.
func Prioritize(def Definition, data AccountData, pos Position, h Health, now time.Time) Priority {
	p := Priority{AccountID: data.Account.ID, AccountName: data.Account.Name}
	deal, ok := focusDeal(def, data.Deals)
	if ok {
		p.Deal = &deal
	}
	// Likelihood to close: how far the deal is through the sales stages,
	// tempered by health. Customers without an open deal: likelihood to renew.
	like := Factor{Key: FactorLikelihood, Label: "Likelihood to close", Weight: 40}
	var chance float64
	switch {
	case ok:
		progress := pipelineProgress(def, deal)
		if deal.Kind != DealNew {
			progress = 0.4 + 0.6*progress // existing customers buy again more often
		}
		chance = progress * (0.5 + float64(h.Score)/200)
		like.Sentence = fmt.Sprintf("%.0f%% likely to close (%s, health %d)", chance*100, deal.Stage, h.Score)
		like.Evidence = []Evidence{ev("deal", deal.ID, deal.Stage)}
	case pos.Customer:
		chance = float64(h.Score) / 100
		like.Sentence = fmt.Sprintf("%.0f%% likely to stay (health %d)", chance*100, h.Score)
	default:
		like.Sentence = "no open deal"
	}
	like.Points = int(math.Round(chance * float64(like.Weight)))

	// Decision timeline: when the customer decides (close date, or renewal).
	tl := Factor{Key: FactorTimeline, Label: "Customer decision timeline", Weight: 20}
	var decide time.Time
	switch {
	case ok && !deal.CloseDate.IsZero():
		decide = deal.CloseDate
		tl.Evidence = []Evidence{ev("deal", deal.ID, "close_date")}
	case pos.Customer && !data.Account.RenewalDate.IsZero():
		decide = data.Account.RenewalDate
		tl.Evidence = []Evidence{ev("account", data.Account.ID, "renewal_date")}
	}
	if decide.IsZero() {
		tl.Points = 2
		tl.Sentence = "no decision date known"
	} else {
		left := int(math.Floor(decide.Sub(now.Truncate(24*time.Hour)).Hours() / 24))
		switch {
		case left < 0:
			tl.Points = tl.Weight
			tl.Sentence = fmt.Sprintf("decision date %s passed %s ago", FormatDate(decide), plural(-left, "day", "days"))
		case left <= 7:
			tl.Points = tl.Weight
		case left <= 30:
			tl.Points = 15
		case left <= 90:
			tl.Points = 8
		default:
			tl.Points = 3
		}
		if left >= 0 {
			tl.Sentence = fmt.Sprintf("decides by %s (%s)", FormatDate(decide), plural(left, "day", "days"))
		}
	}

	// Value: the deal's amount, or the customer's ARR, on a log scale
	// (1,000 → 0 points, 1,000,000 → all of them).
	val := Factor{Key: FactorValue, Label: "Value", Weight: 25}
	cents, cur := data.Account.ARRCents, data.Account.Currency
	if ok {
		cents, cur = deal.AmountCents, deal.Currency
	}
	if amount := float64(cents) / 100; amount > 1000 {
		val.Points = int(math.Round(math.Min(1, math.Log10(amount/1000)/3) * float64(val.Weight)))
	}
	val.Sentence = FormatMoney(cents, cur)

	// Urgency: deals closing this month first, then promises overdue.
	urg := Factor{Key: FactorUrgency, Label: "Urgency", Weight: 15}
	if ok && !deal.CloseDate.IsZero() && (sameMonth(deal.CloseDate, now) || deal.CloseDate.Before(now)) {
		p.ClosingThisMonth = true
		urg.Points = urg.Weight
		urg.Sentence = "closes this month"
		if deal.CloseDate.Before(now.Truncate(24 * time.Hour)) {
			urg.Sentence = "close date passed"
		}
	} else {
		overdue := 0
		for _, c := range data.Commitments {
			if c.Overdue(now) && c.Side == SideUs {
				overdue++
				urg.Evidence = append(urg.Evidence, ev("commitment", c.ID, c.What))
			}
		}
		if overdue > 0 {
			urg.Points = 8
			urg.Sentence = plural(overdue, "promise", "promises") + " overdue"
		} else {
			urg.Sentence = "nothing due"
		}
	}
	p.Factors = []Factor{like, tl, val, urg}
	for _, f := range p.Factors {
		p.Score += f.Points
	}
	if pos.Customer && (!ok || deal.Kind != DealNew) {
		p.Class, p.ClassWhy = classify(data, pos, h, now, ok && deal.Kind == DealExpansion)
	}
	p.Sentence = prioritySentence(p)
	return p
}

func prioritySentence(p Priority) string {
	var parts []string
	for _, f := range p.Factors {
		if f.Points > 0 && f.Sentence != "" && f.Sentence != "nothing due" {
			parts = append(parts, f.Sentence)
		}
	}
	s := fmt.Sprintf("priority %d: %s", p.Score, strings.Join(parts, "; "))
	if p.Class != "" {
		s += fmt.Sprintf(" — %s: %s", p.Class, p.ClassWhy)
	}
	return s
}

// classify sorts a customer into Maintain, Risk or Grow.
func classify(data AccountData, pos Position, h Health, now time.Time, expansionOpen bool) (CSClass, string) {
	renewIn := -1
	if !data.Account.RenewalDate.IsZero() {
		renewIn = int(data.Account.RenewalDate.Sub(now).Hours() / 24)
	}
	switch {
	case h.Score < 50:
		return ClassRisk, fmt.Sprintf("health %d is below 50", h.Score)
	case pos.AtRisk():
		return ClassRisk, pos.Risks[0].Sentence
	case stuckPersona(pos) != nil:
		return ClassRisk, stuckPersona(pos).Sentence
	case silent(h):
		f, _ := h.Factor(FactorEngagement)
		return ClassRisk, f.Sentence
	case renewIn >= 0 && renewIn <= 90 && h.Score < 70:
		return ClassRisk, fmt.Sprintf("renews in %d days with health %d", renewIn, h.Score)
	case h.Score >= 70 && expansionOpen:
		return ClassGrow, fmt.Sprintf("health %d and an expansion deal open", h.Score)
	case h.Score >= 70 && adoptionDone(pos):
		return ClassGrow, fmt.Sprintf("health %d and adoption milestones done", h.Score)
	}
	return ClassMaintain, fmt.Sprintf("health %d, no expansion signal yet", h.Score)
}

// stuckPersona returns the first persona with people at the account who lag
// behind it, or nil.
func stuckPersona(pos Position) *PersonaProgress {
	for i, pp := range pos.Personas {
		if pp.Stuck && !pp.NoContact {
			return &pos.Personas[i]
		}
	}
	return nil
}

// silent reports whether the customer has not engaged for a month or more.
func silent(h Health) bool {
	f, ok := h.Factor(FactorEngagement)
	return ok && f.Points == 0
}

func adoptionDone(pos Position) bool {
	for _, sp := range pos.Stages {
		if sp.Key != "adoption" || !sp.Reached {
			continue
		}
		for _, m := range sp.Milestones {
			if m.Milestone.Required && !m.Done {
				return false
			}
		}
		return true
	}
	return false
}

// focusDeal picks the open deal that matters most: the earliest close date,
// then the largest amount.
func focusDeal(def Definition, deals []Deal) (Deal, bool) {
	var best Deal
	found := false
	for _, d := range deals {
		if !def.DealOpen(d) {
			continue
		}
		if !found || earlierClose(d, best) || (d.CloseDate.Equal(best.CloseDate) && d.AmountCents > best.AmountCents) {
			best, found = d, true
		}
	}
	return best, found
}

func earlierClose(a, b Deal) bool {
	if a.CloseDate.IsZero() {
		return false
	}
	return b.CloseDate.IsZero() || a.CloseDate.Before(b.CloseDate)
}

// pipelineProgress is how far a deal is through the open CRM stages its
// kind goes through, in the definition's order: 1/(n+1) at the first stage,
// n/(n+1) at the last one before closing.
func pipelineProgress(def Definition, deal Deal) float64 {
	var order []string
	for _, s := range def.Stages {
		if len(s.DealKinds) > 0 && !containsKind(s.DealKinds, deal.Kind) {
			continue
		}
		for _, c := range s.CRMStages {
			if !def.IsWon(c) && !def.IsLost(c) && !slices.Contains(order, c) {
				order = append(order, c)
			}
		}
	}
	i := slices.Index(order, deal.Stage)
	if i < 0 {
		return 0.2 // a stage the journey does not map: early, as far as we know
	}
	return float64(i+1) / float64(len(order)+1)
}

func containsKind(ks []DealKind, k DealKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func sameMonth(a, b time.Time) bool {
	return a.Year() == b.Year() && a.Month() == b.Month()
}

// RankAccounts orders priorities: deals closing this month first, then by
// score, then by name so that ties read the same every time.
func RankAccounts(ps []Priority) {
	sort.SliceStable(ps, func(i, j int) bool { return rankedBefore(ps[i], ps[j]) })
}

// RankBook orders derived accounts as RankAccounts orders their priorities.
func RankBook(ds []Derived) {
	sort.SliceStable(ds, func(i, j int) bool { return rankedBefore(ds[i].Card.Priority, ds[j].Card.Priority) })
}

// rankedBefore: deals closing this month first, then by score, then by name.
func rankedBefore(a, b Priority) bool {
	if a.ClosingThisMonth != b.ClosingThisMonth {
		return a.ClosingThisMonth
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.AccountName < b.AccountName
}

// RankedAction is an action with the score that placed it.
type RankedAction struct {
	Action   Action
	Score    int
	Sentence string
}

// actionUrgency weighs the rules that produce actions.
var actionUrgency = map[string]int{
	"commitment_overdue":  30,
	"customer_waiting":    25,
	"close_date_passed":   25,
	"milestone_missing":   20,
	"commitment_due":      20,
	"no_reply":            15,
	"stakeholder_silent":  15,
	"renewal_without_ebr": 15,
	"csm_reassigned":      10,
	"handoff_incomplete":  10,
	"reason_missing":      5,
}

// RankActions orders open actions at time now: actions on accounts that
// matter more (by their priority), due sooner and of more urgent kinds come
// first. Closed actions are dropped.
func RankActions(actions []Action, prio map[string]Priority, now time.Time) []RankedAction {
	var out []RankedAction
	for _, a := range actions {
		if !a.Open(now) {
			continue
		}
		p := prio[a.AccountID]
		score := p.Score + actionUrgency[a.Kind]
		why := []string{fmt.Sprintf("account priority %d", p.Score)}
		if p.ClosingThisMonth {
			score += 30
			why = append(why, "deal closes this month")
		}
		if !a.DueAt.IsZero() && a.DueAt.Before(now) {
			score += 20
			why = append(why, fmt.Sprintf("due %s", FormatDate(a.DueAt)))
		}
		out = append(out, RankedAction{Action: a, Score: score, Sentence: strings.Join(why, ", ")})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Action.CreatedAt.Before(out[j].Action.CreatedAt)
	})
	return out
}
