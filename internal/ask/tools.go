package ask

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// Store is what the tools read. *store.Store implements it. ProposeActions
// is the one write: the same idempotent proposal of derived next steps that
// every read surface (card, App Home) makes, so that "what should I do
// first?" offers buttons on stored actions.
type Store interface {
	Definitions(ctx context.Context, ws string) ([]journey.Definition, error)
	AccountRefs(ctx context.Context, ws string) ([]journey.NamedRef, error)
	LoadAccount(ctx context.Context, ws, accountID string) (journey.AccountData, error)
	LoadBook(ctx context.Context, ws string, now time.Time) ([]journey.AccountData, error)
	LoadBookOf(ctx context.Context, ws, personID string, now time.Time) ([]journey.AccountData, error)
	People(ctx context.Context, ws string) ([]journey.Person, error)
	ActionsFor(ctx context.Context, ws, ownerID string, now time.Time) ([]journey.Action, error)
	ProposeActions(ctx context.Context, ws string, actions []journey.Action) ([]string, error)
}

// Asker is who asks: a person of the workspace, or a Slack user Journey does
// not know (Known false), who may read cards but owns no book or actions.
type Asker struct {
	Person journey.Person
	Known  bool
}

// Fact is one line of a tool's result and the citations behind it
// (1-based indexes into the session's citations).
type Fact struct {
	Text string `json:"text"`
	Refs []int  `json:"refs,omitempty"`
}

// Result is what a tool returns.
type Result struct {
	// Facts found; empty when the data has nothing (then None says so).
	Facts []Fact
	// None says what is missing when Facts is empty: "no contact at Initech
	// is marked champion".
	None string
	// Problem is set when the tool could not answer: no such account, or a
	// question the asker may not see the answer to.
	Problem string
	// Suggest are accounts the asker may have meant.
	Suggest []journey.NamedRef
	// Account is the account the result is about, if one.
	Account journey.NamedRef
	// Accounts the result lists.
	Accounts []journey.NamedRef
	// Actions the asker may act on.
	Actions []journey.Action
	// Why are the reasons behind the facts, for a follow-up "why?".
	Why []Fact
}

// Tools are the read-only query functions an answer may use, for one asker
// in one workspace at one moment. They cache what they load, and collect
// the citations of everything they return.
type Tools struct {
	store Store
	ws    string
	asker Asker
	now   time.Time

	defs   []journey.Definition
	names  *journey.NameIndex
	people []journey.Person
	cards  map[string]loaded
	books  map[string][]loaded
	cites  []Citation
	citeIx map[string]int
}

type loaded struct {
	data journey.AccountData
	card journey.Card
	def  journey.Definition
}

// NewTools returns the tools for asker in workspace ws at time now.
func NewTools(st Store, ws string, asker Asker, now time.Time) *Tools {
	return &Tools{store: st, ws: ws, asker: asker, now: now, cards: map[string]loaded{}, books: map[string][]loaded{}, citeIx: map[string]int{}}
}

// Citations returns every citation the tools have handed out so far.
func (t *Tools) Citations() []Citation { return t.cites }

// Now is the tools' clock.
func (t *Tools) Now() time.Time { return t.now }

// Asker is who the tools answer for.
func (t *Tools) Asker() Asker { return t.asker }

func (t *Tools) cite(c Citation) int {
	key := c.Kind + ":" + c.ID
	if i, ok := t.citeIx[key]; ok {
		return i
	}
	t.cites = append(t.cites, c)
	t.citeIx[key] = len(t.cites)
	return len(t.cites)
}

func (t *Tools) citeAccount(l loaded) int {
	return t.cite(Citation{Kind: "account", ID: l.data.Account.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name,
		Label: l.data.Account.Name + " card"})
}

// citeEvent cites the message or record an item came from: its permalink
// when the event has one, else the account's card.
func (t *Tools) citeEvent(l loaded, kind, id, eventID, label string) int {
	link := ""
	if eventID != "" {
		for _, e := range l.data.Events {
			if e.ID == eventID {
				link = e.Link
				break
			}
		}
	}
	return t.cite(Citation{Kind: kind, ID: id, AccountID: l.data.Account.ID, Account: l.data.Account.Name, Label: label, Link: link})
}

