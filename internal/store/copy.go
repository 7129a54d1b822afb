package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// CopyRows bulk-loads rows into table with Postgres COPY FROM STDIN, on the
// store's pool, and returns how many rows it copied. It is meant for bulk
// loads such as benchmark generators and large imports, not for the bot's
// everyday writes: it bypasses the write functions of Tx, so nothing is
// upserted, de-duplicated or wrapped into journey errors, and a conflict
// fails the whole copy.
//
// The caller supplies every value, ids included (UUIDs, preferably v7 as
// newID makes them), and the workspace_id of each row; columns names the
// table's columns in the order of each row's values. Values are encoded as
// pgx encodes query arguments (nil is NULL; [16]byte or a UUID string for
// uuid columns; time.Time for timestamptz and date columns).
func (s *Store) CopyRows(ctx context.Context, table string, columns []string, rows [][]any) (int64, error) {
	n, err := s.pool.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	if err != nil {
		return n, fmt.Errorf("copy %d rows into %s: %w", len(rows), table, err)
	}
	return n, nil
}
