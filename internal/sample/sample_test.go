package sample

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/testclock"
)

// templateKeys are the milestone keys of the built-in journeys.
var templateKeys = map[string][]string{
	"saas-sales-led": {
		"pain_identified", "champion_identified", "why_now_established",
		"demo_held", "success_criteria_agreed", "economic_buyer_engaged",
		"proposal_sent", "security_review_passed", "legal_redlines_resolved",
		"contract_signed", "handoff_meeting_held", "handoff_doc_complete",
		"kickoff_held", "admin_configured", "users_trained", "first_value",
		"onboarding_survey", "first_qbr_held", "adoption_target_met",
		"expansion_need_identified", "expansion_sponsor_confirmed",
		"ebr_held", "renewal_verbal",
		"reference_given", "case_study_published",
	},
	"enterprise": {
		"pain_identified", "champion_identified", "why_now_established",
		"success_criteria_agreed", "economic_buyer_engaged", "technical_win", "mutual_action_plan",
		"business_case_approved", "exec_sponsor_met",
		"security_review_passed", "legal_redlines_resolved", "procurement_approved",
		"contract_signed", "csm_joined_late_calls", "handoff_meeting_held", "handoff_doc_complete",
		"kickoff_held", "onboarding_plan_agreed", "admin_configured", "users_trained", "first_value",
		"first_qbr_held", "adoption_target_met", "champions_every_level",
		"expansion_need_identified", "expansion_sponsor_confirmed",
		"renewal_risk_review", "ebr_held", "renewal_verbal",
		"reference_given", "case_study_published",
	},
	"smb-self-serve": {
		"signup", "activation_moment",
		"plan_selected", "payment_confirmed",
		"contract_signed", "handoff_doc_complete",
		"welcome_sent", "users_trained", "first_value",
		"adoption_target_met",
		"expansion_need_identified",
		"renewal_confirmed",
		"reference_given",
	},
}

var onboardingKeys = []string{"kickoff_held", "onboarding_plan_agreed", "admin_configured", "users_trained", "first_value", "welcome_sent"}

func templateFor(segment string) string {
	switch segment {
	case "enterprise":
		return "enterprise"
	case "smb":
		return "smb-self-serve"
	}
	return "saas-sales-led"
}

// clocks the tests run at: mid-month, the last day of a month, the first of
// one, a Saturday, the end of a year.
var clocks = []time.Time{
	time.Date(2026, 3, 18, 15, 4, 5, 0, time.UTC),
	time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC),
	time.Date(2026, 2, 1, 0, 0, 1, 0, time.UTC),
	time.Date(2026, 6, 6, 9, 30, 0, 0, time.UTC),
	time.Date(2026, 12, 31, 12, 0, 0, 0, time.FixedZone("EST", -5*3600)),
	testclock.Now(),
}

// fixture indexes one generated document.
type fixture struct {
	now, today  time.Time
	doc         importer.Document
	people      map[string]importer.PersonRecord // by email and by Slack id
	accounts    map[string]importer.AccountRecord
	byName      map[string]importer.AccountRecord
	contacts    map[string]importer.ContactRecord
	deals       map[string]importer.DealRecord
	events      map[string]importer.EventRecord
	personEmail map[string]string // email or Slack id → email
}

func load(t *testing.T, now time.Time) *fixture {
	t.Helper()
	f := &fixture{
		now: now, today: now.UTC().Truncate(24 * time.Hour), doc: Generate(now),
		people: map[string]importer.PersonRecord{}, accounts: map[string]importer.AccountRecord{},
		byName: map[string]importer.AccountRecord{}, contacts: map[string]importer.ContactRecord{},
		deals: map[string]importer.DealRecord{}, events: map[string]importer.EventRecord{},
		personEmail: map[string]string{},
	}
	for _, p := range f.doc.People {
		f.people[p.Email], f.people[p.SlackUserID] = p, p
		f.personEmail[p.Email], f.personEmail[p.SlackUserID] = p.Email, p.Email
	}
	for _, a := range f.doc.Accounts {
		f.accounts[a.ExternalID] = a
		f.byName[a.Name] = a
	}
	for _, c := range f.doc.Contacts {
		f.contacts[c.ExternalID] = c
	}
	for _, d := range f.doc.Deals {
		f.deals[d.ExternalID] = d
	}
	for _, e := range f.doc.Events {
		f.events[e.ExternalID] = e
	}
	return f
}

func (f *fixture) account(t *testing.T, name string) importer.AccountRecord {
	t.Helper()
	a, ok := f.byName[name]
	if !ok {
		t.Fatalf("no account %q", name)
	}
	return a
}

