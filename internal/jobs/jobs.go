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
	"github.com/riverqueue/river/rivertype"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// riverMigrationLockID serialises River's migrations across processes
// starting together (River's migrator does not).
const riverMigrationLockID = 7240002

// Migrate applies River's own schema (its job tables) to the database,
// under an advisory lock, so several processes may start at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, riverMigrationLockID); err != nil {
		return fmt.Errorf("river migrations lock: %w", err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, riverMigrationLockID)
	}()
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
	// Mailer sends approved emails (SMTP_URL); nil means none is configured
	// and approvals are sent by hand (Copy draft, Mark sent).
	Mailer Mailer
	// SendTimeout bounds one attempt at an email. Default 2 minutes.
	SendTimeout time.Duration
	// RescueAfter is how long a job may run before River takes it to be
	// stuck (its process died) and retries it elsewhere. Default 10 minutes;
	// never less than SendTimeout.
	RescueAfter time.Duration
	// NudgeSchedule is the cron expression of the morning DM, in each
	// person's own zone. Default DefaultNudgeSchedule (08:30 on workdays).
	NudgeSchedule string
	// SetupSlice is how long one run of a history-reading job reads before
	// it hands over to the next run (it resumes from its stored cursors), so
	// no job runs long enough to be taken for stuck. Default 8 minutes;
	// always under RescueAfter.
	SetupSlice time.Duration
	// InboxAttempts is how many times a Slack event is handled before the
	// inbox gives up on it (the first delivery counts). Default 5.
	InboxAttempts int
	// InboxRetention is how long a processed Slack event stays in the inbox
	// (slack_events) before the periodic sweep deletes it. Default 14 days.
	InboxRetention time.Duration
}

// Runner owns the River client and the workers.
type Runner struct {
	cfg      Config
	nudgeAt  journey.Schedule
	store    *store.Store
	use      journey.Use // the use cases, on the store
	model    journey.ConversationModel
	client   *river.Client[pgx.Tx]
	log      *slog.Logger
	notifier Notifier
	mailer   Mailer
	// setupSlack reads history for journey set-ups (see setup.go)
	setupSlack SetupSlack
	// inbox replays Slack events (see inbox.go)
	inbox SlackInbox
	// hubspotCfg is set by EnableHubSpot.
	hubspotCfg *hubspot.Config
}

// New builds a runner. Start begins working jobs; a runner that is never
// started can still enqueue them (for the CLI).
func New(s *store.Store, model journey.ConversationModel, cfg Config) (*Runner, error) {
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
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 2 * time.Minute
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = 10 * time.Minute
	}
	cfg.RescueAfter = max(cfg.RescueAfter, cfg.SendTimeout)
	if cfg.SetupSlice <= 0 || cfg.SetupSlice > cfg.RescueAfter*4/5 {
		cfg.SetupSlice = min(8*time.Minute, cfg.RescueAfter*4/5)
	}
	if cfg.InboxAttempts <= 0 {
		cfg.InboxAttempts = 5
	}
	if cfg.InboxRetention <= 0 {
		cfg.InboxRetention = 14 * 24 * time.Hour
	}
	if cfg.NudgeSchedule == "" {
		cfg.NudgeSchedule = DefaultNudgeSchedule
	}
	nudgeAt, err := ParseSchedule(cfg.NudgeSchedule)
	if err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, nudgeAt: nudgeAt, store: s, use: journey.Use{Store: s}, model: model, log: cfg.Log, mailer: cfg.Mailer}
	workers := river.NewWorkers()
	river.AddWorker(workers, &analyzeWorker{r: r})
	river.AddWorker(workers, &draftWorker{r: r})
	river.AddWorker(workers, &scheduleWorker{r: r})
	river.AddWorker(workers, &nudgeWorker{r: r})
	river.AddWorker(workers, &digestWorker{r: r})
	river.AddWorker(workers, &sendWorker{r: r})
	river.AddWorker(workers, &wakeWorker{r: r})
	river.AddWorker(workers, &setupWorker{r: r})
	river.AddWorker(workers, &inboxWorker{r: r})
	addCRMWorkers(workers, r)
	rcfg := &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		Logger:               cfg.Log.With("component", "river"),
		JobTimeout:           min(time.Minute, cfg.RescueAfter),
		RescueStuckJobsAfter: cfg.RescueAfter,
	}
	if !cfg.NoSchedule {
		// periodic jobs run on the elected leader only: several bot
		// processes tick once
		rcfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ScheduleInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(InboxInterval),
				func() (river.JobArgs, *river.InsertOpts) { return InboxArgs{}, nil }, nil)}
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
func (r *Runner) Model() journey.ConversationModel { return r.model }

// Idle reports whether no job waits or runs: none available, running,
// retrying or scheduled. With the Slack app and the simulator idle too, a
// test knows nothing more will happen.
func (r *Runner) Idle(ctx context.Context) (bool, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled).First(1))
	if err != nil {
		return false, fmt.Errorf("list unfinished jobs: %w", err)
	}
	return len(res.Jobs) == 0, nil
}
