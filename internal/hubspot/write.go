package hubspot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// pending collects, within one page, what the bot should ask whom.
type pending struct {
	newCSM map[string]string // change external id → person id of the new CSM
}

func (s *Syncer) companyPage(ctx context.Context, objs []Object) error {
	return s.writeCompanies(ctx, objs, true)
}

// writeCompanies stores companies as accounts with their owner and CSM
// histories as changes; with cursor, it moves the companies cursor in the
// same transaction.
func (s *Syncer) writeCompanies(ctx context.Context, objs []Object, cursor bool) error {
	if len(objs) == 0 {
		return nil
	}
	history := []string{"hubspot_owner_id"}
	if s.csmProp != "" {
		history = append(history, s.csmProp)
	}
	full, err := s.withHistory(ctx, "companies", objs, s.companyProps(), history)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		var rows []store.ChangeRow
		pend := pending{newCSM: map[string]string{}}
		look, err := s.lookupAccounts(ctx, tx, full)
		if err != nil {
			return err
		}
		for _, o := range full {
			acc, found, err := look.find(ctx, tx, s.WS, o)
			if err != nil {
				return err
			}
			before := acc
			acc.Name = firstNonEmpty(o.Prop("name"), acc.Name, o.Prop("domain"), "HubSpot company "+o.ID)
			acc.Domain = firstNonEmpty(o.Prop("domain"), acc.Domain)
			if p, _ := s.person(o.Prop("hubspot_owner_id")); p.ID != "" {
				acc.OwnerID = p.ID
			}
			if s.csmProp != "" {
				if p, _ := s.person(o.Prop(s.csmProp)); p.ID != "" {
					acc.CSMID = p.ID
				}
			}
			if !found {
				acc.Source, acc.ExternalID, acc.Currency, acc.CreatedAt = Source, o.ID, "USD", o.CreatedAt
			}
			if !found || acc != before {
				id, err := tx.SaveAccount(ctx, s.WS, acc)
				if err != nil {
					return err
				}
				acc.ID = id
				s.count(found, "companies")
			}
			s.accountOf[o.ID] = acc
			base := journey.Change{AccountID: acc.ID, Entity: "account", EntityID: acc.ID}
			rows = append(rows, s.changesOf("company", o.ID, "hubspot_owner_id", o.PropertiesWithHistory["hubspot_owner_id"], base, s.ownerName)...)
			if s.csmProp != "" {
				csm := s.changesOf("company", o.ID, s.csmProp, o.PropertiesWithHistory[s.csmProp], base, s.ownerName)
				for i := range csm {
					csm[i].Change.Field, csm[i].Change.Told = "csm", journey.ToldNotYet
				}
				vs := o.PropertiesWithHistory[s.csmProp]
				for _, r := range csm {
					for _, v := range vs {
						if v.Timestamp.Equal(r.Change.At) {
							p, _ := s.person(v.Value)
							pend.newCSM[r.ExternalID] = p.ID
						}
					}
				}
				rows = append(rows, csm...)
			}
		}
		if err := s.record(ctx, tx, rows, pend); err != nil {
			return err
		}
		if err := s.archiveMerged(ctx, tx, "companies", full, look.kept); err != nil {
			return err
		}
		if err := s.restore(ctx, tx, "companies", full); err != nil {
			return err
		}
		if cursor {
			return tx.SetSyncCursor(ctx, s.WS, Source, "companies", cursorOf(objs))
		}
		return nil
	})
}

// accountLookup finds the accounts of a page of companies in three queries.
type accountLookup struct {
	known, merged, byDomain map[string]journey.Account
}

