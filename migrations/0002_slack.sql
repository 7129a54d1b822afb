-- +goose Up
-- Slack events are stored before they are acked (an inbox), de-duplicated on
-- Slack's (team_id, event_id): a retry arrives in a new envelope with the
-- same event id.
CREATE TABLE slack_events (
    team_id      text NOT NULL,
    event_id     text NOT NULL,
    event_type   text NOT NULL,
    envelope_id  text NOT NULL DEFAULT '',
    retry_attempt int NOT NULL DEFAULT 0,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    error        text NOT NULL DEFAULT '',
    PRIMARY KEY (team_id, event_id)
);
CREATE INDEX slack_events_unprocessed ON slack_events (received_at) WHERE processed_at IS NULL;

-- A Slack channel linked to an account: its messages are about that account,
-- and a mention of the bot there without a name means that account.
CREATE TABLE channel_links (
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    channel_id   text NOT NULL,
    account_id   uuid NOT NULL REFERENCES accounts(id),
    linked_by    uuid REFERENCES people(id),
    linked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, channel_id)
);
CREATE INDEX channel_links_account ON channel_links (workspace_id, account_id);

-- +goose Down
DROP TABLE channel_links, slack_events;
