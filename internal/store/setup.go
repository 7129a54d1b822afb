package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/journey"
)

// CreateSetupRun stores a new run and returns its id.
func (t *Tx) CreateSetupRun(ctx context.Context, ws string, r bootstrap.Run) (string, error) {
	r.ID = newID()
	_, err := t.q.Exec(ctx, `
		INSERT INTO setup_runs (id, workspace_id, requested_by, channels, oldest, latest, progress_channel, progress_ts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, ws, r.RequestedBy, nonNil(r.Channels), nullTime(r.Oldest), nullTime(r.Latest),
		r.ProgressChannel, r.ProgressTS)
	return r.ID, wrap(err, "setup run")
}

// SetupRun loads a run of the workspace.
func (s *Store) SetupRun(ctx context.Context, ws, id string) (bootstrap.Run, error) {
	var r bootstrap.Run
	var oldest, latest *time.Time
	var problems, proposal []byte
	var published *string
	err := s.pool.QueryRow(ctx, `
		SELECT id, workspace_id, requested_by, channels, oldest, latest, status, progress_channel, progress_ts,
			problems, proposal, published_definition, created_at
		FROM setup_runs WHERE workspace_id = $1 AND id = $2`, ws, id).
		Scan(&r.ID, &r.WorkspaceID, &r.RequestedBy, &r.Channels, &oldest, &latest, &r.Status, &r.ProgressChannel, &r.ProgressTS,
			&problems, &proposal, &published, &r.CreatedAt)
	if err != nil {
		return r, wrap(err, "setup run "+id)
	}
	r.Oldest, r.Latest = deref(oldest), deref(latest)
	if published != nil {
		r.PublishedID = *published
	}
	if err := json.Unmarshal(problems, &r.Problems); err != nil {
		return r, fmt.Errorf("decode problems of setup run %s: %w", id, err)
	}
	if len(proposal) > 0 {
		r.Proposal = &bootstrap.Proposal{}
		if err := json.Unmarshal(proposal, r.Proposal); err != nil {
			return r, fmt.Errorf("decode proposal of setup run %s: %w", id, err)
		}
	}
	return r, nil
}

// SetSetupMessage records where the run's progress message is.
func (s *Store) SetSetupMessage(ctx context.Context, id, channel, ts string) error {
	_, err := s.pool.Exec(ctx, `UPDATE setup_runs SET progress_channel = $2, progress_ts = $3, updated_at = now() WHERE id = $1`, id, channel, ts)
	return wrap(err, "setup run "+id)
}

// SetSetupProblems records the channels that could not be read.
func (s *Store) SetSetupProblems(ctx context.Context, id string, problems []bootstrap.Problem) error {
	return s.updateSetupProblems(ctx, id, `problems = $2`, problems)
}

// updateSetupProblems stores a run's problems ($2 in set, the columns to
// change); none is stored as an empty list.
func (s *Store) updateSetupProblems(ctx context.Context, id, set string, problems []bootstrap.Problem) error {
	if problems == nil {
		problems = []bootstrap.Problem{}
	}
	b, err := json.Marshal(problems)
	if err != nil {
		return fmt.Errorf("encode problems of setup run %s: %w", id, err)
	}
	_, err = s.pool.Exec(ctx, `UPDATE setup_runs SET `+set+`, updated_at = now() WHERE id = $1`, id, b)
	return wrap(err, "setup run "+id)
}

// SaveSetupProposal stores the proposal and marks the run proposed.
func (s *Store) SaveSetupProposal(ctx context.Context, id string, p bootstrap.Proposal) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode proposal: %w", err)
	}
	_, err = s.pool.Exec(ctx, `UPDATE setup_runs SET proposal = $2, status = 'proposed', updated_at = now() WHERE id = $1`, id, b)
	return wrap(err, "setup run "+id)
}

// FailSetupRun marks a run failed for good, keeping what it read.
func (s *Store) FailSetupRun(ctx context.Context, id string, problems []bootstrap.Problem) error {
	return s.updateSetupProblems(ctx, id, `status = 'failed', problems = $2`, problems)
}

// MarkSetupPublished records the definition version the run published.
func (t *Tx) MarkSetupPublished(ctx context.Context, ws, id, definitionID string) error {
	_, err := t.q.Exec(ctx, `UPDATE setup_runs SET status = 'published', published_definition = $3, updated_at = now()
		WHERE workspace_id = $1 AND id = $2`, ws, id, definitionID)
	return wrap(err, "setup run "+id)
}

// SetupChannels returns how far each channel of the run has been read, in
// the order the admin chose them.
func (s *Store) SetupChannels(ctx context.Context, id string) ([]bootstrap.ChannelProgress, error) {
	rows, err := s.pool.Query(ctx, `SELECT channel_id, channel_name, read, done FROM setup_cursors WHERE setup_id = $1
		ORDER BY array_position((SELECT channels FROM setup_runs WHERE id = $1), channel_id), channel_id`, id)
	if err != nil {
		return nil, wrap(err, "setup cursors")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (bootstrap.ChannelProgress, error) {
		var c bootstrap.ChannelProgress
		err := r.Scan(&c.ID, &c.Name, &c.Read, &c.Done)
		return c, err
	})
}

// SetupSink stores what a history reader reads for one run.
func (s *Store) SetupSink(runID string) history.Sink { return setupSink{s: s, run: runID} }

type setupSink struct {
	s   *Store
	run string
}

func (k setupSink) Cursor(ctx context.Context, channel string) (history.Cursor, error) {
	var c history.Cursor
	err := k.s.pool.QueryRow(ctx, `SELECT cursor, done, read FROM setup_cursors WHERE setup_id = $1 AND channel_id = $2`, k.run, channel).
		Scan(&c.Cursor, &c.Done, &c.Read)
	if errors.Is(err, pgx.ErrNoRows) {
		return history.Cursor{}, nil
	}
	return c, wrap(err, "setup cursor")
}

// SavePage stores the page's messages (those stored already are skipped)
// and the cursor after it in one transaction.
func (k setupSink) SavePage(ctx context.Context, channel, name string, msgs []bootstrap.Message, next history.Cursor) (int, error) {
	added := 0
	err := k.s.InTx(ctx, func(tx *Tx) error {
		if len(msgs) > 0 {
			cols := make([][]string, 9)
			ats := make([]time.Time, len(msgs))
			for i, m := range msgs {
				for j, v := range []string{m.Channel, m.TS, m.ChannelName, m.ThreadTS, m.User, m.UserName, m.Subtype, m.Text, m.Permalink} {
					cols[j] = append(cols[j], v)
				}
				ats[i] = m.At
			}
			tag, err := tx.q.Exec(ctx, `
				INSERT INTO setup_messages (setup_id, channel_id, ts, channel_name, thread_ts, user_id, user_name, subtype, text, permalink, at)
				SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
					$10::text[], $11::timestamptz[])
				ON CONFLICT DO NOTHING`, k.run, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], ats)
			if err != nil {
				return wrap(err, "setup messages")
			}
			added = int(tag.RowsAffected())
		}
		_, err := tx.q.Exec(ctx, `
			INSERT INTO setup_cursors (setup_id, channel_id, channel_name, cursor, done, read)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (setup_id, channel_id) DO UPDATE SET channel_name = excluded.channel_name, cursor = excluded.cursor,
				done = excluded.done, read = setup_cursors.read + $6`, k.run, channel, name, next.Cursor, next.Done, added)
		return wrap(err, "setup cursor")
	})
	return added, err
}

// EachSetupMessage streams the run's messages in channel and time order.
func (s *Store) EachSetupMessage(ctx context.Context, id string, fn func(bootstrap.Message) error) error {
	rows, err := s.pool.Query(ctx, `
		SELECT channel_id, channel_name, ts, thread_ts, user_id, user_name, subtype, text, at, permalink
		FROM setup_messages WHERE setup_id = $1
		ORDER BY array_position((SELECT channels FROM setup_runs WHERE id = $1), channel_id), at, ts`, id)
	if err != nil {
		return wrap(err, "setup messages")
	}
	defer rows.Close()
	for rows.Next() {
		var m bootstrap.Message
		if err := rows.Scan(&m.Channel, &m.ChannelName, &m.TS, &m.ThreadTS, &m.User, &m.UserName, &m.Subtype, &m.Text, &m.At, &m.Permalink); err != nil {
			return wrap(err, "setup message")
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return wrap(rows.Err(), "setup messages")
}

// PublishDefinition stores d as the next version of its key and, when runID
// is set, marks that set-up run published, in one transaction.
func (s *Store) PublishDefinition(ctx context.Context, ws, runID string, d journey.Definition) (journey.Definition, error) {
	var saved journey.Definition
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		saved, err = tx.SaveDefinition(ctx, ws, d)
		if err != nil || runID == "" {
			return err
		}
		return tx.MarkSetupPublished(ctx, ws, runID, saved.ID)
	})
	return saved, err
}