// Names is the workspace's account name index.
func (t *Tools) Names(ctx context.Context) (*journey.NameIndex, error) {
	if t.names != nil {
		return t.names, nil
	}
	refs, err := t.store.AccountRefs(ctx, t.ws)
	if err != nil {
		return nil, fmt.Errorf("ask: account names: %w", err)
	}
	t.names = journey.NewNameIndex(refs)
	return t.names, nil
}

// People are the workspace's people (our side).
func (t *Tools) People(ctx context.Context) ([]journey.Person, error) {
	if t.people != nil {
		return t.people, nil
	}
	ps, err := t.store.People(ctx, t.ws)
	if err != nil {
		return nil, fmt.Errorf("ask: people: %w", err)
	}
	t.people = ps
	return ps, nil
}

func (t *Tools) definitions(ctx context.Context) ([]journey.Definition, error) {
	if t.defs != nil {
		return t.defs, nil
	}
	defs, err := t.store.Definitions(ctx, t.ws)
	if err != nil {
		return nil, fmt.Errorf("ask: journey definitions: %w", err)
	}
	t.defs = defs
	return defs, nil
}

// FindAccount resolves a name the way /journey does: one match, several
// ("which one?"), or none with the nearest names.
func (t *Tools) FindAccount(ctx context.Context, name string) (journey.NamedRef, Result, error) {
	ix, err := t.Names(ctx)
	if err != nil {
		return journey.NamedRef{}, Result{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return journey.NamedRef{}, Result{Problem: "Which account? Name one, e.g. “where is Acme?”."}, nil
	}
	m := ix.Match(name)
	switch {
	case len(m) == 1:
		return m[0], Result{}, nil
	case len(m) > 1:
		return journey.NamedRef{}, Result{Problem: fmt.Sprintf("“%s” matches %d accounts: %s. Which one?", name, len(m), refNames(m, 10)), Suggest: first(m, 10)}, nil
	}
	near := ix.Nearest(name, 5)
	if len(near) == 0 {
		return journey.NamedRef{}, Result{Problem: fmt.Sprintf("I don't know an account called “%s”.", name)}, nil
	}
	return journey.NamedRef{}, Result{Problem: fmt.Sprintf("I don't know an account called “%s”. Did you mean %s?", name, refNames(near, 5)), Suggest: near}, nil
}

func refNames(rs []journey.NamedRef, n int) string {
	var names []string
	for i, r := range rs {
		if i == n {
			names = append(names, fmt.Sprintf("and %d more", len(rs)-n))
			break
		}
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

func first(rs []journey.NamedRef, n int) []journey.NamedRef {
	if len(rs) > n {
		return rs[:n]
	}
	return rs
}

// load derives one account's card (with the newest events' text).
func (t *Tools) load(ctx context.Context, id string) (loaded, error) {
	if l, ok := t.cards[id]; ok {
		return l, nil
	}
	defs, err := t.definitions(ctx)
	if err != nil {
		return loaded{}, err
	}
	data, err := t.store.LoadAccount(ctx, t.ws, id)
	if err != nil {
		return loaded{}, fmt.Errorf("ask: load account: %w", err)
	}
	ds := journey.DeriveBook(defs, []journey.AccountData{data}, t.now)
	if len(ds) == 0 {
		return loaded{}, journey.ErrNoDefinition()
	}
	l := loaded{data: ds[0].Data, card: ds[0].Card, def: ds[0].Def}
	t.cards[id] = l
	return l, nil
}

// account resolves name and loads it; a Result with a Problem comes back
// when the name does not resolve.
func (t *Tools) account(ctx context.Context, name string) (loaded, *Result, error) {
	ref, res, err := t.FindAccount(ctx, name)
	if err != nil || res.Problem != "" {
		return loaded{}, &res, err
	}
	l, err := t.load(ctx, ref.ID)
	return l, nil, err
}

func ref(l loaded) journey.NamedRef {
	return journey.NamedRef{ID: l.data.Account.ID, Name: l.data.Account.Name}
}

// Scope is whose book an aggregate question covers.
type Scope struct {
	Label  string // "your", "your team's", "the whole"
	People []journey.Person
	All    bool
}

// scope is the asker's book: their own accounts; a manager's team's; an
// admin's whole workspace.
func (t *Tools) scope(ctx context.Context) (Scope, error) {
	if !t.asker.Known {
		return Scope{}, nil
	}
	switch t.asker.Person.Role {
	case journey.RoleAdmin:
		return Scope{Label: "the workspace's", All: true}, nil
	case journey.RoleManager:
		ps, err := t.People(ctx)
		if err != nil {
			return Scope{}, err
		}
		team := []journey.Person{t.asker.Person}
		for _, p := range ps {
			if p.ManagerID == t.asker.Person.ID && p.ID != t.asker.Person.ID {
				team = append(team, p)
			}
		}
		return Scope{Label: "your team's", People: team}, nil
	}
	return Scope{Label: "your", People: []journey.Person{t.asker.Person}}, nil
}

// book loads and derives the accounts in the asker's scope.
func (t *Tools) book(ctx context.Context) ([]loaded, Scope, error) {
	sc, err := t.scope(ctx)
	if err != nil {
		return nil, sc, err
	}
	key := sc.Label
	if b, ok := t.books[key]; ok {
		return b, sc, nil
	}
	defs, err := t.definitions(ctx)
	if err != nil {
		return nil, sc, err
	}
	var data []journey.AccountData
	if sc.All {
		data, err = t.store.LoadBook(ctx, t.ws, t.now)
		if err != nil {
			return nil, sc, fmt.Errorf("ask: load the book: %w", err)
		}
	} else {
		seen := map[string]bool{}
		for _, p := range sc.People {
			d, err := t.store.LoadBookOf(ctx, t.ws, p.ID, t.now)
			if err != nil {
				return nil, sc, fmt.Errorf("ask: load %s's book: %w", p.Name, err)
			}
			for _, a := range d {
				if !seen[a.Account.ID] {
					seen[a.Account.ID] = true
					data = append(data, a)
				}
			}
		}
	}
	var out []loaded
	for _, d := range journey.DeriveBook(defs, data, t.now) {
		out = append(out, loaded{data: d.Data, card: d.Card, def: d.Def})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].card.Priority.Score > out[j].card.Priority.Score })
	t.books[key] = out
	return out, sc, nil
}

func (t *Tools) notKnown() Result {
	return Result{Problem: "Journey does not know you as a rep, manager or CSM of this workspace, so you have no accounts or actions of your own. Ask about an account by name instead, e.g. “where is Acme?”."}
}

// AccountSummary is where an account is in its journey and why: stage, risks,
// health with its reasons, owner and CSM, open deals and the next step.
func (t *Tools) AccountSummary(ctx context.Context, name string) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	c := l.card
	card := t.citeAccount(l)
	r := Result{Account: ref(l)}
	pos := c.Position
	stage := fmt.Sprintf("%s is in %s (stage %d of %d, %s)", c.Account.Name, pos.StageName, pos.Index+1, len(pos.Stages), pos.DefinitionName)
	if pos.AtRisk() {
		stage += " and is at risk"
	}
	r.Facts = append(r.Facts, Fact{Text: stage + ": " + pos.Why.Sentence, Refs: []int{card}})
	for _, risk := range pos.Risks {
		r.Facts = append(r.Facts, Fact{Text: "At risk: " + risk.Sentence, Refs: []int{card}})
	}
	_, explain, _ := strings.Cut(c.Health.Explain(), ": ")
	r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("Health %d/100 (%s): %s", c.Health.Score, c.Health.Band(), explain), Refs: []int{card}})
	if !c.Account.RenewalDate.IsZero() {
		r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("Renews %s (%s ARR)", journey.FormatDate(c.Account.RenewalDate), journey.FormatMoney(c.Account.ARRCents, c.Account.Currency)), Refs: []int{card}})
	}
	people := "owner " + orNobody(c.Owner.Name)
	if c.CSM.Name != "" {
		people += ", CSM " + c.CSM.Name
	}
	r.Facts = append(r.Facts, Fact{Text: "People: " + people, Refs: []int{card}})
	for _, d := range c.Deals {
		if l.def.DealOpen(d) {
			r.Facts = append(r.Facts, Fact{Text: dealLine(d), Refs: []int{t.cite(Citation{Kind: "deal", ID: d.ID, AccountID: c.Account.ID, Account: c.Account.Name, Label: d.Name})}})
		}
	}
	if len(c.NextSteps) > 0 {
		n := c.NextSteps[0]
		r.Facts = append(r.Facts, Fact{Text: "Next step: " + n.Text + " — " + n.Why, Refs: []int{card}})
	}
	r.Why = append(r.Why, Fact{Text: pos.Why.Sentence, Refs: []int{card}})
	for _, risk := range pos.Risks {
		r.Why = append(r.Why, Fact{Text: risk.Sentence, Refs: []int{card}})
	}
	for _, f := range lossFactors(c.Health) {
		r.Why = append(r.Why, Fact{Text: fmt.Sprintf("health: %s (%d)", f.Sentence, f.Delta()), Refs: []int{card}})
	}
	return r, nil
}

