package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// SyncCursor is where an object type's incremental sync resumes: records
// modified at or after At, except those of IDs modified exactly at At.
type SyncCursor struct {
	At  time.Time
	IDs []string
}

// SyncCursor returns an object type's sync cursor, and false when it never ran.
func (s *Store) SyncCursor(ctx context.Context, ws, source, objectType string) (SyncCursor, bool, error) {
	var c SyncCursor
	err := s.pool.QueryRow(ctx, `SELECT modified_after, ids_at_cursor FROM crm_sync_cursors
		WHERE workspace_id = $1 AND source = $2 AND object_type = $3`, ws, source, objectType).Scan(&c.At, &c.IDs)
	if errors.Is(err, pgx.ErrNoRows) {
		return SyncCursor{}, false, nil
	}
	return c, err == nil, wrap(err, "sync cursor "+objectType)
}

// SetSyncCursor moves an object type's sync cursor forward (never back), in
// the transaction of the page it follows: ids are the records written that
// were modified at c.At, added to those already there when At is unchanged.
func (t *Tx) SetSyncCursor(ctx context.Context, ws, source, objectType string, c SyncCursor) error {
	if c.At.IsZero() {
		return nil
	}
	_, err := t.q.Exec(ctx, `
		INSERT INTO crm_sync_cursors AS cur (workspace_id, source, object_type, modified_after, ids_at_cursor)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (workspace_id, source, object_type) DO UPDATE SET
			ids_at_cursor = CASE
				WHEN EXCLUDED.modified_after > cur.modified_after THEN EXCLUDED.ids_at_cursor
				WHEN EXCLUDED.modified_after = cur.modified_after THEN
					ARRAY(SELECT DISTINCT x FROM unnest(cur.ids_at_cursor || EXCLUDED.ids_at_cursor) AS x ORDER BY x)
				ELSE cur.ids_at_cursor END,
			modified_after = greatest(cur.modified_after, EXCLUDED.modified_after),
			updated_at = now()`,
		ws, source, objectType, c.At, nonNil(c.IDs))
	return wrap(err, "sync cursor "+objectType)
}

// CRMOwner is a user of the CRM who can own records.
type CRMOwner struct {
	OwnerID string
	UserID  string
	Email   string
	Name    string
}

// SaveCRMOwners stores the CRM's owners (upserted by owner id).
func (t *Tx) SaveCRMOwners(ctx context.Context, ws, source string, owners []CRMOwner) error {
	b := &pgx.Batch{}
	for _, o := range owners {
		b.Queue(`INSERT INTO crm_owners (workspace_id, source, owner_id, user_id, email, name) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (workspace_id, source, owner_id) DO UPDATE SET user_id = EXCLUDED.user_id, email = EXCLUDED.email, name = EXCLUDED.name`,
			ws, source, o.OwnerID, o.UserID, o.Email, o.Name)
	}
	return wrap(t.q.SendBatch(ctx, b).Close(), "crm owners")
}

// CRMOwners returns the stored owners of the CRM.
func (s *Store) CRMOwners(ctx context.Context, ws, source string) ([]CRMOwner, error) {
	rows, err := s.pool.Query(ctx, `SELECT owner_id, user_id, email, name FROM crm_owners WHERE workspace_id = $1 AND source = $2`, ws, source)
	if err != nil {
		return nil, wrap(err, "crm owners")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CRMOwner, error) {
		var o CRMOwner
		return o, r.Scan(&o.OwnerID, &o.UserID, &o.Email, &o.Name)
	})
	return out, wrap(err, "crm owners")
}

// AdoptAccount re-labels an account as coming from source with external id
// ext (an imported account that the CRM now owns). The first identity it had
// stays in adopted_from, so AccountByExternal still finds it by that.
func (t *Tx) AdoptAccount(ctx context.Context, ws, id, source, ext string) error {
	_, err := t.q.Exec(ctx, `UPDATE accounts SET adopted_from = CASE WHEN adopted_from = '' THEN source || ':' || external_id ELSE adopted_from END,
		source = $3, external_id = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2`, ws, id, source, ext)
	return wrap(err, "adopt account "+ext)
}

