package journey

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// HandoffField is one question of the sales → CS handoff, answered from the
// journey and timeline with its evidence, or by the rep, or marked missing.
type HandoffField struct {
	Key      string
	Section  string
	Question string
	Answer   string
	Evidence []Evidence
	By       string // "journey" when found in the record, "rep" when written by hand; "" when missing
}

// Missing reports whether nothing answers the question yet.
func (f HandoffField) Missing() bool { return f.Answer == "" }

// Handoff is the sales → CS handoff of one deal won.
type Handoff struct {
	Account Account
	Deal    Deal
	Rep     Person
	CSM     Person
	Fields  []HandoffField
}

// MissingFields returns the questions nobody has answered yet.
func (h Handoff) MissingFields() []HandoffField {
	var out []HandoffField
	for _, f := range h.Fields {
		if f.Missing() {
			out = append(out, f)
		}
	}
	return out
}

// HandoffAnswer is what a rep wrote for one handoff question.
type HandoffAnswer struct {
	Field string
	Value string
	By    string
	At    time.Time
}

// defaultChecklist is the handoff checklist used when the definition carries none.
var defaultChecklist = []ChecklistItem{
	{"why_buy", "Deal context", "Why did they buy? (business pain)"},
	{"why_now", "Deal context", "Why now? (trigger event)"},
	{"why_us", "Deal context", "Why us? (competitive differentiation)"},
	{"decision_criteria", "Deal context", "Decision criteria (what mattered most)"},
	{"exec_sponsor", "Stakeholders", "Executive sponsor: name, role, contact"},
	{"champion", "Stakeholders", "Champion: name, role, contact"},
	{"technical_owner", "Stakeholders", "Technical owner: name, role, contact"},
	{"end_users", "Stakeholders", "End users: how many, and in which roles?"},
	{"primary_objective", "Success criteria", "Primary objective (the outcome they bought)"},
	{"success_metric", "Success criteria", "How will they measure success? (metric)"},
	{"timeline", "Success criteria", "Timeline expectations (dates)"},
	{"known_risks", "Risks & concerns", "Known risks (issues surfaced in the sale)"},
	{"competitors", "Risks & concerns", "Competitor mentions (who else they considered)"},
	{"objections", "Risks & concerns", "Objections raised (and how they were addressed)"},
	{"contract_value", "Commercial", "Contract value (ARR)"},
	{"contract_terms", "Commercial", "Contract terms (length, special terms)"},
	{"expansion_potential", "Commercial", "Expansion potential (opportunities mentioned)"},
	{"renewal_date", "Commercial", "Renewal date"},
}

// Checklist returns the handoff checklist of the definition (the one its
// handoff stage carries), or the standard one.
func (d Definition) Checklist() []ChecklistItem {
	for _, s := range d.Stages {
		if len(s.Checklist) > 0 {
			return s.Checklist
		}
	}
	return defaultChecklist
}

// Phrases in the timeline that answer handoff questions.
var handoffPhrases = map[string]*regexp.Regexp{
	"why_buy":             regexp.MustCompile(`(?i)\b(pain|problem|costs? us|losing|hours (a|per) week|manual)\b`),
	"why_now":             regexp.MustCompile(`(?i)\b(why now|deadline|by (q[1-4]|january|february|march|april|may|june|july|august|september|october|november|december)|before (the|our) (board|renewal|launch)|new (vp|cro|leader))\b`),
	"why_us":              regexp.MustCompile(`(?i)\b(why (you|us)|chose (you|us)|picked (you|us)|better than|unlike|differentiat|we lead on|stood out)`),
	"decision_criteria":   regexp.MustCompile(`(?i)\b(criteria|must[- ]have|requirements?|deal[- ]breaker)\b`),
	"primary_objective":   regexp.MustCompile(`(?i)\b(objective|goal|outcome|success criteria)\b`),
	"success_metric":      regexp.MustCompile(`(?i)\b(metric|kpi|measure|forecast accuracy|adoption rate|%)`),
	"timeline":            regexp.MustCompile(`(?i)\b(go[- ]live|kick-?off|launch|roll-?out|timeline)\b`),
	"known_risks":         regexp.MustCompile(`(?i)\b(at risk|a risk|risky|concerned|worried|blocker|delayed|slipp?ing)\b`),
	"competitors":         regexp.MustCompile(`(?i)\b(competitor|also (looking at|evaluating)|versus|vs\.?|alternative|gong|clari|salesforce|outreach)\b`),
	"objections":          regexp.MustCompile(`(?i)\b(objection|push(ed)? back|too expensive|pricing concern|price is)\b`),
	"contract_terms":      regexp.MustCompile(`(?i)\b(\d+[- ]year|multi-year|annual (contract|term)|net \d+|payment terms|auto-?renew|termination)\b`),
	"expansion_potential": regexp.MustCompile(`(?i)\b(expan|more seats|other teams?|second team|add(ing)? (seats|users)|upsell|roll (it )?out to)`),
}

