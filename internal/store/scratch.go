package store

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
)

// OpenScratch creates an empty database named after prefix on the server of
// serverURL (connecting through its maintenance database, so the database
// serverURL names need not exist), opens a store on it with the migrations
// applied, and returns a function that closes the store and drops the
// database.
func OpenScratch(ctx context.Context, serverURL, prefix string) (*Store, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, nil, fmt.Errorf("scratch database: %q is not a URL: %w", serverURL, err)
	}
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s to create a scratch database: %w", admin.Redacted(), err)
	}
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()) // a unique name, not a time of the model
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, nil, fmt.Errorf("create a scratch database: %w", err)
	}
	drop := func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		_ = conn.Close(context.WithoutCancel(ctx))
	}
	u.Path = "/" + name
	s, err := Open(ctx, u.String())
	if err != nil {
		drop()
		return nil, nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		drop()
		return nil, nil, err
	}
	return s, func() { s.Close(); drop() }, nil
}
