package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/bench"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/pgtest"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/testclock"
)

// TestLoadBookOfIsTheirPartOfTheBook: a person's book holds exactly the
// accounts they own or manage as CSM, each with everything LoadBook gives
// it; someone with no accounts gets none.
func TestLoadBookOfIsTheirPartOfTheBook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, ws, now := smallBook(t)
	all, err := s.LoadBook(ctx, ws.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]journey.AccountData{}
	for _, d := range all {
		byID[d.Account.ID] = d
	}
	people, err := s.People(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range people {
		mine, err := s.LoadBookOf(ctx, ws.ID, p.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, d := range all {
			if d.Account.OwnerID == p.ID || d.Account.CSMID == p.ID {
				want++
			}
		}
		if len(mine) != want {
			t.Errorf("%s (%s): %d accounts in their book, want %d", p.Name, p.Role, len(mine), want)
		}
		if p.Role == journey.RoleManager && len(mine) != 0 {
			t.Errorf("manager %s owns no account but got %d", p.Name, len(mine))
		}
		for _, d := range mine {
			if d.Account.OwnerID != p.ID && d.Account.CSMID != p.ID {
				t.Errorf("%s got %s, which they neither own nor manage", p.Name, d.Account.Name)
			}
			// Events come in no set order (the derivations look for the newest).
			w := byID[d.Account.ID]
			byEventID := func(a, b journey.Event) int { return strings.Compare(a.ID, b.ID) }
			slices.SortFunc(d.Events, byEventID)
			slices.SortFunc(w.Events, byEventID)
			if !reflect.DeepEqual(d, w) {
				t.Errorf("%s: %s differs from the whole book's (events %d/%d, deals %d/%d, commitments %d/%d, changes %d/%d)",
					p.Name, d.Account.Name, len(d.Events), len(w.Events), len(d.Deals), len(w.Deals),
					len(d.Commitments), len(w.Commitments), len(d.Changes), len(w.Changes))
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no account was in anyone's book")
	}
}

// TestLoadBookOfTeamIsTheirBooksTogether: a team's book is its members'
// books together, each account once.
func TestLoadBookOfTeamIsTheirBooksTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, ws, now := smallBook(t)
	people, err := s.People(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	var team []string
	want := map[string]bool{}
	for _, p := range people {
		if p.Role != journey.RoleRep && p.Role != journey.RoleCSM || len(team) == 4 {
			continue
		}
		team = append(team, p.ID)
		mine, err := s.LoadBookOf(ctx, ws.ID, p.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range mine {
			want[d.Account.ID] = true
		}
	}
	got, err := s.LoadBookOfTeam(ctx, ws.ID, team, now)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range got {
		if seen[d.Account.ID] {
			t.Errorf("%s twice in the team's book", d.Account.Name)
		}
		seen[d.Account.ID] = true
	}
	if len(want) == 0 || !reflect.DeepEqual(seen, want) {
		t.Errorf("team book has %d accounts, the members' books %d", len(seen), len(want))
	}
	if none, err := s.LoadBookOfTeam(ctx, ws.ID, nil, now); err != nil || len(none) != 0 {
		t.Errorf("an empty team's book: %d accounts, %v", len(none), err)
	}
}

// smallBook is a fresh store holding bench.SmallConfig's book, as of a
// fixed time, which it returns.
func smallBook(t *testing.T) (*store.Store, journey.Workspace, time.Time) {
	t.Helper()
	s := pgtest.NewStore(t)
	ws, err := bench.Setup(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	now := testclock.Now()
	if _, err := bench.Load(context.Background(), s, bench.SmallConfig(now), ws.ID); err != nil {
		t.Fatal(err)
	}
	return s, ws, now
}