// AdoptContact re-labels a contact as coming from source with external id ext.
func (t *Tx) AdoptContact(ctx context.Context, ws, id, source, ext string) error {
	_, err := t.q.Exec(ctx, `UPDATE contacts SET adopted_from = CASE WHEN adopted_from = '' THEN source || ':' || external_id ELSE adopted_from END,
		source = $3, external_id = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2`, ws, id, source, ext)
	return wrap(err, "adopt contact "+ext)
}

// AdoptDeal re-labels a deal as coming from source with external id ext.
func (t *Tx) AdoptDeal(ctx context.Context, ws, id, source, ext string) error {
	_, err := t.q.Exec(ctx, `UPDATE deals SET adopted_from = CASE WHEN adopted_from = '' THEN source || ':' || external_id ELSE adopted_from END,
		source = $3, external_id = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2`, ws, id, source, ext)
	return wrap(err, "adopt deal "+ext)
}

// ChangeRow is a property change to record under a stable external id.
type ChangeRow struct {
	ExternalID string
	Change     journey.Change
}

// AddChanges records many property changes in one statement; a change whose
// external id is already stored is left as it is. It returns the changes
// that were new, with their ids.
func (t *Tx) AddChanges(ctx context.Context, ws string, rows []ChangeRow) ([]ChangeRow, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := len(rows)
	ids, accounts, deals, entities, entityIDs, fields, olds, news, reasons, actors, actorNames, sources, exts, ats, told :=
		make([]string, n), make([]string, n), make([]*string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]*string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]time.Time, n), make([]string, n)
	byID := map[string]ChangeRow{}
	for i, r := range rows {
		c := r.Change
		c.ID = newID()
		ids[i], accounts[i], entities[i], entityIDs[i], fields[i] = c.ID, c.AccountID, c.Entity, c.EntityID, c.Field
		olds[i], news[i], reasons[i], actorNames[i], sources[i], exts[i], ats[i], told[i] = c.Old, c.New, c.Reason, c.ActorName, c.Source, r.ExternalID, c.At, c.Told
		if c.DealID != "" {
			deals[i] = &rows[i].Change.DealID
		}
		if c.ActorID != "" {
			actors[i] = &rows[i].Change.ActorID
		}
		byID[c.ID] = ChangeRow{ExternalID: r.ExternalID, Change: c}
	}
	q, err := t.q.Query(ctx, `
		INSERT INTO property_changes (id, workspace_id, account_id, deal_id, entity, entity_id, field, old_value, new_value,
			reason, actor_id, actor_name, source, external_id, changed_at, customer_told)
		SELECT u.id, $1, u.account_id, u.deal_id, u.entity, u.entity_id, u.field, u.old_value, u.new_value, u.reason, u.actor_id,
			u.actor_name, u.source, u.external_id, u.changed_at, u.told
		FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[],
			$11::uuid[], $12::text[], $13::text[], $14::text[], $15::timestamptz[], $16::text[])
			AS u(id, account_id, deal_id, entity, entity_id, field, old_value, new_value, reason, actor_id, actor_name, source,
				external_id, changed_at, told)
		ON CONFLICT (workspace_id, source, external_id) DO NOTHING
		RETURNING id::text`,
		ws, ids, accounts, deals, entities, entityIDs, fields, olds, news, reasons, actors, actorNames, sources, exts, ats, told)
	if err != nil {
		return nil, wrap(err, "changes")
	}
	added, err := pgx.CollectRows(q, pgx.RowTo[string])
	if err != nil {
		return nil, wrap(err, "changes")
	}
	out := make([]ChangeRow, 0, len(added))
	for _, id := range added {
		out = append(out, byID[id])
	}
	return out, nil
}