func (f *fixture) dealsOf(acc string) []importer.DealRecord {
	var out []importer.DealRecord
	for _, d := range f.doc.Deals {
		if d.Account == acc {
			out = append(out, d)
		}
	}
	return out
}

func (f *fixture) completions(acc, key string) []importer.CompletionRecord {
	var out []importer.CompletionRecord
	for _, c := range f.doc.Completions {
		if c.Account == acc && (key == "" || c.Milestone == key) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fixture) contactsOf(acc string) []importer.ContactRecord {
	var out []importer.ContactRecord
	for _, c := range f.doc.Contacts {
		if c.Account == acc {
			out = append(out, c)
		}
	}
	return out
}

func (f *fixture) contactByRole(t *testing.T, acc, role string) importer.ContactRecord {
	t.Helper()
	for _, c := range f.contactsOf(acc) {
		if c.BuyingRole == role {
			return c
		}
	}
	t.Fatalf("account %s has no %s", acc, role)
	return importer.ContactRecord{}
}

// engaged reports whether the event counts as the customer engaging: they
// wrote, or took part in a call or meeting.
func engaged(e importer.EventRecord) bool {
	return e.Direction == "inbound" || e.Kind == "call" || e.Kind == "meeting"
}

// lastEngaged is the newest engagement of a contact (or of the whole account
// when contact is empty), or the zero time.
func (f *fixture) lastEngaged(t *testing.T, acc, contact string) time.Time {
	t.Helper()
	var last time.Time
	for _, e := range f.doc.Events {
		if e.Account != acc || !engaged(e) || (contact != "" && e.Contact != contact) {
			continue
		}
		if tm := mustTime(t, e.At); tm.After(last) {
			last = tm
		}
	}
	return last
}

// lastAny is the newest event of any kind involving the contact.
func (f *fixture) lastAny(t *testing.T, acc, contact string) time.Time {
	t.Helper()
	var last time.Time
	for _, e := range f.doc.Events {
		if e.Account == acc && (contact == "" || e.Contact == contact) {
			if tm := mustTime(t, e.At); tm.After(last) {
				last = tm
			}
		}
	}
	return last
}

func (f *fixture) daysAgo(tm time.Time) float64 { return f.now.Sub(tm).Hours() / 24 }

func (f *fixture) overdue(t *testing.T, c importer.CommitmentRecord) bool {
	t.Helper()
	return c.Status == "open" && c.Due != "" && f.now.After(mustTimeOrDate(t, c.Due))
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad time %q: %v", s, err)
	}
	return tm
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return tm
}

func mustTimeOrDate(t *testing.T, s string) time.Time {
	t.Helper()
	if tm, err := time.Parse(time.DateOnly, s); err == nil {
		return tm
	}
	return mustTime(t, s)
}

func forEachClock(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, now := range clocks {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) { fn(t, load(t, now)) })
	}
}

func TestDeterministicPerDay(t *testing.T) {
	t.Parallel()
	morning := time.Date(2026, 3, 18, 0, 0, 0, 0, time.UTC)
	evening := time.Date(2026, 3, 18, 23, 59, 59, 0, time.UTC)
	a, err := JSON(morning)
	if err != nil {
		t.Fatal(err)
	}
	b, err := JSON(evening)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two runs on the same day differ")
	}
	c, err := JSON(evening.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Fatal("runs on different days are identical; dates should move with the clock")
	}
	var doc importer.Document
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatalf("JSON does not decode as a Document: %v", err)
	}
	if !bytes.Contains(a, []byte("\n  \"workspace\": {")) {
		t.Error("JSON is not indented")
	}
	if doc.Workspace.Name != "Sample Co" || doc.Workspace.SlackTeamID != "T0SAMPLE" {
		t.Errorf("workspace = %+v", doc.Workspace)
	}
}

