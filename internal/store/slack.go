package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// RecordSlackEvent stores an incoming Slack event in the inbox before it is
// acked, received at the bot's time at. It returns fresh=false when the same
// (team, event id) was stored already: a retry or a duplicate delivery, to be
// acked and skipped. The inbox's ages (when to replay, when to forget) are
// on the bot's clock; only the claims' lease runs on the database's.
func (s *Store) RecordSlackEvent(ctx context.Context, teamID, eventID, eventType, envelopeID string, retry int, payload []byte, at time.Time) (fresh bool, err error) {
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO slack_events (team_id, event_id, event_type, envelope_id, retry_attempt, payload, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (team_id, event_id) DO NOTHING`, teamID, eventID, eventType, envelopeID, retry, payload, at)
	if err != nil {
		return false, wrap(err, "slack event "+eventID)
	}
	return tag.RowsAffected() == 1, nil
}

// SlackEventLease is how long a claim on an inbox event holds: longer than
// a handler may run, so a replay never takes up an event still being
// handled.
const SlackEventLease = 2 * time.Minute

// ClaimSlackEvent takes up a stored event for handling, counting the
// attempt, tried at the bot's time at. It returns false when the event was
// handled already, given up, or is claimed by another handler whose claim
// still holds.
func (s *Store) ClaimSlackEvent(ctx context.Context, teamID, eventID string, at time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE slack_events SET attempts = attempts + 1, claimed_at = now(), tried_at = $4
		WHERE team_id = $1 AND event_id = $2 AND processed_at IS NULL AND gave_up_at IS NULL
		AND (claimed_at IS NULL OR claimed_at < now() - $3::interval)`, teamID, eventID, SlackEventLease.String(), at)
	if err != nil {
		return false, wrap(err, "claim slack event "+eventID)
	}
	return tag.RowsAffected() == 1, nil
}

// MarkSlackEventProcessed records how handling an inbox event went: handled
// at the bot's time at, or failed with handleErr (the event stays
// unprocessed, its claim released, for a replay).
func (s *Store) MarkSlackEventProcessed(ctx context.Context, teamID, eventID string, handleErr error, at time.Time) error {
	var err error
	if handleErr == nil {
		_, err = s.pool.Exec(ctx, `UPDATE slack_events SET processed_at = $3, error = '', claimed_at = NULL
			WHERE team_id = $1 AND event_id = $2`, teamID, eventID, at)
	} else {
		_, err = s.pool.Exec(ctx, `UPDATE slack_events SET error = $3, claimed_at = NULL
			WHERE team_id = $1 AND event_id = $2 AND processed_at IS NULL`, teamID, eventID, handleErr.Error())
	}
	return wrap(err, "slack event "+eventID)
}

// SlackEvent is one stored inbox event taken up for a replay.
type SlackEvent struct {
	TeamID, EventID, EventType string
	Payload                    []byte
	Attempts                   int // counting the one it was claimed for
	Error                      string
}

// ClaimSlackEventsToReplay takes up to limit inbox events received (and
// last tried, if ever) before before that were never handled or whose
// handling failed, with fewer than maxAttempts attempts and no claim holding
// (claims run on the database's clock, whatever now says). Each is claimed,
// its attempt counted and tried at now, so neither a second replay nor a
// late handler takes it.
func (s *Store) ClaimSlackEventsToReplay(ctx context.Context, before, now time.Time, maxAttempts, limit int) ([]SlackEvent, error) {
	rows, err := s.pool.Query(ctx, `UPDATE slack_events e SET attempts = e.attempts + 1, claimed_at = now(), tried_at = $2
		FROM (SELECT team_id, event_id FROM slack_events
			WHERE processed_at IS NULL AND gave_up_at IS NULL AND received_at < $1 AND attempts < $3
			AND (claimed_at IS NULL OR claimed_at < now() - $5::interval)
			AND (tried_at IS NULL OR tried_at < $1)
			ORDER BY received_at LIMIT $4 FOR UPDATE SKIP LOCKED) c
		WHERE e.team_id = c.team_id AND e.event_id = c.event_id
		RETURNING e.team_id, e.event_id, e.event_type, e.payload, e.attempts, e.error`,
		before, now, maxAttempts, limit, SlackEventLease.String())
	if err != nil {
		return nil, wrap(err, "claim slack events")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SlackEvent, error) {
		var e SlackEvent
		err := r.Scan(&e.TeamID, &e.EventID, &e.EventType, &e.Payload, &e.Attempts, &e.Error)
		return e, err
	})
}

