// Package jobs runs Journey's durable background work on River, in the same
// Postgres: analysing messages now, nudges and digests later. Jobs are
// enqueued in the transaction of the write they follow, retried with
// backoff, and unique, so several bot processes never do the same work
// twice. Workers are thin: they load the model, call the domain, and store
// what it found.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// Migrate applies River's own schema (its job tables) to the database.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("apply river migrations: %w", err)
	}
	return nil
}

// Config tunes the runner. Zero values take the documented defaults.
type Config struct {
	// Workers is how many jobs run at once. Default 8.
	Workers int
	// BatchSize is how many pending messages of one account an analysis job
	// reads at a time. Default 25.
	BatchSize int
	// Now is the clock; default time.Now. Tests set one of their own.
	Now func() time.Time
	Log *slog.Logger
	// NoSchedule turns the periodic schedule off (tests drive ScheduleDue
	// with their own clock).
	NoSchedule bool
}

// Runner owns the River client and the workers.
type Runner struct {
	cfg      Config
	store    *store.Store
	model    journey.Model
	client   *river.Client[pgx.Tx]
	log      *slog.Logger
	notifier Notifier
	// hubspotCfg is set by EnableHubSpot.
	hubspotCfg *hubspot.Config
}

// New builds a runner. Start begins working jobs; a runner that is never
// started can still enqueue them (for the CLI).
func New(s *store.Store, model journey.Model, cfg Config) (*Runner, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 25
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	r := &Runner{cfg: cfg, store: s, model: model, log: cfg.Log}
	workers := river.NewWorkers()
	river.AddWorker(workers, &analyzeWorker{r: r})
	river.AddWorker(workers, &draftWorker{r: r})
	river.AddWorker(workers, &scheduleWorker{r: r})
	river.AddWorker(workers, &nudgeWorker{r: r})
	river.AddWorker(workers, &digestWorker{r: r})
	addCRMWorkers(workers, r)
	rcfg := &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers: workers,
		Logger:  cfg.Log.With("component", "river"),
	}
	if !cfg.NoSchedule {
		// periodic jobs run on the elected leader only: several bot
		// processes tick once
		rcfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ScheduleInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
	}
	client, err := river.NewClient(riverpgxv5.New(s.Pool()), rcfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	r.client = client
	return r, nil
}

// Start works jobs until ctx ends or Stop is called.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop lets running jobs finish (up to ctx) and stops.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// Model returns the model the runner analyses with.
func (r *Runner) Model() journey.Model { return r.model }
