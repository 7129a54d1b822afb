package hubspot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/crmtest"
	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/hubspotsim"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// now is the test date (testclock), 14:00 UTC on a Monday by default.
var now = testclock.Now()

type env struct {
	t   *testing.T
	s   *store.Store
	hs  *crmtest.HubSpot
	sim *hubspotsim.Server // hs.Server
	fx  hubspotsim.Fixture // hs.Fixture
	ws  journey.Workspace
	doc importer.Document // hs.Doc
}

func setup(t *testing.T) *env {
	t.Helper()
	s, ws, _ := pgtest.NewSampleStore(t, now)
	hs := crmtest.Start(t, "pat-test", now)
	return &env{t: t, s: s, hs: hs, sim: hs.Server, fx: hs.Fixture, ws: ws, doc: hs.Doc}
}

func (e *env) sync(token string) (hubspot.Report, error) {
	e.t.Helper()
	cfg := e.hs.Config()
	cfg.Token = token
	c, err := hubspot.NewClient(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return (&hubspot.Syncer{Client: c, Store: e.s, WS: e.ws.ID, Now: func() time.Time { return now }}).Run(ctx)
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.s.Pool().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) dealID(name string) string {
	e.t.Helper()
	return e.hs.Deal(e.t, name)
}

func TestFirstSyncAdoptsTheImportedBookAndRerunChangesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// a move made just before Journey was connected: recorded, nobody asked
	_ = e.sim.Set("deals", e.dealID("Acme Corp"), now.Add(-2*time.Hour), e.fx.UserOf["maya.patel@sample.example"], map[string]string{"dealstage": "closedlost"})
	_ = e.sim.Set("deals", e.dealID("Acme Corp"), now.Add(-time.Hour), e.fx.UserOf["maya.patel@sample.example"], map[string]string{"dealstage": "closedwon"})
	accounts := e.count(`SELECT count(*) FROM accounts`)
	deals := e.count(`SELECT count(*) FROM deals`)
	contacts := e.count(`SELECT count(*) FROM contacts`)
	changes := e.count(`SELECT count(*) FROM property_changes`)
	rep, err := e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read["deals"] != len(e.doc.Deals) || rep.Read["companies"] != len(e.doc.Accounts) {
		t.Fatalf("read %v, want every deal and company:\n%s", rep.Read, rep)
	}
	if got := e.count(`SELECT count(*) FROM accounts`); got != accounts {
		t.Errorf("accounts %d → %d: the imported ones should have been linked, not duplicated", accounts, got)
	}
	if got := e.count(`SELECT count(*) FROM deals`); got != deals {
		t.Errorf("deals %d → %d", deals, got)
	}
	if got := e.count(`SELECT count(*) FROM contacts`); got != contacts {
		t.Errorf("contacts %d → %d", contacts, got)
	}
	if got := e.count(`SELECT count(*) FROM accounts WHERE source = 'hubspot'`); got != accounts {
		t.Errorf("%d of %d accounts linked to HubSpot", got, accounts)
	}
	if got := e.count(`SELECT count(*) FROM property_changes`); got != changes+2 {
		t.Errorf("changes %d → %d: the two stage moves are recorded, values equal to what was imported are no change", changes, got)
	}
	if rep.Prompts != 0 || e.count(`SELECT count(*) FROM change_prompts`) != 0 {
		t.Errorf("the first sync asks nobody: %d questions", rep.Prompts)
	}
	// a second run: nothing new, and only the records modified since the cursor are read again
	rep2, err := e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Changes != 0 || rep2.Created["deals"] != 0 || rep2.Updated["deals"] != 0 || rep2.Prompts != 0 {
		t.Errorf("re-run wrote something:\n%s", rep2)
	}
	if rep2.Read["deals"] >= rep.Read["deals"] {
		t.Errorf("incremental run re-read %d deals of %d", rep2.Read["deals"], rep.Read["deals"])
	}
	// the records at the cursor were written already: nothing is read again in full
	e.sim.ResetCalls()
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	if per, total := e.sim.Calls(); per["batch read deals"]+per["batch read companies"]+per["associations deals companies"] != 0 || total != 8 {
		t.Errorf("a sync with nothing new should search and stop (owners, property, 3 searches, 3 archived listings): %v", per)
	}
}