func TestReferencesResolve(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		person := func(what, ref string) {
			t.Helper()
			if _, ok := f.people[ref]; !ok {
				t.Errorf("%s: person %q does not resolve", what, ref)
			}
		}
		account := func(what, ref string) {
			t.Helper()
			if _, ok := f.accounts[ref]; !ok {
				t.Errorf("%s: account %q does not resolve", what, ref)
			}
		}
		deal := func(what, acc, ref string) {
			t.Helper()
			if ref == "" {
				return
			}
			if d, ok := f.deals[ref]; !ok || d.Account != acc {
				t.Errorf("%s: deal %q does not resolve in account %s", what, ref, acc)
			}
		}
		event := func(what, acc, ref string) {
			t.Helper()
			if ref == "" {
				return
			}
			if e, ok := f.events[ref]; !ok || e.Account != acc {
				t.Errorf("%s: evidence event %q does not resolve in account %s", what, ref, acc)
			}
		}
		for _, p := range f.doc.People {
			if p.Manager != "" {
				person("manager of "+p.Email, p.Manager)
			}
		}
		for _, a := range f.doc.Accounts {
			person("owner of "+a.Name, a.Owner)
			if a.CSM != "" {
				person("csm of "+a.Name, a.CSM)
			}
		}
		for _, c := range f.doc.Contacts {
			account("contact "+c.ExternalID, c.Account)
		}
		for _, d := range f.doc.Deals {
			account("deal "+d.ExternalID, d.Account)
			person("deal owner "+d.ExternalID, d.Owner)
		}
		for _, e := range f.doc.Events {
			account("event "+e.ExternalID, e.Account)
			deal("event "+e.ExternalID, e.Account, e.Deal)
			if e.Contact != "" {
				if c, ok := f.contacts[e.Contact]; !ok || c.Account != e.Account {
					t.Errorf("event %s: contact %q does not resolve in account %s", e.ExternalID, e.Contact, e.Account)
				}
			}
			person("event actor "+e.ExternalID, e.Actor)
		}
		for i, c := range f.doc.Completions {
			what := fmt.Sprintf("completion %d (%s)", i, c.Milestone)
			account(what, c.Account)
			deal(what, c.Account, c.Deal)
			event(what, c.Account, c.Evidence)
		}
		for _, c := range f.doc.Changes {
			account("change "+c.ExternalID, c.Account)
			deal("change "+c.ExternalID, c.Account, c.Deal)
			person("change actor "+c.ExternalID, c.Actor)
		}
		for _, c := range f.doc.Commitments {
			account("commitment "+c.ExternalID, c.Account)
			deal("commitment "+c.ExternalID, c.Account, c.Deal)
			event("commitment "+c.ExternalID, c.Account, c.Evidence)
			if c.Side == "us" {
				person("commitment owner "+c.ExternalID, c.Owner)
			}
		}
		for _, w := range f.doc.WaitingOn {
			account("wait "+w.ExternalID, w.Account)
			deal("wait "+w.ExternalID, w.Account, w.Deal)
			event("wait "+w.ExternalID, w.Account, w.Evidence)
		}
	})
}

func TestExternalIDsUnique(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		check := func(kind string, ids []string) {
			t.Helper()
			seen := map[string]bool{}
			for _, id := range ids {
				if id == "" {
					t.Errorf("%s with an empty external id", kind)
				}
				if seen[id] {
					t.Errorf("%s external id %q used twice", kind, id)
				}
				seen[id] = true
			}
		}
		var ids [7][]string
		for _, r := range f.doc.Accounts {
			ids[0] = append(ids[0], r.ExternalID)
		}
		for _, r := range f.doc.Contacts {
			ids[1] = append(ids[1], r.ExternalID)
		}
		for _, r := range f.doc.Deals {
			ids[2] = append(ids[2], r.ExternalID)
		}
		for _, r := range f.doc.Events {
			ids[3] = append(ids[3], r.ExternalID)
		}
		for _, r := range f.doc.Changes {
			ids[4] = append(ids[4], r.ExternalID)
		}
		for _, r := range f.doc.Commitments {
			ids[5] = append(ids[5], r.ExternalID)
		}
		for _, r := range f.doc.WaitingOn {
			ids[6] = append(ids[6], r.ExternalID)
		}
		for i, kind := range []string{"account", "contact", "deal", "event", "change", "commitment", "wait"} {
			check(kind, ids[i])
		}
		var emails, slack, names []string
		for _, p := range f.doc.People {
			emails, slack = append(emails, p.Email), append(slack, p.SlackUserID)
		}
		for _, a := range f.doc.Accounts {
			names = append(names, a.Name)
		}
		check("person email", emails)
		check("person Slack id", slack)
		check("account name", names)
		for _, a := range f.doc.Accounts {
			var mails []string
			for _, c := range f.contactsOf(a.ExternalID) {
				mails = append(mails, c.Email)
			}
			check("contact email at "+a.Name, mails)
		}
	})
}

func TestMilestoneKeysBelongToTemplate(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		for _, c := range f.doc.Completions {
			a := f.accounts[c.Account]
			tpl := templateFor(a.Segment)
			if !slices.Contains(templateKeys[tpl], c.Milestone) {
				t.Errorf("%s (%s → %s): milestone %q is not in the template", a.Name, a.Segment, tpl, c.Milestone)
			}
		}
	})
}