// BuildHandoff fills the sales → CS handoff of a deal from what the journey
// already knows: milestones done and their evidence, the account's contacts
// and buying roles, the timeline, the deal and the account. Answers written
// by the rep win over what was found. Every field is either answered with its
// evidence or left empty (missing).
func BuildHandoff(def Definition, data AccountData, deal Deal, answers []HandoffAnswer) Handoff {
	h := Handoff{Account: data.Account, Deal: deal, Rep: data.Owner, CSM: data.CSM}
	given := map[string]HandoffAnswer{}
	for _, a := range answers {
		given[a.Field] = a
	}
	events := map[string]Event{}
	for _, e := range data.Events {
		events[e.ID] = e
	}
	// newest first, the customer's own words before ours
	timeline := append([]Event(nil), data.Events...)
	sort.SliceStable(timeline, func(i, j int) bool {
		if (timeline[i].Direction == SideCustomer) != (timeline[j].Direction == SideCustomer) {
			return timeline[i].Direction == SideCustomer
		}
		return timeline[i].At.After(timeline[j].At)
	})
	// fromMilestone answers with the evidence of a milestone done: the
	// message that showed it, else the milestone itself and its note.
	fromMilestone := func(key string) (string, []Evidence) {
		for _, c := range data.Completions {
			if c.MilestoneKey != key {
				continue
			}
			if e, ok := events[c.EvidenceEventID]; ok && eventText(e) != "" {
				return quoteEvent(e), []Evidence{ev("event", e.ID, key)}
			}
			m, _, _ := def.Milestone(key)
			ans := fmt.Sprintf("milestone %q done %s", firstNonEmpty(m.Name, key), FormatDate(c.At))
			if c.Note != "" {
				ans += ": " + c.Note
			}
			return ans, []Evidence{ev("completion", c.ID, key)}
		}
		return "", nil
	}
	fromTimeline := func(key string) (string, []Evidence) {
		re := handoffPhrases[key]
		if re == nil {
			return "", nil
		}
		for _, e := range timeline {
			if e.Kind == EventCRMChange || e.Kind == EventBotAction {
				continue
			}
			if t := eventText(e); re.MatchString(t) {
				return quoteEvent(e), []Evidence{ev("event", e.ID, key)}
			}
		}
		return "", nil
	}
	contact := func(roles []BuyingRole, personas ...string) (string, []Evidence) {
		for _, r := range roles {
			for _, c := range data.Contacts {
				if c.BuyingRole == r {
					return contactLine(c), []Evidence{ev("contact", c.ID, string(r))}
				}
			}
		}
		for _, p := range personas {
			for _, c := range data.Contacts {
				if c.Persona == p {
					return contactLine(c), []Evidence{ev("contact", c.ID, p)}
				}
			}
		}
		return "", nil
	}
	for _, item := range def.Checklist() {
		f := HandoffField{Key: item.Key, Section: item.Section, Question: item.Question}
		if a, ok := given[item.Key]; ok && strings.TrimSpace(a.Value) != "" {
			f.Answer, f.By = a.Value, "rep"
			h.Fields = append(h.Fields, f)
			continue
		}
		var ans string
		var evs []Evidence
		switch item.Key {
		case "why_buy":
			ans, evs = fromMilestone("pain_identified")
		case "why_now":
			ans, evs = fromMilestone("why_now_established")
		case "primary_objective", "success_metric":
			ans, evs = fromMilestone("success_criteria_agreed")
		case "exec_sponsor":
			ans, evs = contact([]BuyingRole{BuyerEconomic, BuyerDecisionMaker}, "exec")
		case "champion":
			ans, evs = contact([]BuyingRole{BuyerChampion})
		case "technical_owner":
			ans, evs = contact([]BuyingRole{BuyerTechnicalOwner}, "it")
		case "end_users":
			var names []string
			for _, c := range data.Contacts {
				if c.BuyingRole == BuyerUser {
					names = append(names, contactLine(c))
					evs = append(evs, ev("contact", c.ID, "user"))
				}
			}
			if len(names) > 0 {
				ans = fmt.Sprintf("%d known: %s", len(names), strings.Join(names, "; "))
			}
		case "known_risks":
			var rs []string
			for _, w := range data.Waits {
				if w.Open() && w.Waiter == SideCustomer {
					rs = append(rs, fmt.Sprintf("customer still waits on %q since %s", w.What, FormatDate(w.Since)))
					evs = append(evs, ev("wait", w.ID, w.What))
				}
			}
			if len(rs) > 0 {
				ans = strings.Join(rs, "; ")
			}
		case "contract_value":
			if deal.AmountCents > 0 {
				ans, evs = FormatMoney(deal.AmountCents, deal.Currency), []Evidence{ev("deal", deal.ID, "amount")}
			}
		case "renewal_date":
			if !data.Account.RenewalDate.IsZero() {
				ans, evs = FormatDate(data.Account.RenewalDate), []Evidence{ev("account", data.Account.ID, "renewal_date")}
			}
		case "expansion_potential":
			for _, d := range data.Deals {
				if d.Kind == DealExpansion && def.DealOpen(d) {
					ans, evs = fmt.Sprintf("open expansion deal %q (%s)", d.Name, FormatMoney(d.AmountCents, d.Currency)), []Evidence{ev("deal", d.ID, "expansion")}
				}
			}
		}
		if ans == "" {
			ans, evs = fromTimeline(item.Key)
		}
		if ans != "" {
			f.Answer, f.Evidence, f.By = ans, evs, "journey"
		}
		h.Fields = append(h.Fields, f)
	}
	return h
}

