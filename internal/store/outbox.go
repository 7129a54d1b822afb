package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// Outbox phases (see migrations/0005_outbox.sql).
const (
	PhaseQueued     = "queued"
	PhaseSending    = "sending"
	PhaseHandedOver = "handed_over"
	PhaseSent       = "sent"
	PhaseFailed     = "failed"
)

// OutboxEmail is journey.OutboxEmail, stored.
type OutboxEmail = journey.OutboxEmail

const outboxCols = `action_id::text, message_id, from_name, from_addr, to_name, to_addr, bcc_addr, subject, body,
	coalesce(approved_by::text, ''), approved_at, phase, attempts, last_error, slack_channel, slack_ts, slack_thread_ts, sent_at`

func scanOutbox(r pgx.Row) (OutboxEmail, error) {
	var e OutboxEmail
	var sent *time.Time
	err := r.Scan(&e.ActionID, &e.MessageID, &e.FromName, &e.FromAddr, &e.ToName, &e.ToAddr, &e.Bcc, &e.Subject, &e.Body,
		&e.ApprovedBy, &e.ApprovedAt, &e.Phase, &e.Attempts, &e.LastError, &e.SlackChannel, &e.SlackTS, &e.SlackThreadTS, &sent)
	e.SentAt = deref(sent)
	return e, err
}

// ApproveSend approves an action's send and puts its email in the outbox,
// in one transaction, in which it also runs enqueue (the job that sends it).
// The email's subject and body are the action's draft as it is at that
// moment. A failed send is approved again with verb retry; its outbox row is
// reused, with the same message id. A repeated click changes nothing and
// returns changed=false (and enqueues nothing).
func (s *Store) ApproveSend(ctx context.Context, ws, actionID string, verb journey.ActionVerb, e OutboxEmail, enqueue func(pgx.Tx) error) (a journey.Action, changed bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		t := &Tx{q: tx}
		a, changed, err = t.TransitionAction(ctx, ws, actionID, verb, e.ApprovedBy, time.Time{}, "send approved to "+e.ToAddr)
		if err != nil || !changed {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO outbox_emails (workspace_id, action_id, message_id, from_name, from_addr, to_name, to_addr, bcc_addr,
				subject, body, approved_by, approved_at, slack_channel, slack_ts, slack_thread_ts)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (workspace_id, action_id) DO UPDATE SET phase = 'queued', from_name = EXCLUDED.from_name,
				from_addr = EXCLUDED.from_addr, to_name = EXCLUDED.to_name, to_addr = EXCLUDED.to_addr, bcc_addr = EXCLUDED.bcc_addr,
				subject = EXCLUDED.subject, body = EXCLUDED.body, approved_by = EXCLUDED.approved_by,
				approved_at = EXCLUDED.approved_at, slack_channel = EXCLUDED.slack_channel, slack_ts = EXCLUDED.slack_ts, slack_thread_ts = EXCLUDED.slack_thread_ts,
				last_error = '', updated_at = now()
			WHERE outbox_emails.phase = 'failed'`,
			ws, actionID, e.MessageID, e.FromName, e.FromAddr, e.ToName, e.ToAddr, e.Bcc, a.DraftSubject, a.DraftBody,
			nullID(e.ApprovedBy), e.ApprovedAt, e.SlackChannel, e.SlackTS, e.SlackThreadTS)
		if err != nil {
			return wrap(err, "outbox email")
		}
		return enqueue(tx)
	})
	return a, changed, err
}

// OutboxEmail returns an action's email in the outbox.
func (s *Store) OutboxEmail(ctx context.Context, ws, actionID string) (OutboxEmail, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+outboxCols+` FROM outbox_emails WHERE workspace_id = $1 AND action_id = $2`, ws, actionID)
	if err != nil {
		return OutboxEmail{}, wrap(err, "outbox email")
	}
	e, err := pgx.CollectExactlyOneRow(rows, rowTo(scanOutbox))
	return e, wrap(err, "outbox email")
}

// BeginSendAttempt starts an attempt at an outbox email. It returns the
// row as it was found: the caller sends only when its phase was queued or
// sending (an attempt that stopped before the hand-over). It then marks it
// sending, counts the attempt, and moves the action to sending.
func (s *Store) BeginSendAttempt(ctx context.Context, ws, actionID string) (OutboxEmail, error) {
	var found OutboxEmail
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+outboxCols+` FROM outbox_emails WHERE workspace_id = $1 AND action_id = $2 FOR UPDATE`, ws, actionID)
		if err != nil {
			return wrap(err, "outbox email")
		}
		found, err = pgx.CollectExactlyOneRow(rows, rowTo(scanOutbox))
		if err != nil {
			return wrap(err, "outbox email")
		}
		if found.Phase != PhaseQueued && found.Phase != PhaseSending {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox_emails SET phase = 'sending', attempts = attempts + 1, updated_at = now()
			WHERE workspace_id = $1 AND action_id = $2`, ws, actionID); err != nil {
			return wrap(err, "outbox attempt")
		}
		_, _, err = (&Tx{q: tx}).TransitionAction(ctx, ws, actionID, journey.VerbSending, "", time.Time{}, "outbox attempt")
		return err
	})
	return found, err
}

