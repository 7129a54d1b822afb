-- +goose Up
-- The thread of the message whose Send button approved an email: a thread
-- reply can only be read back with conversations.replies and its thread.
ALTER TABLE outbox_emails ADD COLUMN slack_thread_ts text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox_emails DROP COLUMN slack_thread_ts;
