package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// EnsureWorkspace returns the workspace of a Slack team, creating it (named
// name) when it does not exist yet.
func (t *Tx) EnsureWorkspace(ctx context.Context, name, teamID string) (journey.Workspace, error) {
	w := journey.Workspace{Name: name, SlackTeamID: teamID}
	err := t.q.QueryRow(ctx, `
		INSERT INTO workspaces (id, name, slack_team_id) VALUES ($1, $2, $3)
		ON CONFLICT (slack_team_id) DO UPDATE SET name = CASE WHEN EXCLUDED.name = '' THEN workspaces.name ELSE EXCLUDED.name END
		RETURNING id::text, name`, newID(), name, teamID).Scan(&w.ID, &w.Name)
	return w, wrap(err, "workspace "+teamID)
}

// PersonByRef finds a person by email (case-insensitive) or Slack user id.
func (t *Tx) PersonByRef(ctx context.Context, ws, ref string) (journey.Person, bool, error) {
	return personByRef(ctx, t.q, ws, ref)
}

func personByRef(ctx context.Context, q querier, ws, ref string) (journey.Person, bool, error) {
	var p journey.Person
	err := q.QueryRow(ctx, `
		SELECT id::text, slack_user_id, name, email, time_zone, role, coalesce(manager_id::text, '')
		FROM people WHERE workspace_id = $1 AND (lower(email) = lower($2) OR slack_user_id = $2)
		ORDER BY (slack_user_id = $2) DESC LIMIT 1`, ws, strings.TrimSpace(ref)).
		Scan(&p.ID, &p.SlackUserID, &p.Name, &p.Email, &p.TimeZone, &p.Role, &p.ManagerID)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, wrap(err, "person "+ref)
}

