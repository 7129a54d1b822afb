package ask

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// The tools over a whole book (the asker's, a manager's team's, an admin's
// workspace) and over people's actions and drafts, where permissions apply.

// Filters of ListAccounts.
const (
	FilterAll      = "all"
	FilterAtRisk   = "at_risk"
	FilterRenewing = "renewing"
	FilterClosing  = "closing"
)

// ListAccounts lists the accounts in the asker's book (their own; a
// manager's team's; everyone's for an admin) that match filter: all, at_risk
// (a skipped milestone, or health under 50), renewing (renewal date within
// period) or closing (an open deal's close date within period).
func (t *Tools) ListAccounts(ctx context.Context, filter string, p Period) (Result, error) {
	if !t.asker.Known {
		return t.notKnown(), nil
	}
	book, sc, err := t.book(ctx)
	if err != nil {
		return Result{}, err
	}
	var r Result
	for _, l := range book {
		c := l.card
		var line string
		var why []string
		switch filter {
		case FilterAtRisk:
			if !c.Position.AtRisk() && c.Health.Score >= 50 {
				continue
			}
			for _, risk := range c.Position.Risks {
				why = append(why, risk.Sentence)
			}
			if c.Health.Score < 50 {
				why = append(why, "health "+c.Health.Explain())
			}
			line = fmt.Sprintf("%s (%s, health %d): %s", c.Account.Name, c.Position.StageName, c.Health.Score, strings.Join(why, "; "))
		case FilterRenewing:
			if c.Account.RenewalDate.IsZero() || !p.Contains(c.Account.RenewalDate) {
				continue
			}
			line = fmt.Sprintf("%s renews %s (%s ARR, health %d)", c.Account.Name, journey.FormatDate(c.Account.RenewalDate), journey.FormatMoney(c.Account.ARRCents, c.Account.Currency), c.Health.Score)
			if c.Priority.Class != "" {
				line += ", " + string(c.Priority.Class) + ": " + c.Priority.ClassWhy
			}
		case FilterClosing:
			var ds []string
			for _, d := range c.Deals {
				if l.def.DealOpen(d) && !d.CloseDate.IsZero() && p.Contains(d.CloseDate) {
					ds = append(ds, fmt.Sprintf("%q %s closing %s", d.Name, journey.FormatMoney(d.AmountCents, d.Currency), journey.FormatDate(d.CloseDate)))
				}
			}
			if len(ds) == 0 {
				continue
			}
			line = fmt.Sprintf("%s: %s (health %d)", c.Account.Name, strings.Join(ds, "; "), c.Health.Score)
		default:
			line = fmt.Sprintf("%s: %s, health %d, priority %d — %s", c.Account.Name, c.Position.StageName, c.Health.Score, c.Priority.Score, c.Priority.Sentence)
		}
		n := t.citeAccount(l)
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{n}})
		r.Accounts = append(r.Accounts, ref(l))
		if len(why) > 0 {
			r.Why = append(r.Why, Fact{Text: c.Account.Name + ": " + strings.Join(why, "; "), Refs: []int{n}})
		}
	}
	if len(r.Facts) == 0 {
		switch filter {
		case FilterAtRisk:
			r.None = fmt.Sprintf("None of %s %d accounts is at risk: no skipped milestone and no health under 50.", sc.Label, len(book))
		case FilterRenewing:
			r.None = fmt.Sprintf("None of %s %d accounts renews %s.", sc.Label, len(book), p.Label)
		case FilterClosing:
			r.None = fmt.Sprintf("No open deal in %s book closes %s.", sc.Label, p.Label)
		default:
			r.None = fmt.Sprintf("%s book is empty.", upperFirst(sc.Label))
		}
	}
	return r, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// PipelineChanges lists what changed across the asker's book within period:
