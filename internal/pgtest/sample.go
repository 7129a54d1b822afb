package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/sample"
	"github.com/journeyhq/journey/internal/store"
	jtemplate "github.com/journeyhq/journey/internal/template"
)

// NewSampleStore is NewStore with the sample book imported as of now. It
// returns the store, the sample's workspace and the imported document.
func NewSampleStore(t testing.TB, now time.Time) (*store.Store, journey.Workspace, *importer.Input) {
	t.Helper()
	s := NewStore(t)
	ws, in := ImportSample(t, s, now)
	return s, ws, in
}

// Sample reads the sample book as of now, as `bot import --sample` does. The
// book is the same for the same now.
func Sample(t testing.TB, now time.Time) *importer.Input {
	t.Helper()
	data, err := sample.JSON(now)
	if err != nil {
		t.Fatal(err)
	}
	in, err := importer.Read("sample.json", data, "")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// ImportSample imports the sample book as of now into s in one transaction,
// and returns the sample's workspace and the imported document.
func ImportSample(t testing.TB, s *store.Store, now time.Time) (journey.Workspace, *importer.Input) {
	t.Helper()
	ctx := context.Background()
	in := Sample(t, now)
	var ws journey.Workspace
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		rep, err := importer.Import(ctx, tx, in, importer.Options{Builtin: jtemplate.Builtin(), Now: now})
		ws = rep.Workspace
		return err
	}); err != nil {
		t.Fatalf("pgtest: import the sample: %v", err)
	}
	return ws, in
}