func deref(r *Result) Result {
	if r == nil {
		return Result{}
	}
	return *r
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}

func dealLine(d journey.Deal) string {
	s := fmt.Sprintf("Open %s deal %q, %s, CRM stage %s", d.Kind, d.Name, journey.FormatMoney(d.AmountCents, d.Currency), d.Stage)
	if !d.CloseDate.IsZero() {
		s += ", closing " + journey.FormatDate(d.CloseDate)
	}
	return s
}

// lossFactors are the health factors that cost points, worst first.
func lossFactors(h journey.Health) []journey.Factor {
	var out []journey.Factor
	for _, f := range h.Factors {
		if f.Delta() < 0 {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Delta() < out[j].Delta() })
	return out
}

// AccountHealth is the account's health score and every factor that cost
// points, with its evidence.
func (t *Tools) AccountHealth(ctx context.Context, name string) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	card := t.citeAccount(l)
	h := l.card.Health
	r := Result{Account: ref(l)}
	r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("%s's health is %d/100 (%s)", l.data.Account.Name, h.Score, h.Band()), Refs: []int{card}})
	for _, f := range lossFactors(h) {
		r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("%s: %s (%d of %d points)", f.Label, f.Sentence, f.Points, f.Weight), Refs: []int{card}})
	}
	r.Why = r.Facts[1:]
	if len(r.Facts) == 1 {
		r.Facts = append(r.Facts, Fact{Text: "Nothing is holding it back.", Refs: []int{card}})
	}
	return r, nil
}

