// Package migrations holds the numbered, forward-only SQL migrations of the
// Journey schema, embedded in the binary. store.Migrate applies them.
package migrations

import "embed"

// FS holds every migration file (NNNN_name.sql, goose format).
//
//go:embed *.sql
var FS embed.FS
