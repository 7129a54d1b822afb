package hubspot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// Source is the origin recorded on everything the sync writes.
const Source = "hubspot"

// The properties read for each object type; the history ones are tracked as
// property changes.
var (
	companyProps = []string{"name", "domain", "hubspot_owner_id", "hs_lastmodifieddate", "hs_merged_object_ids"}
	contactProps = []string{"firstname", "lastname", "email", "jobtitle", "associatedcompanyid", "hs_buying_role", "hs_lastmodifieddate", "hs_merged_object_ids"}
	dealProps    = []string{"dealname", "dealstage", "amount", "closedate", "hubspot_owner_id", "dealtype", "deal_currency_code",
		"createdate", "hs_lastmodifieddate", "hs_merged_object_ids"}
	dealHistory = []string{"dealstage", "hubspot_owner_id", "amount", "closedate"}
)

// fieldOf maps a HubSpot property to the field a change records.
var fieldOf = map[string]string{"dealstage": "stage", "hubspot_owner_id": "owner", "amount": "amount", "closedate": "close_date"}

// Report says what one sync run did.
type Report struct {
	Read     map[string]int // records read, by object type
	Created  map[string]int
	Updated  map[string]int
	Archived map[string]int // records deleted or merged away in HubSpot, now archived
	Restored map[string]int // archived records HubSpot lists alive again
	Changes  int            // property changes recorded
	Prompts  int            // questions queued for people
	Problems []string
	// MoreProblems counts the problems past the first maxProblems.
	MoreProblems int
	Calls        int // HTTP requests made, retries included
	Retries      int
}

func (r Report) String() string {
	var parts []string
	for _, k := range []string{"owners", "companies", "contacts", "deals"} {
		parts = append(parts, fmt.Sprintf("%s: %d read, %d new, %d updated", k, r.Read[k], r.Created[k], r.Updated[k]))
	}
	s := strings.Join(parts, "\n") + fmt.Sprintf("\n%d property changes recorded, %d questions queued\n%d HubSpot calls (%d retries)",
		r.Changes, r.Prompts, r.Calls, r.Retries) + r.archivedLine()
	for _, p := range r.Problems {
		s += "\n  skipped: " + p
	}
	if r.MoreProblems > 0 {
		s += fmt.Sprintf("\n  … and %d more skipped", r.MoreProblems)
	}
	return s
}

// Syncer syncs one HubSpot portal into one workspace.
type Syncer struct {
	Client *Client
	Store  *store.Store
	WS     string
	Now    func() time.Time

	rep       Report
	owners    map[string]store.CRMOwner // by owner id
	users     map[int64]store.CRMOwner  // by HubSpot user id
	people    map[string]journey.Person // by lower-case email
	defs      []journey.Definition
	csmProp   string
	accountOf map[string]journey.Account // HubSpot company id → account
	quiet     bool                       // first sync of the object type: ask nobody
}

// Run syncs owners, companies, contacts and deals once, each from its
// cursor. Every page is written in its own transaction with the cursor, so
// an error keeps the pages done; the report says what was read and skipped.
func (s *Syncer) Run(ctx context.Context) (Report, error) {
	if s.Now == nil {
		s.Now = time.Now
	}
	s.rep = Report{Read: map[string]int{}, Created: map[string]int{}, Updated: map[string]int{}, Archived: map[string]int{}, Restored: map[string]int{}}
	s.accountOf = map[string]journey.Account{}
	err := s.run(ctx)
	s.rep.Calls, s.rep.Retries = s.Client.Calls(), s.Client.Retries()
	return s.rep, err
}

func (s *Syncer) run(ctx context.Context) error {
	var err error
	if s.defs, err = s.Store.Definitions(ctx, s.WS); err != nil {
		return err
	}
	people, err := s.Store.People(ctx, s.WS)
	if err != nil {
		return err
	}
	s.people = map[string]journey.Person{}
	for _, p := range people {
		if p.Email != "" {
			s.people[strings.ToLower(p.Email)] = p
		}
	}
	if err := s.syncOwners(ctx); err != nil {
		return fmt.Errorf("owners: %w", err)
	}
	s.csmProp = s.Client.cfg.CSMProperty
	ok, err := s.Client.PropertyExists(ctx, "companies", s.csmProp)
	if err != nil {
		return fmt.Errorf("companies: %w", err)
	}
	if !ok {
		s.problem("the company property %q (HUBSPOT_CSM_PROPERTY) does not exist in this HubSpot portal, so CSMs are not synced; set HUBSPOT_CSM_PROPERTY to the internal name of the property that holds each company's CSM", s.csmProp)
		s.csmProp = ""
	}
	if err := s.syncObjects(ctx, "companies", s.companyProps(), s.companyPage); err != nil {
		return fmt.Errorf("companies: %w", err)
	}
	if err := s.syncObjects(ctx, "contacts", contactProps, s.contactPage); err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	if err := s.syncObjects(ctx, "deals", dealProps, s.dealPage); err != nil {
		return fmt.Errorf("deals: %w", err)
	}
	for _, t := range []string{"companies", "contacts", "deals"} {
		if err := s.syncArchived(ctx, t); err != nil {
			return fmt.Errorf("archived %s: %w", t, err)
		}
	}
	return nil
}

