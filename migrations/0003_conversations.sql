-- +goose Up
-- Messages read from Slack: who wrote them, and where analysis is.
ALTER TABLE timeline_events
    ADD COLUMN author_ref  text NOT NULL DEFAULT '', -- Slack user id of the author
    ADD COLUMN author_name text NOT NULL DEFAULT '',
    ADD COLUMN text        text NOT NULL DEFAULT '', -- the full text (summary is for display)
    ADD COLUMN edited_at   timestamptz,
    ADD COLUMN deleted_at  timestamptz,
    ADD COLUMN analyzed_at timestamptz;
CREATE INDEX timeline_events_unanalyzed ON timeline_events (workspace_id, account_id, occurred_at)
    WHERE analyzed_at IS NULL AND deleted_at IS NULL AND text <> '';

-- Model calls, for cost reports.
CREATE TABLE model_calls (
    id                uuid PRIMARY KEY,
    workspace_id      uuid NOT NULL REFERENCES workspaces(id),
    model             text NOT NULL,
    purpose           text NOT NULL,
    messages          int  NOT NULL DEFAULT 0,
    calls             int  NOT NULL DEFAULT 0,
    prompt_tokens     int  NOT NULL DEFAULT 0,
    completion_tokens int  NOT NULL DEFAULT 0,
    error             text NOT NULL DEFAULT '',
    at                timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE model_calls;
ALTER TABLE timeline_events DROP COLUMN author_ref, DROP COLUMN author_name, DROP COLUMN text,
    DROP COLUMN edited_at, DROP COLUMN deleted_at, DROP COLUMN analyzed_at;
