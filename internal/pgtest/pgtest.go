// Package pgtest gives each test its own migrated database on a real
// Postgres, quickly: the migrations run once into a template database, and
// every test clones it with CREATE DATABASE ... TEMPLATE.
//
// The server comes from TEST_DATABASE_URL, else DATABASE_URL, else the local
// server at 127.0.0.1:5432 (user postgres). When no server answers, tests are
// skipped on a developer's machine and fail when CI is set.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/migrations"
)

// DefaultURL is the server tests use when no URL is set in the environment.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the URL of the Postgres server tests use.
func ServerURL() string {
	for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return DefaultURL
}

var (
	once     sync.Once
	template string
	setupErr error
	counter  atomic.Int64
)

// NewDB creates a fresh migrated database for t, dropped when t ends, and
// returns its URL.
func NewDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	once.Do(func() { template, setupErr = prepareTemplate(ctx) })
	if setupErr != nil {
		unavailable(t, setupErr)
	}
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		unavailable(t, err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("jt_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template)); err != nil {
		t.Fatalf("pgtest: create database from template %s: %v", template, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), ServerURL())
		if err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(ServerURL(), name)
}

// NewEmptyDB creates an empty database (no migrations) for t, dropped when
// t ends, and returns its URL: for tests of the migrations themselves.
func NewEmptyDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		unavailable(t, err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("jt_empty_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), ServerURL())
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(ServerURL(), name)
}

// NewStore creates a fresh migrated database for t and opens a store on it.
func NewStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), NewDB(t))
	if err != nil {
		t.Fatalf("pgtest: open store: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("pgtest: no Postgres at %s (%v); run `make setup` or set TEST_DATABASE_URL", redact(ServerURL()), err)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// prepareTemplate makes sure a template database holding the current
// migrations exists. Its name carries a hash of the migration files, so a
// changed migration gets a new template; concurrent test binaries serialise
// on an advisory lock.
func prepareTemplate(ctx context.Context) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "journey_tmpl_" + sum[:12]
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return "", err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7240002)`); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock(7240002)`) //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, building)); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	pool, err := pgxpool.New(ctx, withDatabase(ServerURL(), building))
	if err != nil {
		return "", err
	}
	_, err = store.Migrate(ctx, pool)
	if err == nil {
		err = jobs.Migrate(ctx, pool)
	}
	pool.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, name)); err != nil {
		return "", fmt.Errorf("rename template: %w", err)
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	var names []string
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h.Write([]byte("river v0.51.1")) // River's own schema is part of the template
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		// key=value form
		return raw + " dbname=" + db
	}
	u.Path = "/" + db
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the configured server"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return strings.TrimSpace(u.String())
}
