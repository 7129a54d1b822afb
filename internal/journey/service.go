package journey

import (
	"context"
	"time"
)

// Reader is what the use cases read: the stored model of a workspace. The
// store implements it; the use cases never see SQL.
type Reader interface {
	// Definitions are the workspace's published journey definitions.
	Definitions(ctx context.Context, ws string) ([]Definition, error)
	// LoadAccount is one account with everything its card derives from.
	LoadAccount(ctx context.Context, ws, accountID string) (AccountData, error)
	// LoadBookOf is the accounts a person owns or looks after.
	LoadBookOf(ctx context.Context, ws, personID string, now time.Time) ([]AccountData, error)
	// LoadBookOfTeam is the accounts of several people (a manager's team).
	LoadBookOfTeam(ctx context.Context, ws string, personIDs []string, now time.Time) ([]AccountData, error)
}

// Derived is an account with the journey definition of its segment and the
// card derived from both at a moment.
type Derived struct {
	Data AccountData
	Def  Definition
	Card Card
}

// ErrNoDefinition is what a workspace without a published journey gets: how
// to publish one.
func ErrNoDefinition() error {
	return Errorf(ENOTFOUND, "this workspace has no journey definition yet: an admin publishes one with `/journey setup` or `bot journey apply -f FILE`")
}

// Use is the one place that turns the stored model into what every surface
// shows: it loads an account or a book, picks the definition for each
// account's segment and derives the cards. Slack handlers, jobs, Ask
// Journey and the command line call it instead of rebuilding those steps.
type Use struct {
	Store Reader
}

// Definition loads the workspace's definitions and picks the one for an
// account's segment; a workspace without one gets ErrNoDefinition.
func (u Use) Definition(ctx context.Context, ws string, a Account) (Definition, error) {
	defs, err := u.Store.Definitions(ctx, ws)
	if err != nil {
		return Definition{}, err
	}
	def, ok := ForSegment(defs, a.Segment)
	if !ok {
		return Definition{}, ErrNoDefinition()
	}
	return def, nil
}

// Load loads one account and picks the definition of its segment; ok is
// false (and def the zero Definition) when the workspace has none.
func (u Use) Load(ctx context.Context, ws, accountID string) (data AccountData, def Definition, ok bool, err error) {
	defs, err := u.Store.Definitions(ctx, ws)
	if err != nil {
		return data, def, false, err
	}
	if data, err = u.Store.LoadAccount(ctx, ws, accountID); err != nil {
		return data, def, false, err
	}
	def, ok = ForSegment(defs, data.Account.Segment)
	return data, def, ok, nil
}

// Account loads one account, picks its definition and derives its card at
// now; a workspace without a definition gets ErrNoDefinition.
func (u Use) Account(ctx context.Context, ws, accountID string, now time.Time) (Derived, error) {
	data, def, ok, err := u.Load(ctx, ws, accountID)
	if err != nil {
		return Derived{}, err
	}
	if !ok {
		return Derived{Data: data}, ErrNoDefinition()
	}
	return Derived{Data: data, Def: def, Card: BuildCard(def, data, now)}, nil
}

// BookOf loads the accounts a person owns or looks after and derives each
// card at now; accounts whose segment has no definition are left out.
func (u Use) BookOf(ctx context.Context, ws, personID string, now time.Time) ([]Derived, error) {
	return u.derive(ctx, ws, now, func() ([]AccountData, error) { return u.Store.LoadBookOf(ctx, ws, personID, now) })
}

// TeamBook is BookOf for several people at once (a manager's team).
func (u Use) TeamBook(ctx context.Context, ws string, personIDs []string, now time.Time) ([]Derived, error) {
	return u.derive(ctx, ws, now, func() ([]AccountData, error) { return u.Store.LoadBookOfTeam(ctx, ws, personIDs, now) })
}

// derive loads the workspace's definitions and a book, and derives it.
func (u Use) derive(ctx context.Context, ws string, now time.Time, load func() ([]AccountData, error)) ([]Derived, error) {
	defs, err := u.Store.Definitions(ctx, ws)
	if err != nil {
		return nil, err
	}
	book, err := load()
	if err != nil {
		return nil, err
	}
	return DeriveBook(defs, book, now), nil
}

// DeriveBook picks each account's definition among defs and derives its card
// at now; accounts whose segment has none are left out.
func DeriveBook(defs []Definition, book []AccountData, now time.Time) []Derived {
	out := make([]Derived, 0, len(book))
	for _, data := range book {
		def, ok := ForSegment(defs, data.Account.Segment)
		if !ok {
			continue
		}
		out = append(out, Derived{Data: data, Def: def, Card: BuildCard(def, data, now)})
	}
	return out
}
