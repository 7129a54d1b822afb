-- +goose Up
-- What a conversation with Ask Journey remembers between questions, so that
-- a follow-up ("and Globex?", "why?") continues the thread. One row per
-- Slack thread and person; a DM's top level is the thread "".
CREATE TABLE ask_threads (
    workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel_id    text NOT NULL,
    thread_ts     text NOT NULL,
    slack_user_id text NOT NULL,
    context       jsonb NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, channel_id, thread_ts, slack_user_id)
);