func TestFormatsAndVocabulary(t *testing.T) {
	t.Parallel()
	personas := []string{"exec", "revops", "cs_lead", "it", "end_user", "finance", "legal", "procurement"}
	roles := []string{"champion", "economic_buyer", "decision_maker", "influencer", "user", "technical_owner"}
	stages := []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"}
	zones := []string{"America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"}
	forEachClock(t, func(t *testing.T, f *fixture) {
		past := func(what, s string) {
			t.Helper()
			if tm := mustTime(t, s); tm.After(f.now) || !strings.HasSuffix(s, "Z") {
				t.Errorf("%s: %s is in the future or not UTC", what, s)
			}
		}
		counts := map[string]int{}
		zonesSeen := map[string]bool{}
		for _, p := range f.doc.People {
			counts[p.Role]++
			zonesSeen[p.TimeZone] = true
			if !slices.Contains(zones, p.TimeZone) || !strings.HasSuffix(p.Email, "@sample.example") || !strings.HasPrefix(p.SlackUserID, "U0") {
				t.Errorf("person %+v", p)
			}
			if p.Role == "rep" && f.people[p.Manager].Role != "manager" {
				t.Errorf("rep %s is not managed by the manager", p.Name)
			}
			if p.Role == "csm" && f.people[p.Manager].Role != "manager" {
				t.Errorf("CSM %s has no manager", p.Name)
			}
		}
		if counts["rep"] != 3 || counts["manager"] != 1 || counts["csm"] != 2 || counts["admin"] != 1 {
			t.Errorf("roles = %v", counts)
		}
		if len(zonesSeen) != len(zones) {
			t.Errorf("time zones used: %v", zonesSeen)
		}
		for _, a := range f.doc.Accounts {
			if !slices.Contains([]string{"enterprise", "mid_market", "smb"}, a.Segment) {
				t.Errorf("%s: segment %q", a.Name, a.Segment)
			}
			if f.people[a.Owner].Role != "rep" {
				t.Errorf("%s: owner %s is not a rep", a.Name, a.Owner)
			}
			if a.CSM != "" && f.people[a.CSM].Role != "csm" {
				t.Errorf("%s: CSM %s is not a CSM", a.Name, a.CSM)
			}
			if a.RenewalDate != "" {
				mustDate(t, a.RenewalDate)
			}
			past("account "+a.Name, a.CreatedAt)
			if a.Domain == "" || a.Currency != "USD" {
				t.Errorf("%s: domain %q currency %q", a.Name, a.Domain, a.Currency)
			}
		}
		for _, c := range f.doc.Contacts {
			if !slices.Contains(personas, c.Persona) || !slices.Contains(roles, c.BuyingRole) || c.Title == "" || !strings.Contains(c.Email, "@") {
				t.Errorf("contact %+v", c)
			}
		}
		for _, d := range f.doc.Deals {
			if !slices.Contains(stages, d.Stage) || !slices.Contains([]string{"new", "expansion", "renewal"}, d.Kind) || d.Amount <= 0 {
				t.Errorf("deal %+v", d)
			}
			mustDate(t, d.CloseDate)
			past("deal "+d.ExternalID, d.CreatedAt)
			closed := d.Stage == "closedwon" || d.Stage == "closedlost"
			if closed != (d.ClosedAt != "") {
				t.Errorf("deal %s: stage %s with closed_at %q", d.ExternalID, d.Stage, d.ClosedAt)
			}
			if d.ClosedAt != "" {
				past("deal closed "+d.ExternalID, d.ClosedAt)
			}
			if d.Source != "hubspot" || !strings.HasPrefix(d.ExternalID, "hs-deal-") {
				t.Errorf("deal %s: source %q", d.ExternalID, d.Source)
			}
		}
		for _, e := range f.doc.Events {
			past("event "+e.ExternalID, e.At)
			if !slices.Contains([]string{"message", "email", "call", "meeting", "note"}, e.Kind) ||
				!slices.Contains([]string{"inbound", "outbound", ""}, e.Direction) || e.Text == "" || strings.Contains(e.Text, "{") {
				t.Errorf("event %+v", e)
			}
			if e.Direction == "inbound" && e.Contact == "" {
				t.Errorf("inbound event %s without a contact", e.ExternalID)
			}
			if e.Kind == "message" && (e.Source != "slack" || !strings.HasPrefix(e.Link, "https://sample.slack.com/archives/C0")) {
				t.Errorf("message %s: source %q link %q", e.ExternalID, e.Source, e.Link)
			}
		}
		for _, c := range f.doc.Completions {
			past("completion "+c.Milestone, c.At)
			if c.Persona != "" && !slices.Contains(personas, c.Persona) {
				t.Errorf("completion persona %q", c.Persona)
			}
			if c.Evidence != "" && f.events[c.Evidence].At > c.At {
				t.Errorf("completion %s at %s precedes its evidence", c.Milestone, c.At)
			}
		}
		for _, c := range f.doc.Changes {
			past("change "+c.ExternalID, c.At)
			if c.Field == "close_date" {
				mustDate(t, c.Old)
				mustDate(t, c.New)
			}
		}
		for _, c := range f.doc.Commitments {
			past("commitment "+c.ExternalID, c.CreatedAt)
			mustTimeOrDate(t, c.Due)
			if !slices.Contains([]string{"us", "customer"}, c.Side) || (c.Status == "done") != (c.DoneAt != "") {
				t.Errorf("commitment %+v", c)
			}
		}
		for _, w := range f.doc.WaitingOn {
			past("wait "+w.ExternalID, w.Since)
			if !slices.Contains([]string{"us", "customer"}, w.Waiter) {
				t.Errorf("wait %+v", w)
			}
		}
	})
}