// UpsertPerson stores a person, matched by Slack user id or else by email.
// It returns the stored person with its id.
func (t *Tx) UpsertPerson(ctx context.Context, ws string, p journey.Person) (journey.Person, error) {
	existing, found := journey.Person{}, false
	var err error
	if p.SlackUserID != "" {
		existing, found, err = t.PersonByRef(ctx, ws, p.SlackUserID)
	}
	if err == nil && !found && p.Email != "" {
		existing, found, err = t.PersonByRef(ctx, ws, p.Email)
	}
	if err != nil {
		return p, err
	}
	if found {
		p.ID = existing.ID
		_, err = t.q.Exec(ctx, `
			UPDATE people SET slack_user_id = $3, name = $4, email = $5, time_zone = $6, role = $7, manager_id = $8, updated_at = now()
			WHERE workspace_id = $1 AND id = $2 AND (slack_user_id, name, email, time_zone, role, coalesce(manager_id::text, ''))
				IS DISTINCT FROM ($3, $4, $5, $6, $7, $9)`,
			ws, p.ID, p.SlackUserID, p.Name, p.Email, p.TimeZone, string(p.Role), nullID(p.ManagerID), p.ManagerID)
		return p, wrap(err, "person "+p.Name)
	}
	p.ID = newID()
	_, err = t.q.Exec(ctx, `
		INSERT INTO people (id, workspace_id, slack_user_id, name, email, time_zone, role, manager_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.ID, ws, p.SlackUserID, p.Name, p.Email, p.TimeZone, string(p.Role), nullID(p.ManagerID))
	return p, wrap(err, "person "+p.Name)
}

// SetManager records who manages a person.
func (t *Tx) SetManager(ctx context.Context, ws, personID, managerID string) error {
	_, err := t.q.Exec(ctx, `UPDATE people SET manager_id = $3 WHERE workspace_id = $1 AND id = $2
		AND manager_id IS DISTINCT FROM $3::uuid`, ws, personID, nullID(managerID))
	return wrap(err, "manager")
}

const accountCols = `id::text, name, domain, segment, coalesce(owner_id::text, ''), coalesce(csm_id::text, ''),
	arr_cents, currency, renewal_date, source, external_id, created_at`

func scanAccount(row pgx.Row) (journey.Account, error) {
	var a journey.Account
	var renewal *time.Time
	err := row.Scan(&a.ID, &a.Name, &a.Domain, &a.Segment, &a.OwnerID, &a.CSMID, &a.ARRCents, &a.Currency, &renewal,
		&a.Source, &a.ExternalID, &a.CreatedAt)
	a.RenewalDate = deref(renewal)
	return a, err
}

// AccountByExternal finds an account by its origin and external id, or by the ones it had
// before the CRM adopted it (adopted_from).
func (t *Tx) AccountByExternal(ctx context.Context, ws, source, ext string) (journey.Account, bool, error) {
	return byExternal(ctx, t.q, scanAccount, "account", "accounts", accountCols, ws, source, ext)
}

// byExternal finds a record of table (what names one in errors; cols are
// the columns scan reads) by its origin and external id, or by the ones it
// had before the CRM adopted it (adopted_from), and reports whether there is
// one.
func byExternal[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), what, table, cols, ws, source, ext string) (T, bool, error) {
	r, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+table+`
		WHERE workspace_id = $1 AND ((source = $2 AND external_id = $3) OR adopted_from = $2 || ':' || $3)
		ORDER BY source = $2 AND external_id = $3 DESC LIMIT 1`, ws, source, ext))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, wrap(err, what+" "+ext)
}

// SaveAccount inserts the account, or updates it when a.ID is set.
func (t *Tx) SaveAccount(ctx context.Context, ws string, a journey.Account) (string, error) {
	sql, args := saveAccountSQL(ws, &a)
	_, err := t.q.Exec(ctx, sql, args...)
	return a.ID, wrap(err, "account "+a.Name)
}

// saveAccountSQL is the statement that stores a: an update when it has an
// id, else an insert, for which it gives a its new id (and a creation time
// when it has none).
func saveAccountSQL(ws string, a *journey.Account) (string, []any) {
	if a.ID != "" {
		return `
		UPDATE accounts SET name = $3, name_key = $4, domain = $5, segment = $6, owner_id = $7, csm_id = $8,
			arr_cents = $9, currency = $10, renewal_date = $11, updated_at = now()
		WHERE workspace_id = $1 AND id = $2`,
			[]any{ws, a.ID, a.Name, journey.NameKey(a.Name), a.Domain, a.Segment, nullID(a.OwnerID), nullID(a.CSMID), a.ARRCents,
				a.Currency, nullTime(a.RenewalDate)}
	}
	a.ID, a.CreatedAt = newID(), createdOrNow(a.CreatedAt)
	return `
		INSERT INTO accounts (id, workspace_id, name, name_key, domain, segment, owner_id, csm_id, arr_cents, currency,
			renewal_date, source, external_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		[]any{a.ID, ws, a.Name, journey.NameKey(a.Name), a.Domain, a.Segment, nullID(a.OwnerID), nullID(a.CSMID), a.ARRCents,
			a.Currency, nullTime(a.RenewalDate), a.Source, a.ExternalID, a.CreatedAt}
}

const contactCols = `id::text, account_id::text, name, email, title, persona, buying_role, external_id`

func scanContact(row pgx.Row) (journey.Contact, error) {
	var c journey.Contact
	var role string
	err := row.Scan(&c.ID, &c.AccountID, &c.Name, &c.Email, &c.Title, &c.Persona, &role, &c.ExternalID)
	c.BuyingRole = journey.BuyingRole(role)
	return c, err
}

// ContactByExternal finds a contact by its origin and external id, or by the ones it had
// before the CRM adopted it (adopted_from).
func (t *Tx) ContactByExternal(ctx context.Context, ws, source, ext string) (journey.Contact, bool, error) {
	return byExternal(ctx, t.q, scanContact, "contact", "contacts", contactCols, ws, source, ext)
}

// SaveContact inserts the contact, or updates it when c.ID is set.
func (t *Tx) SaveContact(ctx context.Context, ws, source string, c journey.Contact) (string, error) {
	if c.ID == "" {
		c.ID = newID()
		_, err := t.q.Exec(ctx, `
			INSERT INTO contacts (id, workspace_id, account_id, name, email, title, persona, buying_role, source, external_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			c.ID, ws, c.AccountID, c.Name, c.Email, c.Title, c.Persona, string(c.BuyingRole), source, c.ExternalID)
		return c.ID, wrap(err, "contact "+c.Name)
	}
	_, err := t.q.Exec(ctx, `
		UPDATE contacts SET account_id = $3, name = $4, email = $5, title = $6, persona = $7, buying_role = $8, updated_at = now()
		WHERE workspace_id = $1 AND id = $2`,
		ws, c.ID, c.AccountID, c.Name, c.Email, c.Title, c.Persona, string(c.BuyingRole))
	return c.ID, wrap(err, "contact "+c.Name)
}

const dealCols = `id::text, account_id::text, name, kind, amount_cents, currency, stage, close_date,
	coalesce(owner_id::text, ''), source, external_id, created_at, closed_at`

func scanDeal(row pgx.Row) (journey.Deal, error) {
	var d journey.Deal
	var kind string
	var closeDate, closedAt *time.Time
	err := row.Scan(&d.ID, &d.AccountID, &d.Name, &kind, &d.AmountCents, &d.Currency, &d.Stage, &closeDate,
		&d.OwnerID, &d.Source, &d.ExternalID, &d.CreatedAt, &closedAt)
	d.Kind, d.CloseDate, d.ClosedAt = journey.DealKind(kind), deref(closeDate), deref(closedAt)
	return d, err
}

// DealByExternal finds a deal by its origin and external id, or by the ones it had
// before the CRM adopted it (adopted_from).
func (t *Tx) DealByExternal(ctx context.Context, ws, source, ext string) (journey.Deal, bool, error) {
	return byExternal(ctx, t.q, scanDeal, "deal", "deals", dealCols, ws, source, ext)
}

// SaveDeal inserts the deal, or updates it when d.ID is set.
func (t *Tx) SaveDeal(ctx context.Context, ws string, d journey.Deal) (string, error) {
	sql, args := saveDealSQL(ws, &d)
	_, err := t.q.Exec(ctx, sql, args...)
	return d.ID, wrap(err, "deal "+d.Name)
}

// saveDealSQL is the statement that stores d: an update when it has an id,
// else an insert, for which it gives d its new id (and a creation time when
// it has none).
func saveDealSQL(ws string, d *journey.Deal) (string, []any) {
	if d.ID != "" {
		return `
		UPDATE deals SET account_id = $3, name = $4, kind = $5, amount_cents = $6, currency = $7, stage = $8,
			close_date = $9, owner_id = $10, closed_at = $11, updated_at = now()
		WHERE workspace_id = $1 AND id = $2`,
			[]any{ws, d.ID, d.AccountID, d.Name, string(d.Kind), d.AmountCents, d.Currency, d.Stage, nullTime(d.CloseDate),
				nullID(d.OwnerID), nullTime(d.ClosedAt)}
	}
	d.ID, d.CreatedAt = newID(), createdOrNow(d.CreatedAt)
	return `
		INSERT INTO deals (id, workspace_id, account_id, name, kind, amount_cents, currency, stage, close_date, owner_id,
			source, external_id, created_at, closed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		[]any{d.ID, ws, d.AccountID, d.Name, string(d.Kind), d.AmountCents, d.Currency, d.Stage, nullTime(d.CloseDate),
			nullID(d.OwnerID), d.Source, d.ExternalID, d.CreatedAt, nullTime(d.ClosedAt)}
}

// AddEvent appends an event to the timeline. An event already stored (same
// source and external id) is left as it is; its id is returned with
// added=false.
func (t *Tx) AddEvent(ctx context.Context, ws string, e journey.Event) (id string, added bool, err error) {
	err = t.q.QueryRow(ctx, `
		INSERT INTO timeline_events (id, workspace_id, account_id, deal_id, contact_id, actor_id, kind, source, external_id,
			occurred_at, direction, summary, link)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (workspace_id, source, external_id) DO NOTHING
		RETURNING id::text`,
		newID(), ws, e.AccountID, nullID(e.DealID), nullID(e.ContactID), nullID(e.ActorID), e.Kind, e.Source, e.ExternalID,
		e.At, string(e.Direction), e.Summary, e.Link).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		id, err = t.EventID(ctx, ws, e.Source, e.ExternalID)
		return id, false, err
	}
	return id, err == nil, wrap(err, "event "+e.ExternalID)
}

// EventID finds an event's id by its origin and external id.
func (t *Tx) EventID(ctx context.Context, ws, source, ext string) (string, error) {
	var id string
	err := t.q.QueryRow(ctx, `SELECT id::text FROM timeline_events WHERE workspace_id = $1 AND source = $2 AND external_id = $3`,
		ws, source, ext).Scan(&id)
	return id, wrap(err, fmt.Sprintf("event %s/%s", source, ext))
}

// AddCompletion records a milestone as done; the same completion twice is stored once.
func (t *Tx) AddCompletion(ctx context.Context, ws string, c journey.Completion) (bool, error) {
	tag, err := t.q.Exec(ctx, `
		INSERT INTO milestone_completions (id, workspace_id, account_id, deal_id, stage_key, milestone_key, persona,
			completed_at, evidence_event_id, note, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (workspace_id, account_id, milestone_key, persona, completed_at) DO NOTHING`,
		newID(), ws, c.AccountID, nullID(c.DealID), c.StageKey, c.MilestoneKey, c.Persona, c.At, nullID(c.EvidenceEventID),
		c.Note, c.Source)
	return tag.RowsAffected() == 1, wrap(err, "completion "+c.MilestoneKey)
}

// AddChange records a property change; the same external id twice is stored once.
func (t *Tx) AddChange(ctx context.Context, ws, externalID string, c journey.Change) (bool, error) {
	if externalID == "" {
		externalID = newID()
	}
	tag, err := t.q.Exec(ctx, `
		INSERT INTO property_changes (id, workspace_id, account_id, deal_id, entity, entity_id, field, old_value, new_value,
			reason, actor_id, actor_name, source, external_id, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (workspace_id, source, external_id) DO NOTHING`,
		newID(), ws, c.AccountID, nullID(c.DealID), c.Entity, c.EntityID, c.Field, c.Old, c.New, c.Reason,
		nullID(c.ActorID), c.ActorName, c.Source, externalID, c.At)
	return tag.RowsAffected() == 1, wrap(err, "change "+c.Field)
}

// UpsertCommitment stores a commitment by origin and external id; it reports
// whether anything was written.
func (t *Tx) UpsertCommitment(ctx context.Context, ws, source, ext string, c journey.Commitment) (bool, error) {
	tag, err := t.q.Exec(ctx, `
		INSERT INTO commitments (id, workspace_id, account_id, deal_id, side, owner_id, owner_name, counterpart, what,
			due_at, status, done_at, source_event_id, source, external_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (workspace_id, source, external_id) DO UPDATE SET
			deal_id = EXCLUDED.deal_id, side = EXCLUDED.side, owner_id = EXCLUDED.owner_id, owner_name = EXCLUDED.owner_name,
			counterpart = EXCLUDED.counterpart, what = EXCLUDED.what, due_at = EXCLUDED.due_at, status = EXCLUDED.status,
			done_at = EXCLUDED.done_at, source_event_id = EXCLUDED.source_event_id, updated_at = now()
		WHERE (commitments.deal_id, commitments.side, commitments.owner_id, commitments.owner_name, commitments.counterpart,
			commitments.what, commitments.due_at, commitments.status, commitments.done_at, commitments.source_event_id)
			IS DISTINCT FROM (EXCLUDED.deal_id, EXCLUDED.side, EXCLUDED.owner_id, EXCLUDED.owner_name, EXCLUDED.counterpart,
			EXCLUDED.what, EXCLUDED.due_at, EXCLUDED.status, EXCLUDED.done_at, EXCLUDED.source_event_id)`,
		newID(), ws, c.AccountID, nullID(c.DealID), string(c.Side), nullID(c.OwnerID), c.OwnerName, c.Counterpart, c.What,
		nullTime(c.DueAt), c.Status, nullTime(c.DoneAt), nullID(c.SourceEventID), source, ext, createdOrNow(c.CreatedAt))
	return tag.RowsAffected() == 1, wrap(err, "commitment "+ext)
}

// UpsertWait stores a waiting-on item by origin and external id.
func (t *Tx) UpsertWait(ctx context.Context, ws, source, ext string, w journey.WaitItem) (bool, error) {
	tag, err := t.q.Exec(ctx, `
		INSERT INTO waiting_items (id, workspace_id, account_id, deal_id, waiter, what, since, resolved_at, source_event_id,
			source, external_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (workspace_id, source, external_id) DO UPDATE SET
			deal_id = EXCLUDED.deal_id, waiter = EXCLUDED.waiter, what = EXCLUDED.what, since = EXCLUDED.since,
			resolved_at = EXCLUDED.resolved_at, source_event_id = EXCLUDED.source_event_id
		WHERE (waiting_items.deal_id, waiting_items.waiter, waiting_items.what, waiting_items.since,
			waiting_items.resolved_at, waiting_items.source_event_id)
			IS DISTINCT FROM (EXCLUDED.deal_id, EXCLUDED.waiter, EXCLUDED.what, EXCLUDED.since, EXCLUDED.resolved_at,
			EXCLUDED.source_event_id)`,
		newID(), ws, w.AccountID, nullID(w.DealID), string(w.Waiter), w.What, w.Since, nullTime(w.ResolvedAt),
		nullID(w.SourceEventID), source, ext)
	return tag.RowsAffected() == 1, wrap(err, "waiting item "+ext)
}

func createdOrNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// SaveDefinition stores d as the next version of its key and returns it with
// its id and version. Older versions stay for history.
func (t *Tx) SaveDefinition(ctx context.Context, ws string, d journey.Definition) (journey.Definition, error) {
	d.ID = newID()
	err := t.q.QueryRow(ctx, `
		INSERT INTO journey_definitions (id, workspace_id, key, version, name, segments, description, won_stages, lost_stages, source)
		SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7, $8, $9
		FROM journey_definitions WHERE workspace_id = $2 AND key = $3
		RETURNING version, created_at`,
		d.ID, ws, d.Key, d.Name, nonNil(d.Segments), d.Description, nonNil(d.WonStages), nonNil(d.LostStages), d.Source).
		Scan(&d.Version, &d.CreatedAt)
	if err != nil {
		return d, wrap(err, "journey definition "+d.Key)
	}
	for i, s := range d.Stages {
		stageID := newID()
		checklist, err := json.Marshal(s.Checklist)
		if err != nil {
			return d, fmt.Errorf("encode checklist of %s: %w", s.Key, err)
		}
		kinds := make([]string, len(s.DealKinds))
		for j, k := range s.DealKinds {
			kinds[j] = string(k)
		}
		_, err = t.q.Exec(ctx, `
			INSERT INTO journey_stages (id, workspace_id, definition_id, position, key, name, owner_team, description,
				entry_criteria, exit_criteria, touchpoints, crm_stages, deal_kinds, renewal_window_days, reentry, checklist)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			stageID, ws, d.ID, i, s.Key, s.Name, s.OwnerTeam, s.Description, nonNil(s.EntryCriteria), nonNil(s.ExitCriteria),
			nonNil(s.Touchpoints), nonNil(s.CRMStages), nonNil(kinds), s.RenewalWindowDays, s.Reentry, checklist)
		if err != nil {
			return d, wrap(err, "stage "+s.Key)
		}
		for j, m := range s.Milestones {
			_, err = t.q.Exec(ctx, `
				INSERT INTO journey_milestones (id, workspace_id, stage_id, position, key, name, required, personas, evidence, description)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				newID(), ws, stageID, j, m.Key, m.Name, m.Required, nonNil(m.Personas), nonNil(m.Evidence), m.Description)
			if err != nil {
				return d, wrap(err, "milestone "+m.Key)
			}
		}
	}
	return d, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DeleteWorkspace removes a workspace and everything stored for it. Other
// workspaces are untouched.
func (t *Tx) DeleteWorkspace(ctx context.Context, ws string) error {
	for _, table := range []string{"channel_links", "model_calls", "digest_channels", "deliveries", "outbox_emails", "action_transitions", "actions", "waiting_items", "commitments", "property_changes",
		"milestone_completions", "timeline_events", "deals", "contacts", "accounts", "journey_milestones", "journey_stages",
		"journey_definitions"} {
		if _, err := t.q.Exec(ctx, `DELETE FROM `+table+` WHERE workspace_id = $1`, ws); err != nil {
			return wrap(err, "delete "+table)
		}
	}
	if _, err := t.q.Exec(ctx, `UPDATE people SET manager_id = NULL WHERE workspace_id = $1`, ws); err != nil {
		return wrap(err, "delete people")
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM people WHERE workspace_id = $1`, ws); err != nil {
		return wrap(err, "delete people")
	}
	_, err := t.q.Exec(ctx, `DELETE FROM workspaces WHERE id = $1`, ws)
	return wrap(err, "delete workspace")
}
