package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// TestDeleteWorkspaceLeavesNothing: after a workspace was used (digests set,
// deliveries sent, an email approved), deleting it leaves no row of it in
// any table that has a workspace_id, including tables added later.
func TestDeleteWorkspaceLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := testclock.Now()
	s, ws, _ := pgtest.NewSampleStore(t, now)
	people, _ := s.People(ctx, ws.ID)
	refs, _ := s.AccountRefs(ctx, ws.ID)
	if err := s.SetDigestChannel(ctx, ws.ID, "C0MANAGERS", people[0].ID, "0 8 * * 1-5"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimDelivery(ctx, ws.ID, "nudge", "x"); err != nil {
		t.Fatal(err)
	}
	ids, err := s.ProposeActions(ctx, ws.ID, []journey.Action{{AccountID: refs[0].ID, OwnerID: people[0].ID, Kind: "no_reply",
		Title: "Follow up", IdempotencyKey: "k", DraftSubject: "Hi", DraftBody: "Hi Tom,"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ApproveSend(ctx, ws.ID, ids[0], journey.VerbApprove, journey.OutboxEmail{MessageID: "m@x", FromAddr: "a@x", ToAddr: "b@x",
		ApprovedAt: now}, func(pgx.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteWorkspace(ctx, ws.ID) }); err != nil {
		t.Fatalf("delete a used workspace: %v", err)
	}
	rows, err := s.Pool().Query(ctx, `SELECT table_name FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'workspace_id'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) < 10 {
		t.Fatalf("tables with a workspace_id: %v %v", tables, err)
	}
	for _, table := range tables {
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()+` WHERE workspace_id = $1`, ws.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows of the deleted workspace left in %s", n, table)
		}
	}
}
