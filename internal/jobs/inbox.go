package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// SlackInbox handles again an event from the Slack inbox (slack_events), from
// its stored payload, returning the handler's error. The Slack app
// implements it.
type SlackInbox interface {
	ReplaySlackEvent(ctx context.Context, teamID string, payload []byte) error
}

// SetInbox connects the runner to what replays Slack events.
func (r *Runner) SetInbox(i SlackInbox) { r.inbox = i }

// InboxInterval is how often the inbox is swept.
const InboxInterval = time.Minute

// inboxReplayAfter is how old an unhandled event must be before a replay
// takes it up: by then its own handler has finished or died.
const inboxReplayAfter = time.Minute

// inboxBatch is how many rows one statement of the sweep deletes, and
// replayBatch how many events it claims at a time for a replay: one, so a
// claim is always fresh while its event is handled.
const (
	inboxBatch  = 1000
	replayBatch = 1
)

// replayBudget is how long one sweep starts replays for, well inside a
// job's timeout; what is left waits for the next sweep.
const replayBudget = 20 * time.Second

// InboxArgs is the periodic sweep of the Slack inbox.
type InboxArgs struct{}

// Kind names the job.
func (InboxArgs) Kind() string { return "slack_inbox" }

// InboxSweep is what one sweep of the inbox did.
type InboxSweep struct {
	Replayed, Failed, GaveUp, Deleted int
}

// SweepSlackInbox replays, at now, the Slack events whose handling failed
// or never finished (the process died after the ack) and that are older
// than a minute, up to Config.InboxAttempts attempts each; it marks those
// that used their attempts as given up (the row stays, with its last
// error), and deletes in batches the events processed more than
// Config.InboxRetention ago. It is what the periodic sweep runs (on the
// elected leader only); tests call it with a clock of their own.
func (r *Runner) SweepSlackInbox(ctx context.Context, now time.Time) (InboxSweep, error) {
	var sw InboxSweep
	if r.inbox != nil {
		started := time.Now()
		for time.Since(started) < replayBudget && ctx.Err() == nil {
			evs, err := r.store.ClaimSlackEventsToReplay(ctx, now.Add(-inboxReplayAfter), now, r.cfg.InboxAttempts, replayBatch)
			if err != nil {
				return sw, err
			}
			for _, e := range evs {
				herr := r.inbox.ReplaySlackEvent(ctx, e.TeamID, e.Payload)
				if err := r.store.MarkSlackEventProcessed(context.WithoutCancel(ctx), e.TeamID, e.EventID, herr, now); err != nil {
					return sw, err
				}
				if herr != nil {
					sw.Failed++
					r.log.Warn("slack event replay failed", "event_id", e.EventID, "type", e.EventType,
						"attempt", e.Attempts, "of", r.cfg.InboxAttempts, "err", herr)
					continue
				}
				sw.Replayed++
				r.log.Info("slack event replayed", "event_id", e.EventID, "type", e.EventType, "attempt", e.Attempts)
			}
			if len(evs) < replayBatch {
				break
			}
		}
		gone, err := r.store.GiveUpSlackEvents(ctx, now, r.cfg.InboxAttempts)
		if err != nil {
			return sw, err
		}
		for _, e := range gone {
			sw.GaveUp++
			r.log.Error("slack event given up", "event_id", e.EventID, "type", e.EventType, "team_id", e.TeamID,
				"attempts", e.Attempts, "last_error", e.Error)
		}
	}
	for {
		n, err := r.store.DeleteProcessedSlackEvents(ctx, now.Add(-r.cfg.InboxRetention), inboxBatch)
		if err != nil {
			return sw, err
		}
		sw.Deleted += n
		if n < inboxBatch {
			break
		}
	}
	return sw, nil
}

type inboxWorker struct {
	river.WorkerDefaults[InboxArgs]
	r *Runner
}

func (w *inboxWorker) Work(ctx context.Context, _ *river.Job[InboxArgs]) error {
	_, err := w.r.SweepSlackInbox(ctx, w.r.cfg.Now())
	return err
}

// QueueInboxSweep queues a sweep of the inbox now, at the runner's clock
// (besides the periodic one).
func (r *Runner) QueueInboxSweep(ctx context.Context) error {
	_, err := r.client.Insert(ctx, InboxArgs{}, nil)
	return err
}
