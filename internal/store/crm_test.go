package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

func TestSyncCursorMovesForwardOnly(t *testing.T) {
	t.Parallel()
	s, ws := setup(t)
	ctx := context.Background()
	t1 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	set := func(c store.SyncCursor) {
		t.Helper()
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetSyncCursor(ctx, ws.ID, "hubspot", "deals", c) }); err != nil {
			t.Fatal(err)
		}
	}
	get := func() store.SyncCursor {
		t.Helper()
		c, ok, err := s.SyncCursor(ctx, ws.ID, "hubspot", "deals")
		if err != nil || !ok {
			t.Fatalf("cursor: %v %v", ok, err)
		}
		return c
	}
	if _, ok, _ := s.SyncCursor(ctx, ws.ID, "hubspot", "deals"); ok {
		t.Fatal("no cursor before the first sync")
	}
	set(store.SyncCursor{At: t1, IDs: []string{"2", "1"}})
	set(store.SyncCursor{At: t1, IDs: []string{"3", "1"}}) // same time: the ids add up
	if c := get(); !c.At.Equal(t1) || !reflect.DeepEqual(c.IDs, []string{"1", "2", "3"}) {
		t.Errorf("same time: %v", c)
	}
	set(store.SyncCursor{At: t1.Add(-time.Hour), IDs: []string{"9"}}) // older: ignored
	if c := get(); !c.At.Equal(t1) || len(c.IDs) != 3 {
		t.Errorf("an older page must not move the cursor back: %v", c)
	}
	set(store.SyncCursor{At: t1.Add(time.Minute), IDs: []string{"4"}}) // newer: replaces
	if c := get(); !c.At.Equal(t1.Add(time.Minute)) || !reflect.DeepEqual(c.IDs, []string{"4"}) {
		t.Errorf("newer: %v", c)
	}
}

func TestReasonFirstAnswerWinsAndSyncLockIsExclusive(t *testing.T) {
	t.Parallel()
	s, ws := setup(t)
	ctx := context.Background()
	var changeID, promptID string
	err := s.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.UpsertPerson(ctx, ws.ID, journey.Person{Name: "Maya", Email: "maya@x.example", SlackUserID: "U1", Role: journey.RoleRep, TimeZone: "UTC"})
		if err != nil {
			return err
		}
		acc, err := tx.SaveAccount(ctx, ws.ID, journey.Account{Name: "Acme", OwnerID: p.ID, Currency: "USD", Source: "hubspot", ExternalID: "11"})
		if err != nil {
			return err
		}
		added, err := tx.AddChanges(ctx, ws.ID, []store.ChangeRow{{ExternalID: "company:11:csm:1", Change: journey.Change{AccountID: acc, Entity: "account",
			EntityID: acc, Field: "csm", Old: "A", New: "B", Source: "hubspot", At: time.Now(), Told: journey.ToldNotYet}}})
		if err != nil || len(added) != 1 {
			return errors.Join(err, errors.New("want one change added"))
		}
		again, err := tx.AddChanges(ctx, ws.ID, []store.ChangeRow{{ExternalID: "company:11:csm:1", Change: added[0].Change}})
		if err != nil || len(again) != 0 {
			return errors.Join(err, errors.New("the same external id must not be added twice"))
		}
		changeID = added[0].Change.ID
		if _, err := tx.AddPrompt(ctx, ws.ID, changeID, journey.PromptReason, p.ID); err != nil {
			return err
		}
		dup, err := tx.AddPrompt(ctx, ws.ID, changeID, journey.PromptReason, p.ID)
		if dup {
			return errors.New("the same question must be queued once")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := s.PendingPrompts(ctx, ws.ID, 10)
	if err != nil || len(pending) != 1 || pending[0].Person.SlackUserID != "U1" || pending[0].Change.Told != journey.ToldNotYet {
		t.Fatalf("pending: %v %+v", err, pending)
	}
	promptID = pending[0].ID
	if ok, _ := s.ClaimPrompt(ctx, ws.ID, promptID); !ok {
		t.Fatal("claim")
	}
	if ok, _ := s.ClaimPrompt(ctx, ws.ID, promptID); ok {
		t.Error("a prompt is claimed once")
	}
	if open, _ := s.UnansweredReasons(ctx, ws.ID, 10); len(open) != 1 {
		t.Errorf("unanswered: %d", len(open))
	}
	if ok, err := s.AnswerReason(ctx, ws.ID, promptID, "Rebalanced book", "", time.Now()); err != nil || !ok {
		t.Fatalf("answer: %v %v", ok, err)
	}
	if ok, _ := s.AnswerReason(ctx, ws.ID, promptID, "Something else", "", time.Now()); ok {
		t.Error("the first answer wins")
	}
	if open, _ := s.UnansweredReasons(ctx, ws.ID, 10); len(open) != 0 {
		t.Errorf("answered changes leave the digest: %d", len(open))
	}
	p, _ := s.PromptByID(ctx, ws.ID, promptID)
	if p.Change.Reason != "Rebalanced book" {
		t.Errorf("reason %q", p.Change.Reason)
	}

	ran := false
	err = s.WithSyncLock(ctx, ws.ID, "hubspot", func() error {
		if err := s.WithSyncLock(ctx, ws.ID, "hubspot", func() error { return nil }); !errors.Is(err, store.ErrSyncRunning) {
			t.Errorf("a second sync of the workspace: %v", err)
		}
		ran = true
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("lock: %v", err)
	}
	if err := s.WithSyncLock(ctx, ws.ID, "hubspot", func() error { return nil }); err != nil {
		t.Errorf("the lock is released after the sync: %v", err)
	}
}
