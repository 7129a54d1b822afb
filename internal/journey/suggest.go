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
		to := greetee(c.Counterpart, data.Contacts, champion)
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
	for _, c := range data.Commitments {
		if c.Side != SideUs || c.Status != CommitmentOpen || c.DueAt.IsZero() || c.Overdue(now) || c.DueAt.Sub(now) > 36*time.Hour {
			continue
		}
		add(Action{
			DealID: c.DealID, Kind: "commitment_due", OwnerID: firstNonEmpty(c.OwnerID, owner), DueAt: c.DueAt,
			IdempotencyKey: key("commitment_due", c.ID),
			Title:          fmt.Sprintf("%s: %s (due %s)", data.Account.Name, c.What, FormatDate(c.DueAt)),
			Reason:         fmt.Sprintf("Promised to %s; due %s. Keeping small promises is how trust is built before the big one.", orSomeone(c.Counterpart), FormatDate(c.DueAt)),
			DraftSubject:   fmt.Sprintf("%s, as promised", upperFirst(strings.TrimPrefix(trimVerb(c.What), "the "))),
			DraftBody: fmt.Sprintf("Hi %s,\n\nAs promised, here is %s.\n\nLet me know if anything is missing.\n\nBest,\n%s",
				greetee(c.Counterpart, data.Contacts, champion), lowerFirst(trimVerb(c.What)), ownerName),
		})
	}
	if last, lastOurs, ok := lastExchange(data.Events); ok && lastOurs && BusinessDaysBetween(last.At, now) >= 3 && !card.Position.Lost {
		to := champion
		add(Action{
			Kind: "no_reply", IdempotencyKey: key("no_reply", last.ID),
			Title:        fmt.Sprintf("No reply from %s since %s", data.Account.Name, FormatDate(last.At)),
			Reason:       fmt.Sprintf("Our last message was %s business days ago and the customer has not answered. A short, specific follow-up gets most threads moving again.", fmt.Sprint(BusinessDaysBetween(last.At, now))),
			DraftSubject: fmt.Sprintf("Following up: %s", data.Account.Name),
			DraftBody: fmt.Sprintf("Hi %s,\n\nFollowing up on my last note. Is there anything you need from us to move forward, or a better time to pick this up?\n\nBest,\n%s",
				orThere(firstName(to.Name)), ownerName),
		})
	}
	for _, d := range data.Deals {
		if !def.DealOpen(d) || d.CloseDate.IsZero() || d.CloseDate.Before(now.Truncate(24*time.Hour)) || d.CloseDate.Sub(now) > 7*24*time.Hour {
			continue
		}
		var open []string
		for _, ms := range card.Position.Missing {
			open = append(open, ms.Milestone.Name)
		}
		if len(open) == 0 {
			continue
		}
		add(Action{
			DealID: d.ID, Kind: "close_date_near", OwnerID: firstNonEmpty(d.OwnerID, owner),
			IdempotencyKey: key("close_date_near", d.ID, d.CloseDate.Format("2006-01-02")),
			Title:          fmt.Sprintf("%s closes %s with milestones open", d.Name, FormatDate(d.CloseDate)),
			Reason:         fmt.Sprintf("Still open: %s. Close them or move the date so the forecast stays honest.", quoteList(open)),
		})
	}
	if card.Position.Customer && !data.Account.RenewalDate.IsZero() {
		left := data.Account.RenewalDate.Sub(now)
		if left >= 0 && left <= 90*24*time.Hour && !milestoneDone(card.Position, "ebr_held") && hasMilestone(def, "ebr_held") {
			add(Action{
				Kind: "renewal_without_ebr", OwnerID: firstNonEmpty(data.Account.CSMID, owner),
				IdempotencyKey: key("renewal_without_ebr", data.Account.RenewalDate.Format("2006-01-02")),
				Title:          fmt.Sprintf("%s renews %s: hold the executive business review", data.Account.Name, FormatDate(data.Account.RenewalDate)),
				Reason:         fmt.Sprintf("The renewal is %s away and no executive business review is on record. Renewals without one are where surprises come from.", plural(int(left.Hours()/24), "day", "days")),
				DraftSubject:   fmt.Sprintf("%s: reviewing the year together", data.Account.Name),
				DraftBody: fmt.Sprintf("Hi %s,\n\nAs we come up on the renewal, I'd like to set up a short executive review: what your team achieved this year, what's next, and what you need from us.\n\nWould one of the next two weeks work?\n\nBest,\n%s",
					orThere(firstName(champion.Name)), ownerName),
			})
		}
	}
	for _, ch := range data.Changes {
		if ch.Field != "csm" || ch.Reason != "" || ch.Told == ToldYes || now.Sub(ch.At) > 30*24*time.Hour {
			continue
		}
		add(Action{
			Kind: "csm_reassigned", OwnerID: firstNonEmpty(data.Account.CSMID, owner), IdempotencyKey: key("csm_reassigned", ch.ID),
			Title:        fmt.Sprintf("%s has a new CSM: was the customer told?", data.Account.Name),
			Reason:       fmt.Sprintf("The CSM changed from %s to %s on %s with no record that the customer was told. Silent handovers are felt at renewal.", orDash(ch.Old), orDash(ch.New), FormatDate(ch.At)),
			DraftSubject: fmt.Sprintf("Your new customer success manager at %s", "our team"),
			DraftBody: fmt.Sprintf("Hi %s,\n\nA quick note to introduce myself: I'm now your customer success manager. I've read up on your goals and where we are, and I'd love 20 minutes to hear what matters most to you next.\n\nBest,\n%s",
				orThere(firstName(champion.Name)), ownerName),
		})
	}
	for _, d := range data.Deals {
		if d.Kind != DealNew || !def.IsWon(d.Stage) || now.Sub(dealClosedAt(d)) > 60*24*time.Hour {
			continue
		}
		var missing []string
		for _, sp := range card.Position.Stages {
			if sp.Key != "handoff" {
				continue
			}
			for _, m := range sp.Milestones {
				if m.Milestone.Required && !m.Done {
					missing = append(missing, m.Milestone.Name)
				}
			}
		}
		if len(missing) == 0 {
			continue
		}
		add(Action{
			DealID: d.ID, Kind: "handoff_incomplete", OwnerID: firstNonEmpty(d.OwnerID, data.Account.OwnerID, owner),
			IdempotencyKey: key("handoff_incomplete", d.ID),
			Title:          fmt.Sprintf("%s closed won: finish the handoff to CS", d.Name),
			Reason:         fmt.Sprintf("Missing: %s. The customer should never have to explain themselves twice.", quoteList(missing)),
		})
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

// greetee is the first name a follow-up on a promise greets: the person it
// was made to when they are one of the account's contacts, else the
// champion, else "there" (a promise made "to Acme" greets no company).
func greetee(counterpart string, contacts []Contact, champion Contact) string {
	if counterpart != "" {
		for _, c := range contacts {
			if strings.EqualFold(c.Name, counterpart) || strings.EqualFold(firstName(c.Name), firstName(counterpart)) {
				return firstName(c.Name)
			}
		}
	}
	return orThere(firstName(champion.Name))
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

// lastExchange returns the newest message-like event between the sides and
// whether it was ours.
func lastExchange(events []Event) (Event, bool, bool) {
	var best Event
	found := false
	for _, e := range events {
		if e.Direction == "" || (e.Kind != EventMessage && e.Kind != EventEmail) {
			continue
		}
		if !found || e.At.After(best.At) {
			best, found = e, true
		}
	}
	return best, found && best.Direction == SideUs, found
}

// BusinessDaysBetween counts the weekdays after a up to and including b.
func BusinessDaysBetween(a, b time.Time) int {
	n := 0
	for d := a.Truncate(24 * time.Hour).Add(24 * time.Hour); !d.After(b); d = d.Add(24 * time.Hour) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

func milestoneDone(pos Position, key string) bool {
	for _, s := range pos.Stages {
		for _, m := range s.Milestones {
			if m.Milestone.Key == key {
				return m.Done
			}
		}
	}
	return false
}

func hasMilestone(def Definition, key string) bool {
	_, _, ok := def.Milestone(key)
	return ok
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
