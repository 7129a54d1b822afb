-- +goose Up
-- The email outbox: one row per approved follow-up, written in the
-- transaction that approves it, with the email exactly as approved. Its
-- message_id never changes, so every attempt sends the same message; its
-- phase says how far the last attempt got:
--   queued       approved, not tried yet (or a retry is due)
--   sending      an attempt is talking to the mail server
--   handed_over  the whole message was written and the final "." was about
--                to go: from here the server may have it, so it is never
--                sent again automatically
--   sent         the server took it; the action is sent
--   failed       the server refused it, or a person must look (see last_error)
CREATE TABLE outbox_emails (
    workspace_id  uuid NOT NULL REFERENCES workspaces(id),
    action_id     uuid NOT NULL REFERENCES actions(id),
    message_id    text NOT NULL UNIQUE,
    from_name     text NOT NULL DEFAULT '',
    from_addr     text NOT NULL,
    to_name       text NOT NULL DEFAULT '',
    to_addr       text NOT NULL,
    bcc_addr      text NOT NULL DEFAULT '',
    subject       text NOT NULL,
    body          text NOT NULL,
    approved_by   uuid REFERENCES people(id),
    approved_at   timestamptz NOT NULL,
    phase         text NOT NULL DEFAULT 'queued'
        CHECK (phase IN ('queued', 'sending', 'handed_over', 'sent', 'failed')),
    attempts      int NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    slack_channel text NOT NULL DEFAULT '',
    slack_ts      text NOT NULL DEFAULT '',
    sent_at       timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, action_id)
);

-- When an action was last put in front of its owner by a DM, so a morning DM
-- repeats nothing that has not changed.
ALTER TABLE actions ADD COLUMN nudged_at timestamptz;

-- Digests are scheduled with cron expressions ("0 8 * * 1-5"), read in the
-- manager's time zone; a local time "HH:MM" becomes that time on workdays.
ALTER TABLE digest_channels ADD COLUMN schedule text NOT NULL DEFAULT '0 8 * * 1-5';
UPDATE digest_channels SET schedule =
    format('%s %s * * 1-5', split_part(local_time, ':', 2)::int, split_part(local_time, ':', 1)::int);
ALTER TABLE digest_channels DROP COLUMN local_time;

-- +goose Down
ALTER TABLE digest_channels ADD COLUMN local_time text NOT NULL DEFAULT '08:00';
ALTER TABLE digest_channels DROP COLUMN schedule;
ALTER TABLE actions DROP COLUMN nudged_at;
DROP TABLE outbox_emails;