func TestBookShape(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		if n := len(f.doc.Accounts); n < 23 || n > 27 {
			t.Errorf("%d accounts, want about 25", n)
		}
		segments := map[string]int{}
		withChampion, withEB := 0, 0
		for _, a := range f.doc.Accounts {
			segments[a.Segment]++
			cs := f.contactsOf(a.ExternalID)
			if len(cs) < 3 || len(cs) > 7 {
				t.Errorf("%s has %d contacts", a.Name, len(cs))
			}
			for _, c := range cs {
				if c.BuyingRole == "champion" {
					withChampion++
					break
				}
			}
			for _, c := range cs {
				if c.BuyingRole == "economic_buyer" {
					withEB++
					break
				}
			}
			customer := false
			for _, d := range f.dealsOf(a.ExternalID) {
				customer = customer || d.Stage == "closedwon"
			}
			if customer && (a.CSM == "" || a.ARR <= 0 || a.RenewalDate == "") {
				t.Errorf("customer %s lacks CSM, ARR or renewal date", a.Name)
			}
		}
		if len(segments) != 3 {
			t.Errorf("segments = %v", segments)
		}
		if n := len(f.doc.Accounts); withChampion*10 < n*8 || withEB*10 < n*8 {
			t.Errorf("%d/%d accounts have a champion, %d an economic buyer", withChampion, n, withEB)
		}

		// Deals.
		openNew := map[string]int{}
		closingThisMonth, pastDue, lost, renewals, openExp, recentExpWon := 0, 0, 0, 0, 0, 0
		for _, d := range f.doc.Deals {
			open := d.Stage != "closedwon" && d.Stage != "closedlost"
			close := mustDate(t, d.CloseDate)
			if open && d.Kind == "new" {
				openNew[d.Stage]++
			}
			if open && !close.Before(f.today) && close.Month() == f.today.Month() && close.Year() == f.today.Year() {
				closingThisMonth++
			}
			if open && close.Before(f.today) {
				pastDue++
			}
			if d.Stage == "closedlost" {
				lost++
			}
			if d.Kind == "renewal" {
				renewals++
			}
			if d.Kind == "expansion" && open {
				openExp++
			}
			if d.Kind == "expansion" && d.Stage == "closedwon" && f.daysAgo(mustTime(t, d.ClosedAt)) <= 21 {
				recentExpWon++
			}
		}
		for _, s := range []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"} {
			if openNew[s] == 0 {
				t.Errorf("no open new deal at %s", s)
			}
		}
		if closingThisMonth < 3 || pastDue < 1 || lost < 2 || renewals < 2 || openExp < 2 || recentExpWon != 1 {
			t.Errorf("closing this month %d, past due %d, lost %d, renewals %d, open expansions %d, expansions won in 3 weeks %d",
				closingThisMonth, pastDue, lost, renewals, openExp, recentExpWon)
		}

		// Events: about three months, 600–1,200 of them.
		n := len(f.doc.Events)
		if n < 600 || n > 1200 {
			t.Errorf("%d events, want 600–1,200", n)
		}
		first := mustTime(t, f.doc.Events[0].At)
		last := mustTime(t, f.doc.Events[n-1].At)
		if d := f.daysAgo(first); d < 80 || d > 95 {
			t.Errorf("first event %.0f days ago, want about 90", d)
		}
		if d := f.daysAgo(last); d > 3 {
			t.Errorf("last event %.0f days ago", d)
		}
		kinds := map[string]int{}
		for _, e := range f.doc.Events {
			kinds[e.Kind]++
		}
		for _, k := range []string{"message", "email", "call", "meeting", "note"} {
			if kinds[k] < 20 {
				t.Errorf("only %d %s events", kinds[k], k)
			}
		}

		// Silent champions and quiet accounts.
		silentChampions, quietAccounts := 0, 0
		for _, a := range f.doc.Accounts {
			for _, c := range f.contactsOf(a.ExternalID) {
				if c.BuyingRole == "champion" && f.daysAgo(f.lastEngaged(t, a.ExternalID, c.ExternalID)) >= 14 {
					silentChampions++
				}
			}
			if f.daysAgo(f.lastAny(t, a.ExternalID, "")) >= 30 {
				quietAccounts++
			}
		}
		if silentChampions < 3 || quietAccounts < 2 {
			t.Errorf("%d champions silent 14+ days, %d accounts quiet for a month", silentChampions, quietAccounts)
		}

		// Commitments and waits.
		var overdue, done, openSides, waitKinds = 0, 0, map[string]bool{}, map[string]bool{}
		for _, c := range f.doc.Commitments {
			if f.overdue(t, c) {
				overdue++
			}
			if c.Status == "done" {
				done++
			}
			openSides[c.Side] = true
		}
		for _, w := range f.doc.WaitingOn {
			waitKinds[fmt.Sprintf("%s %t", w.Waiter, w.ResolvedAt == "")] = true
		}
		if overdue < 1 || done < 1 || len(openSides) != 2 {
			t.Errorf("%d overdue commitments, %d done, sides %v", overdue, done, openSides)
		}
		if !waitKinds["customer true"] || !waitKinds["customer false"] || !waitKinds["us true"] {
			t.Errorf("waits: %v", waitKinds)
		}

		// Changes of every kind, with and without reasons.
		fields := map[string]int{}
		reasons := map[bool]int{}
		for _, c := range f.doc.Changes {
			fields[c.Field]++
			reasons[c.Reason == ""]++
		}
		for _, k := range []string{"stage", "close_date", "amount", "seats", "owner", "csm"} {
			if fields[k] == 0 {
				t.Errorf("no %s change", k)
			}
		}
		if reasons[true] == 0 || reasons[false] == 0 {
			t.Errorf("reasons: %v", reasons)
		}
	})
}

