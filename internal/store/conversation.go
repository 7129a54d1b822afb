package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// Tx returns the transaction's pgx handle, so that a job can be enqueued in
// the same transaction as the write it follows.
func (t *Tx) Tx() pgx.Tx {
	tx, _ := t.q.(pgx.Tx)
	return tx
}

// AddMessage appends a message to the timeline (source slack, external id
// CHANNEL:TS) unless it is there already; it returns the event id and
// whether it was new.
func (t *Tx) AddMessage(ctx context.Context, ws string, m journey.Event) (string, bool, error) {
	var id string
	err := t.q.QueryRow(ctx, `
		INSERT INTO timeline_events (id, workspace_id, account_id, deal_id, contact_id, actor_id, kind, source, external_id,
			occurred_at, direction, summary, link, author_ref, author_name, text)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (workspace_id, source, external_id) DO NOTHING
		RETURNING id::text`,
		newID(), ws, m.AccountID, nullID(m.DealID), nullID(m.ContactID), nullID(m.ActorID), m.Kind, m.Source, m.ExternalID,
		m.At, string(m.Direction), m.Summary, m.Link, m.AuthorRef, m.AuthorName, m.Text).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		id, err = t.EventID(ctx, ws, m.Source, m.ExternalID)
		return id, false, err
	}
	return id, err == nil, wrap(err, "message "+m.ExternalID)
}

// EditMessage records a new text for a stored message and queues it for
// analysis again; the open findings it produced are withdrawn (the analysis
// finds them again if they still hold). It returns the event and account
// ids, or ENOTFOUND.
func (t *Tx) EditMessage(ctx context.Context, ws, source, ext, text, summary string, at time.Time) (eventID, accountID string, err error) {
	err = t.q.QueryRow(ctx, `
		UPDATE timeline_events SET text = $4, summary = $5, edited_at = $6, analyzed_at = NULL
		WHERE workspace_id = $1 AND source = $2 AND external_id = $3 AND deleted_at IS NULL
		RETURNING id::text, account_id::text`, ws, source, ext, text, summary, at).Scan(&eventID, &accountID)
	if err != nil {
		return "", "", wrap(err, "message "+ext)
	}
	return eventID, accountID, t.withdrawFindings(ctx, ws, eventID, "edited")
}

// DeleteMessage marks a stored message deleted and withdraws the open
// findings it produced. Deleting an unknown message is not an error.
func (t *Tx) DeleteMessage(ctx context.Context, ws, source, ext string, at time.Time) error {
	var eventID string
	err := t.q.QueryRow(ctx, `
		UPDATE timeline_events SET deleted_at = $4, text = '', summary = '(message deleted)'
		WHERE workspace_id = $1 AND source = $2 AND external_id = $3 AND deleted_at IS NULL
		RETURNING id::text`, ws, source, ext, at).Scan(&eventID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	} else if err != nil {
		return wrap(err, "delete message "+ext)
	}
	return t.withdrawFindings(ctx, ws, eventID, "deleted")
}

func (t *Tx) withdrawFindings(ctx context.Context, ws, eventID, why string) error {
	if _, err := t.q.Exec(ctx, `UPDATE commitments SET status = 'cancelled', updated_at = now()
		WHERE workspace_id = $1 AND source_event_id = $2 AND source = 'analysis' AND status = 'open'`, ws, eventID); err != nil {
		return wrap(err, "withdraw commitments of a "+why+" message")
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM waiting_items
		WHERE workspace_id = $1 AND source_event_id = $2 AND source = 'analysis' AND resolved_at IS NULL`, ws, eventID); err != nil {
		return wrap(err, "withdraw waiting items of a "+why+" message")
	}
	_, err := t.q.Exec(ctx, `DELETE FROM milestone_completions WHERE workspace_id = $1 AND evidence_event_id = $2 AND source = 'analysis'`, ws, eventID)
	return wrap(err, "withdraw milestones of a "+why+" message")
}

// PendingMessage is a stored message waiting for analysis.
type PendingMessage struct {
	EventID    string
	AccountID  string
	Channel    string
	TS         string
	ThreadTS   string
	AuthorRef  string
	AuthorName string
	Side       journey.Side
	ActorID    string
	Text       string
	At         time.Time
	Link       string
}

// PendingMessages returns up to limit messages of an account not analysed
// yet, oldest first (skipping rows another transaction holds).
func (t *Tx) PendingMessages(ctx context.Context, ws, accountID string, limit int) ([]PendingMessage, error) {
	rows, err := t.q.Query(ctx, `
		SELECT id::text, account_id::text, external_id, author_ref, author_name, direction, coalesce(actor_id::text, ''),
			text, occurred_at, link
		FROM timeline_events
		WHERE workspace_id = $1 AND account_id = $2 AND analyzed_at IS NULL AND deleted_at IS NULL AND text <> ''
		ORDER BY occurred_at, id LIMIT $3
		FOR UPDATE SKIP LOCKED`, ws, accountID, limit)
	if err != nil {
		return nil, wrap(err, "pending messages")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingMessage, error) {
		var m PendingMessage
		var ext, side string
		err := r.Scan(&m.EventID, &m.AccountID, &ext, &m.AuthorRef, &m.AuthorName, &side, &m.ActorID, &m.Text, &m.At, &m.Link)
		m.Side = journey.Side(side)
		m.Channel, m.TS, m.ThreadTS = journey.SplitMessageRef(ext)
		return m, err
	})
}

// MarkAnalyzed records that messages were analysed.
func (t *Tx) MarkAnalyzed(ctx context.Context, ws string, eventIDs []string, at time.Time) error {
	_, err := t.q.Exec(ctx, `UPDATE timeline_events SET analyzed_at = $3 WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, ws, eventIDs, at)
	return wrap(err, "mark analyzed")
}