func (s *Syncer) lookupAccounts(ctx context.Context, tx *store.Tx, objs []Object) (accountLookup, error) {
	var ids, mergedIDs, domains []string
	for _, o := range objs {
		ids = append(ids, o.ID)
		mergedIDs = append(mergedIDs, splitIDs(o.Prop("hs_merged_object_ids"))...)
		if d := o.Prop("domain"); d != "" {
			domains = append(domains, strings.ToLower(d))
		}
	}
	var l accountLookup
	var err error
	if l.known, err = tx.AccountsByExternal(ctx, s.WS, Source, ids); err != nil {
		return l, err
	}
	if l.merged, err = tx.AccountsByExternal(ctx, s.WS, Source, mergedIDs); err != nil {
		return l, err
	}
	archived, err := tx.ArchivedExternal(ctx, s.WS, Source, "account", mergedIDs)
	if err != nil {
		return l, err
	}
	for id := range archived {
		delete(l.merged, id) // archived already: nothing to take over
	}
	l.byDomain, err = tx.UnlinkedAccountsByDomain(ctx, s.WS, domains)
	return l, err
}

// find returns the account of a company: synced before, a company merged
// into this one, or an account imported from a file with the same domain
// (which the company then owns). found is false for a new one.
func (l accountLookup) find(ctx context.Context, tx *store.Tx, ws string, o Object) (journey.Account, bool, error) {
	if a, ok := l.known[o.ID]; ok {
		return a, true, nil
	}
	adopt := func(a journey.Account) (journey.Account, bool, error) {
		if err := tx.AdoptAccount(ctx, ws, a.ID, Source, o.ID); err != nil {
			return a, false, err
		}
		a.Source, a.ExternalID = Source, o.ID
		return a, true, nil
	}
	for _, m := range splitIDs(o.Prop("hs_merged_object_ids")) {
		if a, ok := l.merged[m]; ok {
			delete(l.merged, m)
			return adopt(a)
		}
	}
	d := strings.ToLower(o.Prop("domain"))
	if a, ok := l.byDomain[d]; ok && d != "" {
		delete(l.byDomain, d)
		return adopt(a)
	}
	return journey.Account{}, false, nil
}

// kept reports whether a merged-away company lives on in no account of its
// own: taken over by the company it was merged into, or never synced.
func (l accountLookup) kept(id string) bool {
	_, apart := l.merged[id]
	return !apart
}

func splitIDs(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (s *Syncer) count(found bool, kind string) {
	if found {
		s.rep.Updated[kind]++
	} else {
		s.rep.Created[kind]++
	}
}

// ensureCompanies makes sure every company id has an account, reading the
// ones not synced yet from HubSpot.
func (s *Syncer) ensureCompanies(ctx context.Context, ids []string) error {
	var missing []string
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var unknown []string
		for _, id := range ids {
			if _, ok := s.accountOf[id]; !ok {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) == 0 {
			return nil
		}
		known, err := tx.AccountsByExternal(ctx, s.WS, Source, unknown)
		if err != nil {
			return err
		}
		for _, id := range unknown {
			if a, ok := known[id]; ok {
				s.accountOf[id] = a
			} else if !slices.Contains(missing, id) {
				missing = append(missing, id)
			}
		}
		return nil
	})
	if err != nil || len(missing) == 0 {
		return err
	}
	objs := make([]Object, len(missing))
	for i, id := range missing {
		objs[i] = Object{ID: id}
	}
	return s.writeCompanies(ctx, objs, false)
}

var buyingRoles = map[string]journey.BuyingRole{
	"CHAMPION": journey.BuyerChampion, "DECISION_MAKER": journey.BuyerDecisionMaker, "BUDGET_HOLDER": journey.BuyerEconomic,
	"EXECUTIVE_SPONSOR": journey.BuyerEconomic, "INFLUENCER": journey.BuyerInfluencer, "END_USER": journey.BuyerUser,
	"TECHNICAL_EVALUATOR": journey.BuyerTechnicalOwner,
}