// stage moves and other property changes with their reasons, newest first.
func (t *Tools) PipelineChanges(ctx context.Context, p Period) (Result, error) {
	if !t.asker.Known {
		return t.notKnown(), nil
	}
	book, sc, err := t.book(ctx)
	if err != nil {
		return Result{}, err
	}
	type item struct {
		at   time.Time
		fact Fact
	}
	var items []item
	var r Result
	for _, l := range book {
		hit := false
		for _, c := range l.data.Changes {
			if !p.Contains(c.At) {
				continue
			}
			hit = true
			n := t.cite(Citation{Kind: "change", ID: c.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name, Label: l.data.Account.Name + " " + c.Field + " change"})
			items = append(items, item{c.At, Fact{Text: fmt.Sprintf("%s, %s: %s", journey.FormatDate(c.At), l.data.Account.Name, journey.ChangeSentence(c)), Refs: []int{n}}})
		}
		if hit {
			r.Accounts = append(r.Accounts, ref(l))
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at.After(items[j].at) })
	for _, it := range items {
		r.Facts = append(r.Facts, it.fact)
	}
	if len(r.Facts) == 0 {
		r.None = fmt.Sprintf("Nothing changed in %s pipeline %s.", sc.Label, p.Label)
	}
	r.Why = r.Facts
	return r, nil
}

// OverdueFollowUps lists our overdue promises by rep, within the asker's
// scope (a rep sees their own; a manager their team's; an admin everyone's).
func (t *Tools) OverdueFollowUps(ctx context.Context) (Result, error) {
	if !t.asker.Known {
		return t.notKnown(), nil
	}
	book, sc, err := t.book(ctx)
	if err != nil {
		return Result{}, err
	}
	people, err := t.People(ctx)
	if err != nil {
		return Result{}, err
	}
	byID := map[string]journey.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	type rep struct {
		name  string
		items []string
		refs  []int
	}
	reps := map[string]*rep{}
	var order []string
	for _, l := range book {
		for _, c := range l.data.Commitments {
			if c.Side != journey.SideUs || !c.Overdue(t.now) {
				continue
			}
			name := firstNonEmpty(byID[c.OwnerID].Name, c.OwnerName, "someone on our side")
			key := firstNonEmpty(c.OwnerID, name)
			if reps[key] == nil {
				reps[key] = &rep{name: name}
				order = append(order, key)
			}
			rp := reps[key]
			rp.items = append(rp.items, fmt.Sprintf("%s: %q due %s (%d days late)", l.data.Account.Name, c.What, journey.FormatDate(c.DueAt), int(t.now.Sub(c.DueAt).Hours()/24)))
			rp.refs = append(rp.refs, t.cite(Citation{Kind: "commitment", ID: c.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name, Label: l.data.Account.Name + " promise: " + c.What}))
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return len(reps[order[i]].items) > len(reps[order[j]].items) })
	var r Result
	for _, k := range order {
		rp := reps[k]
		r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("%s has %d overdue: %s", rp.name, len(rp.items), strings.Join(rp.items, "; ")), Refs: rp.refs})
	}
	if len(r.Facts) == 0 {
		r.None = fmt.Sprintf("No overdue follow-ups in %s book.", sc.Label)
	}
	return r, nil
}

// Actions lists open actions (next steps with drafts) of person (a name;
// empty for the asker's own), ranked. A rep and a CSM see only their own; a
// manager also their team's; an admin everyone's. Actions come back as
// buttons only when they are the asker's own.
func (t *Tools) Actions(ctx context.Context, person string) (Result, error) {
	if !t.asker.Known {
		return t.notKnown(), nil
	}
	who := t.asker.Person
	if strings.TrimSpace(person) != "" && !isSelf(person) {
		p, res, err := t.person(ctx, person)
		if err != nil || res != nil {
			return deref(res), err
		}
		who = p
	}
	if !t.maySee(ctx, who) {
		return Result{Problem: fmt.Sprintf("I can't show %s's drafts or actions: you see your own, a manager sees their team's, and an admin everyone's. Ask %s, or their manager.", who.Name, firstWord(who.Name))}, nil
	}
	// the same derivation as the card and App Home: propose what the book
	// suggests (once per fact) so the list is current
	defs, err := t.definitions(ctx)
	if err != nil {
		return Result{}, err
	}
	data, err := t.store.LoadBookOf(ctx, t.ws, who.ID, t.now)
	if err != nil {
		return Result{}, fmt.Errorf("ask: load %s's book: %w", who.Name, err)
	}
	prio := map[string]journey.Priority{}
	names := map[string]string{}
	var suggested []journey.Action
	for _, d := range journey.DeriveBook(defs, data, t.now) {
		prio[d.Data.Account.ID] = d.Card.Priority
		names[d.Data.Account.ID] = d.Data.Account.Name
		for _, a := range journey.SuggestActions(d.Def, d.Data, d.Card, t.now) {
			if a.OwnerID == who.ID {
				suggested = append(suggested, a)
			}
		}
	}
	if _, err := t.store.ProposeActions(ctx, t.ws, suggested); err != nil {
		return Result{}, fmt.Errorf("ask: propose actions: %w", err)
	}
	acts, err := t.store.ActionsFor(ctx, t.ws, who.ID, t.now)
	if err != nil {
		return Result{}, fmt.Errorf("ask: actions: %w", err)
	}
	var r Result
	own := who.ID == t.asker.Person.ID
	for _, ra := range journey.RankActions(acts, prio, t.now) {
		a := ra.Action
		line := fmt.Sprintf("%s (%s): %s — %s", a.Title, names[a.AccountID], a.Reason, ra.Sentence)
		if strings.HasPrefix(a.Title, names[a.AccountID]) {
			line = fmt.Sprintf("%s: %s — %s", a.Title, a.Reason, ra.Sentence)
		}
		if a.DraftSubject != "" {
			line += fmt.Sprintf("; draft %q", a.DraftSubject)
		}
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{t.cite(Citation{Kind: "action", ID: a.ID, AccountID: a.AccountID, Account: names[a.AccountID], Label: a.Title})}})
		if own {
			r.Actions = append(r.Actions, a)
		}
	}
	if len(r.Facts) == 0 {
		if own {
			r.None = "Nothing waits on you right now: you have no open actions."
		} else {
			r.None = fmt.Sprintf("%s has no open actions.", who.Name)
		}
	}
	return r, nil
}

