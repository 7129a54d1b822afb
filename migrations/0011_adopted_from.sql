-- +goose Up
-- When the CRM adopts a record imported from a file (same domain, email or
-- deal), the record takes the CRM's source and id; adopted_from keeps the
-- identity it had ("import:acme-corp"), so importing that file again
-- updates the record instead of creating a second one.
ALTER TABLE accounts ADD COLUMN adopted_from text NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN adopted_from text NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN adopted_from text NOT NULL DEFAULT '';
CREATE INDEX accounts_adopted_from ON accounts (workspace_id, adopted_from) WHERE adopted_from <> '';
CREATE INDEX contacts_adopted_from ON contacts (workspace_id, adopted_from) WHERE adopted_from <> '';
CREATE INDEX deals_adopted_from ON deals (workspace_id, adopted_from) WHERE adopted_from <> '';

-- +goose Down
ALTER TABLE deals DROP COLUMN adopted_from;
ALTER TABLE contacts DROP COLUMN adopted_from;
ALTER TABLE accounts DROP COLUMN adopted_from;
