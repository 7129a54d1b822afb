package journey

import (
	"fmt"
	"strings"
	"time"
)

// SuggestActions turns what the card shows into actions for a person to
// approve: a promise we are late on, something the customer waits on, a
// milestone skipped, a close date passed, a key person gone quiet, a
// persona stuck. Each carries why it matters and, where an email helps, a
// draft in the owner's voice built only from the account's own facts. The
// idempotency key names the fact behind the action, so the same fact never
// yields two actions.
func SuggestActions(def Definition, data AccountData, card Card, now time.Time) []Action {
	owner := data.Account.OwnerID
	if card.Position.Customer && data.Account.CSMID != "" {
		owner = data.Account.CSMID
	}
	ownerName := firstName(data.Owner.Name)
	if owner == data.Account.CSMID && data.CSM.Name != "" {
		ownerName = firstName(data.CSM.Name)
	}
	if owner == "" {
		return nil
	}
	key := func(parts ...string) string { return data.Account.ID + ":" + strings.Join(parts, ":") }
	contacts := map[string]Contact{}
	var champion Contact
	for _, c := range data.Contacts {
		contacts[c.ID] = c
		if c.BuyingRole == BuyerChampion && champion.ID == "" {
			champion = c
		}
	}
	var out []Action
	add := func(a Action) {
		a.AccountID, a.State, a.CreatedAt = data.Account.ID, ActionProposed, now
		if a.OwnerID == "" {
			a.OwnerID = owner
		}
		out = append(out, a)
	}
	for _, c := range data.Commitments {
		if c.Side != SideUs || !c.Overdue(now) {
			continue
		}
		to := firstName(c.Counterpart)
		add(Action{
			DealID: c.DealID, Kind: "commitment_overdue", OwnerID: firstNonEmpty(c.OwnerID, owner), DueAt: c.DueAt,
			IdempotencyKey: key("commitment_overdue", c.ID),
			Title:          fmt.Sprintf("%s: %s", data.Account.Name, c.What),
			Reason: fmt.Sprintf("We promised it to %s for %s; it is %s late. Late promises are the first thing a buyer remembers.",
				orSomeone(c.Counterpart), FormatDate(c.DueAt), plural(days(c.DueAt, now), "day", "days")),
			DraftSubject: fmt.Sprintf("%s, as promised", upperFirst(strings.TrimPrefix(trimVerb(c.What), "the "))),
			DraftBody: fmt.Sprintf("Hi %s,\n\nAs promised, here is %s. Sorry it took a little longer than I said.\n\nIf anything is unclear or your team needs more, tell me and I'll sort it out this week.\n\nBest,\n%s",
				to, lowerFirst(trimVerb(c.What)), ownerName),
		})
	}
	for _, w := range card.WaitingOnUs {
		if coveredByCommitment(w, data.Commitments, now) {
			continue
		}
		to := champion.Name
		add(Action{
			DealID: w.DealID, Kind: "customer_waiting", IdempotencyKey: key("customer_waiting", w.ID),
			Title:        fmt.Sprintf("%s waits on %s", data.Account.Name, w.What),
			Reason:       fmt.Sprintf("The customer has waited on it since %s (%s).", FormatDate(w.Since), plural(days(w.Since, now), "day", "days")),
			DraftSubject: w.What,
			DraftBody: fmt.Sprintf("Hi %s,\n\nHere is the %s you asked for on %s.\n\nLet me know if it answers your questions, or what else would help.\n\nBest,\n%s",
				orThere(firstName(to)), lowerFirst(w.What), FormatDate(w.Since), ownerName),
		})
	}
	for _, d := range data.Deals {
		if def.DealOpen(d) && !d.CloseDate.IsZero() && d.CloseDate.Before(now.Truncate(24*time.Hour)) {
			add(Action{
				DealID: d.ID, Kind: "close_date_passed", OwnerID: firstNonEmpty(d.OwnerID, owner),
				IdempotencyKey: key("close_date_passed", d.ID, d.CloseDate.Format("2006-01-02")),
				Title:          fmt.Sprintf("Update the close date of %s", d.Name),
				Reason:         fmt.Sprintf("It was %s and the deal is still open: the forecast counts it in the wrong month.", FormatDate(d.CloseDate)),
			})
		}
	}
	for _, r := range card.Position.Risks {
		m, _, _ := def.Milestone(r.MilestoneKey)
		a := Action{
			Kind: "milestone_missing", IdempotencyKey: key("milestone_missing", r.MilestoneKey, fmt.Sprint(card.Position.Cycle.Number)),
			Title:  fmt.Sprintf("%s: get %q done", data.Account.Name, r.MilestoneName),
			Reason: fmt.Sprintf("The account %s. Deals that skip it slip or stall.", r.Sentence),
		}
		if champion.ID != "" {
			a.DraftSubject = fmt.Sprintf("%s: one open point before we go further", data.Account.Name)
			hint := ""
			if len(m.Evidence) > 0 {
				hint = " Concretely: " + lowerFirst(strings.TrimSuffix(m.Evidence[0], ".")) + "."
			}
			a.DraftBody = fmt.Sprintf("Hi %s,\n\nBefore we take the next step, I'd like us to settle one open point, %q.%s\n\nCould we take 20 minutes this week to go through it?\n\nBest,\n%s",
				firstName(champion.Name), r.MilestoneName, hint, ownerName)
		}
		add(a)
	}
	for _, fk := range []string{FactorChampion, FactorEconomicBuyer} {
		f, ok := card.Health.Factor(fk)
		if !ok || f.Points >= f.Weight || len(f.Evidence) == 0 || f.Evidence[0].Kind != "contact" {
			continue
		}
		c := contacts[f.Evidence[0].ID]
		if c.ID == "" {
			continue
		}
		add(Action{
			Kind: "stakeholder_silent", IdempotencyKey: key("stakeholder_silent", c.ID, now.Format("2006-01")),
			Title:        fmt.Sprintf("Re-engage %s at %s", c.Name, data.Account.Name),
			Reason:       fmt.Sprintf("%s. Deals go quiet before they go dark.", upperFirst(f.Sentence)),
			DraftSubject: fmt.Sprintf("Quick check-in on %s", data.Account.Name),
			DraftBody: fmt.Sprintf("Hi %s,\n\nIt has been a little while since we spoke. Where do things stand on your side, and is there anything you need from us to keep moving?\n\nHappy to find 15 minutes whenever suits you.\n\nBest,\n%s",
				firstName(c.Name), ownerName),
		})
	}
	for _, pp := range card.Position.Personas {
		if !pp.Stuck || pp.NoContact || len(pp.Missing) == 0 {
			continue
		}
		m := pp.Missing[0].Milestone
		add(Action{
			Kind: "persona_stuck", OwnerID: firstNonEmpty(data.Account.CSMID, owner),
			IdempotencyKey: key("persona_stuck", pp.Persona, m.Key, fmt.Sprint(card.Position.Cycle.Number)),
			Title:          fmt.Sprintf("%s: take %s through %q", data.Account.Name, strings.Join(pp.Contacts, ", "), m.Name),
			Reason:         upperFirst(pp.Sentence) + ". The deal can look healthy while this person quietly falls behind.",
			DraftSubject:   "A short session for your team",
			DraftBody: fmt.Sprintf("Hi %s,\n\nI'd like to make sure your team gets full value from the rollout. Could we set up a short session this week? The goal: %q, covered for you and your team as well.\n\nBest,\n%s",
				firstName(pp.Contacts[0]), m.Name, ownerName),
		})
	}
	return out
}

func firstName(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func orThere(s string) string {
	if s == "" {
		return "there"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// trimVerb drops a leading "Send"/"Share" so a promise reads as a thing:
// "Send the SOC 2 report" → "the SOC 2 report".
func trimVerb(s string) string {
	for _, v := range []string{"Send ", "send ", "Share ", "share ", "Deliver ", "deliver ", "Provide ", "provide "} {
		if strings.HasPrefix(s, v) {
			return strings.TrimPrefix(s, v)
		}
	}
	return s
}

func lowerFirst(s string) string {
	if s == "" || (len(s) > 1 && strings.ToUpper(s[:2]) == s[:2]) {
		return s // keep acronyms: "SOC 2 report"
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