func TestSpecialChanges(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		var csm, revived []importer.ChangeRecord
		for _, c := range f.doc.Changes {
			if c.Field == "csm" {
				csm = append(csm, c)
			}
			if c.Field == "stage" && c.Old == "closedlost" && c.New == "closedwon" {
				revived = append(revived, c)
			}
		}
		if len(csm) != 1 {
			t.Fatalf("%d csm changes, want exactly 1", len(csm))
		}
		c := csm[0]
		globex := f.account(t, "Globex")
		if c.Account != globex.ExternalID || c.Deal != "" || c.Reason != "" ||
			f.people[c.Old].Role != "csm" || f.people[c.New].Role != "csm" || c.Old == c.New || c.New != globex.CSM {
			t.Errorf("csm change %+v", c)
		}
		if len(revived) != 1 {
			t.Fatalf("%d closedlost → closedwon changes, want exactly 1", len(revived))
		}
		r := revived[0]
		initech := f.account(t, "Initech")
		if r.Account != initech.ExternalID || r.Reason != "" || r.Deal == "" || f.daysAgo(mustTime(t, r.At)) > 14 {
			t.Errorf("closedlost → closedwon change %+v", r)
		}
		if d := f.deals[r.Deal]; d.Stage != "closedwon" {
			t.Errorf("revived deal is at %s", d.Stage)
		}
	})
}

