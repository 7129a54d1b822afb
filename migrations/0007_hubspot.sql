-- +goose Up
-- CRM sync (HubSpot), reasons asked for changes, CSM reassignments and the
-- sales → CS handoff. Every new row hangs off its workspace and goes with it.

-- Where each object type's incremental sync resumes: records modified at or
-- after modified_after are read again, except those of ids_at_cursor
-- modified exactly then (already written). Re-reading is harmless anyway:
-- every write is keyed on the record's external id.
CREATE TABLE crm_sync_cursors (
    workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    source         text NOT NULL,
    object_type    text NOT NULL,
    modified_after timestamptz NOT NULL,
    ids_at_cursor  text[] NOT NULL DEFAULT '{}',
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, source, object_type)
);

-- The CRM's users ("owners"), matched to our people by email.
CREATE TABLE crm_owners (
    workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    source       text NOT NULL,
    owner_id     text NOT NULL,
    user_id      text NOT NULL DEFAULT '',
    email        text NOT NULL DEFAULT '',
    name         text NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, source, owner_id)
);

-- One row per sync run: what it read, what it wrote, what it could not.
CREATE TABLE crm_sync_runs (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    source       text NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    calls        int NOT NULL DEFAULT 0,
    report       text NOT NULL DEFAULT '',
    error        text NOT NULL DEFAULT ''
);
CREATE INDEX crm_sync_runs_ws ON crm_sync_runs (workspace_id, source, started_at DESC);

-- Who gave a change its reason, and for a CSM reassignment whether the
-- customer was told ('' not asked, 'not_yet', 'yes') and by whom.
ALTER TABLE property_changes
    ADD COLUMN reason_by     uuid REFERENCES people(id) ON DELETE SET NULL,
    ADD COLUMN reason_at     timestamptz,
    ADD COLUMN customer_told text NOT NULL DEFAULT '' CHECK (customer_told IN ('', 'not_yet', 'yes')),
    ADD COLUMN told_by       text NOT NULL DEFAULT '';

-- A question the bot asks a person by DM about a change: why it happened
-- (reason), whether the customer was told (told), or the handoff of a deal
-- won (handoff_ae asks the rep to fill its gaps; handoff_cs gives the CSM
-- the card). One of each kind per change.
CREATE TABLE change_prompts (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    change_id    uuid NOT NULL REFERENCES property_changes(id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('reason', 'told', 'handoff_ae', 'handoff_cs')),
    person_id    uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'answered')),
    slack_channel text NOT NULL DEFAULT '',
    slack_ts     text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    answered_at  timestamptz,
    UNIQUE (change_id, kind)
);
CREATE INDEX change_prompts_pending ON change_prompts (workspace_id, state);

-- What the rep wrote into a deal's handoff by hand, field by field.
CREATE TABLE handoff_answers (
    workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    deal_id      uuid NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    field        text NOT NULL,
    value        text NOT NULL,
    person_id    uuid REFERENCES people(id) ON DELETE SET NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, deal_id, field)
);

-- +goose Down
DROP TABLE handoff_answers, change_prompts, crm_sync_runs, crm_owners, crm_sync_cursors;
ALTER TABLE property_changes DROP COLUMN reason_by, DROP COLUMN reason_at, DROP COLUMN customer_told, DROP COLUMN told_by;