func isSelf(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "me", "my", "mine", "myself", "i", "self":
		return true
	}
	return false
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// maySee reports whether the asker may see p's actions and drafts.
func (t *Tools) maySee(ctx context.Context, p journey.Person) bool {
	a := t.asker
	if !a.Known {
		return false
	}
	if p.ID == a.Person.ID || a.Person.Role == journey.RoleAdmin {
		return true
	}
	return a.Person.Role == journey.RoleManager && p.ManagerID == a.Person.ID
}

// person finds one of our people by name, first name or email.
func (t *Tools) person(ctx context.Context, name string) (journey.Person, *Result, error) {
	ps, err := t.People(ctx)
	if err != nil {
		return journey.Person{}, nil, err
	}
	q := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(name, "'s"), "’s")))
	var hits []journey.Person
	for _, p := range ps {
		n := strings.ToLower(p.Name)
		if n == q || strings.ToLower(p.Email) == q || strings.ToLower(firstWord(p.Name)) == q {
			hits = append(hits, p)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil, nil
	case 0:
		return journey.Person{}, &Result{Problem: fmt.Sprintf("I don't know anyone on the team called “%s”.", name)}, nil
	}
	return journey.Person{}, &Result{Problem: fmt.Sprintf("“%s” could be several people; use their full name.", name)}, nil
}

// TeamActions lists the open actions of everyone whose actions the asker
// may see: a manager's team, everyone for an admin. A rep or a CSM gets a
// refusal: they see only their own.
func (t *Tools) TeamActions(ctx context.Context) (Result, error) {
	if !t.asker.Known {
		return t.notKnown(), nil
	}
	role := t.asker.Person.Role
	if role != journey.RoleManager && role != journey.RoleAdmin {
		return Result{Problem: "I can't show other people's drafts or actions: you see your own (say “show my drafts”), a manager sees their team's, and an admin everyone's."}, nil
	}
	sc, err := t.scope(ctx)
	if err != nil {
		return Result{}, err
	}
	people := sc.People
	if sc.All {
		if people, err = t.People(ctx); err != nil {
			return Result{}, err
		}
	}
	var out Result
	for _, p := range people {
		r, err := t.Actions(ctx, p.Name)
		if err != nil {
			return Result{}, err
		}
		if r.Problem != "" {
			continue
		}
		for i, f := range r.Facts {
			if i == 3 {
				out.Facts = append(out.Facts, Fact{Text: fmt.Sprintf("%s: and %d more", p.Name, len(r.Facts)-3)})
				break
			}
			out.Facts = append(out.Facts, Fact{Text: p.Name + " — " + f.Text, Refs: f.Refs})
		}
		out.Actions = append(out.Actions, r.Actions...)
	}
	if len(out.Facts) == 0 {
		out.None = "Nobody in " + sc.Label + " team has open actions."
	}
	return out, nil
}
