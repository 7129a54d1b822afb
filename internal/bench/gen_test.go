package bench

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
)

// TestSmallBook checks that the generator is deterministic and that what it
// makes loads, reads back and derives, at a small size.
func TestSmallBook(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	cfg := SmallConfig(now)
	const ws = "01900000-0000-7000-8000-000000000001"
	collect := func() ([]Batch, Summary) {
		var out []Batch
		sum, err := Generate(cfg, ws, func(b Batch) error { out = append(out, b); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return out, sum
	}
	a, sumA := collect()
	b, sumB := collect()
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(sumA, sumB) {
		t.Fatal("two runs of Generate with the same config differ")
	}
	if got := sumA.Rows["timeline_events"]; got != int64(cfg.Events) {
		t.Errorf("%d events, want %d", got, cfg.Events)
	}
	if got := sumA.Rows["deals"]; got != int64(cfg.Deals) {
		t.Errorf("%d deals, want %d", got, cfg.Deals)
	}
	if got := sumA.Rows["contacts"]; got != int64(cfg.Contacts) {
		t.Errorf("%d contacts, want %d", got, cfg.Contacts)
	}

	ctx := context.Background()
	st := pgtest.NewStore(t)
	w, err := Setup(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Load(ctx, st, cfg, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := st.Definitions(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	book, err := st.LoadBook(ctx, w.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(book) != cfg.Accounts {
		t.Fatalf("LoadBook: %d accounts, want %d", len(book), cfg.Accounts)
	}
	stages := map[string]int{}
	for _, data := range book {
		def, ok := journey.ForSegment(defs, data.Account.Segment)
		if !ok {
			t.Fatalf("no definition for segment %q", data.Account.Segment)
		}
		for _, c := range data.Completions {
			if _, i, _ := def.Milestone(c.MilestoneKey); i < 0 {
				t.Errorf("account %s (%s, %s): milestone %q is not in the template", data.Account.Name, data.Account.Segment, def.Key, c.MilestoneKey)
			}
		}
		pos := journey.Derive(def, data, now)
		stages[def.Key+"/"+pos.StageKey]++
	}
	if len(stages) < 6 {
		t.Errorf("accounts sit in only %d stages: %v", len(stages), stages)
	}
	id := sum.AccountIDs[0]
	data, err := st.LoadAccount(ctx, w.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := journey.ForSegment(defs, data.Account.Segment)
	card := journey.BuildCard(def, data, now)
	if card.Account.ID != id || len(card.Deals) == 0 || len(card.Contacts) == 0 {
		t.Errorf("card of %s: account %q, %d deals, %d contacts", id, card.Account.ID, len(card.Deals), len(card.Contacts))
	}
	if !slices.Contains([]string{"enterprise", "mid_market", "smb"}, data.Account.Segment) {
		t.Errorf("segment %q", data.Account.Segment)
	}
}