// GiveUpSlackEvents marks as given up the unhandled inbox events that used
// their maxAttempts attempts (and are not being handled); the rows
// stay, with their last error. It returns them.
func (s *Store) GiveUpSlackEvents(ctx context.Context, now time.Time, maxAttempts int) ([]SlackEvent, error) {
	rows, err := s.pool.Query(ctx, `UPDATE slack_events SET gave_up_at = $1
		WHERE processed_at IS NULL AND gave_up_at IS NULL AND attempts >= $2
		AND (claimed_at IS NULL OR claimed_at < now() - $3::interval)
		RETURNING team_id, event_id, event_type, attempts, error`, now, maxAttempts, SlackEventLease.String())
	if err != nil {
		return nil, wrap(err, "give up slack events")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SlackEvent, error) {
		var e SlackEvent
		err := r.Scan(&e.TeamID, &e.EventID, &e.EventType, &e.Attempts, &e.Error)
		return e, err
	})
}

// DeleteProcessedSlackEvents deletes up to limit inbox events processed
// before before; it returns how many it deleted.
func (s *Store) DeleteProcessedSlackEvents(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM slack_events WHERE (team_id, event_id) IN (
		SELECT team_id, event_id FROM slack_events WHERE processed_at < $1 LIMIT $2)`, before, limit)
	if err != nil {
		return 0, wrap(err, "delete slack events")
	}
	return int(tag.RowsAffected()), nil
}

// SlackEventState is what the inbox knows of one event's handling.
type SlackEventState struct {
	Processed, GaveUp bool
	Attempts          int
	Error             string
}

// SlackEventStatus returns the handling state of one inbox event, and
// whether the inbox holds it.
func (s *Store) SlackEventStatus(ctx context.Context, teamID, eventID string) (SlackEventState, bool, error) {
	var st SlackEventState
	err := s.pool.QueryRow(ctx, `SELECT processed_at IS NOT NULL, gave_up_at IS NOT NULL, attempts, error
		FROM slack_events WHERE team_id = $1 AND event_id = $2`, teamID, eventID).Scan(&st.Processed, &st.GaveUp, &st.Attempts, &st.Error)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, false, nil
	}
	return st, err == nil, wrap(err, "slack event "+eventID)
}

// SlackEventCount returns how many events of a type the inbox holds.
func (s *Store) SlackEventCount(ctx context.Context, teamID, eventType string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM slack_events WHERE team_id = $1 AND ($2 = '' OR event_type = $2)`, teamID, eventType).Scan(&n)
	return n, wrap(err, "slack events")
}

// PersonBySlackID finds one of our people by Slack user id.
func (s *Store) PersonBySlackID(ctx context.Context, ws, slackUserID string) (journey.Person, bool, error) {
	return personBySlackID(ctx, s.pool, ws, slackUserID)
}

func personBySlackID(ctx context.Context, q querier, ws, slackUserID string) (journey.Person, bool, error) {
	if slackUserID == "" {
		return journey.Person{}, false, nil
	}
	rows, err := q.Query(ctx, `SELECT `+personCols+` FROM people WHERE workspace_id = $1 AND slack_user_id = $2`, ws, slackUserID)
	if err != nil {
		return journey.Person{}, false, wrap(err, "person")
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPersonRow)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, wrap(err, "person "+slackUserID)
}

