package journey

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// MilestoneStatus is one milestone of the journey and whether it is done.
type MilestoneStatus struct {
	StageKey   string
	StageName  string
	Milestone  Milestone
	Done       bool
	DoneAt     time.Time
	Completion Completion // the earliest completion that counts, when Done
}

// StageProgress is one stage of the journey as this account went through it.
type StageProgress struct {
	Index      int
	Key        string
	Name       string
	OwnerTeam  string
	Reached    bool
	Current    bool
	Skipped    bool // a side path (expansion, renewal) this account never took
	Milestones []MilestoneStatus
}

// DoneCount returns how many of the stage's milestones are done, and how many there are.
func (s StageProgress) DoneCount() (done, all int) {
	for _, m := range s.Milestones {
		if m.Done {
			done++
		}
	}
	return done, len(s.Milestones)
}

// Risk is a required milestone of an earlier stage that is still missing
// while the account has moved on.
type Risk struct {
	StageKey      string
	StageName     string
	MilestoneKey  string
	MilestoneName string
	Sentence      string
}

// PersonaProgress is one persona's own place in the journey: the CS lead can
// be stuck in onboarding while the deal looks healthy.
type PersonaProgress struct {
	Persona   string
	Contacts  []string // names of the account's contacts with this persona
	StageKey  string
	StageName string
	Index     int
	Stuck     bool              // behind the account's stage
	Missing   []MilestoneStatus // what holds the persona back
	NoContact bool              // milestones need this persona but nobody at the account has it
	Sentence  string
}

// Cycle is one pass of the account through the journey. The first deal starts
// cycle 1; each expansion deal won loops the journey back to its re-entry
// stage (onboarding) and starts the next one.
type Cycle struct {
	Number    int
	DealID    string
	DealName  string
	StartedAt time.Time
}

// Position is where an account is in its journey, and why.
type Position struct {
	DefinitionKey     string
	DefinitionName    string
	DefinitionVersion int
	Index             int
	StageKey          string
	StageName         string
	Why               Explanation // why the account is in this stage
	Stages            []StageProgress
	Done              []MilestoneStatus // done milestones of reached stages
	Missing           []MilestoneStatus // required milestones of reached stages not done
	Risks             []Risk
	Personas          []PersonaProgress
	Cycle             Cycle
	LoopedBack        bool
	Lost              bool     // every deal closed lost
	Customer          bool     // a new-business or expansion deal was won
	OpenDeals         []string // ids of the deals neither won nor lost under the definition
}

// AtRisk reports whether a later stage was reached while a required
// milestone of an earlier one is missing.
func (p Position) AtRisk() bool { return len(p.Risks) > 0 }

// dealClosedAt is when a deal closed: its recorded close time, else its close date.
func dealClosedAt(d Deal) time.Time {
	if !d.ClosedAt.IsZero() {
		return d.ClosedAt
	}
	return d.CloseDate
}

// DealOpen reports whether the deal is neither won nor lost under def.
func (d Definition) DealOpen(deal Deal) bool { return !d.IsWon(deal.Stage) && !d.IsLost(deal.Stage) }