// maxProblems caps the problems a report lists; the rest are counted.
const maxProblems = 50

func (s *Syncer) problem(format string, args ...any) {
	if len(s.rep.Problems) < maxProblems {
		s.rep.Problems = append(s.rep.Problems, fmt.Sprintf(format, args...))
		return
	}
	s.rep.MoreProblems++
}

func (s *Syncer) companyProps() []string {
	if s.csmProp == "" {
		return companyProps
	}
	return append(append([]string(nil), companyProps...), s.csmProp)
}

func (s *Syncer) syncOwners(ctx context.Context) error {
	owners, err := s.Client.Owners(ctx)
	if err != nil {
		return err
	}
	s.rep.Read["owners"] = len(owners)
	rows := make([]store.CRMOwner, 0, len(owners))
	for _, o := range owners {
		rows = append(rows, store.CRMOwner{OwnerID: o.ID, UserID: strconv.FormatInt(o.UserID, 10), Email: o.Email,
			Name: strings.TrimSpace(o.FirstName + " " + o.LastName)})
	}
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCRMOwners(ctx, s.WS, Source, rows) }); err != nil {
		return err
	}
	s.owners, s.users = map[string]store.CRMOwner{}, map[int64]store.CRMOwner{}
	for _, o := range rows {
		s.owners[o.OwnerID] = o
		if id, err := strconv.ParseInt(o.UserID, 10, 64); err == nil && id != 0 {
			s.users[id] = o
		}
	}
	return nil
}

// person returns our person for a HubSpot owner id, or for an email (a CSM
// property may be plain text), and a name to show; the person is zero when
// unknown.
func (s *Syncer) person(ownerID string) (journey.Person, string) {
	if ownerID == "" {
		return journey.Person{}, ""
	}
	o, ok := s.owners[ownerID]
	if !ok {
		// a text property may hold the person's email rather than an owner id
		if p, ok := s.people[strings.ToLower(strings.TrimSpace(ownerID))]; ok {
			return p, p.Name
		}
		return journey.Person{}, "HubSpot owner " + ownerID
	}
	p := s.people[strings.ToLower(o.Email)]
	return p, firstNonEmpty(p.Name, o.Name, o.Email)
}

// actor names who made a change: the HubSpot user, else the integration or
// workflow that did.
func (s *Syncer) actor(v PropertyVersion) (string, string) {
	if o, ok := s.users[v.UpdatedByUserID]; ok && v.UpdatedByUserID != 0 {
		p := s.people[strings.ToLower(o.Email)]
		return p.ID, firstNonEmpty(p.Name, o.Name, o.Email)
	}
	return "", firstNonEmpty(v.SourceLabel, strings.ToLower(strings.ReplaceAll(v.SourceType, "_", " ")))
}