func (s *Syncer) contactPage(ctx context.Context, objs []Object) error {
	var companies []string
	for _, o := range objs {
		if c := o.Prop("associatedcompanyid"); c != "" {
			companies = append(companies, c)
		}
	}
	if err := s.ensureCompanies(ctx, companies); err != nil {
		return err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var ids, accountIDs []string
		for _, o := range objs {
			ids = append(ids, o.ID)
			if a, ok := s.accountOf[o.Prop("associatedcompanyid")]; ok {
				accountIDs = append(accountIDs, a.ID)
			}
		}
		known, err := tx.ContactsByExternal(ctx, s.WS, Source, ids)
		if err != nil {
			return err
		}
		imported, err := tx.UnlinkedContacts(ctx, s.WS, accountIDs)
		if err != nil {
			return err
		}
		byEmail := map[string]journey.Contact{}
		for _, c := range imported {
			if c.Email != "" {
				byEmail[c.AccountID+"\x00"+strings.ToLower(c.Email)] = c
			}
		}
		for _, o := range objs {
			acc, ok := s.accountOf[o.Prop("associatedcompanyid")]
			if !ok {
				s.problem("contact %s (%s) has no company in HubSpot, and every contact in Journey belongs to an account", o.ID, firstNonEmpty(o.Prop("email"), o.ID))
				continue
			}
			c, found := known[o.ID]
			if key := acc.ID + "\x00" + strings.ToLower(o.Prop("email")); !found && o.Prop("email") != "" {
				if c, found = byEmail[key]; found {
					delete(byEmail, key)
					if err := tx.AdoptContact(ctx, s.WS, c.ID, Source, o.ID); err != nil {
						return err
					}
				}
			}
			before := c
			c.AccountID = acc.ID
			c.Name = firstNonEmpty(strings.TrimSpace(o.Prop("firstname")+" "+o.Prop("lastname")), c.Name, o.Prop("email"), "HubSpot contact "+o.ID)
			c.Email = firstNonEmpty(o.Prop("email"), c.Email)
			c.Title = firstNonEmpty(o.Prop("jobtitle"), c.Title)
			if r, ok := buyingRoles[strings.ToUpper(strings.Split(o.Prop("hs_buying_role"), ";")[0])]; ok {
				c.BuyingRole = r
			}
			c.ExternalID = o.ID
			if found && c == before {
				continue
			}
			if _, err := tx.SaveContact(ctx, s.WS, Source, c); err != nil {
				return err
			}
			s.count(found, "contacts")
		}
		if err := s.archiveMerged(ctx, tx, "contacts", objs, func(string) bool { return false }); err != nil {
			return err
		}
		if err := s.restore(ctx, tx, "contacts", objs); err != nil {
			return err
		}
		return tx.SetSyncCursor(ctx, s.WS, Source, "contacts", cursorOf(objs))
	})
	return err
}