// NextSteps are what to do next on the account, with why.
func (t *Tools) NextSteps(ctx context.Context, name string) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	card := t.citeAccount(l)
	r := Result{Account: ref(l)}
	for i, n := range l.card.NextSteps {
		if i == 5 {
			break
		}
		r.Facts = append(r.Facts, Fact{Text: n.Text + " — " + n.Why, Refs: []int{card}})
	}
	if len(r.Facts) == 0 {
		r.None = fmt.Sprintf("Journey suggests no next step for %s right now.", l.data.Account.Name)
	}
	r.Why = r.Facts
	return r, nil
}

// roleWords maps what people call a contact's role to buying roles or personas.
var roleWords = []struct {
	words   []string
	buying  journey.BuyingRole
	persona string
	label   string
}{
	{[]string{"champion"}, journey.BuyerChampion, "", "champion"},
	{[]string{"economic buyer", "eb", "budget holder", "signs", "signer"}, journey.BuyerEconomic, "", "economic buyer"},
	{[]string{"decision maker"}, journey.BuyerDecisionMaker, "", "decision maker"},
	{[]string{"technical owner", "tech owner", "technical contact"}, journey.BuyerTechnicalOwner, "", "technical owner"},
	{[]string{"influencer"}, journey.BuyerInfluencer, "", "influencer"},
	{[]string{"cfo", "finance"}, "", "finance", "finance contact"},
	{[]string{"cs lead", "customer success lead", "head of cs", "vp cs"}, "", "cs_lead", "CS lead"},
	{[]string{"it contact", "it person", "it lead", "security contact", "security"}, "", "it", "IT contact"},
	{[]string{"legal", "lawyer", "counsel"}, "", "legal", "legal contact"},
	{[]string{"procurement", "purchasing"}, "", "procurement", "procurement contact"},
	{[]string{"exec", "executive", "sponsor", "executive sponsor"}, "", "exec", "executive"},
	{[]string{"revops", "rev ops", "revenue operations"}, "", "revops", "RevOps contact"},
}