// Derive computes the account's position under def at time now. It reads
// only its arguments.
func Derive(def Definition, data AccountData, now time.Time) Position {
	pos := Position{DefinitionKey: def.Key, DefinitionName: def.Name, DefinitionVersion: def.Version}
	if len(def.Stages) == 0 {
		pos.Why = Explanation{Sentence: "the journey definition has no stages"}
		return pos
	}
	reentry := slices.IndexFunc(def.Stages, func(s Stage) bool { return s.Reentry })

	deals := slices.Clone(data.Deals)
	sort.SliceStable(deals, func(i, j int) bool { return deals[i].CreatedAt.Before(deals[j].CreatedAt) })

	// Cycles: the latest expansion won loops the journey back.
	pos.Cycle = Cycle{Number: 1}
	lost, anyDeal := 0, 0
	for _, d := range deals {
		anyDeal++
		if def.DealOpen(d) {
			pos.OpenDeals = append(pos.OpenDeals, d.ID)
		}
		if def.IsLost(d.Stage) {
			lost++
		}
		if def.IsWon(d.Stage) && d.Kind != DealRenewal {
			pos.Customer = true
		}
		if d.Kind == DealExpansion && def.IsWon(d.Stage) && reentry >= 0 {
			pos.Cycle.Number++
			if at := dealClosedAt(d); at.After(pos.Cycle.StartedAt) {
				pos.Cycle.DealID, pos.Cycle.DealName, pos.Cycle.StartedAt = d.ID, d.Name, at
			}
		}
	}
	pos.Lost = anyDeal > 0 && lost == anyDeal
	pos.LoopedBack = pos.Cycle.DealID != ""

	// counts reports whether a completion still counts for the stage at index i:
	// after a loop-back, stages from the re-entry point on must be done again.
	counts := func(c Completion, i int) bool {
		return !pos.LoopedBack || i < reentry || !c.At.Before(pos.Cycle.StartedAt)
	}
	doneFor := func(stage int, key, persona string) (Completion, bool) {
		var best Completion
		found := false
		for _, c := range data.Completions {
			if c.MilestoneKey != key || !counts(c, stage) {
				continue
			}
			if persona != "" && c.Persona != "" && c.Persona != persona {
				continue
			}
			if !found || c.At.Before(best.At) {
				best, found = c, true
			}
		}
		return best, found
	}

	// Where is the account? The furthest stage any signal puts it in.
	type signal struct {
		index int
		why   Explanation
	}
	var best *signal
	offer := func(i int, sentence string, e ...Evidence) {
		if i < 0 {
			return
		}
		if best == nil || i > best.index {
			best = &signal{index: i, why: Explanation{Sentence: sentence, Evidence: e}}
		}
	}
	for _, d := range deals {
		if def.IsLost(d.Stage) {
			continue
		}
		if d.Kind == DealExpansion && def.IsWon(d.Stage) {
			if d.ID == pos.Cycle.DealID {
				offer(reentry, fmt.Sprintf("expansion deal %q closed won on %s, so the journey loops back to %s",
					d.Name, FormatDate(pos.Cycle.StartedAt), def.Stages[reentry].Name), ev("deal", d.ID, d.Stage))
			}
			continue
		}
		if i := def.stageForDeal(d); i >= 0 {
			offer(i, fmt.Sprintf("%s deal %q is in CRM stage %s", d.Kind, d.Name, d.Stage), ev("deal", d.ID, d.Stage))
		}
	}
	for i, s := range def.Stages {
		for _, m := range s.Milestones {
			if c, ok := doneFor(i, m.Key, ""); ok {
				offer(i, fmt.Sprintf("milestone %q of %s was done on %s", m.Name, s.Name, FormatDate(c.At)),
					ev("completion", c.ID, m.Key))
			}
		}
		if s.RenewalWindowDays > 0 && pos.Customer && !data.Account.RenewalDate.IsZero() {
			left := int(data.Account.RenewalDate.Sub(now).Hours() / 24)
			if left <= s.RenewalWindowDays {
				sentence := fmt.Sprintf("the renewal on %s is %s away, inside the %d-day %s window",
					FormatDate(data.Account.RenewalDate), plural(left, "day", "days"), s.RenewalWindowDays, s.Name)
				if left < 0 {
					sentence = fmt.Sprintf("the renewal date %s has passed", FormatDate(data.Account.RenewalDate))
				}
				offer(i, sentence, ev("account", data.Account.ID, "renewal_date"))
			}
		}
	}
	if best == nil {
		best = &signal{index: 0, why: Explanation{Sentence: fmt.Sprintf("no deal or milestone yet, so the journey starts at %s", def.Stages[0].Name)}}
	}
	pos.Index = best.index
	pos.StageKey, pos.StageName = def.Stages[best.index].Key, def.Stages[best.index].Name
	pos.Why = best.why
	if pos.Lost {
		pos.Why.Sentence = "every deal closed lost; " + pos.Why.Sentence
	}

	// Milestones, stage by stage.
	for i, s := range def.Stages {
		sp := StageProgress{Index: i, Key: s.Key, Name: s.Name, OwnerTeam: s.OwnerTeam, Reached: i <= pos.Index, Current: i == pos.Index}
		for _, m := range s.Milestones {
			ms := MilestoneStatus{StageKey: s.Key, StageName: s.Name, Milestone: m}
			if c, ok := doneFor(i, m.Key, ""); ok {
				ms.Done, ms.DoneAt, ms.Completion = true, c.At, c
			}
			sp.Milestones = append(sp.Milestones, ms)
		}
		sp.Skipped = sp.Reached && !sp.Current && sideTrackUntaken(def, s, deals, sp)
		pos.Stages = append(pos.Stages, sp)
	}
	for _, sp := range pos.Stages {
		if !sp.Reached || sp.Skipped {
			continue
		}
		for _, ms := range sp.Milestones {
			switch {
			case ms.Done:
				pos.Done = append(pos.Done, ms)
			case ms.Milestone.Required:
				pos.Missing = append(pos.Missing, ms)
				if !sp.Current {
					pos.Risks = append(pos.Risks, Risk{
						StageKey: sp.Key, StageName: sp.Name, MilestoneKey: ms.Milestone.Key, MilestoneName: ms.Milestone.Name,
						Sentence: fmt.Sprintf("reached %s while %q of %s is missing", pos.StageName, ms.Milestone.Name, sp.Name),
					})
				}
			}
		}
	}
	pos.Personas = personaProgress(def, data.Contacts, pos, doneFor)
	return pos
}

