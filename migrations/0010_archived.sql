-- +goose Up
-- When the CRM archived (deleted) a record, or merged it into another:
-- NULL while it is alive. Archived accounts, contacts and deals are kept,
-- with their history, but drop out of the book, cards and lookups.
ALTER TABLE accounts ADD COLUMN archived_at timestamptz;
ALTER TABLE contacts ADD COLUMN archived_at timestamptz;
ALTER TABLE deals ADD COLUMN archived_at timestamptz;

-- +goose Down
ALTER TABLE deals DROP COLUMN archived_at;
ALTER TABLE contacts DROP COLUMN archived_at;
ALTER TABLE accounts DROP COLUMN archived_at;