func eventText(e Event) string {
	if e.Text != "" {
		return e.Text
	}
	return e.Summary
}

func quoteEvent(e Event) string {
	t := strings.Join(strings.Fields(eventText(e)), " ")
	if len(t) > 200 {
		t = t[:197] + "…"
	}
	who := "us"
	if e.Direction == SideCustomer {
		who = "customer"
	}
	return fmt.Sprintf("%q (%s, %s %s)", t, who, e.Kind, FormatDate(e.At))
}

func contactLine(c Contact) string {
	parts := []string{c.Name}
	if c.Title != "" {
		parts = append(parts, c.Title)
	}
	if c.Email != "" {
		parts = append(parts, c.Email)
	}
	return strings.Join(parts, ", ")
}

// WonDeal returns the account's newest deal won (new business or
// expansion), for its handoff.
func WonDeal(def Definition, data AccountData) (Deal, bool) {
	var best Deal
	found := false
	for _, d := range data.Deals {
		if !def.IsWon(d.Stage) || d.Kind == DealRenewal {
			continue
		}
		if !found || dealClosedAt(d).After(dealClosedAt(best)) {
			best, found = d, true
		}
	}
	return best, found
}

// ExpansionReadiness says whether a customer is ready to buy more, with the
// signals behind it.
type ExpansionReadiness struct {
	Ready            bool
	AdoptionDone     int // adoption milestones done
	AdoptionAll      int
	Health           int
	ChampionEngaged  bool
	SeatsUsed, Seats int // 0 when unknown
	Signals          []string
}

// Readiness derives expansion readiness from the card: adoption milestones
// done, health, whether the champion is engaged, and seats used where known
// (seatsUsed, seats; zero when unknown). Only customers have one.
func Readiness(c Card, seatsUsed, seats int) (ExpansionReadiness, bool) {
	if !c.Position.Customer {
		return ExpansionReadiness{}, false
	}
	r := ExpansionReadiness{Health: c.Health.Score, SeatsUsed: seatsUsed, Seats: seats}
	for _, s := range c.Position.Stages {
		if s.Key != "adoption" {
			continue
		}
		r.AdoptionDone, r.AdoptionAll = s.DoneCount()
	}
	if f, ok := c.Health.Factor(FactorChampion); ok {
		r.ChampionEngaged = f.Weight > 0 && f.Points*2 >= f.Weight
	}
	r.Signals = append(r.Signals, fmt.Sprintf("adoption milestones %d/%d", r.AdoptionDone, r.AdoptionAll))
	r.Signals = append(r.Signals, fmt.Sprintf("health %d", r.Health))
	if r.ChampionEngaged {
		r.Signals = append(r.Signals, "champion engaged")
	} else {
		r.Signals = append(r.Signals, "champion not engaged")
	}
	if seats > 0 {
		r.Signals = append(r.Signals, fmt.Sprintf("seats %d/%d used", seatsUsed, seats))
	}
	r.Ready = r.AdoptionAll > 0 && r.AdoptionDone*2 >= r.AdoptionAll && r.Health >= 70 && r.ChampionEngaged &&
		(seats == 0 || seatsUsed*10 >= seats*8)
	return r, true
}

// ReadinessLine writes expansion readiness for the card.
func ReadinessLine(r ExpansionReadiness) string {
	verdict := "not yet ready to expand"
	if r.Ready {
		verdict = "ready to expand"
	}
	return fmt.Sprintf("Expansion: %s — %s", verdict, strings.Join(r.Signals, ", "))
}

// DealTimeline writes every deal of the account, oldest first, as one line
// each: "Jan 5, 2026 new “Platform” $48,000 — Closed Won".
func DealTimeline(deals []Deal) []string {
	ds := append([]Deal(nil), deals...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].CreatedAt.Before(ds[j].CreatedAt) })
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s %q %s — %s", FormatDate(d.CreatedAt), d.Kind, d.Name, FormatMoney(d.AmountCents, d.Currency), StageLabel(d.Stage)))
	}
	return out
}
