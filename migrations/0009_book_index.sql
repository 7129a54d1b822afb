-- +goose Up
-- A book read (a rep's Home and morning DM, a manager's digest) takes each
-- account's recent events without their text; with the columns it reads in
-- the index, Postgres answers from the index alone instead of visiting
-- events scattered over the table. It replaces the narrower index.
CREATE INDEX timeline_events_book ON timeline_events (workspace_id, account_id, occurred_at DESC)
    INCLUDE (id, deal_id, contact_id, kind, direction);
DROP INDEX timeline_events_account;

-- +goose Down
CREATE INDEX timeline_events_account ON timeline_events (workspace_id, account_id, occurred_at DESC);
DROP INDEX timeline_events_book;
