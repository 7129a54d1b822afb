package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// AskThread returns the stored context of a person's conversation with Ask
// Journey in a Slack thread (threadTS "" for a DM's top level), if it was
// updated after notBefore; ok is false otherwise.
func (s *Store) AskThread(ctx context.Context, ws, channelID, threadTS, slackUserID string, notBefore time.Time) (context_ []byte, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT context FROM ask_threads
		WHERE workspace_id = $1 AND channel_id = $2 AND thread_ts = $3 AND slack_user_id = $4 AND updated_at >= $5`,
		ws, channelID, threadTS, slackUserID, notBefore).Scan(&context_)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap(err, "ask thread")
	}
	return context_, true, nil
}

// SaveAskThread stores the context of a person's conversation in a thread,
// replacing the previous one.
func (s *Store) SaveAskThread(ctx context.Context, ws, channelID, threadTS, slackUserID string, context_ []byte, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO ask_threads (workspace_id, channel_id, thread_ts, slack_user_id, context, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (workspace_id, channel_id, thread_ts, slack_user_id) DO UPDATE SET context = EXCLUDED.context, updated_at = EXCLUDED.updated_at`,
		ws, channelID, threadTS, slackUserID, context_, at)
	return wrap(err, "save ask thread")
}