// Contacts lists the account's contacts; role (a buying role such as
// "champion" or a persona such as "cfo"; empty for all) narrows the list.
func (t *Tools) Contacts(ctx context.Context, name, role string) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	r := Result{Account: ref(l)}
	role = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(role, "_", " ")))
	label := "contact"
	match := func(journey.Contact) bool { return true }
	if role != "" {
		found := false
		for _, rw := range roleWords {
			for _, w := range rw.words {
				if w == role || string(rw.buying) == strings.ReplaceAll(role, " ", "_") && rw.buying != "" || rw.persona == role {
					rw := rw
					label, found = rw.label, true
					match = func(c journey.Contact) bool {
						return rw.buying != "" && c.BuyingRole == rw.buying || rw.persona != "" && c.Persona == rw.persona
					}
				}
			}
		}
		if !found {
			return Result{Account: ref(l), Problem: fmt.Sprintf("I don't know the role “%s”. I know champion, economic buyer, decision maker, technical owner, influencer, and personas such as CFO, CS lead, IT, legal, procurement, exec.", role)}, nil
		}
	}
	last := map[string]time.Time{}
	for _, e := range l.data.Events {
		if e.ContactID != "" && e.Direction == journey.SideCustomer && e.At.After(last[e.ContactID]) {
			last[e.ContactID] = e.At
		}
	}
	for _, c := range l.data.Contacts {
		if !match(c) {
			continue
		}
		line := c.Name
		if c.Title != "" {
			line += ", " + c.Title
		}
		line += " — " + c.BuyingRole.Label()
		if c.Persona != "" {
			line += ", persona " + journey.PersonaLabel(c.Persona)
		}
		if at, ok := last[c.ID]; ok {
			line += fmt.Sprintf("; last wrote %s", ago(at, t.now))
		}
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{t.cite(Citation{Kind: "contact", ID: c.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name, Label: c.Name + " (contact)"})}})
	}
	if len(r.Facts) == 0 {
		r.None = fmt.Sprintf("I don't know: no contact at %s is recorded as %s.", l.data.Account.Name, article(label))
		t.citeAccount(l)
	}
	return r, nil
}

func article(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U':
		return "an " + s
	}
	return "a " + s
}

func ago(at, now time.Time) string {
	d := int(now.Sub(at).Hours() / 24)
	switch {
	case d <= 0:
		return "today"
	case d == 1:
		return "yesterday"
	}
	return fmt.Sprintf("%d days ago (%s)", d, journey.FormatDate(at))
}

// Deals lists the account's deals.
func (t *Tools) Deals(ctx context.Context, name string) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	r := Result{Account: ref(l)}
	for _, d := range l.data.Deals {
		state := "open"
		switch {
		case l.def.IsWon(d.Stage):
			state = "closed won"
		case l.def.IsLost(d.Stage):
			state = "closed lost"
		}
		line := fmt.Sprintf("%s (%s, %s): %s, CRM stage %s", d.Name, d.Kind, journey.FormatMoney(d.AmountCents, d.Currency), state, d.Stage)
		if !d.CloseDate.IsZero() {
			line += ", close date " + journey.FormatDate(d.CloseDate)
		}
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{t.cite(Citation{Kind: "deal", ID: d.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name, Label: d.Name})}})
	}
	if len(r.Facts) == 0 {
		r.None = fmt.Sprintf("%s has no deals recorded.", l.data.Account.Name)
		t.citeAccount(l)
	}
	return r, nil
}

// Period is a time range; zero ends are open.
type Period struct {
	From, To time.Time
	Label    string // "last week"
}

// Contains reports whether at lies in the period.
func (p Period) Contains(at time.Time) bool {
	return (p.From.IsZero() || !at.Before(p.From)) && (p.To.IsZero() || at.Before(p.To))
}