func TestScenarioAcme(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		a := f.account(t, "Acme Corp")
		if a.Segment != "mid_market" || f.people[a.Owner].Role != "rep" {
			t.Errorf("Acme: %+v", a)
		}
		var deal importer.DealRecord
		for _, d := range f.dealsOf(a.ExternalID) {
			if d.Kind == "new" && d.Stage == "contractsent" {
				deal = d
			}
		}
		if deal.ExternalID == "" {
			t.Fatal("Acme has no new deal at contractsent")
		}
		if deal.Amount < 45000 || deal.Amount > 50000 || deal.Currency != "USD" {
			t.Errorf("Acme amount %v %s", deal.Amount, deal.Currency)
		}
		close := mustDate(t, deal.CloseDate)
		if close.Before(f.today) || close.Month() != f.today.Month() {
			t.Errorf("Acme closes %s, want later this month (today %s)", deal.CloseDate, f.today.Format(time.DateOnly))
		}
		if len(f.completions(a.ExternalID, "success_criteria_agreed")) != 0 {
			t.Error("Acme has success_criteria_agreed done")
		}
		if len(f.completions(a.ExternalID, "proposal_sent")) != 1 {
			t.Error("Acme has not reached proposal")
		}
		champ := f.contactByRole(t, a.ExternalID, "champion")
		if d := f.daysAgo(f.lastEngaged(t, a.ExternalID, champ.ExternalID)); d > 3 {
			t.Errorf("Acme champion last engaged %.1f days ago", d)
		}
		eb := f.contactByRole(t, a.ExternalID, "economic_buyer")
		last := f.lastAny(t, a.ExternalID, eb.ExternalID)
		if last.IsZero() || f.daysAgo(last) < 20 {
			t.Errorf("Acme economic buyer last seen %v, want 20+ days ago", last)
		}
		var soc2 *importer.CommitmentRecord
		for i, c := range f.doc.Commitments {
			if c.Account == a.ExternalID && c.What == "Send the SOC 2 Type II report" {
				soc2 = &f.doc.Commitments[i]
			}
		}
		if soc2 == nil {
			t.Fatal("no SOC 2 commitment at Acme")
		}
		if soc2.Side != "us" || !f.overdue(t, *soc2) || soc2.Evidence == "" ||
			!mustTimeOrDate(t, soc2.Due).Equal(f.today.AddDate(0, 0, -3)) {
			t.Errorf("SOC 2 commitment %+v", *soc2)
		}
		waiting := false
		for _, w := range f.doc.WaitingOn {
			waiting = waiting || (w.Account == a.ExternalID && w.Waiter == "customer" && w.ResolvedAt == "" && strings.Contains(w.What, "SOC 2"))
		}
		if !waiting {
			t.Error("Acme is not waiting on us for the SOC 2 report")
		}
		var pushes []importer.ChangeRecord
		for _, c := range f.doc.Changes {
			if c.Deal == deal.ExternalID && c.Field == "close_date" {
				pushes = append(pushes, c)
			}
		}
		if len(pushes) != 1 || pushes[0].Reason != "" || pushes[0].New != deal.CloseDate || pushes[0].Old >= pushes[0].New {
			t.Errorf("Acme close-date pushes: %+v", pushes)
		}
		personas := map[string]bool{}
		for _, c := range f.contactsOf(a.ExternalID) {
			if c.BuyingRole != "champion" {
				personas[c.Persona] = true
			}
		}
		if !personas["revops"] || !personas["cs_lead"] {
			t.Errorf("Acme personas besides the champion: %v", personas)
		}
	})
}

func TestScenarioGlobex(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		a := f.account(t, "Globex")
		if a.Segment != "enterprise" {
			t.Errorf("Globex segment %s", a.Segment)
		}
		var won, expansion importer.DealRecord
		for _, d := range f.dealsOf(a.ExternalID) {
			switch {
			case d.Kind == "new" && d.Stage == "closedwon":
				won = d
			case d.Kind == "expansion" && d.Stage == "closedwon":
				expansion = d
			}
		}
		if won.ExternalID == "" || expansion.ExternalID == "" {
			t.Fatal("Globex lacks the won deal or the won expansion")
		}
		if d := f.daysAgo(mustTime(t, won.ClosedAt)); d < 135 || d > 165 {
			t.Errorf("Globex customer for %.0f days, want about 5 months", d)
		}
		expWon := mustTime(t, expansion.ClosedAt)
		if d := f.daysAgo(expWon); d < 10 || d > 21 {
			t.Errorf("Globex expansion won %.0f days ago, want about 2 weeks", d)
		}
		for _, key := range []string{"kickoff_held", "admin_configured", "users_trained", "first_value", "first_qbr_held", "adoption_target_met"} {
			if len(f.completions(a.ExternalID, key)) == 0 {
				t.Errorf("Globex: %s not done", key)
			}
		}
		for _, c := range f.completions(a.ExternalID, "") {
			if slices.Contains(onboardingKeys, c.Milestone) && mustTime(t, c.At).After(expWon) {
				t.Errorf("Globex: onboarding milestone %s done after the expansion closed", c.Milestone)
			}
		}
	})
}

