package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// Workspace returns the workspace of a Slack team.
func (s *Store) Workspace(ctx context.Context, teamID string) (journey.Workspace, error) {
	w := journey.Workspace{SlackTeamID: teamID}
	err := s.pool.QueryRow(ctx, `SELECT id::text, name FROM workspaces WHERE slack_team_id = $1`, teamID).Scan(&w.ID, &w.Name)
	return w, wrap(err, "workspace "+teamID)
}

// Workspaces lists every workspace, oldest first.
func (s *Store) Workspaces(ctx context.Context) ([]journey.Workspace, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, name, slack_team_id FROM workspaces ORDER BY created_at, id`)
	if err != nil {
		return nil, wrap(err, "workspaces")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (journey.Workspace, error) {
		var w journey.Workspace
		return w, r.Scan(&w.ID, &w.Name, &w.SlackTeamID)
	})
}

// Definitions returns the newest version of every journey definition of the
// workspace, with stages and milestones, in two queries.
func (s *Store) Definitions(ctx context.Context, ws string) ([]journey.Definition, error) {
	return definitions(ctx, s.pool, ws, "", 0)
}

// Definitions returns the newest version of every definition, inside the transaction.
func (t *Tx) Definitions(ctx context.Context, ws string) ([]journey.Definition, error) {
	return definitions(ctx, t.q, ws, "", 0)
}

// Definition returns one version of a definition (version 0: the newest).
func (s *Store) Definition(ctx context.Context, ws, key string, version int) (journey.Definition, error) {
	defs, err := definitions(ctx, s.pool, ws, key, version)
	if err != nil {
		return journey.Definition{}, err
	}
	if len(defs) == 0 {
		if version > 0 {
			return journey.Definition{}, journey.Errorf(journey.ENOTFOUND, "journey %q has no version %d", key, version)
		}
		return journey.Definition{}, journey.Errorf(journey.ENOTFOUND, "no journey definition named %q", key)
	}
	return defs[0], nil
}

// DefinitionVersions lists the versions of a definition, newest first.
func (s *Store) DefinitionVersions(ctx context.Context, ws, key string) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT version FROM journey_definitions WHERE workspace_id = $1 AND key = $2 ORDER BY version DESC`, ws, key)
	if err != nil {
		return nil, wrap(err, "definition versions")
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

func definitions(ctx context.Context, q querier, ws, key string, version int) ([]journey.Definition, error) {
	rows, err := q.Query(ctx, `
		SELECT d.id::text, d.key, d.version, d.name, d.segments, d.description, d.won_stages, d.lost_stages, d.source, d.created_at,
			coalesce(st.key, ''), coalesce(st.name, ''), coalesce(st.owner_team, ''), coalesce(st.description, ''),
			coalesce(st.entry_criteria, '{}'), coalesce(st.exit_criteria, '{}'), coalesce(st.touchpoints, '{}'),
			coalesce(st.crm_stages, '{}'), coalesce(st.deal_kinds, '{}'), coalesce(st.renewal_window_days, 0),
			coalesce(st.reentry, false), coalesce(st.checklist, '[]'),
			coalesce(m.key, ''), coalesce(m.name, ''), coalesce(m.required, false), coalesce(m.personas, '{}'),
			coalesce(m.evidence, '{}'), coalesce(m.description, '')
		FROM journey_definitions d
		LEFT JOIN journey_stages st ON st.definition_id = d.id
		LEFT JOIN journey_milestones m ON m.stage_id = st.id
		WHERE d.workspace_id = $1
			AND ($2 = '' OR d.key = $2)
			AND (($3 = 0 AND d.version = (SELECT max(version) FROM journey_definitions x WHERE x.workspace_id = d.workspace_id AND x.key = d.key))
				OR d.version = $3)
		ORDER BY d.key, st.position, m.position`, ws, key, version)
	if err != nil {
		return nil, wrap(err, "journey definitions")
	}
	defer rows.Close()
	var out []journey.Definition
	for rows.Next() {
		var d journey.Definition
		var st journey.Stage
		var m journey.Milestone
		var kinds []string
		var checklist []byte
		if err := rows.Scan(&d.ID, &d.Key, &d.Version, &d.Name, &d.Segments, &d.Description, &d.WonStages, &d.LostStages,
			&d.Source, &d.CreatedAt, &st.Key, &st.Name, &st.OwnerTeam, &st.Description, &st.EntryCriteria, &st.ExitCriteria,
			&st.Touchpoints, &st.CRMStages, &kinds, &st.RenewalWindowDays, &st.Reentry, &checklist,
			&m.Key, &m.Name, &m.Required, &m.Personas, &m.Evidence, &m.Description); err != nil {
			return nil, fmt.Errorf("scan journey definition: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != d.ID {
			out = append(out, d)
		}
		cur := &out[len(out)-1]
		if st.Key == "" {
			continue
		}
		if n := len(cur.Stages); n == 0 || cur.Stages[n-1].Key != st.Key {
			for _, k := range kinds {
				st.DealKinds = append(st.DealKinds, journey.DealKind(k))
			}
			if err := json.Unmarshal(checklist, &st.Checklist); err != nil {
				return nil, fmt.Errorf("decode checklist of stage %s: %w", st.Key, err)
			}
			cur.Stages = append(cur.Stages, st)
		}
		if m.Key != "" {
			last := &cur.Stages[len(cur.Stages)-1]
			last.Milestones = append(last.Milestones, m)
		}
	}
	return out, wrap(rows.Err(), "journey definitions")
}

// AccountRefs lists every account's id and name, for lookups by name.
func (s *Store) AccountRefs(ctx context.Context, ws string) ([]journey.NamedRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, name FROM accounts WHERE workspace_id = $1 AND archived_at IS NULL ORDER BY name`, ws)
	if err != nil {
		return nil, wrap(err, "accounts")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (journey.NamedRef, error) {
		var n journey.NamedRef
		return n, r.Scan(&n.ID, &n.Name)
	})
}

// CardEventLimit is how many of an account's newest events a card loads.
const CardEventLimit = 200

// CardChangeLimit is how many of an account's newest changes a card loads.
const CardChangeLimit = 100

// CardQueries is how many queries LoadAccount sends, all in one round trip.
const CardQueries = 10

// LoadAccount loads everything the engine needs for one account: CardQueries
// queries sent as one batch (one round trip), whatever the account's size.
func (s *Store) LoadAccount(ctx context.Context, ws, accountID string) (journey.AccountData, error) {
	var data journey.AccountData
	b := &pgx.Batch{}
	b.Queue(`SELECT `+accountCols+` FROM accounts WHERE workspace_id = $1 AND id = $2 AND archived_at IS NULL`, ws, accountID).QueryRow(func(row pgx.Row) error {
		a, err := scanAccount(row)
		data.Account = a
		return wrap(err, "account")
	})
	b.Queue(`SELECT `+personCols+` FROM people WHERE workspace_id = $1
		AND id IN (SELECT owner_id FROM accounts WHERE id = $2 UNION SELECT csm_id FROM accounts WHERE id = $2)`, ws, accountID).
		Query(func(rows pgx.Rows) error {
			people, err := pgx.CollectRows(rows, scanPersonRow)
			for _, p := range people {
				if p.ID == data.Account.OwnerID {
					data.Owner = p
				}
				if p.ID == data.Account.CSMID {
					data.CSM = p
				}
			}
			return wrap(err, "account people")
		})
	queueRows(b, &data.Deals, scanDeal, "deals",
		`SELECT `+dealCols+` FROM deals WHERE workspace_id = $1 AND account_id = $2 AND archived_at IS NULL ORDER BY created_at, id`, ws, accountID)
	queueRows(b, &data.Contacts, scanContact, "contacts",
		`SELECT `+contactCols+` FROM contacts WHERE workspace_id = $1 AND account_id = $2 AND archived_at IS NULL ORDER BY name, id`, ws, accountID)
	queueRows(b, &data.Events, scanEvent, "events", `SELECT `+eventCols+` FROM timeline_events WHERE workspace_id = $1 AND account_id = $2
		ORDER BY occurred_at DESC, id DESC LIMIT $3`, ws, accountID, CardEventLimit)
	// counted apart: an index-only count stays cheap for accounts with many
	// thousands of events, where a window count would read them all
	b.Queue(`SELECT count(*) FROM timeline_events WHERE workspace_id = $1 AND account_id = $2`, ws, accountID).
		QueryRow(func(row pgx.Row) error { return wrap(row.Scan(&data.EventCount), "event count") })
	queueRows(b, &data.Completions, scanCompletion, "completions",
		`SELECT `+completionCols+` FROM milestone_completions WHERE workspace_id = $1 AND account_id = $2 ORDER BY completed_at`, ws, accountID)
	queueRows(b, &data.Changes, scanChange, "changes", `SELECT `+changeCols+` FROM property_changes WHERE workspace_id = $1 AND account_id = $2
		ORDER BY changed_at DESC, id DESC LIMIT $3`, ws, accountID, CardChangeLimit)
	queueRows(b, &data.Commitments, scanCommitment, "commitments",
		`SELECT `+commitmentCols+` FROM commitments WHERE workspace_id = $1 AND account_id = $2 ORDER BY created_at, id`, ws, accountID)
	queueRows(b, &data.Waits, scanWait, "waiting items",
		`SELECT `+waitCols+` FROM waiting_items WHERE workspace_id = $1 AND account_id = $2 ORDER BY since, id`, ws, accountID)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return data, err
	}
	return data, nil
}

// queueRows queues on b a query whose rows, read with scan, are stored in
// *dst when the batch is sent; what names them in errors.
func queueRows[T any](b *pgx.Batch, dst *[]T, scan func(pgx.Row) (T, error), what, sql string, args ...any) {
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var err error
		*dst, err = pgx.CollectRows(rows, rowTo(scan))
		return wrap(err, what)
	})
}

// queryRows runs a query and reads its rows with scan; what names them in
// errors.
func queryRows[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), what, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap(err, what)
	}
	out, err := pgx.CollectRows(rows, rowTo(scan))
	return out, wrap(err, what)
}

// rowTo turns a function that scans one row into one that pgx.CollectRows
// and pgx.CollectExactlyOneRow take.
func rowTo[T any](scan func(pgx.Row) (T, error)) pgx.RowToFunc[T] {
	return func(r pgx.CollectableRow) (T, error) { return scan(r) }
}

const personCols = `id::text, slack_user_id, name, email, time_zone, role, coalesce(manager_id::text, '')`

func scanPersonRow(r pgx.CollectableRow) (journey.Person, error) {
	var p journey.Person
	err := r.Scan(&p.ID, &p.SlackUserID, &p.Name, &p.Email, &p.TimeZone, &p.Role, &p.ManagerID)
	return p, err
}

// PersonByID returns a person by id.
func (t *Tx) PersonByID(ctx context.Context, ws, id string) (journey.Person, error) {
	rows, err := t.q.Query(ctx, `SELECT `+personCols+` FROM people WHERE workspace_id = $1 AND id = $2`, ws, id)
	if err != nil {
		return journey.Person{}, wrap(err, "person")
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPersonRow)
	return p, wrap(err, "person "+id)
}

// People lists everyone on our side in the workspace.
func (s *Store) People(ctx context.Context, ws string) ([]journey.Person, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+personCols+` FROM people WHERE workspace_id = $1 ORDER BY name, id`, ws)
	if err != nil {
		return nil, wrap(err, "people")
	}
	return pgx.CollectRows(rows, scanPersonRow)
}

const eventCols = `id::text, account_id::text, coalesce(deal_id::text, ''), coalesce(contact_id::text, ''),
	coalesce(actor_id::text, ''), kind, source, external_id, occurred_at, direction, summary, link`

func scanEvent(r pgx.Row) (journey.Event, error) {
	var e journey.Event
	var dir string
	err := r.Scan(&e.ID, &e.AccountID, &e.DealID, &e.ContactID, &e.ActorID, &e.Kind, &e.Source, &e.ExternalID, &e.At, &dir,
		&e.Summary, &e.Link)
	e.Direction = journey.Side(dir)
	return e, err
}

const completionCols = `id::text, account_id::text, coalesce(deal_id::text, ''), stage_key, milestone_key, persona, completed_at,
	coalesce(evidence_event_id::text, ''), note, source`

func scanCompletion(r pgx.Row) (journey.Completion, error) {
	var c journey.Completion
	err := r.Scan(&c.ID, &c.AccountID, &c.DealID, &c.StageKey, &c.MilestoneKey, &c.Persona, &c.At, &c.EvidenceEventID, &c.Note, &c.Source)
	return c, err
}

const changeCols = `id::text, account_id::text, coalesce(deal_id::text, ''), entity, entity_id::text, field, old_value, new_value,
	reason, coalesce(actor_id::text, ''), actor_name, source, changed_at, customer_told, told_by`

func scanChange(r pgx.Row) (journey.Change, error) {
	var c journey.Change
	err := r.Scan(&c.ID, &c.AccountID, &c.DealID, &c.Entity, &c.EntityID, &c.Field, &c.Old, &c.New, &c.Reason, &c.ActorID,
		&c.ActorName, &c.Source, &c.At, &c.Told, &c.ToldBy)
	return c, err
}

const commitmentCols = `id::text, account_id::text, coalesce(deal_id::text, ''), side, coalesce(owner_id::text, ''), owner_name,
	counterpart, what, due_at, status, done_at, coalesce(source_event_id::text, ''), created_at`

func scanCommitment(r pgx.Row) (journey.Commitment, error) {
	var c journey.Commitment
	var side string
	var due, done *time.Time
	err := r.Scan(&c.ID, &c.AccountID, &c.DealID, &side, &c.OwnerID, &c.OwnerName, &c.Counterpart, &c.What, &due, &c.Status,
		&done, &c.SourceEventID, &c.CreatedAt)
	c.Side, c.DueAt, c.DoneAt = journey.Side(side), deref(due), deref(done)
	return c, err
}

const waitCols = `id::text, account_id::text, coalesce(deal_id::text, ''), waiter, what, since, resolved_at,
	coalesce(source_event_id::text, '')`

func scanWait(r pgx.Row) (journey.WaitItem, error) {
	var w journey.WaitItem
	var waiter string
	var resolved *time.Time
	err := r.Scan(&w.ID, &w.AccountID, &w.DealID, &waiter, &w.What, &w.Since, &resolved, &w.SourceEventID)
	w.Waiter, w.ResolvedAt = journey.Side(waiter), deref(resolved)
	return w, err
}

// AccountCreatedAt returns when an account was created, or the zero time
// when there is no such account.
func (s *Store) AccountCreatedAt(ctx context.Context, ws, source, ext string) (time.Time, error) {
	var t time.Time
	err := s.pool.QueryRow(ctx, `SELECT created_at FROM accounts WHERE workspace_id = $1 AND source = $2 AND external_id = $3`,
		ws, source, ext).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	return t, wrap(err, "account "+ext)
}
