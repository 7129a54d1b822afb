package hubspot_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDeletedInHubSpotIsArchivedOnceAndLeavesTheBook: a deal and a contact
// deleted in HubSpot are archived in Journey after one sync, with the time
// HubSpot archived them and one change each; a second sync writes nothing,
// and the deal no longer counts in the book.
func TestDeletedInHubSpotIsArchivedOnceAndLeavesTheBook(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	deal := e.dealID("Initech")
	// the sample's contact hs-contact-5001 is HubSpot contact 5001
	contact := strings.TrimPrefix(e.doc.Contacts[0].ExternalID, "hs-contact-")
	var dealID, accountID, contactID string
	if err := e.s.Pool().QueryRow(ctx, `SELECT id::text, account_id::text FROM deals WHERE source = 'hubspot' AND external_id = $1`, deal).Scan(&dealID, &accountID); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Pool().QueryRow(ctx, `SELECT id::text FROM contacts WHERE source = 'hubspot' AND external_id = $1`, contact).Scan(&contactID); err != nil {
		t.Fatalf("contact %s: %v", contact, err)
	}
	dealAt, contactAt := now.Add(-30*time.Minute), now.Add(-20*time.Minute)
	e.sim.DeleteAt("deals", deal, dealAt)
	e.sim.DeleteAt("contacts", contact, contactAt)
	// a large archived listing: 150 deals Journey never saw, deleted too
	for i := 0; i < 150; i++ {
		id := strconv.Itoa(880000 + i)
		e.sim.Put("deals", id, now.Add(-48*time.Hour), map[string]string{"dealname": "Scratch " + id, "dealstage": "appointmentscheduled"})
		e.sim.DeleteAt("deals", id, now.Add(-47*time.Hour))
	}
	e.sim.ResetCalls()
	rep, err := e.sync("pat-test")
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	if rep.Archived["deals"] != 1 || rep.Archived["contacts"] != 1 || rep.Archived["companies"] != 0 {
		t.Errorf("archived %v, want one deal and one contact", rep.Archived)
	}
	if !strings.Contains(rep.String(), "deleted or merged in HubSpot, now archived: contacts 1, deals 1") {
		t.Errorf("the report should say what was archived:\n%s", rep)
	}
	if per, _ := e.sim.Calls(); per["list deals"] != 2 || per["list contacts"] != 1 || per["list companies"] != 1 {
		t.Errorf("the archived listings should be paged through, 100 at a time: %v", per)
	}
	var at time.Time
	if err := e.s.Pool().QueryRow(ctx, `SELECT archived_at FROM deals WHERE id = $1`, dealID).Scan(&at); err != nil || !at.Equal(dealAt) {
		t.Errorf("deal archived at %v (%v), want %v", at, err, dealAt)
	}
	if err := e.s.Pool().QueryRow(ctx, `SELECT archived_at FROM contacts WHERE id = $1`, contactID).Scan(&at); err != nil || !at.Equal(contactAt) {
		t.Errorf("contact archived at %v (%v), want %v", at, err, contactAt)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE archived_at IS NOT NULL`) + e.count(`SELECT count(*) FROM contacts WHERE archived_at IS NOT NULL`); got != 2 {
		t.Errorf("%d records archived, want 2", got)
	}
	const changes = `SELECT count(*) FROM property_changes WHERE field = 'archived' AND source = 'hubspot'
		AND ((entity = 'deal' AND deal_id = $1 AND entity_id = $1 AND changed_at = $3) OR (entity = 'contact' AND entity_id = $2 AND changed_at = $4))
		AND new_value = 'deleted in HubSpot'`
	if got := e.count(changes, dealID, contactID, dealAt, contactAt); got != 2 {
		t.Errorf("%d archive changes, want one for the deal and one for the contact", got)
	}
	book, err := e.s.LoadBook(ctx, e.ws.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range book {
		for _, d := range a.Deals {
			if d.ID == dealID {
				t.Error("the deleted deal still counts in the book")
			}
		}
		for _, c := range a.Contacts {
			if c.ID == contactID {
				t.Error("the deleted contact is still in the book")
			}
		}
	}

	rep, err = e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes != 0 || len(rep.Archived) != 0 {
		t.Errorf("re-run wrote %d changes, archived %v", rep.Changes, rep.Archived)
	}
	if got := e.count(`SELECT count(*) FROM property_changes WHERE field = 'archived'`); got != 2 {
		t.Errorf("%d archive changes after a re-run, want 2", got)
	}

	// restored from HubSpot's recycling bin: alive again, said once
	e.sim.Restore("deals", deal, now.Add(-10*time.Minute))
	rep, err = e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Restored["deals"] != 1 || !strings.Contains(rep.String(), "restored in HubSpot, no longer archived: deals 1") {
		t.Errorf("the restored deal should be reported:\n%s", rep)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE id = $1 AND archived_at IS NULL`, dealID); got != 1 {
		t.Error("the restored deal should be alive again")
	}
	if got := e.count(`SELECT count(*) FROM property_changes WHERE deal_id = $1 AND field = 'archived' AND new_value = 'restored in HubSpot'`, dealID); got != 1 {
		t.Error("one change should say the deal was restored")
	}
	if rep, err := e.sync("pat-test"); err != nil || rep.Changes != 0 || len(rep.Restored) != 0 {
		t.Errorf("re-run after the restore: %v, %d changes, restored %v", err, rep.Changes, rep.Restored)
	}
	book, err = e.s.LoadBook(ctx, e.ws.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range book {
		for _, d := range a.Deals {
			found = found || d.ID == dealID
		}
	}
	if !found {
		t.Error("the restored deal should count in the book again")
	}
}

// TestMergedAwayRecordLivingApartIsArchived: when HubSpot merges one deal
// Journey knows into another it knows, the merged-away deal is archived
// with a change naming the survivor; a record merged away is never listed
// as archived, so only the survivor's hs_merged_object_ids says so.
func TestMergedAwayRecordLivingApartIsArchived(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	from, into := e.dealID("Globex — EMEA"), e.dealID("Globex — Enterprise")
	e.sim.Merge("deals", from, into, now.Add(-30*time.Minute))
	rep, err := e.sync("pat-test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Archived["deals"] != 1 {
		t.Errorf("archived %v, want the merged-away deal", rep.Archived)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE external_id = $1 AND archived_at IS NOT NULL`, from); got != 1 {
		t.Error("the merged-away deal should be archived")
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE external_id = $1 AND archived_at IS NULL`, into); got != 1 {
		t.Error("the surviving deal stays alive")
	}
	if got := e.count(`SELECT count(*) FROM property_changes WHERE field = 'archived' AND new_value = $1`, "merged into HubSpot record "+into); got != 1 {
		t.Error("one change should say what it was merged into")
	}
	if rep, err := e.sync("pat-test"); err != nil || rep.Changes != 0 {
		t.Errorf("re-run: %v, %d changes", err, rep.Changes)
	}
}

// TestDriverDeletesARecord: the sandbox's driver deletes a record as a
// person would in HubSpot, and the next sync archives it.
func TestDriverDeletesARecord(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	deal := e.dealID("Acme Corp")
	del := func(id string) int { return e.hs.DeleteThroughDriver(t, "deals", id) }
	if code := del(deal); code != http.StatusNoContent {
		t.Fatalf("driver delete: %d", code)
	}
	if code := del("999999999"); code != http.StatusNotFound {
		t.Errorf("driver delete of an unknown deal: %d, want 404", code)
	}
	if _, err := e.sync("pat-test"); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM deals WHERE external_id = $1 AND archived_at IS NOT NULL`, deal); got != 1 {
		t.Error("the deal deleted through the driver should be archived")
	}
}