func TestScenarioUmbrella(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		a := f.account(t, "Umbrella Health")
		if a.Segment != "mid_market" || a.CSM == "" {
			t.Errorf("Umbrella: %+v", a)
		}
		qbr := f.completions(a.ExternalID, "first_qbr_held")
		if len(qbr) != 1 || qbr[0].Persona != "exec" {
			t.Errorf("first_qbr_held: %+v", qbr)
		}
		for _, c := range f.completions(a.ExternalID, "users_trained") {
			if c.Persona != "end_user" {
				t.Errorf("users_trained done for persona %q", c.Persona)
			}
		}
		if len(f.completions(a.ExternalID, "users_trained")) == 0 {
			t.Error("users_trained not done for end users")
		}
		for _, c := range f.completions(a.ExternalID, "first_value") {
			if c.Persona == "" || c.Persona == "cs_lead" {
				t.Errorf("first_value done for persona %q; the CS lead must lag", c.Persona)
			}
		}
		for _, c := range f.doc.Commitments {
			if c.Account == a.ExternalID && f.overdue(t, c) {
				t.Errorf("Umbrella has an overdue commitment: %s", c.What)
			}
		}
		champ := f.contactByRole(t, a.ExternalID, "champion")
		if d := f.daysAgo(f.lastEngaged(t, a.ExternalID, champ.ExternalID)); d > 7 {
			t.Errorf("Umbrella champion last engaged %.1f days ago", d)
		}
		hasCSLead := false
		for _, c := range f.contactsOf(a.ExternalID) {
			hasCSLead = hasCSLead || c.Persona == "cs_lead"
		}
		if !hasCSLead {
			t.Error("Umbrella has no cs_lead contact")
		}
		var won bool
		for _, d := range f.dealsOf(a.ExternalID) {
			won = won || d.Stage == "closedwon"
		}
		if !won {
			t.Error("Umbrella is not a customer")
		}
	})
}

func TestScenarioRenewalsGrowthRisk(t *testing.T) {
	t.Parallel()
	forEachClock(t, func(t *testing.T, f *fixture) {
		renewingWithoutEBR := 0
		for _, a := range f.doc.Accounts {
			if a.RenewalDate == "" || templateFor(a.Segment) == "smb-self-serve" {
				continue
			}
			days := mustDate(t, a.RenewalDate).Sub(f.today).Hours() / 24
			if days >= 0 && days <= 90 && len(f.completions(a.ExternalID, "ebr_held")) == 0 {
				renewingWithoutEBR++
			}
		}
		if renewingWithoutEBR < 2 {
			t.Errorf("%d customers renew within 90 days without an EBR", renewingWithoutEBR)
		}

		// Growth: Hooli has an open expansion and the busiest recent timeline.
		hooli := f.account(t, "Hooli")
		openExp := false
		for _, d := range f.dealsOf(hooli.ExternalID) {
			openExp = openExp || (d.Kind == "expansion" && d.Stage != "closedwon" && d.Stage != "closedlost")
		}
		if !openExp {
			t.Error("Hooli has no open expansion deal")
		}
		recent := map[string]int{}
		for _, e := range f.doc.Events {
			if engaged(e) && f.daysAgo(mustTime(t, e.At)) <= 30 {
				recent[e.Account]++
			}
		}
		for id, n := range recent {
			if n > recent[hooli.ExternalID] {
				t.Errorf("%s has more engagement in 30 days (%d) than Hooli (%d)", f.accounts[id].Name, n, recent[hooli.ExternalID])
			}
		}

		// Risk: Soylent silent 30+ days with overdue promises from us.
		soylent := f.account(t, "Soylent Systems")
		if last := f.lastAny(t, soylent.ExternalID, ""); f.daysAgo(last) < 30 {
			t.Errorf("Soylent last event %.0f days ago", f.daysAgo(last))
		}
		overdue := 0
		for _, c := range f.doc.Commitments {
			if c.Account == soylent.ExternalID && c.Side == "us" && f.overdue(t, c) {
				overdue++
			}
		}
		if overdue < 1 {
			t.Error("Soylent has no overdue promise from us")
		}
	})
}

func TestAtLeastOneOverdueOpenCommitment(t *testing.T) {
	t.Parallel()
	f := load(t, clocks[0])
	for _, c := range f.doc.Commitments {
		if f.overdue(t, c) {
			return
		}
	}
	t.Fatal("no overdue open commitment")
}