// sideTrackUntaken reports whether s is a side path (entered only by
// expansion or renewal deals) that the account never took: no such deal, no
// milestone done there, no renewal window reached.
func sideTrackUntaken(def Definition, s Stage, deals []Deal, sp StageProgress) bool {
	if len(s.DealKinds) == 0 || slices.Contains(s.DealKinds, DealNew) {
		return false
	}
	if d, _ := sp.DoneCount(); d > 0 {
		return false
	}
	for _, d := range deals {
		if slices.Contains(s.DealKinds, d.Kind) {
			return false
		}
	}
	return true
}

func personaProgress(def Definition, contacts []Contact, pos Position, doneFor func(int, string, string) (Completion, bool)) []PersonaProgress {
	names := map[string][]string{}
	var order []string
	for _, c := range contacts {
		p := strings.TrimSpace(c.Persona)
		if p == "" {
			continue
		}
		if _, ok := names[p]; !ok {
			order = append(order, p)
		}
		names[p] = append(names[p], c.Name)
	}
	// Personas that reached milestones ask for, even without a contact.
	for _, sp := range pos.Stages {
		if !sp.Reached || sp.Skipped {
			continue
		}
		for _, ms := range sp.Milestones {
			for _, p := range ms.Milestone.Personas {
				if _, ok := names[p]; !ok && ms.Milestone.Required {
					names[p] = nil
					order = append(order, p)
				}
			}
		}
	}
	defOrder := def.Personas()
	sort.SliceStable(order, func(i, j int) bool {
		a, b := slices.Index(defOrder, order[i]), slices.Index(defOrder, order[j])
		if a < 0 {
			a = len(defOrder)
		}
		if b < 0 {
			b = len(defOrder)
		}
		return a < b
	})

	var out []PersonaProgress
	for _, p := range order {
		pp := PersonaProgress{Persona: p, Contacts: names[p], Index: pos.Index, NoContact: len(names[p]) == 0}
		for _, sp := range pos.Stages {
			if sp.Index > pos.Index || sp.Skipped {
				continue
			}
			var missing []MilestoneStatus
			for _, ms := range sp.Milestones {
				if !ms.Milestone.Required || !slices.Contains(ms.Milestone.Personas, p) {
					continue
				}
				if _, ok := doneFor(sp.Index, ms.Milestone.Key, p); !ok {
					missing = append(missing, ms)
				}
			}
			if len(missing) > 0 && sp.Index < pos.Index {
				pp.Index, pp.Stuck, pp.Missing = sp.Index, true, missing
				break
			}
			if sp.Index == pos.Index {
				pp.Missing = missing
			}
		}
		st := def.Stages[pp.Index]
		pp.StageKey, pp.StageName = st.Key, st.Name
		who := PersonaLabel(p)
		if len(pp.Contacts) > 0 {
			who += " (" + strings.Join(pp.Contacts, ", ") + ")"
		}
		switch {
		case pp.Stuck:
			pp.Sentence = fmt.Sprintf("%s is stuck in %s: %s not done for them, while the account is in %s",
				who, pp.StageName, milestoneNames(pp.Missing), pos.StageName)
		case len(pp.Missing) > 0:
			pp.Sentence = fmt.Sprintf("%s is in %s; next for them: %s", who, pp.StageName, milestoneNames(pp.Missing))
		default:
			pp.Sentence = fmt.Sprintf("%s is in %s, on track", who, pp.StageName)
		}
		if pp.NoContact {
			if !pp.Stuck {
				continue // only worth a line when it holds the journey back
			}
			pp.Sentence += "; nobody at the account has this persona yet"
		}
		out = append(out, pp)
	}
	return out
}