// Commitments lists promises on the account: side "us" (ours), "customer"
// (theirs) or "" (both); promises made within period (open ones of any age
// when the period is zero).
func (t *Tools) Commitments(ctx context.Context, name, side string, p Period) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	r := Result{Account: ref(l)}
	evAt := map[string]time.Time{}
	for _, e := range l.data.Events {
		evAt[e.ID] = e.At
	}
	cms := append([]journey.Commitment(nil), l.data.Commitments...)
	sort.SliceStable(cms, func(i, j int) bool { return cms[i].DueAt.Before(cms[j].DueAt) })
	for _, c := range cms {
		if side != "" && string(c.Side) != side {
			continue
		}
		made := c.CreatedAt
		if at, ok := evAt[c.SourceEventID]; ok {
			made = at
		}
		if p.From.IsZero() && p.To.IsZero() {
			if c.Status != journey.CommitmentOpen {
				continue
			}
		} else if !p.Contains(made) {
			continue
		}
		who := c.OwnerName
		if who == "" {
			who = map[journey.Side]string{journey.SideUs: "we", journey.SideCustomer: l.data.Account.Name}[c.Side]
		}
		line := fmt.Sprintf("%s promised %q", who, c.What)
		if c.Counterpart != "" {
			line += " to " + c.Counterpart
		}
		if !made.IsZero() {
			line += " on " + journey.FormatDate(made)
		}
		if !c.DueAt.IsZero() {
			line += ", due " + journey.FormatDate(c.DueAt)
		}
		switch {
		case c.Overdue(t.now):
			line += fmt.Sprintf(" — overdue by %d days", int(t.now.Sub(c.DueAt).Hours()/24))
		case c.Status == journey.CommitmentDone:
			line += " — done"
		case c.Status == journey.CommitmentCancelled:
			line += " — cancelled"
		default:
			line += " — open"
		}
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{t.citeEvent(l, "commitment", c.ID, c.SourceEventID, "promise: "+c.What)}})
	}
	if len(r.Facts) == 0 {
		whose := map[string]string{"us": "we made", "customer": l.data.Account.Name + " made", "": "anyone made"}[side]
		if p.Label != "" {
			r.None = fmt.Sprintf("I found no promise %s to or from %s %s.", whose, l.data.Account.Name, p.Label)
		} else {
			r.None = fmt.Sprintf("I found no open promise %s on %s.", whose, l.data.Account.Name)
		}
		t.citeAccount(l)
	}
	return r, nil
}

// Waiting lists what one side waits on from the other: waiter "customer"
// (the customer waits on us), "us" (we wait on them) or "" (both).
func (t *Tools) Waiting(ctx context.Context, name, waiter string) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	r := Result{Account: ref(l)}
	for _, w := range l.data.Waits {
		if !w.Open() || waiter != "" && string(w.Waiter) != waiter {
			continue
		}
		who := l.data.Account.Name + " waits on us for"
		if w.Waiter == journey.SideUs {
			who = "We wait on " + l.data.Account.Name + " for"
		}
		line := fmt.Sprintf("%s %q since %s (%d days)", who, w.What, journey.FormatDate(w.Since), int(t.now.Sub(w.Since).Hours()/24))
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{t.citeEvent(l, "wait", w.ID, w.SourceEventID, "waiting: "+w.What)}})
	}
	if waiter != string(journey.SideUs) {
		// our overdue promises are something the customer waits on too
		for _, c := range l.data.Commitments {
			if c.Side == journey.SideUs && c.Overdue(t.now) && !mentioned(r.Facts, c.What) {
				r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("%s promised %q for %s; it is overdue", orNobody(c.OwnerName), c.What, journey.FormatDate(c.DueAt)),
					Refs: []int{t.citeEvent(l, "commitment", c.ID, c.SourceEventID, "promise: "+c.What)}})
			}
		}
	}
	if len(r.Facts) == 0 {
		switch waiter {
		case "customer":
			r.None = fmt.Sprintf("Nothing recorded: %s is not waiting on anything from us.", l.data.Account.Name)
		case "us":
			r.None = fmt.Sprintf("Nothing recorded: we are not waiting on anything from %s.", l.data.Account.Name)
		default:
			r.None = fmt.Sprintf("Nothing recorded: neither side waits on the other at %s.", l.data.Account.Name)
		}
		t.citeAccount(l)
	}
	return r, nil
}