// syncObjects pages through one object type's records modified since its
// cursor and hands each page to write. A search pages through at most
// SearchMaxResults records; past that it starts again from the newest
// modification time it has seen.
func (s *Syncer) syncObjects(ctx context.Context, objectType string, props []string, write func(context.Context, []Object) error) error {
	cur, synced, err := s.Store.SyncCursor(ctx, s.WS, Source, objectType)
	if err != nil {
		return err
	}
	// the first sync of an object type brings what happened before Journey
	// was connected: it is recorded, and nobody is asked about it
	s.quiet = !synced
	since := cur.At
	done := map[string]bool{} // ids already written that were modified exactly at cur.At
	for _, id := range cur.IDs {
		done[id] = true
	}
	after, offset := "", 0
	for {
		page, err := s.Client.SearchModified(ctx, objectType, since, props, after)
		if err != nil {
			return err
		}
		s.rep.Read[objectType] += len(page.Results)
		fresh := page.Results[:0:0]
		for _, o := range page.Results {
			if !(done[o.ID] && sameMilli(modified(o), cur.At)) {
				fresh = append(fresh, o)
			}
		}
		if len(fresh) > 0 {
			if err := write(ctx, fresh); err != nil {
				return err
			}
			if c := cursorOf(fresh); c.At.After(cur.At) {
				cur, done = c, setOf(c.IDs)
			} else if sameMilli(c.At, cur.At) {
				for _, id := range c.IDs {
					done[id] = true
				}
			}
		}
		next := page.NextAfter()
		if next == "" || len(page.Results) == 0 {
			return nil
		}
		offset += len(page.Results)
		if offset+SearchPageSize > s.Client.cfg.SearchMaxResults {
			// start a new search from where this one got to
			if !cur.At.After(since) {
				return fmt.Errorf("more than %d %s share the modification time %s; HubSpot's search cannot page past them", s.Client.cfg.SearchMaxResults, objectType, since.Format(time.RFC3339))
			}
			since, after, offset = cur.At, "", 0
			continue
		}
		after = next
	}
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// sameMilli compares times at HubSpot's precision (milliseconds).
func sameMilli(a, b time.Time) bool { return a.UnixMilli() == b.UnixMilli() }

// cursorOf is the cursor after writing objs: their newest modification time
// and the ids modified then.
func cursorOf(objs []Object) store.SyncCursor {
	var c store.SyncCursor
	for _, o := range objs {
		m := modified(o).Truncate(time.Millisecond)
		switch {
		case m.After(c.At):
			c.At, c.IDs = m, []string{o.ID}
		case m.Equal(c.At):
			c.IDs = append(c.IDs, o.ID)
		}
	}
	return c
}

// modified reads a record's hs_lastmodifieddate (RFC 3339 or epoch millis).
func modified(o Object) time.Time {
	if t := parseTime(o.Prop("hs_lastmodifieddate")); !t.IsZero() {
		return t
	}
	return o.UpdatedAt
}

func parseTime(v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC()
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t
	}
	return time.Time{}
}

// withHistory batch-reads objs again with their properties' histories.
// Records gone since the search (deleted, merged away) are reported and left out.
func (s *Syncer) withHistory(ctx context.Context, objectType string, objs []Object, props, history []string) ([]Object, error) {
	var out []Object
	for i := 0; i < len(objs); i += BatchReadSize {
		chunk := objs[i:min(i+BatchReadSize, len(objs))]
		ids := make([]string, len(chunk))
		for j, o := range chunk {
			ids[j] = o.ID
		}
		res, err := s.Client.BatchRead(ctx, objectType, ids, props, history)
		if err != nil {
			return nil, err
		}
		for _, e := range res.Errors {
			s.problem("%s %s: %s (deleted or merged in HubSpot since it was listed)", objectType, strings.Join(e.Context.IDs, ", "), e.Message)
		}
		out = append(out, res.Results...)
	}
	return out, nil
}

// changesOf turns a property's history into changes: one per value that
// differs from the one before, keyed on the record, property and time so a
// re-run records nothing twice. render turns a raw value into what the
// change shows.
func (s *Syncer) changesOf(entity, id, prop string, versions []PropertyVersion, base journey.Change, render func(string) string) []store.ChangeRow {
	vs := append([]PropertyVersion(nil), versions...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Timestamp.Before(vs[j].Timestamp) })
	var out []store.ChangeRow
	for i := 1; i < len(vs); i++ {
		old, cur := render(vs[i-1].Value), render(vs[i].Value)
		if old == cur {
			continue
		}
		c := base
		c.Field, c.Old, c.New, c.At, c.Source = fieldOf[prop], old, cur, vs[i].Timestamp, Source
		if c.Field == "" {
			c.Field = prop
		}
		c.ActorID, c.ActorName = s.actor(vs[i])
		if c.Field == "csm" {
			c.Told = journey.ToldNotYet
		}
		out = append(out, store.ChangeRow{ExternalID: fmt.Sprintf("%s:%s:%s:%d", entity, id, prop, vs[i].Timestamp.UnixMilli()), Change: c})
	}
	return out
}

func (s *Syncer) ownerName(v string) string {
	_, name := s.person(v)
	return name
}

func moneyText(v string) string {
	if c, ok := journey.Money(v); ok {
		return fmt.Sprintf("%.2f", float64(c)/100)
	}
	return v
}

func dateOnly(v string) string {
	if t := parseTime(v); !t.IsZero() {
		return t.Format("2006-01-02")
	}
	return v
}

func same(v string) string { return v }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
