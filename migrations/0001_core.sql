-- +goose Up
-- The journey model. Every row carries its workspace id; ids are UUIDs
-- (v7, time-ordered) made by the application.

CREATE TABLE workspaces (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    slack_team_id text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE people (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces(id),
    slack_user_id text NOT NULL DEFAULT '',
    name          text NOT NULL,
    email         text NOT NULL DEFAULT '',
    time_zone     text NOT NULL DEFAULT 'UTC',
    role          text NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'csm')),
    manager_id    uuid REFERENCES people(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX people_slack_user ON people (workspace_id, slack_user_id) WHERE slack_user_id <> '';
CREATE UNIQUE INDEX people_email ON people (workspace_id, lower(email)) WHERE email <> '';

CREATE TABLE accounts (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    name         text NOT NULL,
    name_key     text NOT NULL, -- normalised for forgiving lookup: "acme" finds "Acme Corp."
    domain       text NOT NULL DEFAULT '',
    segment      text NOT NULL DEFAULT '',
    owner_id     uuid REFERENCES people(id),
    csm_id       uuid REFERENCES people(id),
    arr_cents    bigint NOT NULL DEFAULT 0,
    currency     text NOT NULL DEFAULT 'USD',
    renewal_date date,
    source       text NOT NULL,
    external_id  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX accounts_name_key ON accounts (workspace_id, name_key);
CREATE INDEX accounts_owner ON accounts (workspace_id, owner_id);
CREATE INDEX accounts_csm ON accounts (workspace_id, csm_id);

CREATE TABLE contacts (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    account_id   uuid NOT NULL REFERENCES accounts(id),
    name         text NOT NULL,
    email        text NOT NULL DEFAULT '',
    title        text NOT NULL DEFAULT '',
    persona      text NOT NULL DEFAULT '',
    buying_role  text NOT NULL DEFAULT '',
    source       text NOT NULL,
    external_id  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX contacts_account ON contacts (workspace_id, account_id);

CREATE TABLE deals (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    account_id   uuid NOT NULL REFERENCES accounts(id),
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('new', 'expansion', 'renewal')),
    amount_cents bigint NOT NULL DEFAULT 0,
    currency     text NOT NULL DEFAULT 'USD',
    stage        text NOT NULL,
    close_date   date,
    owner_id     uuid REFERENCES people(id),
    source       text NOT NULL,
    external_id  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    closed_at    timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX deals_account ON deals (workspace_id, account_id);

-- Journey definitions are versioned; a new version never overwrites an old
-- one, so positions can be explained under the version they were made with.
CREATE TABLE journey_definitions (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    key          text NOT NULL,
    version      int  NOT NULL,
    name         text NOT NULL,
    segments     text[] NOT NULL DEFAULT '{}',
    description  text NOT NULL DEFAULT '',
    won_stages   text[] NOT NULL DEFAULT '{}',
    lost_stages  text[] NOT NULL DEFAULT '{}',
    source       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, key, version)
);

CREATE TABLE journey_stages (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid NOT NULL REFERENCES workspaces(id),
    definition_id       uuid NOT NULL REFERENCES journey_definitions(id),
    position            int  NOT NULL,
    key                 text NOT NULL,
    name                text NOT NULL,
    owner_team          text NOT NULL DEFAULT '',
    description         text NOT NULL DEFAULT '',
    entry_criteria      text[] NOT NULL DEFAULT '{}',
    exit_criteria       text[] NOT NULL DEFAULT '{}',
    touchpoints         text[] NOT NULL DEFAULT '{}',
    crm_stages          text[] NOT NULL DEFAULT '{}',
    deal_kinds          text[] NOT NULL DEFAULT '{}',
    renewal_window_days int  NOT NULL DEFAULT 0,
    reentry             boolean NOT NULL DEFAULT false,
    checklist           jsonb NOT NULL DEFAULT '[]',
    UNIQUE (definition_id, key),
    UNIQUE (definition_id, position)
);

CREATE TABLE journey_milestones (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    stage_id     uuid NOT NULL REFERENCES journey_stages(id),
    position     int  NOT NULL,
    key          text NOT NULL,
    name         text NOT NULL,
    required     boolean NOT NULL DEFAULT false,
    personas     text[] NOT NULL DEFAULT '{}',
    evidence     text[] NOT NULL DEFAULT '{}',
    description  text NOT NULL DEFAULT '',
    UNIQUE (stage_id, position)
);

-- Timeline events are append-only: never updated in place, unique on their
-- origin so that a re-delivered message or a re-import adds nothing.
CREATE TABLE timeline_events (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    account_id   uuid NOT NULL REFERENCES accounts(id),
    deal_id      uuid REFERENCES deals(id),
    contact_id   uuid REFERENCES contacts(id),
    actor_id     uuid REFERENCES people(id),
    kind         text NOT NULL,
    source       text NOT NULL,
    external_id  text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    direction    text NOT NULL DEFAULT '' CHECK (direction IN ('', 'us', 'customer')),
    summary      text NOT NULL DEFAULT '',
    link         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX timeline_events_account ON timeline_events (workspace_id, account_id, occurred_at DESC);

CREATE TABLE milestone_completions (
    id                uuid PRIMARY KEY,
    workspace_id      uuid NOT NULL REFERENCES workspaces(id),
    account_id        uuid NOT NULL REFERENCES accounts(id),
    deal_id           uuid REFERENCES deals(id),
    stage_key         text NOT NULL DEFAULT '',
    milestone_key     text NOT NULL,
    persona           text NOT NULL DEFAULT '',
    completed_at      timestamptz NOT NULL,
    evidence_event_id uuid REFERENCES timeline_events(id),
    note              text NOT NULL DEFAULT '',
    source            text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, account_id, milestone_key, persona, completed_at)
);
CREATE INDEX milestone_completions_account ON milestone_completions (workspace_id, account_id);

CREATE TABLE property_changes (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    account_id   uuid NOT NULL REFERENCES accounts(id),
    deal_id      uuid REFERENCES deals(id),
    entity       text NOT NULL CHECK (entity IN ('account', 'deal', 'contact')),
    entity_id    uuid NOT NULL,
    field        text NOT NULL,
    old_value    text NOT NULL DEFAULT '',
    new_value    text NOT NULL DEFAULT '',
    reason       text NOT NULL DEFAULT '',
    actor_id     uuid REFERENCES people(id),
    actor_name   text NOT NULL DEFAULT '',
    source       text NOT NULL,
    external_id  text NOT NULL,
    changed_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX property_changes_account ON property_changes (workspace_id, account_id, changed_at DESC);

CREATE TABLE commitments (
    id              uuid PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces(id),
    account_id      uuid NOT NULL REFERENCES accounts(id),
    deal_id         uuid REFERENCES deals(id),
    side            text NOT NULL CHECK (side IN ('us', 'customer')),
    owner_id        uuid REFERENCES people(id),
    owner_name      text NOT NULL DEFAULT '',
    counterpart     text NOT NULL DEFAULT '',
    what            text NOT NULL,
    due_at          timestamptz,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    done_at         timestamptz,
    source_event_id uuid REFERENCES timeline_events(id),
    source          text NOT NULL,
    external_id     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX commitments_account ON commitments (workspace_id, account_id);
CREATE INDEX commitments_open_due ON commitments (workspace_id, due_at) WHERE status = 'open';

CREATE TABLE waiting_items (
    id              uuid PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces(id),
    account_id      uuid NOT NULL REFERENCES accounts(id),
    deal_id         uuid REFERENCES deals(id),
    waiter          text NOT NULL CHECK (waiter IN ('us', 'customer')),
    what            text NOT NULL,
    since           timestamptz NOT NULL,
    resolved_at     timestamptz,
    source_event_id uuid REFERENCES timeline_events(id),
    source          text NOT NULL,
    external_id     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX waiting_items_account ON waiting_items (workspace_id, account_id);

-- Actions follow the state machine of journey.Next. The idempotency key makes
-- an approval count once however often it is clicked.
CREATE TABLE actions (
    id              uuid PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces(id),
    account_id      uuid NOT NULL REFERENCES accounts(id),
    deal_id         uuid REFERENCES deals(id),
    owner_id        uuid NOT NULL REFERENCES people(id),
    kind            text NOT NULL,
    title           text NOT NULL,
    reason          text NOT NULL DEFAULT '',
    draft_subject   text NOT NULL DEFAULT '',
    draft_body      text NOT NULL DEFAULT '',
    state           text NOT NULL DEFAULT 'proposed'
        CHECK (state IN ('proposed', 'approved', 'sending', 'sent', 'snoozed', 'dismissed', 'done', 'failed')),
    idempotency_key text NOT NULL,
    snoozed_until   timestamptz,
    due_at          timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, idempotency_key)
);
CREATE INDEX actions_owner_state ON actions (workspace_id, owner_id, state);
CREATE INDEX actions_account ON actions (workspace_id, account_id);

CREATE TABLE action_transitions (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    action_id    uuid NOT NULL REFERENCES actions(id),
    from_state   text NOT NULL,
    to_state     text NOT NULL,
    verb         text NOT NULL,
    actor_id     uuid REFERENCES people(id),
    note         text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_transitions_action ON action_transitions (action_id, at);

-- +goose Down
DROP TABLE action_transitions, actions, waiting_items, commitments, property_changes,
    milestone_completions, timeline_events, journey_milestones, journey_stages,
    journey_definitions, deals, contacts, accounts, people, workspaces;
