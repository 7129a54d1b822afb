package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

func setup(t *testing.T) (*store.Store, journey.Workspace) {
	t.Helper()
	s := pgtest.NewStore(t)
	var ws journey.Workspace
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		ws, err = tx.EnsureWorkspace(context.Background(), "Test", "T1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, ws
}

func TestDefinitionsAreVersionedAndRoundTrip(t *testing.T) {
	t.Parallel()
	s, ws := setup(t)
	ctx := context.Background()
	def, _ := template.BuiltinByKey("saas-sales-led")
	for i := 0; i < 2; i++ {
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			saved, err := tx.SaveDefinition(ctx, ws.ID, def)
			if err == nil && saved.Version != i+1 {
				t.Errorf("version = %d, want %d", saved.Version, i+1)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Definition(ctx, ws.ID, "saas-sales-led", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 {
		t.Errorf("newest version = %d", got.Version)
	}
	got.Version, got.Source = def.Version, def.Source
	a, _ := template.Marshal(got)
	b, _ := template.Marshal(def)
	if string(a) != string(b) {
		t.Errorf("definition does not round-trip through the database:\n got %s\nwant %s", a, b)
	}
	if _, err := s.Definition(ctx, ws.ID, "saas-sales-led", 7); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("missing version: %v", err)
	}
	vs, _ := s.DefinitionVersions(ctx, ws.ID, "saas-sales-led")
	if !reflect.DeepEqual(vs, []int{2, 1}) {
		t.Errorf("versions = %v", vs)
	}
}

func TestEventsAreAppendOnlyAndDeduplicated(t *testing.T) {
	t.Parallel()
	s, ws := setup(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	var accountID string
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		accountID, err = tx.SaveAccount(ctx, ws.ID, journey.Account{Name: "Acme Corp", Source: "test", ExternalID: "a1"})
		if err != nil {
			return err
		}
		e := journey.Event{AccountID: accountID, Kind: journey.EventMessage, Source: "slack", ExternalID: "C1:1700000000.000100", At: at, Summary: "first"}
		id1, added1, err := tx.AddEvent(ctx, ws.ID, e)
		if err != nil {
			return err
		}
		e.Summary = "redelivered"
		id2, added2, err := tx.AddEvent(ctx, ws.ID, e)
		if err != nil {
			return err
		}
		if !added1 || added2 || id1 != id2 {
			t.Errorf("dedupe: added %v/%v ids %s/%s", added1, added2, id1, id2)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.LoadAccount(ctx, ws.ID, accountID)
	if err != nil {
		t.Fatal(err)
	}
	if len(data.Events) != 1 || data.Events[0].Summary != "first" || data.EventCount != 1 {
		t.Errorf("events = %+v (count %d)", data.Events, data.EventCount)
	}
	if _, err := s.LoadAccount(ctx, ws.ID, "01890000-0000-7000-8000-000000000000"); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("unknown account: %v", err)
	}
}

func TestLoadAccountCapsEventsAndCountsAll(t *testing.T) {
	t.Parallel()
	s, ws := setup(t)
	ctx := context.Background()
	var accountID string
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err := s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		accountID, err = tx.SaveAccount(ctx, ws.ID, journey.Account{Name: "Busy", Source: "test", ExternalID: "busy"})
		if err != nil {
			return err
		}
		for i := 0; i < store.CardEventLimit+50; i++ {
			if _, _, err := tx.AddEvent(ctx, ws.ID, journey.Event{AccountID: accountID, Kind: journey.EventNote, Source: "test",
				ExternalID: time.Duration(i).String(), At: base.Add(time.Duration(i) * time.Hour)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.LoadAccount(ctx, ws.ID, accountID)
	if err != nil {
		t.Fatal(err)
	}
	if len(data.Events) != store.CardEventLimit || data.EventCount != store.CardEventLimit+50 {
		t.Errorf("loaded %d events, count %d", len(data.Events), data.EventCount)
	}
	if !data.Events[0].At.Equal(base.Add(time.Duration(store.CardEventLimit+49) * time.Hour)) {
		t.Errorf("newest event should come first: %v", data.Events[0].At)
	}
	book, err := s.LoadBook(ctx, ws.ID, base.Add(300*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(book) != 1 || book[0].Account.ID != accountID || len(book[0].Events) != store.CardEventLimit+50 {
		t.Errorf("book = %d accounts, %d events", len(book), len(book[0].Events))
	}
}
