-- +goose Up
-- A journey set-up from Slack history: which channels an admin chose, how far
-- reading got, and the proposal it produced. Rows go with their workspace.
CREATE TABLE setup_runs (
    id                   uuid PRIMARY KEY,
    workspace_id         uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    requested_by         text NOT NULL,               -- Slack user id of the admin
    channels             text[] NOT NULL,             -- Slack channel ids, in the order chosen
    oldest               timestamptz,                 -- the time window; NULL: unbounded
    latest               timestamptz,
    status               text NOT NULL DEFAULT 'reading' CHECK (status IN ('reading', 'proposed', 'published', 'failed')),
    progress_channel     text NOT NULL DEFAULT '',    -- where the progress message is (updated in place)
    progress_ts          text NOT NULL DEFAULT '',
    problems             jsonb NOT NULL DEFAULT '[]', -- channels that could not be read, and why
    proposal             jsonb,
    published_definition uuid REFERENCES journey_definitions(id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX setup_runs_workspace ON setup_runs (workspace_id, created_at);

-- How far each channel has been read: the cursor of the next page is saved
-- in the transaction that stores the page, so a restart resumes exactly.
CREATE TABLE setup_cursors (
    setup_id     uuid NOT NULL REFERENCES setup_runs(id) ON DELETE CASCADE,
    channel_id   text NOT NULL,
    channel_name text NOT NULL DEFAULT '',
    cursor       text NOT NULL DEFAULT '',
    done         boolean NOT NULL DEFAULT false,
    read         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (setup_id, channel_id)
);

-- The messages read, once each.
CREATE TABLE setup_messages (
    setup_id     uuid NOT NULL REFERENCES setup_runs(id) ON DELETE CASCADE,
    channel_id   text NOT NULL,
    ts           text NOT NULL,
    channel_name text NOT NULL DEFAULT '',
    thread_ts    text NOT NULL DEFAULT '',
    user_id      text NOT NULL DEFAULT '',
    user_name    text NOT NULL DEFAULT '',
    subtype      text NOT NULL DEFAULT '',
    text         text NOT NULL,
    at           timestamptz NOT NULL,
    permalink    text NOT NULL DEFAULT '',
    PRIMARY KEY (setup_id, channel_id, ts)
);

-- +goose Down
DROP TABLE setup_messages, setup_cursors, setup_runs;