func (s *Syncer) dealPage(ctx context.Context, objs []Object) error {
	if len(objs) == 0 {
		return nil
	}
	full, err := s.withHistory(ctx, "deals", objs, dealProps, dealHistory)
	if err != nil {
		return err
	}
	ids := make([]string, len(full))
	for i, o := range full {
		ids[i] = o.ID
	}
	assoc, err := s.Client.Associations(ctx, "deals", "companies", ids)
	if err != nil {
		return err
	}
	var companies []string
	for _, cs := range assoc {
		companies = append(companies, cs...)
	}
	if err := s.ensureCompanies(ctx, companies); err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		var rows []store.ChangeRow
		var saves []journey.Deal
		var saved []Object
		look, err := s.lookupDeals(ctx, tx, full, assoc)
		if err != nil {
			return err
		}
		for _, o := range full {
			var acc journey.Account
			for _, cid := range assoc[o.ID] {
				if a, ok := s.accountOf[cid]; ok {
					acc = a
					break
				}
			}
			if acc.ID == "" {
				s.problem("deal %s (%s) is associated with no company in HubSpot, and every deal in Journey belongs to an account", o.ID, o.Prop("dealname"))
				continue
			}
			d, found, err := look.find(ctx, tx, s.WS, o, acc.ID)
			if err != nil {
				return err
			}
			before := d
			d.AccountID = acc.ID
			d.Name = firstNonEmpty(o.Prop("dealname"), d.Name, "HubSpot deal "+o.ID)
			d.Stage = firstNonEmpty(o.Prop("dealstage"), d.Stage)
			if c, ok := journey.Money(o.Prop("amount")); ok {
				d.AmountCents = c
			} else {
				s.problem("deal %s (%s): amount %q is not a number; kept %s", o.ID, d.Name, o.Prop("amount"), journey.FormatMoney(d.AmountCents, d.Currency))
			}
			d.Currency = firstNonEmpty(o.Prop("deal_currency_code"), d.Currency, "USD")
			if t := parseTime(o.Prop("closedate")); !t.IsZero() {
				d.CloseDate = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			}
			if p, _ := s.person(o.Prop("hubspot_owner_id")); p.ID != "" {
				d.OwnerID = p.ID
			}
			if k, ok := journey.ParseDealKind(o.Prop("dealtype")); ok && o.Prop("dealtype") != "" {
				d.Kind = k
			} else if d.Kind == "" {
				d.Kind = journey.DealNew
			}
			def, _ := journey.ForSegment(s.defs, acc.Segment)
			if closed := def.IsWon(d.Stage) || def.IsLost(d.Stage); closed && d.ClosedAt.IsZero() {
				d.ClosedAt = stageSince(o.PropertiesWithHistory["dealstage"], d.Stage, modified(o))
			} else if !closed {
				d.ClosedAt = time.Time{}
			}
			if !found {
				d.Source, d.ExternalID = Source, o.ID
				d.CreatedAt = firstTime(parseTime(o.Prop("createdate")), o.CreatedAt, s.Now())
			}
			if !found || d != before {
				saves = append(saves, d)
				saved = append(saved, o)
				s.count(found, "deals")
				continue
			}
			rows = append(rows, s.dealChanges(o, d)...)
		}
		ids, err := tx.SaveDeals(ctx, s.WS, saves)
		if err != nil {
			return err
		}
		for i, d := range saves {
			d.ID = ids[i]
			rows = append(rows, s.dealChanges(saved[i], d)...)
		}
		if err := s.record(ctx, tx, rows, pending{}); err != nil {
			return err
		}
		if err := s.archiveMerged(ctx, tx, "deals", full, look.kept); err != nil {
			return err
		}
		if err := s.restore(ctx, tx, "deals", full); err != nil {
			return err
		}
		return tx.SetSyncCursor(ctx, s.WS, Source, "deals", cursorOf(objs))
	})
	return err
}

// dealChanges turns a deal's tracked properties' histories into changes.
func (s *Syncer) dealChanges(o Object, d journey.Deal) []store.ChangeRow {
	base := journey.Change{AccountID: d.AccountID, DealID: d.ID, Entity: "deal", EntityID: d.ID}
	render := map[string]func(string) string{"dealstage": same, "hubspot_owner_id": s.ownerName, "amount": moneyText, "closedate": dateOnly}
	var rows []store.ChangeRow
	for _, prop := range dealHistory {
		rows = append(rows, s.changesOf("deal", o.ID, prop, o.PropertiesWithHistory[prop], base, render[prop])...)
	}
	return rows
}

// dealLookup finds the deals of a page in three queries.
type dealLookup struct {
	known, merged map[string]journey.Deal
	byName        map[string]journey.Deal // account id + name → a deal imported from a file
}

