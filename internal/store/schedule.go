package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/journey"
)

// DigestChannel is where and when a manager's digest is posted.
type DigestChannel struct {
	ChannelID string
	Manager   journey.Person
	Schedule  string // a cron expression ("0 8 * * 1-5"), in the manager's time zone
}

// SetDigestChannel posts a manager's digest in a channel on a schedule (a
// cron expression, read in the manager's time zone).
func (s *Store) SetDigestChannel(ctx context.Context, ws, channelID, managerID, schedule string) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO digest_channels (workspace_id, channel_id, manager_id, schedule) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, channel_id) DO UPDATE SET manager_id = EXCLUDED.manager_id, schedule = EXCLUDED.schedule`,
		ws, channelID, managerID, schedule)
	return wrap(err, "digest channel")
}

// DigestChannels lists the workspace's digest channels with their managers.
func (s *Store) DigestChannels(ctx context.Context, ws string) ([]DigestChannel, error) {
	rows, err := s.pool.Query(ctx, `SELECT d.channel_id, d.schedule, p.id::text, p.slack_user_id, p.name, p.email, p.time_zone,
			p.role, coalesce(p.manager_id::text, '')
		FROM digest_channels d JOIN people p ON p.id = d.manager_id WHERE d.workspace_id = $1 ORDER BY d.channel_id`, ws)
	if err != nil {
		return nil, wrap(err, "digest channels")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DigestChannel, error) {
		var d DigestChannel
		p := &d.Manager
		err := r.Scan(&d.ChannelID, &d.Schedule, &p.ID, &p.SlackUserID, &p.Name, &p.Email, &p.TimeZone, &p.Role, &p.ManagerID)
		return d, err
	})
}

// ClaimDelivery claims the right to send one thing (kind, key) once; it
// returns false when it was claimed already — by this process or another.
func (s *Store) ClaimDelivery(ctx context.Context, ws, kind, key string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO deliveries (workspace_id, kind, key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, ws, kind, key)
	return tag.RowsAffected() == 1, wrap(err, "claim delivery")
}

// ReleaseDelivery gives a claim back after a failed send, so a retry can claim it.
func (s *Store) ReleaseDelivery(ctx context.Context, ws, kind, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM deliveries WHERE workspace_id = $1 AND kind = $2 AND key = $3 AND sent_at IS NULL`, ws, kind, key)
	return wrap(err, "release delivery")
}

// MarkDelivered records that a claimed delivery went out.
func (s *Store) MarkDelivered(ctx context.Context, ws, kind, key, slackTS string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE deliveries SET sent_at = $4, slack_ts = $5 WHERE workspace_id = $1 AND kind = $2 AND key = $3`,
		ws, kind, key, at, slackTS)
	return wrap(err, "mark delivered")
}

// DeliveryCount counts what was sent of a kind.
func (s *Store) DeliveryCount(ctx context.Context, ws, kind string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE workspace_id = $1 AND kind = $2 AND sent_at IS NOT NULL`, ws, kind).Scan(&n)
	return n, wrap(err, "deliveries")
}
