package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// TestArchivedRecordsDropOutOfTheBook: an account and a deal archived in the
// CRM are kept but no longer read into the book, a person's or a team's
// book, the account lookups or a card; archiving them again does nothing.
func TestArchivedRecordsDropOutOfTheBook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, ws, now := smallBook(t)
	before, err := s.LoadBook(ctx, ws.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	// gone: the first account with a deal; and one deal of another account
	var gone, other journey.AccountData
	for _, d := range before {
		if len(d.Deals) == 0 || d.Account.OwnerID == "" {
			continue
		}
		if gone.Account.ID == "" {
			gone = d
		} else if d.Account.OwnerID != gone.Account.OwnerID {
			other = d
			break
		}
	}
	if gone.Account.ID == "" || other.Account.ID == "" {
		t.Fatal("the bench book should have accounts with deals and owners")
	}
	deal := other.Deals[0]
	at := now.Add(-time.Hour)
	archive := func() (int, int) {
		var accounts, deals []store.Archived
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if accounts, err = tx.ArchiveByExternal(ctx, ws.ID, gone.Account.Source, "account",
				[]store.ArchiveItem{{ExternalID: gone.Account.ExternalID, At: at}, {ExternalID: "no-such-record", At: at}}); err != nil {
				return err
			}
			deals, err = tx.ArchiveByExternal(ctx, ws.ID, deal.Source, "deal", []store.ArchiveItem{{ExternalID: deal.ExternalID, At: at}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(deals) == 1 && (deals[0].ID != deal.ID || deals[0].AccountID != other.Account.ID || !deals[0].At.Equal(at)) {
			t.Errorf("archived deal %+v, want %s of account %s at %s", deals[0], deal.ID, other.Account.ID, at)
		}
		return len(accounts), len(deals)
	}
	if a, d := archive(); a != 1 || d != 1 {
		t.Fatalf("archived %d accounts and %d deals, want 1 and 1", a, d)
	}
	if a, d := archive(); a != 0 || d != 0 {
		t.Errorf("archiving again marked %d accounts and %d deals, want none", a, d)
	}

	after, err := s.LoadBook(ctx, ws.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	// a channel linked to the archived account no longer feeds it
	if err := s.LinkChannel(ctx, ws.ID, "C0GONE", gone.Account.ID, ""); err != nil {
		t.Fatal(err)
	}
	if id, err := s.LinkedAccount(ctx, ws.ID, "C0GONE"); err != nil || id != "" {
		t.Errorf("a channel linked to an archived account resolves to %q (%v), want none", id, err)
	}
	if len(after) != len(before)-1 {
		t.Errorf("book of %d accounts, want %d", len(after), len(before)-1)
	}
	for _, d := range after {
		if d.Account.ID == gone.Account.ID {
			t.Errorf("archived account %s still in the book", d.Account.Name)
		}
		if d.Account.ID == other.Account.ID {
			if len(d.Deals) != len(other.Deals)-1 {
				t.Errorf("%s has %d deals, want %d", d.Account.Name, len(d.Deals), len(other.Deals)-1)
			}
			for _, x := range d.Deals {
				if x.ID == deal.ID {
					t.Errorf("archived deal %s still counts", x.Name)
				}
			}
		}
	}
	mine, err := s.LoadBookOf(ctx, ws.ID, gone.Account.OwnerID, now)
	if err != nil {
		t.Fatal(err)
	}
	team, err := s.LoadBookOfTeam(ctx, ws.ID, []string{gone.Account.OwnerID, other.Account.OwnerID}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append(mine, team...) {
		if d.Account.ID == gone.Account.ID {
			t.Error("archived account still in its owner's or team's book")
		}
		for _, x := range d.Deals {
			if x.ID == deal.ID {
				t.Error("archived deal still in a team's book")
			}
		}
	}
	refs, err := s.AccountRefs(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != len(before)-1 {
		t.Errorf("%d account refs, want %d", len(refs), len(before)-1)
	}
	for _, r := range refs {
		if r.ID == gone.Account.ID {
			t.Error("archived account can still be looked up by name")
		}
	}
	if _, err := s.LoadAccount(ctx, ws.ID, gone.Account.ID); err == nil {
		t.Error("an archived account's card should not load")
	}
	card, err := s.LoadAccount(ctx, ws.ID, other.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range card.Deals {
		if x.ID == deal.ID {
			t.Error("archived deal still on the card")
		}
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		got, err := tx.ArchivedExternal(ctx, ws.ID, gone.Account.Source, "account", []string{gone.Account.ExternalID, other.Account.ExternalID})
		if err == nil && (!got[gone.Account.ExternalID] || got[other.Account.ExternalID]) {
			t.Errorf("archived external ids %v, want only %s", got, gone.Account.ExternalID)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
