-- +goose Up
-- Replay of inbox events whose handling failed or never finished: how often
-- they were tried and when last, the claim of the handler at work on one (a
-- second handler may not take it while the claim is fresh), and when the
-- inbox gave up on one.
ALTER TABLE slack_events
    ADD COLUMN attempts   int NOT NULL DEFAULT 0,
    ADD COLUMN tried_at   timestamptz,
    ADD COLUMN claimed_at timestamptz,
    ADD COLUMN gave_up_at timestamptz;
CREATE INDEX slack_events_processed ON slack_events (processed_at) WHERE processed_at IS NOT NULL;

-- +goose Down
DROP INDEX slack_events_processed;
ALTER TABLE slack_events DROP COLUMN attempts, DROP COLUMN tried_at, DROP COLUMN claimed_at, DROP COLUMN gave_up_at;