// LinkChannel links a Slack channel to an account (replacing an earlier link
// of that channel).
func (s *Store) LinkChannel(ctx context.Context, ws, channelID, accountID, byPersonID string) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO channel_links (workspace_id, channel_id, account_id, linked_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, channel_id) DO UPDATE SET account_id = EXCLUDED.account_id, linked_by = EXCLUDED.linked_by, linked_at = now()`,
		ws, channelID, accountID, nullID(byPersonID))
	return wrap(err, "channel link")
}

// LinkedAccount returns the account a channel is linked to, or "" if none.
func (s *Store) LinkedAccount(ctx context.Context, ws, channelID string) (string, error) {
	var id string
	// an account deleted in the CRM is no longer linked: its channel's
	// messages go nowhere
	err := s.pool.QueryRow(ctx, `SELECT l.account_id::text FROM channel_links l
		JOIN accounts a ON a.workspace_id = l.workspace_id AND a.id = l.account_id AND a.archived_at IS NULL
		WHERE l.workspace_id = $1 AND l.channel_id = $2`, ws, channelID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, wrap(err, "channel link")
}

const actionCols = `id::text, account_id::text, coalesce(deal_id::text, ''), owner_id::text, kind, title, reason, draft_subject,
	draft_body, state, idempotency_key, snoozed_until, due_at, created_at, updated_at, nudged_at`

func scanAction(r pgx.Row) (journey.Action, error) {
	var a journey.Action
	var state string
	var snoozed, due, nudged *time.Time
	err := r.Scan(&a.ID, &a.AccountID, &a.DealID, &a.OwnerID, &a.Kind, &a.Title, &a.Reason, &a.DraftSubject, &a.DraftBody,
		&state, &a.IdempotencyKey, &snoozed, &due, &a.CreatedAt, &a.UpdatedAt, &nudged)
	a.State, a.SnoozedUntil, a.DueAt, a.NudgedAt = journey.ActionState(state), deref(snoozed), deref(due), deref(nudged)
	return a, err
}

// ProposeActions stores suggested actions; one whose idempotency key is
// already stored (in any state) is left alone, so a dismissed suggestion
// does not come back. It returns the ids of the new ones.
func (s *Store) ProposeActions(ctx context.Context, ws string, actions []journey.Action) ([]string, error) {
	if len(actions) == 0 {
		return nil, nil
	}
	b := &pgx.Batch{}
	for _, a := range actions {
		b.Queue(`
			INSERT INTO actions (id, workspace_id, account_id, deal_id, owner_id, kind, title, reason, draft_subject, draft_body,
				state, idempotency_key, due_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'proposed', $11, $12)
			ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
			RETURNING id::text`,
			newID(), ws, a.AccountID, nullID(a.DealID), a.OwnerID, a.Kind, a.Title, a.Reason, a.DraftSubject, a.DraftBody,
			a.IdempotencyKey, nullTime(a.DueAt))
	}
	res := s.pool.SendBatch(ctx, b)
	defer res.Close()
	var added []string
	for range actions {
		var id string
		err := res.QueryRow().Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		} else if err != nil {
			return added, wrap(err, "propose actions")
		}
		added = append(added, id)
	}
	return added, nil
}

// ReplaceDraft sets a model's draft on a proposed action nobody has edited;
// it reports whether it did.
func (s *Store) ReplaceDraft(ctx context.Context, ws, id, subject, body string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE actions SET draft_subject = $3, draft_body = $4, updated_at = now()
		WHERE workspace_id = $1 AND id = $2 AND state = 'proposed'
		AND NOT EXISTS (SELECT 1 FROM action_transitions t WHERE t.action_id = actions.id AND t.verb = 'edit')`, ws, id, subject, body)
	return tag.RowsAffected() == 1, wrap(err, "replace draft")
}

// ActionsFor lists a person's actions that still ask for attention at now
// (proposed, failed, and snoozed ones whose snooze ended), oldest first.
func (s *Store) ActionsFor(ctx context.Context, ws, ownerID string, now time.Time) ([]journey.Action, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+actionCols+` FROM actions WHERE workspace_id = $1 AND owner_id = $2
		AND (state IN ('proposed', 'failed', 'approved') OR (state = 'snoozed' AND snoozed_until <= $3))
		ORDER BY created_at, id`, ws, ownerID, now)
	if err != nil {
		return nil, wrap(err, "actions")
	}
	return pgx.CollectRows(rows, rowTo(scanAction))
}

// Action returns one action.
func (s *Store) Action(ctx context.Context, ws, id string) (journey.Action, error) {
	return (&Tx{q: s.pool}).action(ctx, ws, id)
}

// ActionTransition is one recorded move of an action.
type ActionTransition struct {
	From, To journey.ActionState
	Verb     journey.ActionVerb
	ActorID  string
	Note     string
	At       time.Time
}

// TransitionAction applies verb to the action under a row lock and records
// the move with its actor. A verb the action already went through (a double
// click) changes nothing and returns changed=false; a move the state machine
// forbids returns its EINVALID error.
func (s *Store) TransitionAction(ctx context.Context, ws, id string, verb journey.ActionVerb, actorID string, snoozeUntil time.Time, note string) (a journey.Action, changed bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, changed, err = (&Tx{q: tx}).TransitionAction(ctx, ws, id, verb, actorID, snoozeUntil, note)
		return err
	})
	return a, changed, err
}