// MarkHandedOver records that the whole message is written and its final
// "." is about to go: from now on it is never sent again automatically.
func (s *Store) MarkHandedOver(ctx context.Context, ws, actionID string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE outbox_emails SET phase = 'handed_over', updated_at = now()
		WHERE workspace_id = $1 AND action_id = $2 AND phase = 'sending'`, ws, actionID)
	if err != nil {
		return wrap(err, "outbox hand-over")
	}
	if tag.RowsAffected() != 1 {
		return errors.New("outbox hand-over: the email is no longer being sent by this attempt")
	}
	return nil
}

// CompleteSend records a sent email: the outbox row, the action (sent, by
// whoever approved it), the timeline event, and the promise it keeps, in
// one transaction. note says how it is known (a server's answer, or a
// hand-over whose answer was lost). It returns the action and whether this
// call was the one that recorded it.
func (s *Store) CompleteSend(ctx context.Context, ws, actionID string, at time.Time, note string) (journey.Action, bool, error) {
	var a journey.Action
	var changed bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var by, to string
		err := tx.QueryRow(ctx, `UPDATE outbox_emails SET phase = 'sent', sent_at = $3, last_error = $4, updated_at = now()
			WHERE workspace_id = $1 AND action_id = $2 AND phase <> 'sent'
			RETURNING coalesce(approved_by::text, ''), CASE WHEN to_name <> '' THEN to_name ELSE to_addr END`,
			ws, actionID, at, note).Scan(&by, &to)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // recorded already
		} else if err != nil {
			return wrap(err, "outbox sent")
		}
		t := &Tx{q: tx}
		if a, err = t.action(ctx, ws, actionID); err != nil {
			return err
		}
		if a.State == journey.ActionApproved {
			if _, _, err := t.TransitionAction(ctx, ws, actionID, journey.VerbSending, "", time.Time{}, "outbox attempt"); err != nil {
				return err
			}
		}
		if a, changed, err = t.TransitionAction(ctx, ws, actionID, journey.VerbSent, by, time.Time{}, note); err != nil {
			return err
		}
		return t.RecordSent(ctx, ws, a, by, to, at)
	})
	if err == nil && !changed {
		a, err = s.Action(ctx, ws, actionID)
	}
	return a, changed, err
}

// FailSend records an attempt that certainly did not deliver (the server
// refused it, or it never had the message). A permanent failure moves the
// action to failed (its owner can fix the address and try again, or copy
// the draft); a temporary one puts the email back in the queue for a retry.
func (s *Store) FailSend(ctx context.Context, ws, actionID, reason string, permanent bool) (journey.Action, error) {
	var a journey.Action
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		phase := PhaseQueued
		if permanent {
			phase = PhaseFailed
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox_emails SET phase = $3, last_error = $4, updated_at = now()
			WHERE workspace_id = $1 AND action_id = $2 AND phase IN ('queued', 'sending', 'handed_over')`, ws, actionID, phase, reason); err != nil {
			return wrap(err, "outbox failure")
		}
		var err error
		if permanent {
			a, _, err = (&Tx{q: tx}).TransitionAction(ctx, ws, actionID, journey.VerbFail, "", time.Time{}, reason)
			return err
		}
		return nil
	})
	if err == nil && !permanent {
		a, err = s.Action(ctx, ws, actionID)
	}
	return a, err
}