// StartSyncRun records the start of a sync run and returns its id.
func (s *Store) StartSyncRun(ctx context.Context, ws, source string, at time.Time) (string, error) {
	id := newID()
	_, err := s.pool.Exec(ctx, `INSERT INTO crm_sync_runs (id, workspace_id, source, started_at) VALUES ($1, $2, $3, $4)`, id, ws, source, at)
	return id, wrap(err, "sync run")
}

// FinishSyncRun records how a sync run ended.
func (s *Store) FinishSyncRun(ctx context.Context, id string, at time.Time, calls int, report, errText string) error {
	_, err := s.pool.Exec(ctx, `UPDATE crm_sync_runs SET finished_at = $2, calls = $3, report = $4, error = $5 WHERE id = $1`,
		id, at, calls, report, errText)
	return wrap(err, "sync run")
}

// AddPrompt queues a question about a change for a person; the same kind of
// question about the same change is queued once.
func (t *Tx) AddPrompt(ctx context.Context, ws, changeID, kind, personID string) (bool, error) {
	tag, err := t.q.Exec(ctx, `INSERT INTO change_prompts (id, workspace_id, change_id, kind, person_id) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (change_id, kind) DO NOTHING`, newID(), ws, changeID, kind, personID)
	return tag.RowsAffected() == 1, wrap(err, "prompt "+kind)
}

const promptSelect = `SELECT p.id::text, p.kind, p.state, p.slack_channel, p.slack_ts, p.created_at, a.name,
	pc.id::text, pc.account_id::text, coalesce(pc.deal_id::text, ''), pc.entity, pc.entity_id::text, pc.field, pc.old_value, pc.new_value,
	pc.reason, coalesce(pc.actor_id::text, ''), pc.actor_name, pc.source, pc.changed_at, pc.customer_told, pc.told_by,
	pe.id::text, pe.slack_user_id, pe.name, pe.email, pe.time_zone, pe.role, coalesce(pe.manager_id::text, '')
	FROM change_prompts p JOIN property_changes pc ON pc.id = p.change_id JOIN accounts a ON a.id = pc.account_id
	JOIN people pe ON pe.id = p.person_id`

func scanPrompt(r pgx.CollectableRow) (journey.Prompt, error) {
	var p journey.Prompt
	c := &p.Change
	err := r.Scan(&p.ID, &p.Kind, &p.State, &p.Channel, &p.TS, &p.CreatedAt, &p.AccountName,
		&c.ID, &c.AccountID, &c.DealID, &c.Entity, &c.EntityID, &c.Field, &c.Old, &c.New, &c.Reason, &c.ActorID, &c.ActorName,
		&c.Source, &c.At, &c.Told, &c.ToldBy,
		&p.Person.ID, &p.Person.SlackUserID, &p.Person.Name, &p.Person.Email, &p.Person.TimeZone, &p.Person.Role, &p.Person.ManagerID)
	return p, err
}

// PendingPrompts returns the questions not sent yet, oldest first.
func (s *Store) PendingPrompts(ctx context.Context, ws string, limit int) ([]journey.Prompt, error) {
	rows, err := s.pool.Query(ctx, promptSelect+` WHERE p.workspace_id = $1 AND p.state = 'pending' ORDER BY p.created_at, p.id LIMIT $2`, ws, limit)
	if err != nil {
		return nil, wrap(err, "pending prompts")
	}
	out, err := pgx.CollectRows(rows, scanPrompt)
	return out, wrap(err, "pending prompts")
}

// PromptByID returns one prompt.
func (s *Store) PromptByID(ctx context.Context, ws, id string) (journey.Prompt, error) {
	rows, err := s.pool.Query(ctx, promptSelect+` WHERE p.workspace_id = $1 AND p.id = $2`, ws, id)
	if err != nil {
		return journey.Prompt{}, wrap(err, "prompt")
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPrompt)
	return p, wrap(err, "prompt")
}

