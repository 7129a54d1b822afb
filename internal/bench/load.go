package bench

import (
	"context"
	"fmt"
	"sync"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// Setup creates the benchmark's workspace in st and installs the built-in
// journey definitions, in one transaction. It returns the workspace.
func Setup(ctx context.Context, st *store.Store) (journey.Workspace, error) {
	var ws journey.Workspace
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		ws, err = tx.EnsureWorkspace(ctx, "Bench Co", "TBENCH")
		if err != nil {
			return err
		}
		for _, d := range template.Builtin() {
			if _, err := tx.SaveDefinition(ctx, ws.ID, d); err != nil {
				return err
			}
		}
		return nil
	})
	return ws, err
}

// copiesInFlight is how many COPY streams Load runs at once, while the
// generator makes the next batch.
const copiesInFlight = 2

// Load generates the book of business of cfg for workspace ws and copies it
// into st with store.CopyRows. Batches of one table are copied concurrently;
// a table starts only when the tables before it are in, so that foreign
// keys hold.
func Load(ctx context.Context, st *store.Store, cfg Config, ws string) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		current  string
	)
	sem := make(chan struct{}, copiesInFlight)
	failed := func() error {
		mu.Lock()
		defer mu.Unlock()
		return firstErr
	}
	emit := func(b Batch) error {
		if b.Table != current {
			wg.Wait()
			current = b.Table
		}
		if err := failed(); err != nil {
			return err
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			n, err := st.CopyRows(ctx, b.Table, b.Columns, b.Rows)
			if err == nil && n != int64(len(b.Rows)) {
				err = fmt.Errorf("copy into %s: %d of %d rows", b.Table, n, len(b.Rows))
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
			}
		}()
		return nil
	}
	sum, err := Generate(cfg, ws, emit)
	wg.Wait()
	if err == nil {
		err = failed()
	}
	return sum, err
}
