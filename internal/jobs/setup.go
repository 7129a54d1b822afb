package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// SetupSlack is what a journey set-up needs of Slack: a history reader on
// the app's Web API client, and a way to show the admin how it goes. The
// Slack app implements it.
type SetupSlack interface {
	SetupReader() *history.Reader
	// ReportSetup shows the run's progress, problems or proposal to the
	// admin, updating the run's progress message in place.
	ReportSetup(ctx context.Context, ws string, run bootstrap.Run, channels []bootstrap.ChannelProgress) error
}

// SetSetup connects the runner to Slack for journey set-ups.
func (r *Runner) SetSetup(s SetupSlack) { r.setupSlack = s }

// SetupArgs reads a set-up run's channels and proposes a definition.
type SetupArgs struct {
	WorkspaceID string `json:"workspace_id"`
	SetupID     string `json:"setup_id"`
}

// Kind names the job.
func (SetupArgs) Kind() string { return "journey_setup" }

// InsertOpts retries for a while (each retry resumes from the stored
// cursors) and keeps one job per run.
func (SetupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// StartSetup stores a new set-up run and, in the same transaction, queues
// the job that reads it. It returns the run's id.
func (r *Runner) StartSetup(ctx context.Context, ws string, run bootstrap.Run) (string, error) {
	var id string
	err := r.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.CreateSetupRun(ctx, ws, run)
		if err != nil {
			return err
		}
		_, err = r.client.InsertTx(ctx, tx.Tx(), SetupArgs{WorkspaceID: ws, SetupID: id}, nil)
		return err
	})
	return id, err
}

// progressEvery is the least time between two progress updates of one run
// (chat.update allows about 50 a minute per workspace).
const progressEvery = 2 * time.Second

type setupWorker struct {
	river.WorkerDefaults[SetupArgs]
	r *Runner
}

// Timeout leaves room for a slice of reading and the proposal after it,
// and stays under RescueAfter: a run still going is never taken for stuck.
func (w *setupWorker) Timeout(*river.Job[SetupArgs]) time.Duration {
	return min(w.r.cfg.SetupSlice+time.Minute, w.r.cfg.RescueAfter)
}

// Work reads every channel of the run (what is stored already is not read
// again), records the channels that cannot be read with what to do about
// them, proposes a definition from the messages and reports it.
func (w *setupWorker) Work(ctx context.Context, job *river.Job[SetupArgs]) error {
	r := w.r
	ws, id := job.Args.WorkspaceID, job.Args.SetupID
	run, err := r.store.SetupRun(ctx, ws, id)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if run.Status != bootstrap.RunReading {
		return nil // proposed already (a retry after the last step)
	}
	if r.setupSlack == nil {
		return errors.New("journey setup: no Slack connection to read history with")
	}
	report := func(run bootstrap.Run) {
		chs, err := r.store.SetupChannels(ctx, id)
		if err == nil {
			err = r.setupSlack.ReportSetup(ctx, ws, run, chs)
		}
		if err != nil {
			r.log.Warn("journey setup: report progress", "run", id, "err", err)
		}
	}
	reader := r.setupSlack.SetupReader()
	var problems []bootstrap.Problem
	last := time.Now()
	// a big history at Slack's pace takes longer than a job may run: read
	// for a slice, then hand over to the next run, which resumes from the
	// stored cursors (a snooze is not a failed attempt)
	slice, cancel := context.WithTimeout(ctx, r.cfg.SetupSlice)
	defer cancel()
	for _, ch := range run.Channels {
		_, err := reader.ReadChannel(slice, ch, run.Oldest, run.Latest, r.store.SetupSink(id), func(string, int) {
			if time.Since(last) >= progressEvery {
				last = time.Now()
				report(run)
			}
		})
		if err != nil && slice.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			report(run)
			return river.JobSnooze(0)
		}
		var ce *history.ChannelError
		if errors.As(err, &ce) {
			problems = append(problems, bootstrap.Problem{Channel: ch, Code: ce.Code, Message: ce.Message})
			continue
		} else if err != nil {
			run.Problems = problems
			if job.Attempt >= job.MaxAttempts {
				// the last attempt: say so, keep what was read
				run.Status = bootstrap.RunFailed
				run.Problems = append(run.Problems, bootstrap.Problem{Channel: ch, Code: "failed",
					Message: fmt.Sprintf("Journey could not finish reading <#%s> after %d attempts (%s). What was read is kept; run `/journey setup` again to try once more.", ch, job.Attempt, failReason(err))})
				if ferr := r.store.FailSetupRun(ctx, id, run.Problems); ferr != nil {
					r.log.Warn("journey setup: mark failed", "run", id, "err", ferr)
				}
			}
			report(run)
			return fmt.Errorf("journey setup %s: read %s: %w", id, ch, err) // River retries; reading resumes
		}
	}
	if err := r.store.SetSetupProblems(ctx, id, problems); err != nil {
		return err
	}
	s := bootstrap.NewSuggester(template.Builtin())
	if err := r.store.EachSetupMessage(ctx, id, func(m bootstrap.Message) error {
		s.Add(m)
		return nil
	}); err != nil {
		return err
	}
	if err := r.store.SaveSetupProposal(ctx, id, r.propose(ctx, ws, s)); err != nil {
		return err
	}
	run, err = r.store.SetupRun(ctx, ws, id)
	if err != nil {
		return err
	}
	report(run)
	return nil
}

// propose makes the proposal: the rule-based one, improved by a live model
// when one is configured. A model that fails leaves the rule-based one,
// with a note saying so; its calls are recorded like the analyses'.
func (r *Runner) propose(ctx context.Context, ws string, s *bootstrap.Suggester) bootstrap.Proposal {
	bm, ok := r.model.(bootstrap.ProposalModel)
	if !ok || r.model.Name() == "offline" {
		return s.Proposal()
	}
	in := s.ModelInput()
	p, usage, err := bm.SuggestJourney(ctx, in)
	if rerr := r.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordModelCall(ctx, ws, r.model.Name(), "journey", len(in.Messages), usage, err)
	}); rerr != nil {
		r.log.Warn("journey setup: record model call", "err", rerr)
	}
	if err != nil {
		r.log.Warn("journey setup: the model could not propose; keeping the rule-based proposal", "model", r.model.Name(), "err", err)
		p = in.Draft
		p.Notes = append(p.Notes, fmt.Sprintf("the model %s could not improve this proposal (%s); it is the rule-based one", r.model.Name(), journey.ErrorMessage(err)))
	}
	return p
}

// failReason says in a few words why reading failed, without internals.
func failReason(err error) string {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	switch {
	case errors.As(err, &se):
		return "Slack answered " + se.Err
	case errors.As(err, &rl):
		return "Slack kept asking Journey to slow down"
	case errors.Is(err, context.DeadlineExceeded):
		return "it took too long"
	}
	return "the connection to Slack failed"
}
