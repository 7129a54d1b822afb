package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// BookEventWindow is how far back LoadBook reads events. Every derivation
// that reads events (engagement recency, champion and economic-buyer
// engagement, engaged stakeholders) stops counting well before it.
const BookEventWindow = 180 * 24 * time.Hour

// BookQueries is how many queries LoadBook runs, whatever the book's size.
const BookQueries = 9

// LoadBook loads every account of the workspace with what the engine needs
// to derive position, health and priority, in BookQueries queries. Events
// come without their text (the card loads that), and only from the last
// BookEventWindow before now.
func (s *Store) LoadBook(ctx context.Context, ws string, now time.Time) ([]journey.AccountData, error) {
	return s.loadBook(ctx, ws, nil, now)
}

// LoadBookOf is LoadBook for the accounts one person owns or manages as CSM.
func (s *Store) LoadBookOf(ctx context.Context, ws, personID string, now time.Time) ([]journey.AccountData, error) {
	if personID == "" {
		return nil, nil
	}
	return s.loadBook(ctx, ws, []string{personID}, now)
}

// LoadBookOfTeam is LoadBook for the accounts any of the people own or
// manage as CSM (a manager's team), each account once, in the same
// BookQueries queries as one person's book.
func (s *Store) LoadBookOfTeam(ctx context.Context, ws string, personIDs []string, now time.Time) ([]journey.AccountData, error) {
	if len(personIDs) == 0 {
		return nil, nil
	}
	return s.loadBook(ctx, ws, personIDs, now)
}

// loadBook reads the book of the accounts personIDs own or manage as CSM;
// nil reads the whole workspace's.
func (s *Store) loadBook(ctx context.Context, ws string, personIDs []string, now time.Time) ([]journey.AccountData, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, fmt.Errorf("begin book read: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck

	rows, err := tx.Query(ctx, `SELECT `+accountCols+` FROM accounts WHERE workspace_id = $1 AND archived_at IS NULL
		AND ($2::uuid[] IS NULL OR owner_id = ANY($2) OR csm_id = ANY($2)) ORDER BY name, id`, ws, personIDs)
	if err != nil {
		return nil, wrap(err, "accounts")
	}
	accounts, err := pgx.CollectRows(rows, rowTo(scanAccount))
	if err != nil {
		return nil, wrap(err, "accounts")
	}
	book := make([]journey.AccountData, len(accounts))
	index := make(map[string]*journey.AccountData, len(accounts))
	for i, a := range accounts {
		book[i].Account = a
		index[a.ID] = &book[i]
	}
	// For some people, the queries below read the accounts just found, by
	// id: an index scan. (A subquery inside an OR is never made a join, so
	// Postgres would read every row of the table for each person.)
	var scope []string
	if personIDs != nil {
		scope = make([]string, 0, len(accounts))
		for _, a := range accounts {
			scope = append(scope, a.ID)
		}
	}
	// The whole book's queries test the (NULL) scope once, not per row: an
	// "IS NULL OR = ANY" on every row keeps a cached plan from treating
	// the two cases apart.
	inScope := func(param string) string {
		if personIDs == nil {
			return param + "::uuid[] IS NULL"
		}
		return "account_id = ANY(" + param + "::uuid[])"
	}

	people := map[string]journey.Person{}
	rows, err = tx.Query(ctx, `SELECT `+personCols+` FROM people WHERE workspace_id = $1`, ws)
	if err != nil {
		return nil, wrap(err, "people")
	}
	ps, err := pgx.CollectRows(rows, scanPersonRow)
	if err != nil {
		return nil, wrap(err, "people")
	}
	for _, p := range ps {
		people[p.ID] = p
	}
	for i := range book {
		book[i].Owner = people[book[i].Account.OwnerID]
		book[i].CSM = people[book[i].Account.CSMID]
	}

	type q struct {
		what string
		sql  string
		args []any
		add  func(pgx.Rows) error
	}
	queries := []q{
		{"deals", `SELECT ` + dealCols + ` FROM deals WHERE workspace_id = $1 AND archived_at IS NULL AND ` + inScope("$2") + ` ORDER BY created_at, id`, []any{ws, scope},
			func(r pgx.Rows) error {
				d, err := scanDeal(r)
				if a := index[d.AccountID]; err == nil && a != nil {
					a.Deals = append(a.Deals, d)
				}
				return err
			}},
		{"contacts", `SELECT ` + contactCols + ` FROM contacts WHERE workspace_id = $1 AND archived_at IS NULL AND ` + inScope("$2") + ` ORDER BY name, id`, []any{ws, scope},
			func(r pgx.Rows) error {
				c, err := scanContact(r)
				if a := index[c.AccountID]; err == nil && a != nil {
					a.Contacts = append(a.Contacts, c)
				}
				return err
			}},
		{"events", `SELECT id::text, account_id::text, coalesce(deal_id::text, ''), coalesce(contact_id::text, ''), kind, occurred_at, direction
			FROM timeline_events WHERE workspace_id = $1 AND occurred_at >= $2 AND ` + inScope("$3") + ` `,
			[]any{ws, now.Add(-BookEventWindow), scope},
			func(r pgx.Rows) error {
				var e journey.Event
				var dir string
				err := r.Scan(&e.ID, &e.AccountID, &e.DealID, &e.ContactID, &e.Kind, &e.At, &dir)
				e.Direction = journey.Side(dir)
				if a := index[e.AccountID]; err == nil && a != nil {
					a.Events = append(a.Events, e)
					a.EventCount++
				}
				return err
			}},
		{"completions", `SELECT ` + completionCols + ` FROM milestone_completions WHERE workspace_id = $1 AND ` + inScope("$2") + ` ORDER BY completed_at`, []any{ws, scope},
			func(r pgx.Rows) error {
				c, err := scanCompletion(r)
				if a := index[c.AccountID]; err == nil && a != nil {
					a.Completions = append(a.Completions, c)
				}
				return err
			}},
		{"changes", `SELECT ` + changeCols + ` FROM property_changes WHERE workspace_id = $1 AND changed_at >= $2 AND ` + inScope("$3") + `
			ORDER BY changed_at DESC`, []any{ws, now.Add(-BookEventWindow), scope},
			func(r pgx.Rows) error {
				c, err := scanChange(r)
				if a := index[c.AccountID]; err == nil && a != nil {
					a.Changes = append(a.Changes, c)
				}
				return err
			}},
		{"commitments", `SELECT ` + commitmentCols + ` FROM commitments WHERE workspace_id = $1 AND status = 'open' AND ` + inScope("$2") + ` ORDER BY created_at`, []any{ws, scope},
			func(r pgx.Rows) error {
				c, err := scanCommitment(r)
				if a := index[c.AccountID]; err == nil && a != nil {
					a.Commitments = append(a.Commitments, c)
				}
				return err
			}},
		{"waiting items", `SELECT ` + waitCols + ` FROM waiting_items WHERE workspace_id = $1 AND resolved_at IS NULL AND ` + inScope("$2") + ` ORDER BY since`, []any{ws, scope},
			func(r pgx.Rows) error {
				w, err := scanWait(r)
				if a := index[w.AccountID]; err == nil && a != nil {
					a.Waits = append(a.Waits, w)
				}
				return err
			}},
	}
	for _, qq := range queries {
		rows, err := tx.Query(ctx, qq.sql, qq.args...)
		if err != nil {
			return nil, wrap(err, qq.what)
		}
		for rows.Next() {
			if err := qq.add(rows); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan %s: %w", qq.what, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrap(err, qq.what)
		}
	}
	return book, nil
}