// MarkNudged records that actions were put in front of their owner by a DM.
// It stamps the database's clock, the one updated_at uses, so that
// Action.Fresh compares like with like.
func (s *Store) MarkNudged(ctx context.Context, ws string, actionIDs []string) error {
	if len(actionIDs) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE actions SET nudged_at = now() WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, ws, actionIDs)
	return wrap(err, "mark nudged")
}

// WokenActions lists snoozed actions whose snooze ended by now, for the
// DMs that bring them back.
func (s *Store) WokenActions(ctx context.Context, ws string, now time.Time) ([]journey.Action, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+actionCols+` FROM actions
		WHERE workspace_id = $1 AND state = 'snoozed' AND snoozed_until <= $2 ORDER BY snoozed_until, id`, ws, now)
	if err != nil {
		return nil, wrap(err, "woken actions")
	}
	return pgx.CollectRows(rows, rowTo(scanAction))
}

// LastDelivery returns when the newest delivery of kind whose key starts
// with prefix went out before t (zero when none did).
func (s *Store) LastDelivery(ctx context.Context, ws, kind, prefix string, before time.Time) (time.Time, error) {
	var at *time.Time
	err := s.pool.QueryRow(ctx, `SELECT max(sent_at) FROM deliveries WHERE workspace_id = $1 AND kind = $2
		AND starts_with(key, $3) AND sent_at < $4`, ws, kind, prefix, before).Scan(&at)
	return deref(at), wrap(err, "last delivery")
}

// FollowUpsSent lists the follow-ups sent through Journey (by email or
// marked sent) on the accounts the given people own, from since to until,
// oldest first.
func (s *Store) FollowUpsSent(ctx context.Context, ws string, ownerIDs []string, since, until time.Time) ([]journey.SentFollowUp, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id::text, a.name, coalesce(e.actor_id::text, a.owner_id::text, ''), e.summary, e.occurred_at
		FROM timeline_events e JOIN accounts a ON a.workspace_id = e.workspace_id AND a.id = e.account_id
		WHERE e.workspace_id = $1 AND e.source = 'journey' AND e.kind = 'email' AND starts_with(e.external_id, 'sent:')
		AND e.occurred_at >= $3 AND e.occurred_at <= $4 AND a.owner_id = ANY($2::uuid[])
		ORDER BY e.occurred_at, e.id`, ws, ownerIDs, since, until)
	if err != nil {
		return nil, wrap(err, "follow-ups sent")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (journey.SentFollowUp, error) {
		var f journey.SentFollowUp
		err := r.Scan(&f.AccountID, &f.AccountName, &f.ByID, &f.Summary, &f.At)
		return f, err
	})
}

func (t *Tx) action(ctx context.Context, ws, id string) (journey.Action, error) {
	rows, err := t.q.Query(ctx, `SELECT `+actionCols+` FROM actions WHERE workspace_id = $1 AND id = $2`, ws, id)
	if err != nil {
		return journey.Action{}, wrap(err, "action")
	}
	a, err := pgx.CollectExactlyOneRow(rows, rowTo(scanAction))
	return a, wrap(err, "action")
}
