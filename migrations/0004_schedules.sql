-- +goose Up
-- Where each manager's morning digest goes, and when (local time of the
-- manager's time zone).
CREATE TABLE digest_channels (
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    channel_id   text NOT NULL,
    manager_id   uuid NOT NULL REFERENCES people(id),
    local_time   text NOT NULL DEFAULT '08:00' CHECK (local_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
    PRIMARY KEY (workspace_id, channel_id)
);

-- A ledger of what was sent to people: a row is claimed before a DM or a
-- digest goes out, so two bot processes never send the same one twice.
CREATE TABLE deliveries (
    workspace_id uuid NOT NULL REFERENCES workspaces(id),
    kind         text NOT NULL,
    key          text NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    slack_ts     text NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, kind, key)
);

-- +goose Down
DROP TABLE deliveries, digest_channels;