// ClaimPrompt takes a pending prompt for sending; false when it is gone or taken.
func (s *Store) ClaimPrompt(ctx context.Context, ws, id string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE change_prompts SET state = 'sent' WHERE workspace_id = $1 AND id = $2 AND state = 'pending'`, ws, id)
	return tag.RowsAffected() == 1, wrap(err, "claim prompt")
}

// ReleasePrompt puts a prompt whose send failed back in the queue.
func (s *Store) ReleasePrompt(ctx context.Context, ws, id string) error {
	_, err := s.pool.Exec(ctx, `UPDATE change_prompts SET state = 'pending' WHERE workspace_id = $1 AND id = $2 AND state = 'sent' AND slack_ts = ''`, ws, id)
	return wrap(err, "release prompt")
}

// RecordPromptPost stores where a claimed prompt was posted.
func (s *Store) RecordPromptPost(ctx context.Context, ws, id, channel, ts string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE change_prompts SET slack_channel = $3, slack_ts = $4, sent_at = $5 WHERE workspace_id = $1 AND id = $2`,
		ws, id, channel, ts, at)
	return wrap(err, "prompt post")
}

// AnswerReason stores the reason of a change given through a prompt. The
// first answer wins: it reports false when the change already had a reason.
func (s *Store) AnswerReason(ctx context.Context, ws, promptID, reason, byPersonID string, at time.Time) (bool, error) {
	var changed bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE property_changes SET reason = $3, reason_by = $4, reason_at = $5
			WHERE workspace_id = $1 AND reason = '' AND id = (SELECT change_id FROM change_prompts WHERE workspace_id = $1 AND id = $2)`,
			ws, promptID, reason, nullID(byPersonID), at)
		if err != nil {
			return err
		}
		changed = tag.RowsAffected() == 1
		_, err = tx.Exec(ctx, `UPDATE change_prompts SET state = 'answered', answered_at = $3 WHERE workspace_id = $1 AND id = $2`, ws, promptID, at)
		return err
	})
	return changed, wrap(err, "answer reason")
}

// AnswerTold records whether the customer was told about a CSM change, and by whom.
func (s *Store) AnswerTold(ctx context.Context, ws, promptID, told, by string, at time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE property_changes SET customer_told = $3, told_by = $4
			WHERE workspace_id = $1 AND id = (SELECT change_id FROM change_prompts WHERE workspace_id = $1 AND id = $2)`,
			ws, promptID, told, by); err != nil {
			return err
		}
		state := "sent"
		if told == journey.ToldYes {
			state = "answered"
		}
		_, err := tx.Exec(ctx, `UPDATE change_prompts SET state = $3, answered_at = CASE WHEN $3 = 'answered' THEN $4::timestamptz END
			WHERE workspace_id = $1 AND id = $2`, ws, promptID, state, at)
		return err
	})
	return wrap(err, "answer told")
}

