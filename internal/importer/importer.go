// Package importer loads a book of business into Journey from the JSON
// import format (Document) or from CSV files of accounts, contacts and deals.
//
// An import runs in one transaction: every problem of the file is listed
// with its line and field, and a file with any problem changes nothing.
// Importing the same file again changes nothing; a field that changed since
// the last import is updated and recorded as a property change with source
// "import".
package importer

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// Tx is what the importer needs from a store transaction.
type Tx interface {
	EnsureWorkspace(ctx context.Context, name, teamID string) (journey.Workspace, error)
	Definitions(ctx context.Context, ws string) ([]journey.Definition, error)
	SaveDefinition(ctx context.Context, ws string, d journey.Definition) (journey.Definition, error)
	UpsertPerson(ctx context.Context, ws string, p journey.Person) (journey.Person, error)
	PersonByRef(ctx context.Context, ws, ref string) (journey.Person, bool, error)
	PersonByID(ctx context.Context, ws, id string) (journey.Person, error)
	SetManager(ctx context.Context, ws, personID, managerID string) error
	AccountByExternal(ctx context.Context, ws, source, ext string) (journey.Account, bool, error)
	SaveAccount(ctx context.Context, ws string, a journey.Account) (string, error)
	ContactByExternal(ctx context.Context, ws, source, ext string) (journey.Contact, bool, error)
	SaveContact(ctx context.Context, ws, source string, c journey.Contact) (string, error)
	DealByExternal(ctx context.Context, ws, source, ext string) (journey.Deal, bool, error)
	SaveDeal(ctx context.Context, ws string, d journey.Deal) (string, error)
	AddEvent(ctx context.Context, ws string, e journey.Event) (string, bool, error)
	EventID(ctx context.Context, ws, source, ext string) (string, error)
	AddCompletion(ctx context.Context, ws string, c journey.Completion) (bool, error)
	AddChange(ctx context.Context, ws, externalID string, c journey.Change) (bool, error)
	UpsertCommitment(ctx context.Context, ws, source, ext string, c journey.Commitment) (bool, error)
	UpsertWait(ctx context.Context, ws, source, ext string, w journey.WaitItem) (bool, error)
}

// Options tune an import.
type Options struct {
	// Workspace is used when the document names none.
	Workspace WorkspaceRecord
	// Builtin definitions are installed in a workspace that has none yet.
	Builtin []journey.Definition
	// Now is the time recorded on property changes found by the import.
	Now time.Time
}

// Source is the origin recorded for imported accounts and contacts, and
// for changes found by comparing a re-import with what is stored.
const Source = "import"

// Report counts what an import did.
type Report struct {
	Workspace journey.Workspace
	Created   map[string]int
	Updated   map[string]int
	Unchanged map[string]int
	Changes   int // property changes recorded because a field changed
}

// Total returns how many records were created and updated.
func (r Report) Total() (created, updated int) {
	for _, n := range r.Created {
		created += n
	}
	for _, n := range r.Updated {
		updated += n
	}
	return created, updated
}

func (r Report) String() string {
	var parts []string
	for _, k := range []string{"people", "accounts", "contacts", "deals", "events", "completions", "changes", "commitments", "waiting_on"} {
		c, u, n := r.Created[k], r.Updated[k], r.Unchanged[k]
		if c+u+n == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %d new, %d updated, %d unchanged", k, c, u, n))
	}
	s := strings.Join(parts, "\n")
	if r.Changes > 0 {
		s += fmt.Sprintf("\n%d property changes recorded (source import)", r.Changes)
	}
	return s
}

type run struct {
	ctx      context.Context
	tx       Tx
	in       *Input
	opts     Options
	ws       string
	rep      Report
	problems []journey.Problem
	people   map[string]string // ref (lower-case email or Slack id) → id
	names    map[string]string // id → what changes show (email, else name)
	accounts map[string]journey.Account
	contacts map[string]journey.Contact
	deals    map[string]journey.Deal
	events   map[string]string // external id → id
	defs     []journey.Definition
}