func mentioned(fs []Fact, what string) bool {
	w := strings.ToLower(what)
	for _, f := range fs {
		lf := strings.ToLower(f.Text)
		if strings.Contains(lf, w) {
			return true
		}
		// "SOC 2 Type II report" is in "Send the SOC 2 Type II report"
		if i := strings.Index(lf, "\""); i >= 0 {
			if j := strings.Index(lf[i+1:], "\""); j > 0 && strings.Contains(w, lf[i+1:i+1+j]) {
				return true
			}
		}
	}
	return false
}

// Changes lists property changes of the account within period (the last 30
// days when zero), newest first, with reasons.
func (t *Tools) Changes(ctx context.Context, name string, p Period) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	if p.From.IsZero() && p.To.IsZero() {
		p = Period{From: t.now.AddDate(0, 0, -30), Label: "in the last 30 days"}
	}
	r := Result{Account: ref(l)}
	for _, c := range l.data.Changes {
		if !p.Contains(c.At) {
			continue
		}
		r.Facts = append(r.Facts, Fact{Text: fmt.Sprintf("%s: %s", journey.FormatDate(c.At), journey.ChangeSentence(c)),
			Refs: []int{t.cite(Citation{Kind: "change", ID: c.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name, Label: c.Field + " change"})}})
	}
	if len(r.Facts) == 0 {
		r.None = fmt.Sprintf("Nothing changed on %s %s.", l.data.Account.Name, p.Label)
		t.citeAccount(l)
	}
	r.Why = r.Facts
	return r, nil
}

// SearchTimeline finds the account's messages, emails, calls and notes
// within period whose text contains every word of text (any, when text is
// empty), newest first.
func (t *Tools) SearchTimeline(ctx context.Context, name, text string, p Period) (Result, error) {
	l, res, err := t.account(ctx, name)
	if err != nil || res != nil {
		return deref(res), err
	}
	r := Result{Account: ref(l)}
	words := searchWords(text)
	for _, e := range l.data.Events {
		if !p.Contains(e.At) || e.Kind == journey.EventCRMChange || e.Kind == journey.EventBotAction {
			continue
		}
		body := strings.ToLower(e.Summary + " " + e.Text)
		ok := true
		for _, w := range words {
			if !strings.Contains(body, w) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		who := e.AuthorName
		if who == "" {
			who = map[journey.Side]string{journey.SideCustomer: l.data.Account.Name, journey.SideUs: "us"}[e.Direction]
		}
		txt := firstNonEmpty(e.Text, e.Summary)
		line := fmt.Sprintf("%s, %s", journey.FormatDate(e.At), e.Kind)
		if who != "" {
			line += " from " + who
		}
		line += ": " + truncate(strings.Join(strings.Fields(txt), " "), 220)
		r.Facts = append(r.Facts, Fact{Text: line, Refs: []int{t.cite(Citation{Kind: "message", ID: e.ID, AccountID: l.data.Account.ID, Account: l.data.Account.Name,
			Label: truncate(journey.Summarize(txt), 60), Link: e.Link})}})
		if len(r.Facts) == 8 {
			break
		}
	}
	if len(r.Facts) == 0 {
		what := "nothing"
		if len(words) > 0 {
			what = "nothing about “" + text + "”"
		}
		r.None = strings.TrimSpace(fmt.Sprintf("I don't know: I found %s on %s's timeline %s.", what, l.data.Account.Name, p.Label))
		t.citeAccount(l)
	}
	return r, nil
}

var searchStop = map[string]bool{"the": true, "a": true, "an": true, "about": true, "of": true, "for": true, "on": true, "to": true, "and": true, "any": true, "anything": true}

func searchWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(s)) {
		w = strings.Trim(w, "?!.,;:\"'“”")
		if w != "" && !searchStop[w] {
			out = append(out, w)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