// AnswerPrompt marks a prompt answered (a handoff filled in).
func (s *Store) AnswerPrompt(ctx context.Context, ws, promptID string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE change_prompts SET state = 'answered', answered_at = $3 WHERE workspace_id = $1 AND id = $2`, ws, promptID, at)
	return wrap(err, "answer prompt")
}

// UnansweredReasons returns the changes whose reason was asked and not given,
// oldest first, for the managers' digest.
func (s *Store) UnansweredReasons(ctx context.Context, ws string, limit int) ([]journey.Prompt, error) {
	rows, err := s.pool.Query(ctx, promptSelect+` WHERE p.workspace_id = $1 AND p.kind = 'reason' AND p.state <> 'answered' AND pc.reason = ''
		ORDER BY pc.changed_at, p.id LIMIT $2`, ws, limit)
	if err != nil {
		return nil, wrap(err, "unanswered reasons")
	}
	out, err := pgx.CollectRows(rows, scanPrompt)
	return out, wrap(err, "unanswered reasons")
}

// HandoffAnswers returns what the rep wrote into a deal's handoff.
func (s *Store) HandoffAnswers(ctx context.Context, ws, dealID string) ([]journey.HandoffAnswer, error) {
	rows, err := s.pool.Query(ctx, `SELECT h.field, h.value, coalesce(p.name, ''), h.at FROM handoff_answers h
		LEFT JOIN people p ON p.id = h.person_id WHERE h.workspace_id = $1 AND h.deal_id = $2 ORDER BY h.field`, ws, dealID)
	if err != nil {
		return nil, wrap(err, "handoff answers")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (journey.HandoffAnswer, error) {
		var a journey.HandoffAnswer
		return a, r.Scan(&a.Field, &a.Value, &a.By, &a.At)
	})
	return out, wrap(err, "handoff answers")
}

// SaveHandoffAnswers stores the rep's answers to handoff questions; an empty
// value leaves the stored answer as it is.
func (s *Store) SaveHandoffAnswers(ctx context.Context, ws, dealID, personID string, answers map[string]string, at time.Time) error {
	b := &pgx.Batch{}
	for field, v := range answers {
		if v == "" {
			continue
		}
		b.Queue(`INSERT INTO handoff_answers (workspace_id, deal_id, field, value, person_id, at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (workspace_id, deal_id, field) DO UPDATE SET value = EXCLUDED.value, person_id = EXCLUDED.person_id, at = EXCLUDED.at`,
			ws, dealID, field, v, nullID(personID), at)
	}
	return wrap(s.pool.SendBatch(ctx, b).Close(), "handoff answers")
}

// DealAccount returns the account id of a deal.
func (s *Store) DealAccount(ctx context.Context, ws, dealID string) (string, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT account_id::text FROM deals WHERE workspace_id = $1 AND id = $2`, ws, dealID).Scan(&id)
	return id, wrap(err, "deal "+dealID)
}

// unlinked matches records that did not come from a CRM sync: their external
// id is not a HubSpot record id (digits only).
const unlinked = `external_id !~ '^[0-9]+$'`

// AccountsByExternal returns the accounts of source with these external ids, by external id.
func (t *Tx) AccountsByExternal(ctx context.Context, ws, source string, exts []string) (map[string]journey.Account, error) {
	return listByExternal(ctx, t.q, scanAccount, "accounts", accountCols, ws, source, exts, func(a journey.Account) string { return a.ExternalID })
}

// UnlinkedAccountsByDomain returns, by lower-case domain, the accounts
// imported from a file (not synced) with these domains; a domain held by
// several such accounts is left out, as it cannot say which one is meant.
func (t *Tx) UnlinkedAccountsByDomain(ctx context.Context, ws string, domains []string) (map[string]journey.Account, error) {
	as, err := queryRows(ctx, t.q, scanAccount, "accounts",
		`SELECT `+accountCols+` FROM accounts WHERE workspace_id = $1 AND lower(domain) = ANY($2) AND domain <> '' AND `+unlinked, ws, domains)
	out := map[string]journey.Account{}
	seen := map[string]int{}
	for _, a := range as {
		d := strings.ToLower(a.Domain)
		seen[d]++
		out[d] = a
	}
	for d, n := range seen {
		if n > 1 {
			delete(out, d)
		}
	}
	return out, err
}

// DealsByExternal returns the deals of source with these external ids, by external id.
func (t *Tx) DealsByExternal(ctx context.Context, ws, source string, exts []string) (map[string]journey.Deal, error) {
	return listByExternal(ctx, t.q, scanDeal, "deals", dealCols, ws, source, exts, func(d journey.Deal) string { return d.ExternalID })
}

// UnlinkedDeals returns the deals of these accounts that were imported from
// a file rather than synced.
func (t *Tx) UnlinkedDeals(ctx context.Context, ws string, accountIDs []string) ([]journey.Deal, error) {
	return listUnlinked(ctx, t.q, scanDeal, "deals", dealCols, ws, accountIDs)
}