func milestoneNames(ms []MilestoneStatus) string {
	var names []string
	for _, m := range ms {
		names = append(names, fmt.Sprintf("%q", m.Milestone.Name))
	}
	return strings.Join(names, ", ")
}

// PersonaLabel turns a persona key into words: "cs_lead" → "CS lead".
func PersonaLabel(p string) string {
	switch p {
	case "exec":
		return "Executive"
	case "revops":
		return "RevOps"
	case "cs_lead":
		return "CS lead"
	case "it":
		return "IT"
	case "end_user":
		return "End users"
	}
	s := strings.ReplaceAll(p, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// TimelineEntry is one line of an account's journey timeline, across all its deals.
type TimelineEntry struct {
	At       time.Time
	Kind     string // deal_opened, deal_won, deal_lost, change, event kinds
	DealID   string
	DealName string
	DealKind DealKind
	Text     string
	Link     string
	Ref      Evidence
}

// Timeline merges every deal, event and change of the account into one
// timeline, newest first. Deal openings and closings mark where each deal
// (new, expansion, renewal) sits on the account's journey.
func Timeline(def Definition, data AccountData) []TimelineEntry {
	deals := map[string]Deal{}
	var out []TimelineEntry
	for _, d := range data.Deals {
		deals[d.ID] = d
		out = append(out, TimelineEntry{At: d.CreatedAt, Kind: "deal_opened", DealID: d.ID, DealName: d.Name, DealKind: d.Kind,
			Text: fmt.Sprintf("%s deal %q opened (%s)", d.Kind, d.Name, FormatMoney(d.AmountCents, d.Currency)), Ref: ev("deal", d.ID, "")})
		switch {
		case def.IsWon(d.Stage):
			out = append(out, TimelineEntry{At: dealClosedAt(d), Kind: "deal_won", DealID: d.ID, DealName: d.Name, DealKind: d.Kind,
				Text: fmt.Sprintf("%s deal %q closed won", d.Kind, d.Name), Ref: ev("deal", d.ID, d.Stage)})
		case def.IsLost(d.Stage):
			out = append(out, TimelineEntry{At: dealClosedAt(d), Kind: "deal_lost", DealID: d.ID, DealName: d.Name, DealKind: d.Kind,
				Text: fmt.Sprintf("%s deal %q closed lost", d.Kind, d.Name), Ref: ev("deal", d.ID, d.Stage)})
		}
	}
	for _, e := range data.Events {
		d := deals[e.DealID]
		out = append(out, TimelineEntry{At: e.At, Kind: e.Kind, DealID: e.DealID, DealName: d.Name, DealKind: d.Kind,
			Text: e.Summary, Link: e.Link, Ref: ev("event", e.ID, e.Kind)})
	}
	for _, c := range data.Changes {
		d := deals[c.DealID]
		out = append(out, TimelineEntry{At: c.At, Kind: "change", DealID: c.DealID, DealName: d.Name, DealKind: d.Kind,
			Text: ChangeSentence(c), Ref: ev("change", c.ID, c.Field)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

// ChangeSentence writes a property change as a line of the card:
// "stage: closedlost → closedwon by Maya (hubspot) — reason unknown".
func ChangeSentence(c Change) string {
	if c.Field == "csm" {
		return CSMChangeSentence(c)
	}
	old := c.Old
	if old == "" {
		old = "(none)"
	}
	s := fmt.Sprintf("%s: %s → %s", c.Field, old, c.New)
	if c.ActorName != "" {
		s += " by " + c.ActorName
	}
	if c.Source != "" {
		s += " (" + c.Source + ")"
	}
	if c.Reason == "" {
		return s + " — reason unknown"
	}
	return s + " — " + c.Reason
}