func TestClosedLostToWonBecomesChangesAndAsksTheOwnerOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	id := e.dealID("Acme Corp")
	maya := e.fx.UserOf["maya.patel@sample.example"]
	if err := e.sim.Set("deals", id, now.Add(-26*time.Hour), maya, map[string]string{"dealstage": "closedlost"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Set("deals", id, now.Add(-time.Hour), maya, map[string]string{"dealstage": "closedwon", "amount": "52000"}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes != 3 {
		t.Errorf("want 3 changes (two stage moves, one amount), got %d:\n%s", rep.Changes, rep)
	}
	var old, newer, actor, reason string
	if err := e.s.Pool().QueryRow(context.Background(), `SELECT old_value, new_value, actor_name, reason FROM property_changes
		WHERE source = 'hubspot' AND field = 'stage' AND new_value = 'closedwon' AND external_id LIKE 'deal:%'`).Scan(&old, &newer, &actor, &reason); err != nil {
		t.Fatal(err)
	}
	if old != "closedlost" || actor != "Maya Patel" || reason != "" {
		t.Errorf("change %s → %s by %q reason %q", old, newer, actor, reason)
	}
	ws := e.ws.ID
	prompts, err := e.s.PendingPrompts(context.Background(), ws, 50)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, p := range prompts {
		kinds[p.Kind+":"+p.Change.Field+":"+p.Change.New] = p.Person.SlackUserID
	}
	for _, want := range []string{"reason:stage:closedwon", "reason:amount:52000.00", "handoff_ae:stage:closedwon"} {
		if kinds[want] != "U0REP1" {
			t.Errorf("want prompt %s to Maya (U0REP1), got %v", want, kinds)
		}
	}
	if _, ok := kinds["reason:stage:closedlost"]; ok {
		t.Error("a move to Closed Lost has its own reason in the CRM; it should not be asked")
	}
	if rep2, err := e.sync("pat-test"); err != nil || rep2.Changes != 0 || rep2.Prompts != 0 {
		t.Errorf("re-run: %v\n%s", err, rep2)
	}
}

func TestCSMReassignmentAsksTheNewCSM(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	globex := e.hs.Company(t, "Globex")
	dana := e.fx.UserOf["dana.whitfield@sample.example"]
	if err := e.sim.Set("companies", globex, now.Add(-2*time.Hour), dana, map[string]string{hubspotsim.CSMProperty: e.fx.OwnerOf["marcus.green@sample.example"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	var told, old, newer string
	if err := e.s.Pool().QueryRow(context.Background(), `SELECT customer_told, old_value, new_value FROM property_changes
		WHERE field = 'csm' AND source = 'hubspot' AND external_id LIKE 'company:%'`).Scan(&told, &old, &newer); err != nil {
		t.Fatal(err)
	}
	if told != journey.ToldNotYet || old != "Priya Raman" || newer != "Marcus Green" {
		t.Errorf("csm change %q → %q told %q", old, newer, told)
	}
	prompts, _ := e.s.PendingPrompts(context.Background(), e.ws.ID, 50)
	asked := map[string]string{}
	for _, p := range prompts {
		asked[p.Kind] = p.Person.SlackUserID
	}
	if asked["told"] != "U0CSM2" {
		t.Errorf("the new CSM (Marcus, U0CSM2) should be asked whether the customer was told: %v", asked)
	}
	if got := e.count(`SELECT count(*) FROM accounts a JOIN people p ON p.id = a.csm_id WHERE a.name = 'Globex' AND p.slack_user_id = 'U0CSM2'`); got != 1 {
		t.Error("Globex's CSM should now be Marcus")
	}
}

func TestFaultsKeepProgressAndSayWhatToDo(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// a 429 storm and 5xx are waited out
	e.sim.RateLimit(5, 0)
	e.sim.ServerErrors(3)
	rep, err := e.sync("pat-test")
	if err != nil {
		t.Fatalf("429s and 502s should be retried: %v", err)
	}
	if rep.Retries < 8 {
		t.Errorf("want at least 8 retries, got %d", rep.Retries)
	}
	// an expired token: a clear message, nothing lost
	e.sim.ExpireToken(true)
	_, err = e.sync("pat-test")
	if err == nil || !strings.Contains(err.Error(), "has expired") || !strings.Contains(err.Error(), "HUBSPOT_TOKEN") {
		t.Errorf("expired token: %v", err)
	}
	e.sim.ExpireToken(false)
	// a wrong token
	if _, err := e.sync("wrong"); err == nil || !strings.Contains(err.Error(), "was rejected") {
		t.Errorf("wrong token: %v", err)
	}
	// a missing scope is named
	e.sim.RevokeScope(hubspotsim.ScopeDeals)
	_, err = e.sync("pat-test")
	var he *hubspot.Error
	if !errors.As(err, &he) || he.Status != 403 || !strings.Contains(err.Error(), "crm.objects.deals.read") {
		t.Errorf("missing scope: %v", err)
	}
	e.sim.GrantScope(hubspotsim.ScopeDeals)
	// the daily limit stops the run and keeps the pages done
	e.sim.DailyLimit(0)
	if _, err := e.sync("pat-test"); !errors.Is(err, hubspot.ErrDailyLimit) {
		t.Errorf("daily limit: %v", err)
	}
	e.sim.DailyLimit(-1)
	// a 429 storm longer than the retries: the run stops, the cursor keeps what was done
	var before time.Time
	_ = e.s.Pool().QueryRow(context.Background(), `SELECT modified_after FROM crm_sync_cursors WHERE object_type = 'deals'`).Scan(&before)
	id := e.dealID("Acme Corp")
	_ = e.sim.Set("deals", id, now.Add(-time.Hour), 0, map[string]string{"closedate": now.AddDate(0, 0, 27).Format("2006-01-02") + "T00:00:00Z"})
	e.sim.RateLimit(100, 0)
	if _, err := e.sync("pat-test"); err == nil || !strings.Contains(err.Error(), "429") {
		t.Errorf("429 storm: %v", err)
	}
	e.sim.RateLimit(0, 0)
	rep, err = e.sync("pat-test")
	if err != nil || rep.Changes != 1 {
		t.Errorf("after the storm the close date push is synced once: %v\n%s", err, rep)
	}
}

func TestDeletedMergedMissingPropertyAndLongHistory(t *testing.T) {
	t.Parallel()
	e := setup(t)
	c, err := hubspot.NewClient(hubspot.Config{Token: "pat-test", BaseURL: e.sim.URL(), CSMProperty: "no_such_property", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&hubspot.Syncer{Client: c, Store: e.s, WS: e.ws.ID, Now: func() time.Time { return now }}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.String(), `"no_such_property"`) || !strings.Contains(rep.String(), "HUBSPOT_CSM_PROPERTY") {
		t.Errorf("a missing CSM property should be reported:\n%s", rep)
	}
	// a deal with thousands of stage values, one deleted, one merged into another
	acme := e.dealID("Acme Corp")
	for i := 0; i < 3000; i++ {
		st := []string{"decisionmakerboughtin", "contractsent"}[i%2]
		_ = e.sim.Set("deals", acme, now.Add(-time.Duration(3000-i)*time.Minute), 0, map[string]string{"dealstage": st})
	}
	globexDeal := e.dealID("Globex — EMEA")
	initech := e.dealID("Initech")
	e.sim.Merge("deals", globexDeal, e.dealID("Globex — Enterprise"), now.Add(-30*time.Minute))
	_ = e.sim.Set("deals", initech, now.Add(-20*time.Minute), 0, map[string]string{"amount": "1"})
	e.sim.Delete("deals", initech)
	rep, err = e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes < 3000 {
		t.Errorf("want the 3000 stage values as changes, got %d", rep.Changes)
	}
	if got := e.count(`SELECT count(*) FROM property_changes WHERE external_id LIKE 'deal:' || $1 || ':dealstage:%'`, acme); got != 3000 {
		t.Errorf("stored %d stage changes of Acme's deal, want 3000", got)
	}
	if rep2, err := e.sync("pat-test"); err != nil || rep2.Changes != 0 {
		t.Errorf("re-run: %v %d changes", err, rep2.Changes)
	}
}

func TestSearchPastItsResultCapStartsAgainFromTheCursor(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.sim.MaxSearchResults = 400
	e.sim.Generate(1000, 3, 2, now.AddDate(0, -1, 0))
	c, err := hubspot.NewClient(hubspot.Config{Token: "pat-test", BaseURL: e.sim.URL(), CSMProperty: hubspotsim.CSMProperty,
		Backoff: time.Millisecond, SearchMaxResults: 400})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&hubspot.Syncer{Client: c, Store: e.s, WS: e.ws.ID, Now: func() time.Time { return now }}).Run(context.Background())
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE external_id LIKE '2_____'`); got != 1000 {
		t.Errorf("synced %d of 1000 generated deals:\n%s", got, rep)
	}
	if got := e.count(`SELECT count(*) FROM property_changes WHERE external_id LIKE 'deal:2_____:dealstage:%'`); got != 1000 {
		t.Errorf("%d stage changes, want one per deal", got)
	}
}

func TestRecordDeletedBetweenSearchAndReadIsSkippedAndNamed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	acme, initech := e.dealID("Acme Corp"), e.dealID("Initech")
	_ = e.sim.Set("deals", acme, now.Add(-time.Hour), 0, map[string]string{"amount": "50000"})
	_ = e.sim.Set("deals", initech, now.Add(-time.Hour), 0, map[string]string{"amount": "1"})
	e.sim.DeleteAfterSearch("deals", initech)
	rep, err := e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.String(), "deals "+initech+": ") || !strings.Contains(rep.String(), "deleted or merged in HubSpot since it was listed") {
		t.Errorf("the deleted deal should be named:\n%s", rep)
	}
	if rep.Changes != 2 {
		t.Errorf("Acme's amount change is kept, the deleted deal's is not, and its deletion is recorded: %d changes", rep.Changes)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE source = 'hubspot' AND external_id = $1 AND archived_at IS NOT NULL`, initech); got != 1 {
		t.Error("the deleted deal is found among the archived ones in the same run and archived")
	}
}

func TestMergedIntoANewRecordKeepsTheDealAndItsHistory(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	acme := e.dealID("Acme Corp")
	company := e.hs.Company(t, "Acme Corp")
	deals := e.count(`SELECT count(*) FROM deals`)
	var dealID string
	_ = e.s.Pool().QueryRow(context.Background(), `SELECT id::text FROM deals WHERE source = 'hubspot' AND external_id = $1`, acme).Scan(&dealID)
	// the Acme deal is merged into a deal Journey has never seen
	e.sim.Put("deals", "777001", now.Add(-time.Hour), map[string]string{"dealname": "Acme Corp — Platform (60 seats)", "dealstage": "contractsent", "amount": "48000"})
	e.sim.Associate("777001", company)
	e.sim.Merge("deals", acme, "777001", now.Add(-30*time.Minute))
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM deals`); got != deals {
		t.Errorf("deals %d → %d: the merged deal should carry on as the same deal", deals, got)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE id = $1 AND external_id = '777001'`, dealID); got != 1 {
		t.Error("the deal should now be known by the surviving record's id")
	}
}

func TestCSMPropertyHoldingAnEmail(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	globex := e.hs.Company(t, "Globex")
	_ = e.sim.Set("companies", globex, now.Add(-time.Hour), 0, map[string]string{hubspotsim.CSMProperty: "Marcus.Green@sample.example"})
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM property_changes WHERE field = 'csm' AND new_value = 'Marcus Green' AND source = 'hubspot'`); got != 1 {
		t.Error("an email in the CSM property names the person")
	}
	if got := e.count(`SELECT count(*) FROM accounts a JOIN people p ON p.id = a.csm_id WHERE a.name = 'Globex' AND p.slack_user_id = 'U0CSM2'`); got != 1 {
		t.Error("and makes them the CSM")
	}
}

// After the sync adopts the imported book, importing the same file again
// updates the adopted records: it creates no second account, contact or
// deal.
func TestReimportAfterTheSyncAdoptedTheBook(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	counts := func() [3]int {
		return [3]int{e.count(`SELECT count(*) FROM accounts`), e.count(`SELECT count(*) FROM contacts`), e.count(`SELECT count(*) FROM deals`)}
	}
	before := counts()
	if e.count(`SELECT count(*) FROM accounts WHERE source = 'hubspot'`) == 0 {
		t.Fatal("the sync adopted no account; the test would prove nothing")
	}
	pgtest.ImportSample(t, e.s, now)
	if after := counts(); after != before {
		t.Errorf("accounts, contacts, deals: %v after importing again, want %v", after, before)
	}
}