// CloseCommitment marks an open commitment done (by a message, or a sent
// follow-up). The actions that still nudge about it are done too: a kept
// promise asks nothing more of anyone.
func (t *Tx) CloseCommitment(ctx context.Context, ws, id string, at time.Time) (bool, error) {
	tag, err := t.q.Exec(ctx, `UPDATE commitments SET status = 'done', done_at = $3, updated_at = now()
		WHERE workspace_id = $1 AND id = $2 AND status = 'open'`, ws, id, at)
	if err != nil || tag.RowsAffected() == 0 {
		return false, wrap(err, "close commitment")
	}
	_, err = t.q.Exec(ctx, `
		WITH kept AS (
			UPDATE actions a SET state = 'done', updated_at = now()
			FROM actions old
			WHERE old.id = a.id AND a.workspace_id = $1 AND a.kind IN ('commitment_due', 'commitment_overdue')
				AND a.idempotency_key LIKE '%:' || $2 AND a.state IN ('proposed', 'snoozed', 'failed')
			RETURNING a.id, old.state AS from_state)
		INSERT INTO action_transitions (id, workspace_id, action_id, from_state, to_state, verb, note)
		SELECT gen_random_uuid(), $1, id, from_state, 'done', 'done', 'promise kept' FROM kept`, ws, id)
	return true, wrap(err, "close the promise's actions")
}

// ResolveWait marks an open waiting-on item resolved.
func (t *Tx) ResolveWait(ctx context.Context, ws, id string, at time.Time) (bool, error) {
	tag, err := t.q.Exec(ctx, `UPDATE waiting_items SET resolved_at = $3 WHERE workspace_id = $1 AND id = $2 AND resolved_at IS NULL`, ws, id, at)
	return tag.RowsAffected() == 1, wrap(err, "resolve waiting item")
}

// RecordModelCall stores what a model call cost.
func (t *Tx) RecordModelCall(ctx context.Context, ws, model, purpose string, messages int, u journey.Usage, callErr error) error {
	msg := ""
	if callErr != nil {
		msg = callErr.Error()
	}
	_, err := t.q.Exec(ctx, `INSERT INTO model_calls (id, workspace_id, model, purpose, messages, calls, prompt_tokens, completion_tokens, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, newID(), ws, model, purpose, messages, u.Calls, u.PromptTokens, u.CompletionTokens, msg)
	return wrap(err, "record model call")
}

// AccountIDsWithPending lists accounts that have messages waiting for analysis.
func (s *Store) AccountIDsWithPending(ctx context.Context, ws string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT account_id::text FROM timeline_events
		WHERE workspace_id = $1 AND analyzed_at IS NULL AND deleted_at IS NULL AND text <> ''`, ws)
	if err != nil {
		return nil, wrap(err, "pending accounts")
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// ContactByName finds a contact of an account by name (case-insensitive).
func (t *Tx) ContactByName(ctx context.Context, ws, accountID, name string) (journey.Contact, bool, error) {
	c, err := scanContact(t.q.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts
		WHERE workspace_id = $1 AND account_id = $2 AND lower(name) = lower($3) LIMIT 1`, ws, accountID, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, wrap(err, fmt.Sprintf("contact %q", name))
}

// PersonBySlackID finds one of our people by Slack user id, inside the transaction.
func (t *Tx) PersonBySlackID(ctx context.Context, ws, slackUserID string) (journey.Person, bool, error) {
	return personBySlackID(ctx, t.q, ws, slackUserID)
}

// ContactByEmail finds a contact by email, preferring the given account's.
func (s *Store) ContactByEmail(ctx context.Context, ws, accountID, email string) (journey.Contact, bool, error) {
	c, err := scanContact(s.pool.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts
		WHERE workspace_id = $1 AND lower(email) = lower($3) AND email <> ''
		ORDER BY (account_id::text = $2) DESC LIMIT 1`, ws, accountID, email))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, wrap(err, "contact by email")
}