func (s *Syncer) lookupDeals(ctx context.Context, tx *store.Tx, objs []Object, assoc map[string][]string) (dealLookup, error) {
	var ids, mergedIDs, accountIDs []string
	for _, o := range objs {
		ids = append(ids, o.ID)
		mergedIDs = append(mergedIDs, splitIDs(o.Prop("hs_merged_object_ids"))...)
		for _, c := range assoc[o.ID] {
			if a, ok := s.accountOf[c]; ok {
				accountIDs = append(accountIDs, a.ID)
			}
		}
	}
	var l dealLookup
	var err error
	if l.known, err = tx.DealsByExternal(ctx, s.WS, Source, ids); err != nil {
		return l, err
	}
	if l.merged, err = tx.DealsByExternal(ctx, s.WS, Source, mergedIDs); err != nil {
		return l, err
	}
	archived, err := tx.ArchivedExternal(ctx, s.WS, Source, "deal", mergedIDs)
	if err != nil {
		return l, err
	}
	for id := range archived {
		delete(l.merged, id) // archived already: nothing to take over
	}
	imported, err := tx.UnlinkedDeals(ctx, s.WS, accountIDs)
	if err != nil {
		return l, err
	}
	l.byName = map[string]journey.Deal{}
	dup := map[string]bool{}
	for _, d := range imported {
		k := d.AccountID + "\x00" + d.Name
		if _, ok := l.byName[k]; ok {
			dup[k] = true
		}
		l.byName[k] = d
	}
	for k := range dup {
		delete(l.byName, k) // two imported deals of one name: cannot say which
	}
	return l, nil
}

// kept reports whether a merged-away deal lives on in no deal of its own:
// taken over by the deal it was merged into, or never synced.
func (l dealLookup) kept(id string) bool {
	_, apart := l.merged[id]
	return !apart
}

// find returns a deal synced before, one merged into this one, or the one of
// the account imported from a file with the same name (which the HubSpot
// deal then owns).
func (l dealLookup) find(ctx context.Context, tx *store.Tx, ws string, o Object, accountID string) (journey.Deal, bool, error) {
	if d, ok := l.known[o.ID]; ok {
		return d, true, nil
	}
	adopt := func(d journey.Deal) (journey.Deal, bool, error) {
		if err := tx.AdoptDeal(ctx, ws, d.ID, Source, o.ID); err != nil {
			return d, false, err
		}
		d.Source, d.ExternalID = Source, o.ID
		return d, true, nil
	}
	for _, m := range splitIDs(o.Prop("hs_merged_object_ids")) {
		if d, ok := l.merged[m]; ok {
			delete(l.merged, m)
			return adopt(d)
		}
	}
	k := accountID + "\x00" + o.Prop("dealname")
	if d, ok := l.byName[k]; ok {
		delete(l.byName, k)
		return adopt(d)
	}
	return journey.Deal{}, false, nil
}

// stageSince is when the deal entered its current stage, from its history.
func stageSince(vs []PropertyVersion, stage string, def time.Time) time.Time {
	var at time.Time
	for _, v := range vs {
		if v.Value == stage && (at.IsZero() || v.Timestamp.Before(at)) {
			at = v.Timestamp
		}
	}
	if at.IsZero() {
		return def
	}
	return at
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// record stores the page's changes and queues a question for each new,
// recent change that deserves one: its reason, whether the customer was told
// of a new CSM, the handoff of a deal won.
func (s *Syncer) record(ctx context.Context, tx *store.Tx, rows []store.ChangeRow, pend pending) error {
	added, err := tx.AddChanges(ctx, s.WS, rows)
	if err != nil {
		return err
	}
	s.rep.Changes += len(added)
	if s.quiet {
		return nil
	}
	now := s.Now()
	accounts := map[string]journey.Account{}
	for _, a := range s.accountOf {
		accounts[a.ID] = a
	}
	for _, r := range added {
		c := r.Change
		if now.Sub(c.At) > journey.QuestionWindow {
			continue
		}
		acc := accounts[c.AccountID]
		def, _ := journey.ForSegment(s.defs, acc.Segment)
		dealOwner := ""
		if c.DealID != "" {
			if d, ok, err := tx.DealByExternal(ctx, s.WS, Source, strings.Split(r.ExternalID, ":")[1]); err == nil && ok {
				dealOwner = d.OwnerID
			}
		}
		for _, q := range journey.QuestionsFor(def, acc, dealOwner, c, pend.newCSM[r.ExternalID], now) {
			ok, err := tx.AddPrompt(ctx, s.WS, c.ID, q.Kind, q.PersonID)
			if err != nil {
				return err
			}
			if ok {
				s.rep.Prompts++
			}
		}
	}
	return nil
}