func (r *run) problem(path, format string, args ...any) {
	r.problems = append(r.problems, journey.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (r *run) count(m map[string]int, kind string) { m[kind]++ }

// Import writes the input through tx. It returns an *Error listing every
// problem when anything is wrong; the caller must then roll tx back.
func Import(ctx context.Context, tx Tx, in *Input, opts Options) (Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	r := &run{ctx: ctx, tx: tx, in: in, opts: opts,
		rep:    Report{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: map[string]int{}},
		people: map[string]string{}, names: map[string]string{}, accounts: map[string]journey.Account{},
		contacts: map[string]journey.Contact{}, deals: map[string]journey.Deal{}, events: map[string]string{}}
	if err := r.all(); err != nil {
		return r.rep, err
	}
	if len(r.problems) > 0 {
		return r.rep, &Error{File: in.File, Problems: in.locate(r.problems)}
	}
	return r.rep, nil
}

func (r *run) all() error {
	w := r.in.Doc.Workspace
	if w.SlackTeamID == "" {
		w = r.opts.Workspace
	}
	if w.SlackTeamID == "" {
		w = WorkspaceRecord{Name: "Default", SlackTeamID: "T0DEFAULT"}
	}
	ws, err := r.tx.EnsureWorkspace(r.ctx, w.Name, w.SlackTeamID)
	if err != nil {
		return err
	}
	r.ws, r.rep.Workspace = ws.ID, ws
	if r.defs, err = r.tx.Definitions(r.ctx, ws.ID); err != nil {
		return err
	}
	if len(r.defs) == 0 {
		for _, d := range r.opts.Builtin {
			saved, err := r.tx.SaveDefinition(r.ctx, ws.ID, d)
			if err != nil {
				return fmt.Errorf("install journey %s: %w", d.Key, err)
			}
			r.defs = append(r.defs, saved)
		}
	}
	for _, step := range []func() error{r.importPeople, r.importAccounts, r.importContacts, r.importDeals, r.importEvents,
		r.importCompletions, r.importChanges, r.importCommitments, r.importWaits} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// person resolves a reference to one of our people (email or Slack id).
func (r *run) person(path, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if id, ok := r.people[strings.ToLower(ref)]; ok {
		return id
	}
	p, ok, err := r.tx.PersonByRef(r.ctx, r.ws, ref)
	if err != nil || !ok {
		r.problem(path, "no person with email or Slack user id %q (add them under \"people\")", ref)
		return ""
	}
	r.remember(p)
	return p.ID
}

func (r *run) remember(p journey.Person) {
	if p.Email != "" {
		r.people[strings.ToLower(p.Email)] = p.ID
	}
	if p.SlackUserID != "" {
		r.people[strings.ToLower(p.SlackUserID)] = p.ID
	}
	r.names[p.ID] = p.Email
	if p.Email == "" {
		r.names[p.ID] = p.Name
	}
}

func (r *run) personName(id string) string {
	if id == "" {
		return ""
	}
	if n, ok := r.names[id]; ok {
		return n
	}
	if p, err := r.tx.PersonByID(r.ctx, r.ws, id); err == nil {
		r.remember(p)
		return r.names[id]
	}
	return id
}

func (r *run) account(path, ext string) (journey.Account, bool) {
	if ext == "" {
		r.problem(path, "is required (an account external_id)")
		return journey.Account{}, false
	}
	if a, ok := r.accounts[ext]; ok {
		return a, true
	}
	a, ok, err := r.tx.AccountByExternal(r.ctx, r.ws, Source, ext)
	if err != nil || !ok {
		r.problem(path, "no account with external_id %q", ext)
		return a, false
	}
	r.accounts[ext] = a
	return a, true
}

func (r *run) deal(path, ext, accountID string) string {
	if ext == "" {
		return ""
	}
	d, ok := r.deals[ext]
	if !ok {
		var found bool
		var err error
		for _, src := range r.dealSources() {
			if d, found, err = r.tx.DealByExternal(r.ctx, r.ws, src, ext); err == nil && found {
				break
			}
		}
		if !found {
			r.problem(path, "no deal with external_id %q", ext)
			return ""
		}
		r.deals[ext] = d
	}
	if accountID != "" && d.AccountID != accountID {
		r.problem(path, "deal %q belongs to another account", ext)
	}
	return d.ID
}

func (r *run) dealSources() []string {
	seen := map[string]bool{Source: true}
	out := []string{Source}
	for _, d := range r.in.Doc.Deals {
		if s := dealSource(d); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range []string{"hubspot", "csv"} {
		if !seen[s] {
			out = append(out, s)
		}
	}
	return out
}

func dealSource(d DealRecord) string {
	if d.Source == "" {
		return Source
	}
	return d.Source
}

func (r *run) contact(path, ext, accountID string) string {
	if ext == "" {
		return ""
	}
	c, ok := r.contacts[ext]
	if !ok {
		var found bool
		var err error
		c, found, err = r.tx.ContactByExternal(r.ctx, r.ws, Source, ext)
		if err != nil || !found {
			r.problem(path, "no contact with external_id %q", ext)
			return ""
		}
		r.contacts[ext] = c
	}
	if accountID != "" && c.AccountID != accountID {
		r.problem(path, "contact %q belongs to another account", ext)
	}
	return c.ID
}

func (r *run) event(path, ext string) string {
	if ext == "" {
		return ""
	}
	if id, ok := r.events[ext]; ok {
		return id
	}
	id, err := r.tx.EventID(r.ctx, r.ws, Source, ext)
	if err != nil {
		r.problem(path, "no event with external_id %q", ext)
		return ""
	}
	return id
}

func (r *run) importPeople() error {
	recs := r.in.Doc.People
	ids := make([]string, len(recs))
	for i, p := range recs {
		path := fmt.Sprintf("people[%d]", i)
		role, ok := journey.ParseRole(p.Role)
		switch {
		case strings.TrimSpace(p.Name) == "":
			r.problem(path+".name", "is required")
		case p.Email == "" && p.SlackUserID == "":
			r.problem(path, "needs an email or a slack_user_id")
		case !ok:
			r.problem(path+".role", "%q is not a role (admin, manager, rep, csm)", p.Role)
		case !validZone(p.TimeZone):
			r.problem(path+".tz", "%q is not an IANA time zone such as America/New_York", p.TimeZone)
		default:
			tz := p.TimeZone
			if tz == "" {
				tz = "UTC"
			}
			before, found, err := r.tx.PersonByRef(r.ctx, r.ws, firstNonEmpty(p.SlackUserID, p.Email))
			if err != nil {
				return err
			}
			saved, err := r.tx.UpsertPerson(r.ctx, r.ws, journey.Person{SlackUserID: p.SlackUserID, Name: strings.TrimSpace(p.Name),
				Email: strings.TrimSpace(p.Email), TimeZone: tz, Role: role, ManagerID: before.ManagerID})
			if err != nil {
				return err
			}
			switch {
			case !found:
				r.count(r.rep.Created, "people")
			case before.Name != saved.Name || before.Email != saved.Email || before.TimeZone != saved.TimeZone || before.Role != saved.Role || before.SlackUserID != saved.SlackUserID:
				r.count(r.rep.Updated, "people")
			default:
				r.count(r.rep.Unchanged, "people")
			}
			r.remember(saved)
			ids[i] = saved.ID
		}
	}
	for i, p := range recs {
		if ids[i] == "" || p.Manager == "" {
			continue
		}
		if m := r.person(fmt.Sprintf("people[%d].manager", i), p.Manager); m != "" {
			if err := r.tx.SetManager(r.ctx, r.ws, ids[i], m); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) importAccounts() error {
	seen := map[string]bool{}
	for i, a := range r.in.Doc.Accounts {
		path := fmt.Sprintf("accounts[%d]", i)
		if !r.required(path, "external_id", a.ExternalID) || !r.required(path, "name", a.Name) {
			continue
		}
		if !r.firstInFile(seen, path, a.ExternalID) {
			continue
		}
		acc := journey.Account{
			Name: strings.TrimSpace(a.Name), Domain: a.Domain, Segment: normSegment(a.Segment),
			OwnerID: r.person(path+".owner", a.Owner), CSMID: r.person(path+".csm", a.CSM),
			ARRCents: r.money(path+".arr", a.ARR), Currency: r.currency(path+".currency", a.Currency),
			RenewalDate: r.date(path+".renewal_date", a.RenewalDate), CreatedAt: r.timeOrNow(path+".created_at", a.CreatedAt),
			Source: Source, ExternalID: a.ExternalID,
		}
		old, found, err := r.tx.AccountByExternal(r.ctx, r.ws, Source, a.ExternalID)
		if err != nil {
			return err
		}
		if found {
			acc.ID, acc.CreatedAt = old.ID, old.CreatedAt
			if err := r.recordDiff(journey.AccountFields(old, r.personName), journey.AccountFields(acc, r.personName),
				journey.Change{AccountID: old.ID, Entity: "account", EntityID: old.ID}, "accounts"); err != nil {
				return err
			}
		} else {
			r.count(r.rep.Created, "accounts")
		}
		id, err := r.tx.SaveAccount(r.ctx, r.ws, acc)
		if err != nil {
			return err
		}
		acc.ID = id
		r.accounts[a.ExternalID] = acc
	}
	return nil
}

// recordDiff counts a re-imported record as updated or unchanged and stores
// a property change for each changed field.
func (r *run) recordDiff(old, new []journey.FieldValue, base journey.Change, kind string) error {
	diffs := journey.Diff(old, new)
	if len(diffs) == 0 {
		r.count(r.rep.Unchanged, kind)
		return nil
	}
	r.count(r.rep.Updated, kind)
	for _, d := range diffs {
		c := base
		c.Field, c.Old, c.New = d.Field, d.Old, d.New
		c.Source, c.At, c.ActorName = Source, r.opts.Now, "import of "+r.in.File
		ext := fmt.Sprintf("import:%s:%s:%s:%s:%s", base.Entity, base.EntityID, d.Field, d.New, r.opts.Now.UTC().Format(time.RFC3339Nano))
		if _, err := r.tx.AddChange(r.ctx, r.ws, ext, c); err != nil {
			return err
		}
		r.rep.Changes++
	}
	return nil
}

func (r *run) importContacts() error {
	seen := map[string]bool{}
	for i, c := range r.in.Doc.Contacts {
		path := fmt.Sprintf("contacts[%d]", i)
		if !r.required(path, "external_id", c.ExternalID) || !r.required(path, "name", c.Name) {
			continue
		}
		if !r.firstInFile(seen, path, c.ExternalID) {
			continue
		}
		acc, ok := r.account(path+".account", c.Account)
		role, okRole := journey.ParseBuyingRole(c.BuyingRole)
		if !okRole {
			r.problem(path+".buying_role", "%q is not a buying role (champion, economic_buyer, decision_maker, influencer, user, technical_owner)", c.BuyingRole)
		}
		if !ok || !okRole {
			continue
		}
		con := journey.Contact{AccountID: acc.ID, Name: strings.TrimSpace(c.Name), Email: c.Email, Title: c.Title,
			Persona: normSegment(c.Persona), BuyingRole: role, ExternalID: c.ExternalID}
		old, found, err := r.tx.ContactByExternal(r.ctx, r.ws, Source, c.ExternalID)
		if err != nil {
			return err
		}
		if found {
			con.ID = old.ID
			if err := r.recordDiff(journey.ContactFields(old), journey.ContactFields(con),
				journey.Change{AccountID: acc.ID, Entity: "contact", EntityID: old.ID}, "contacts"); err != nil {
				return err
			}
		} else {
			r.count(r.rep.Created, "contacts")
		}
		id, err := r.tx.SaveContact(r.ctx, r.ws, Source, con)
		if err != nil {
			return err
		}
		con.ID = id
		r.contacts[c.ExternalID] = con
	}
	return nil
}

func (r *run) importDeals() error {
	seen := map[string]bool{}
	for i, d := range r.in.Doc.Deals {
		path := fmt.Sprintf("deals[%d]", i)
		if !r.required(path, "external_id", d.ExternalID) || !r.required(path, "name", d.Name) || !r.required(path, "stage", d.Stage) {
			continue
		}
		if !r.firstInFile(seen, path, d.ExternalID) {
			continue
		}
		acc, ok := r.account(path+".account", d.Account)
		kind, okKind := journey.ParseDealKind(d.Kind)
		if !okKind {
			r.problem(path+".kind", "%q is not a deal kind (new, expansion, renewal)", d.Kind)
		}
		if !ok || !okKind {
			continue
		}
		deal := journey.Deal{AccountID: acc.ID, Name: strings.TrimSpace(d.Name), Kind: kind,
			AmountCents: r.money(path+".amount", d.Amount), Currency: r.currency(path+".currency", d.Currency),
			Stage: strings.ToLower(strings.TrimSpace(d.Stage)), CloseDate: r.date(path+".close_date", d.CloseDate),
			OwnerID: r.person(path+".owner", d.Owner), Source: dealSource(d), ExternalID: d.ExternalID,
			CreatedAt: r.timeOrNow(path+".created_at", d.CreatedAt), ClosedAt: r.time(path+".closed_at", d.ClosedAt)}
		old, found, err := r.tx.DealByExternal(r.ctx, r.ws, deal.Source, d.ExternalID)
		if err != nil {
			return err
		}
		if found {
			deal.ID, deal.CreatedAt = old.ID, old.CreatedAt
			if err := r.recordDiff(journey.DealFields(old, r.personName), journey.DealFields(deal, r.personName),
				journey.Change{AccountID: acc.ID, DealID: old.ID, Entity: "deal", EntityID: old.ID}, "deals"); err != nil {
				return err
			}
		} else {
			r.count(r.rep.Created, "deals")
		}
		id, err := r.tx.SaveDeal(r.ctx, r.ws, deal)
		if err != nil {
			return err
		}
		deal.ID = id
		r.deals[d.ExternalID] = deal
	}
	return nil
}

var eventKinds = map[string]bool{journey.EventMessage: true, journey.EventEmail: true, journey.EventCall: true,
	journey.EventMeeting: true, journey.EventNote: true, journey.EventCRMChange: true, journey.EventBotAction: true}

func (r *run) importEvents() error {
	for i, e := range r.in.Doc.Events {
		path := fmt.Sprintf("events[%d]", i)
		if !r.required(path, "external_id", e.ExternalID) || !r.required(path, "at", e.At) {
			continue
		}
		acc, ok := r.account(path+".account", e.Account)
		if !eventKinds[e.Kind] {
			r.problem(path+".kind", "%q is not an event kind (message, email, call, meeting, note, crm_change)", e.Kind)
			ok = false
		}
		dir, okDir := map[string]journey.Side{"": "", "inbound": journey.SideCustomer, "outbound": journey.SideUs,
			"customer": journey.SideCustomer, "us": journey.SideUs}[strings.ToLower(e.Direction)]
		if !okDir {
			r.problem(path+".direction", "%q is not a direction (inbound, outbound)", e.Direction)
		}
		at := r.time(path+".at", e.At)
		if !ok || !okDir {
			continue
		}
		src := e.Source
		if src == "" {
			src = Source
		}
		ev := journey.Event{AccountID: acc.ID, DealID: r.deal(path+".deal", e.Deal, acc.ID),
			ContactID: r.contact(path+".contact", e.Contact, acc.ID), ActorID: r.person(path+".actor", e.Actor),
			Kind: e.Kind, Source: src, ExternalID: e.ExternalID, At: at, Direction: dir, Summary: e.Text, Link: e.Link}
		if len(r.problems) > 0 {
			continue // do not write once the import is known to fail
		}
		id, added, err := r.tx.AddEvent(r.ctx, r.ws, ev)
		if err != nil {
			return err
		}
		r.events[e.ExternalID] = id
		if added {
			r.count(r.rep.Created, "events")
		} else {
			r.count(r.rep.Unchanged, "events")
		}
	}
	return nil
}

func (r *run) importCompletions() error {
	for i, c := range r.in.Doc.Completions {
		path := fmt.Sprintf("completions[%d]", i)
		if !r.required(path, "milestone", c.Milestone) || !r.required(path, "at", c.At) {
			continue
		}
		acc, ok := r.account(path+".account", c.Account)
		if !ok {
			continue
		}
		stage := ""
		if def, found := journey.ForSegment(r.defs, acc.Segment); found {
			_, idx, has := def.Milestone(c.Milestone)
			if !has {
				r.problem(path+".milestone", "%q is not a milestone of the %q journey used for segment %q", c.Milestone, def.Name, acc.Segment)
				continue
			}
			stage = def.Stages[idx].Key
		}
		comp := journey.Completion{AccountID: acc.ID, DealID: r.deal(path+".deal", c.Deal, acc.ID), StageKey: stage,
			MilestoneKey: c.Milestone, Persona: normSegment(c.Persona), At: r.time(path+".at", c.At),
			EvidenceEventID: r.event(path+".evidence", c.Evidence), Note: c.Note, Source: Source}
		if len(r.problems) > 0 {
			continue
		}
		added, err := r.tx.AddCompletion(r.ctx, r.ws, comp)
		if err != nil {
			return err
		}
		r.tally(added, "completions")
	}
	return nil
}

func (r *run) tally(written bool, kind string) {
	if written {
		r.count(r.rep.Created, kind)
	} else {
		r.count(r.rep.Unchanged, kind)
	}
}

func (r *run) importChanges() error {
	for i, c := range r.in.Doc.Changes {
		path := fmt.Sprintf("changes[%d]", i)
		if !r.required(path, "external_id", c.ExternalID) || !r.required(path, "field", c.Field) || !r.required(path, "at", c.At) {
			continue
		}
		acc, ok := r.account(path+".account", c.Account)
		if !ok {
			continue
		}
		ch := journey.Change{AccountID: acc.ID, DealID: r.deal(path+".deal", c.Deal, acc.ID), Field: c.Field, Old: c.Old,
			New: c.New, Reason: strings.TrimSpace(c.Reason), ActorID: r.person(path+".actor", c.Actor), Source: c.Source,
			At: r.time(path+".at", c.At)}
		ch.Entity, ch.EntityID = "account", acc.ID
		if ch.DealID != "" {
			ch.Entity, ch.EntityID = "deal", ch.DealID
		}
		if ch.Source == "" {
			ch.Source = Source
		}
		if ch.ActorID != "" {
			p, err := r.tx.PersonByID(r.ctx, r.ws, ch.ActorID)
			if err != nil {
				return err
			}
			ch.ActorName = p.Name
		}
		if len(r.problems) > 0 {
			continue
		}
		added, err := r.tx.AddChange(r.ctx, r.ws, c.ExternalID, ch)
		if err != nil {
			return err
		}
		r.tally(added, "changes")
	}
	return nil
}

func (r *run) importCommitments() error {
	for i, c := range r.in.Doc.Commitments {
		path := fmt.Sprintf("commitments[%d]", i)
		if !r.required(path, "external_id", c.ExternalID) || !r.required(path, "what", c.What) {
			continue
		}
		acc, ok := r.account(path+".account", c.Account)
		side, okSide := parseSide(c.Side)
		if !okSide {
			r.problem(path+".side", "%q is not a side (us, customer)", c.Side)
		}
		status := strings.ToLower(c.Status)
		if status == "" {
			status = journey.CommitmentOpen
		}
		if status != journey.CommitmentOpen && status != journey.CommitmentDone && status != journey.CommitmentCancelled {
			r.problem(path+".status", "%q is not a status (open, done, cancelled)", c.Status)
			ok = false
		}
		if !ok || !okSide {
			continue
		}
		cm := journey.Commitment{AccountID: acc.ID, DealID: r.deal(path+".deal", c.Deal, acc.ID), Side: side,
			OwnerName: c.Owner, Counterpart: c.Counterpart, What: c.What, DueAt: r.time(path+".due", c.Due), Status: status,
			DoneAt: r.time(path+".done_at", c.DoneAt), SourceEventID: r.event(path+".evidence", c.Evidence),
			CreatedAt: r.timeOrNow(path+".created_at", c.CreatedAt)}
		if side == journey.SideUs && c.Owner != "" {
			cm.OwnerID = r.person(path+".owner", c.Owner)
			if cm.OwnerID != "" {
				p, err := r.tx.PersonByID(r.ctx, r.ws, cm.OwnerID)
				if err != nil {
					return err
				}
				cm.OwnerName = p.Name
			}
		}
		if len(r.problems) > 0 {
			continue
		}
		written, err := r.tx.UpsertCommitment(r.ctx, r.ws, Source, c.ExternalID, cm)
		if err != nil {
			return err
		}
		r.tally(written, "commitments")
	}
	return nil
}

func (r *run) importWaits() error {
	for i, w := range r.in.Doc.WaitingOn {
		path := fmt.Sprintf("waiting_on[%d]", i)
		if !r.required(path, "external_id", w.ExternalID) || !r.required(path, "what", w.What) || !r.required(path, "since", w.Since) {
			continue
		}
		acc, ok := r.account(path+".account", w.Account)
		side, okSide := parseSide(w.Waiter)
		if !okSide {
			r.problem(path+".waiter", "%q is not a side (customer: they wait on us; us: we wait on them)", w.Waiter)
		}
		if !ok || !okSide {
			continue
		}
		item := journey.WaitItem{AccountID: acc.ID, DealID: r.deal(path+".deal", w.Deal, acc.ID), Waiter: side, What: w.What,
			Since: r.time(path+".since", w.Since), ResolvedAt: r.time(path+".resolved_at", w.ResolvedAt),
			SourceEventID: r.event(path+".evidence", w.Evidence)}
		if len(r.problems) > 0 {
			continue
		}
		written, err := r.tx.UpsertWait(r.ctx, r.ws, Source, w.ExternalID, item)
		if err != nil {
			return err
		}
		r.tally(written, "waiting_on")
	}
	return nil
}

func parseSide(s string) (journey.Side, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "us", "we", "ours":
		return journey.SideUs, true
	case "customer", "them", "theirs":
		return journey.SideCustomer, true
	}
	return "", false
}

// firstInFile reports whether a record's external id is new to the file
// (seen holds those read so far); when not, it notes the repeat at path.
func (r *run) firstInFile(seen map[string]bool, path, ext string) bool {
	if seen[ext] {
		r.problem(path+".external_id", "%q appears twice in the file", ext)
		return false
	}
	seen[ext] = true
	return true
}

func (r *run) required(path, field, v string) bool {
	if strings.TrimSpace(v) == "" {
		r.problem(path+"."+field, "is required")
		return false
	}
	return true
}

func (r *run) money(path string, v float64) int64 {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) || v > 1e13 {
		r.problem(path, "%v is not a valid amount", v)
		return 0
	}
	return int64(math.Round(v * 100))
}

func (r *run) currency(path, v string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" {
		return "USD"
	}
	if len(v) != 3 || strings.ToLower(v) == v {
		r.problem(path, "%q is not an ISO 4217 currency code such as USD", v)
	}
	return v
}

func (r *run) date(path, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	r.problem(path, "%q is not a date (use YYYY-MM-DD)", v)
	return time.Time{}
}

// timeOrNow is r.time, or the import's clock when v is empty: a record
// imported without a creation time was created by the import.
func (r *run) timeOrNow(path, v string) time.Time {
	if strings.TrimSpace(v) == "" {
		return r.opts.Now
	}
	return r.time(path, v)
}

func (r *run) time(path, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC()
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t
	}
	r.problem(path, "%q is not a time (use RFC 3339, e.g. 2026-03-31T14:05:00Z, or YYYY-MM-DD)", v)
	return time.Time{}
}

func validZone(tz string) bool {
	if tz == "" {
		return true
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

func normSegment(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(s))), "_"), "-", "_")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
