// Package store keeps the journey model in Postgres. All SQL of the project
// lives here, behind plainly named functions; driver errors become journey
// errors (ENOTFOUND, ECONFLICT) at this boundary.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/migrations"
)

// DefaultMaxConns is the pool size unless DATABASE_URL sets pool_max_conns.
const DefaultMaxConns = 16

// Store is the Postgres-backed journey store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// CheckURL reports whether url is a Postgres URL the store can open (it
// connects to nothing).
func CheckURL(url string) error {
	_, err := pgxpool.ParseConfig(url)
	return err
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "DATABASE_URL is not a valid Postgres URL: %v", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (4 on a small machine) starves a bot whose Slack
		// handlers, jobs and reads share the pool; pool_max_conns in the
		// URL overrides this.
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to Postgres at %s@%s:%d/%s (is it running? `make setup` starts a local one): %w",
			cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return &Store{pool: pool}, nil
}

// New wraps an existing pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool returns the underlying connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// migrationLockID is the advisory lock that serialises migrations, so two
// processes starting together do not race.
const migrationLockID = 7240001

// Migrate applies every pending migration under an advisory lock. It is safe
// to call from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return migrateDB(ctx, db)
}

func migrateDB(ctx context.Context, db *sql.DB) ([]string, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// Migrate applies pending migrations to the store's database.
func (s *Store) Migrate(ctx context.Context) ([]string, error) { return Migrate(ctx, s.pool) }

// newID returns a time-ordered UUID (v7) as text.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// nullID turns "" into SQL NULL for optional uuid columns.
func nullID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// nullTime turns the zero time into SQL NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// wrap turns driver errors into journey errors where a person can act on them.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return journey.Errorf(journey.ENOTFOUND, "%s not found", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &journey.Error{Code: journey.ECONFLICT, Message: fmt.Sprintf("%s already exists (%s)", what, pe.ConstraintName)}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// querier is what both a pool and a transaction can do.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// InTx runs fn in one transaction: everything it writes lands, or nothing does.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error { return fn(&Tx{q: t}) })
}

// InTxRetrying is InTx, tried again (up to three times in all) when
// Postgres aborts the transaction to break a deadlock or a serialization
// conflict with another one. fn must do nothing outside the transaction.
func (s *Store) InTxRetrying(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.InTx(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

// retryable reports a deadlock (40P01) or a serialization failure (40001).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// Tx is a transaction with the store's write functions.
type Tx struct {
	q querier
}