// TransitionAction is Store.TransitionAction inside a transaction.
func (t *Tx) TransitionAction(ctx context.Context, ws, id string, verb journey.ActionVerb, actorID string, snoozeUntil time.Time, note string) (a journey.Action, changed bool, err error) {
	rows, err := t.q.Query(ctx, `SELECT `+actionCols+` FROM actions WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, ws, id)
	if err != nil {
		return a, false, wrap(err, "action")
	}
	a, err = pgx.CollectExactlyOneRow(rows, rowTo(scanAction))
	if err != nil {
		return a, false, wrap(err, "action")
	}
	to, err := journey.Next(a.State, verb)
	if errors.Is(err, journey.ErrSameState) {
		return a, false, nil
	} else if err != nil {
		return a, false, err
	}
	from := a.State
	a.State = to
	if to == journey.ActionSnoozed {
		a.SnoozedUntil = snoozeUntil
	}
	if _, err := t.q.Exec(ctx, `UPDATE actions SET state = $3, snoozed_until = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
		ws, id, string(to), nullTime(a.SnoozedUntil)); err != nil {
		return a, false, wrap(err, "update action")
	}
	if _, err := t.q.Exec(ctx, `INSERT INTO action_transitions (id, workspace_id, action_id, from_state, to_state, verb, actor_id, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newID(), ws, id, string(from), string(to), string(verb), nullID(actorID), note); err != nil {
		return a, false, wrap(err, "record transition")
	}
	return a, true, nil
}

// UpdateDraft replaces an action's draft.
func (s *Store) UpdateDraft(ctx context.Context, ws, id, subject, body, actorID string) (journey.Action, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE actions SET draft_subject = $3, draft_body = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
			ws, id, subject, body); err != nil {
			return wrap(err, "update draft")
		}
		_, err := tx.Exec(ctx, `INSERT INTO action_transitions (id, workspace_id, action_id, from_state, to_state, verb, actor_id, note)
			SELECT $1, $2, $3, state, state, 'edit', $4, 'draft edited' FROM actions WHERE workspace_id = $2 AND id = $3`,
			newID(), ws, id, nullID(actorID))
		return wrap(err, "record edit")
	})
	if err != nil {
		return journey.Action{}, err
	}
	return s.Action(ctx, ws, id)
}

// ActionTransitions lists an action's recorded moves, oldest first.
func (s *Store) ActionTransitions(ctx context.Context, ws, id string) ([]ActionTransition, error) {
	rows, err := s.pool.Query(ctx, `SELECT from_state, to_state, verb, coalesce(actor_id::text, ''), note, at
		FROM action_transitions WHERE workspace_id = $1 AND action_id = $2 ORDER BY at, id`, ws, id)
	if err != nil {
		return nil, wrap(err, "action transitions")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ActionTransition, error) {
		var t ActionTransition
		var from, to, verb string
		err := r.Scan(&from, &to, &verb, &t.ActorID, &t.Note, &t.At)
		t.From, t.To, t.Verb = journey.ActionState(from), journey.ActionState(to), journey.ActionVerb(verb)
		return t, err
	})
}

// RecordSent puts a sent follow-up on the account's timeline and, when the
// action was about a promise, closes that promise.
func (s *Store) RecordSent(ctx context.Context, ws string, a journey.Action, actorID string, at time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.RecordSent(ctx, ws, a, actorID, "", at) })
}

// RecordSent is Store.RecordSent inside a transaction; to names the
// recipient when known.
func (t *Tx) RecordSent(ctx context.Context, ws string, a journey.Action, actorID, to string, at time.Time) error {
	summary := "Follow-up sent: " + a.DraftSubject
	if to != "" {
		summary = "Follow-up sent to " + to + ": " + a.DraftSubject
	}
	if _, _, err := t.AddEvent(ctx, ws, journey.Event{AccountID: a.AccountID, DealID: a.DealID, ActorID: actorID,
		Kind: journey.EventEmail, Source: "journey", ExternalID: "sent:" + a.ID, At: at, Direction: journey.SideUs,
		Summary: summary}); err != nil {
		return err
	}
	if id := a.CommitmentID(); id != "" {
		if _, err := t.CloseCommitment(ctx, ws, id, at); err != nil {
			return err
		}
	}
	return nil
}
