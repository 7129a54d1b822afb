package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ArchiveItem is a CRM record archived (deleted or merged away) in the CRM,
// and when.
type ArchiveItem struct {
	ExternalID string
	At         time.Time
}

// Archived is a record ArchiveByExternal marked archived.
type Archived struct {
	ID         string // the account's, contact's or deal's id
	AccountID  string // the account it belongs to (its own id for an account)
	ExternalID string
	At         time.Time
}

// archiveSQL marks the live records of one table archived; a record already
// archived is left as it is, so a re-run returns nothing.
var archiveSQL = map[string]string{
	"account": `UPDATE accounts a SET archived_at = u.at, updated_at = now()
		FROM unnest($3::text[], $4::timestamptz[]) AS u(ext, at)
		WHERE a.workspace_id = $1 AND a.source = $2 AND a.external_id = u.ext AND a.archived_at IS NULL
		RETURNING a.id::text, a.id::text, a.external_id, a.archived_at`,
	"contact": `UPDATE contacts c SET archived_at = u.at, updated_at = now()
		FROM unnest($3::text[], $4::timestamptz[]) AS u(ext, at)
		WHERE c.workspace_id = $1 AND c.source = $2 AND c.external_id = u.ext AND c.archived_at IS NULL
		RETURNING c.id::text, c.account_id::text, c.external_id, c.archived_at`,
	"deal": `UPDATE deals d SET archived_at = u.at, updated_at = now()
		FROM unnest($3::text[], $4::timestamptz[]) AS u(ext, at)
		WHERE d.workspace_id = $1 AND d.source = $2 AND d.external_id = u.ext AND d.archived_at IS NULL
		RETURNING d.id::text, d.account_id::text, d.external_id, d.archived_at`,
}

// ArchiveByExternal marks archived the live records of entity ("account",
// "contact" or "deal") from source with these external ids, in one
// statement, and returns those it marked. Ids Journey does not know and
// records archived already are left alone.
func (t *Tx) ArchiveByExternal(ctx context.Context, ws, source, entity string, items []ArchiveItem) ([]Archived, error) {
	q, ok := archiveSQL[entity]
	if !ok {
		return nil, fmt.Errorf("archive %s: not an account, contact or deal", entity)
	}
	if len(items) == 0 {
		return nil, nil
	}
	exts, ats := make([]string, len(items)), make([]time.Time, len(items))
	for i, it := range items {
		exts[i], ats[i] = it.ExternalID, it.At
	}
	return queryRows(ctx, t.q, func(r pgx.Row) (Archived, error) {
		var a Archived
		return a, r.Scan(&a.ID, &a.AccountID, &a.ExternalID, &a.At)
	}, "archive "+entity+"s", q, ws, source, exts, ats)
}

// ArchivedExternal says which of these external ids of entity from source
// belong to records archived in Journey.
func (t *Tx) ArchivedExternal(ctx context.Context, ws, source, entity string, exts []string) (map[string]bool, error) {
	table := map[string]string{"account": "accounts", "contact": "contacts", "deal": "deals"}[entity]
	if table == "" {
		return nil, fmt.Errorf("archived %s: not an account, contact or deal", entity)
	}
	out := map[string]bool{}
	if len(exts) == 0 {
		return out, nil
	}
	rows, err := t.q.Query(ctx, `SELECT external_id FROM `+table+`
		WHERE workspace_id = $1 AND source = $2 AND external_id = ANY($3) AND archived_at IS NOT NULL`, ws, source, exts)
	if err != nil {
		return nil, wrap(err, "archived "+table)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, id := range ids {
		out[id] = true
	}
	return out, wrap(err, "archived "+table)
}

// unarchiveSQL brings back the archived records of one table.
var unarchiveSQL = map[string]string{
	"account": `UPDATE accounts SET archived_at = NULL, updated_at = now()
		WHERE workspace_id = $1 AND source = $2 AND external_id = ANY($3) AND archived_at IS NOT NULL
		RETURNING id::text, id::text, external_id`,
	"contact": `UPDATE contacts SET archived_at = NULL, updated_at = now()
		WHERE workspace_id = $1 AND source = $2 AND external_id = ANY($3) AND archived_at IS NOT NULL
		RETURNING id::text, account_id::text, external_id`,
	"deal": `UPDATE deals SET archived_at = NULL, updated_at = now()
		WHERE workspace_id = $1 AND source = $2 AND external_id = ANY($3) AND archived_at IS NOT NULL
		RETURNING id::text, account_id::text, external_id`,
}

// Unarchive brings back the archived records of entity from source with
// these external ids (restored in the CRM) and returns them; live ones are
// left alone.
func (t *Tx) Unarchive(ctx context.Context, ws, source, entity string, exts []string) ([]Archived, error) {
	q, ok := unarchiveSQL[entity]
	if !ok {
		return nil, fmt.Errorf("unarchive %s: not an account, contact or deal", entity)
	}
	if len(exts) == 0 {
		return nil, nil
	}
	return queryRows(ctx, t.q, func(r pgx.Row) (Archived, error) {
		var a Archived
		return a, r.Scan(&a.ID, &a.AccountID, &a.ExternalID)
	}, "unarchive "+entity+"s", q, ws, source, exts)
}