// ContactsByExternal returns the contacts of source with these external ids, by external id.
func (t *Tx) ContactsByExternal(ctx context.Context, ws, source string, exts []string) (map[string]journey.Contact, error) {
	return listByExternal(ctx, t.q, scanContact, "contacts", contactCols, ws, source, exts, func(c journey.Contact) string { return c.ExternalID })
}

// UnlinkedContacts returns the contacts of these accounts that were imported
// from a file rather than synced.
func (t *Tx) UnlinkedContacts(ctx context.Context, ws string, accountIDs []string) ([]journey.Contact, error) {
	return listUnlinked(ctx, t.q, scanContact, "contacts", contactCols, ws, accountIDs)
}

// listByExternal returns the records of table (cols are the columns scan
// reads) that came from source with these external ids, by the external id
// that externalID reads from each.
func listByExternal[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), table, cols, ws, source string, exts []string,
	externalID func(T) string) (map[string]T, error) {
	rs, err := queryRows(ctx, q, scan, table,
		`SELECT `+cols+` FROM `+table+` WHERE workspace_id = $1 AND source = $2 AND external_id = ANY($3)`, ws, source, exts)
	out := make(map[string]T, len(rs))
	for _, r := range rs {
		out[externalID(r)] = r
	}
	return out, err
}

// listUnlinked returns the records of table (cols are the columns scan
// reads) that belong to these accounts and were imported from a file rather
// than synced.
func listUnlinked[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), table, cols, ws string, accountIDs []string) ([]T, error) {
	return queryRows(ctx, q, scan, table,
		`SELECT `+cols+` FROM `+table+` WHERE workspace_id = $1 AND account_id = ANY($2::uuid[]) AND `+unlinked, ws, accountIDs)
}

// SaveDeals inserts or updates many deals in one round trip (as SaveDeal
// does one); it returns their ids in order.
func (t *Tx) SaveDeals(ctx context.Context, ws string, deals []journey.Deal) ([]string, error) {
	b := &pgx.Batch{}
	ids := make([]string, len(deals))
	for i, d := range deals {
		sql, args := saveDealSQL(ws, &d)
		b.Queue(sql, args...)
		ids[i] = d.ID
	}
	return ids, wrap(t.q.SendBatch(ctx, b).Close(), "deals")
}

// Now returns the database's clock, to mark where a batch of writes began.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&t)
	return t, wrap(err, "database clock")
}

// ChangesRecordedSince returns the workspace's property changes stored at or
// after since (by the database's clock), oldest first.
func (s *Store) ChangesRecordedSince(ctx context.Context, ws string, since time.Time) ([]journey.Change, error) {
	return queryRows(ctx, s.pool, scanChange, "changes", `SELECT `+changeCols+` FROM property_changes WHERE workspace_id = $1 AND created_at >= $2
		ORDER BY changed_at, id`, ws, since)
}

// ErrSyncRunning means another process is syncing the same workspace from
// the same source right now.
var ErrSyncRunning = journey.Errorf(journey.ECONFLICT, "another sync of this workspace is running; this one was skipped (the next run picks up whatever it leaves)")

// WithSyncLock runs fn while holding a session advisory lock on the
// workspace's sync from source, so two processes (the bot's schedule and a
// `bot sync` by hand) never sync one workspace at once. It returns
// ErrSyncRunning without running fn when the lock is taken.
func (s *Store) WithSyncLock(ctx context.Context, ws, source string, fn func() error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("sync lock: %w", err)
	}
	defer conn.Release()
	var ok bool
	key := "crm_sync:" + source + ":" + ws
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, key).Scan(&ok); err != nil {
		return fmt.Errorf("sync lock: %w", err)
	}
	if !ok {
		return ErrSyncRunning
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, key) //nolint:errcheck
	return fn()
}
