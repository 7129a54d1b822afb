package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/store"
)

// HubSpotInterval is how often the HubSpot sync runs when HUBSPOT_TOKEN is set.
const HubSpotInterval = 5 * time.Minute

// Prompter asks people about changes by DM (why a deal moved, whether the
// customer was told of a new CSM, the handoff). The Slack app implements it.
type Prompter interface {
	SendPrompts(ctx context.Context, ws string) (int, error)
}

// HubSpotSyncArgs runs one HubSpot sync into a workspace.
type HubSpotSyncArgs struct {
	WorkspaceID string `json:"workspace_id"`
}

// Kind names the job.
func (HubSpotSyncArgs) Kind() string { return "hubspot_sync" }

// InsertOpts keeps one sync queued or running at a time: a tick that finds
// one still going adds nothing.
func (HubSpotSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// PromptsArgs sends the questions queued about changes of a workspace.
type PromptsArgs struct {
	WorkspaceID string `json:"workspace_id"`
}

// Kind names the job.
func (PromptsArgs) Kind() string { return "change_prompts" }

// InsertOpts keeps one send queued at a time.
func (PromptsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// addCRMWorkers registers the CRM sync's workers.
func addCRMWorkers(workers *river.Workers, r *Runner) {
	river.AddWorker(workers, &hubspotWorker{r: r})
	river.AddWorker(workers, &promptsWorker{r: r})
}

// EnableHubSpot runs the HubSpot sync into workspace ws every HubSpotInterval
// (on the elected leader only), starting now.
func (r *Runner) EnableHubSpot(cfg hubspot.Config, ws string) {
	r.hubspotCfg = &cfg
	r.client.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(HubSpotInterval),
		func() (river.JobArgs, *river.InsertOpts) { return HubSpotSyncArgs{WorkspaceID: ws}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}

// SyncHubSpot runs one sync into workspace ws, records the run, and sends
// the questions it queued (through the Slack app when connected, else by a
// job the running bot picks up).
func (r *Runner) SyncHubSpot(ctx context.Context, cfg hubspot.Config, ws string) (hubspot.Report, error) {
	if cfg.Log == nil {
		cfg.Log = r.log
	}
	client, err := hubspot.NewClient(cfg)
	if err != nil {
		return hubspot.Report{}, err
	}
	var rep hubspot.Report
	err = r.store.WithSyncLock(ctx, ws, hubspot.Source, func() error {
		var err error
		rep, err = r.syncHubSpot(ctx, client, ws)
		return err
	})
	return rep, err
}

// syncHubSpot runs and records one sync; the caller holds the sync lock.
func (r *Runner) syncHubSpot(ctx context.Context, client *hubspot.Client, ws string) (hubspot.Report, error) {
	run, err := r.store.StartSyncRun(ctx, ws, hubspot.Source, r.cfg.Now())
	if err != nil {
		return hubspot.Report{}, err
	}
	rep, syncErr := (&hubspot.Syncer{Client: client, Store: r.store, WS: ws, Now: r.cfg.Now}).Run(ctx)
	errText := ""
	if syncErr != nil {
		errText = syncErr.Error()
	}
	if err := r.store.FinishSyncRun(context.WithoutCancel(ctx), run, r.cfg.Now(), rep.Calls, rep.String(), errText); err != nil {
		return rep, errors.Join(syncErr, err)
	}
	if rep.Prompts > 0 || syncErr == nil {
		if err := r.SendPrompts(ctx, ws); err != nil {
			return rep, errors.Join(syncErr, err)
		}
	}
	return rep, syncErr
}

// SendPrompts sends the workspace's queued questions now when the Slack app
// is connected, else queues a job for the bot that is.
func (r *Runner) SendPrompts(ctx context.Context, ws string) error {
	if p, ok := r.notifier.(Prompter); ok {
		_, err := p.SendPrompts(ctx, ws)
		return err
	}
	if _, err := r.client.Insert(ctx, PromptsArgs{WorkspaceID: ws}, nil); err != nil {
		return fmt.Errorf("queue the questions about changes: %w", err)
	}
	return nil
}

type hubspotWorker struct {
	river.WorkerDefaults[HubSpotSyncArgs]
	r *Runner
}

// Work syncs once. A rate limit or HubSpot outage waits for the next tick;
// an expired token or missing scope is logged loudly and retried at the
// next tick too (nothing is lost meanwhile).
func (w *hubspotWorker) Work(ctx context.Context, job *river.Job[HubSpotSyncArgs]) error {
	if w.r.hubspotCfg == nil {
		return river.JobCancel(fmt.Errorf("HubSpot is not configured in this process"))
	}
	rep, err := w.r.SyncHubSpot(ctx, *w.r.hubspotCfg, job.Args.WorkspaceID)
	if errors.Is(err, store.ErrSyncRunning) {
		w.r.log.Info("hubspot sync skipped: another one is running")
		return nil
	}
	if err != nil {
		w.r.log.Error("hubspot sync stopped; it resumes from its cursors on the next run", "err", err.Error(), "calls", rep.Calls)
		return nil
	}
	w.r.log.Info("hubspot sync", "changes", rep.Changes, "questions", rep.Prompts, "calls", rep.Calls, "skipped", len(rep.Problems))
	return nil
}

type promptsWorker struct {
	river.WorkerDefaults[PromptsArgs]
	r *Runner
}

func (w *promptsWorker) Work(ctx context.Context, job *river.Job[PromptsArgs]) error {
	p, ok := w.r.notifier.(Prompter)
	if !ok {
		return fmt.Errorf("no Slack app connected to send the questions")
	}
	_, err := p.SendPrompts(ctx, job.Args.WorkspaceID)
	return err
}
