package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/journeyhq/journey/internal/journey"
)

// Notifier sends what the schedules decide: a rep's morning DM and a
// manager's digest, for a local day ("2026-11-23"). The Slack app
// implements it. Each returns the Slack ts of what it posted, or "" when
// there was nothing to send.
type Notifier interface {
	SendNudge(ctx context.Context, ws string, p journey.Person, day string) (string, error)
	PostDigest(ctx context.Context, ws, channel string, manager journey.Person, day string, since, now time.Time) (string, error)
	// SendWoken DMs an action whose snooze ended back to its owner.
	SendWoken(ctx context.Context, ws string, owner journey.Person, a journey.Action) (string, error)
	// SendOutcome tells the rep how an approved email went (sent, or not
	// and why), updating the message they approved it from.
	SendOutcome(ctx context.Context, ws string, a journey.Action) error
}

// SetNotifier connects the runner to what sends DMs and digests.
func (r *Runner) SetNotifier(n Notifier) { r.notifier = n }

// ScheduleArgs is the periodic tick that decides who is due a DM or a digest.
type ScheduleArgs struct{}

// Kind names the job.
func (ScheduleArgs) Kind() string { return "schedule" }

// NudgeArgs sends one person's morning DM for one local day.
type NudgeArgs struct {
	WorkspaceID string `json:"workspace_id"`
	PersonID    string `json:"person_id"`
	Day         string `json:"day"`
}

// Kind names the job.
func (NudgeArgs) Kind() string { return "nudge" }

// InsertOpts makes the job unique per person and day, whatever its state,
// so two processes (or two ticks) never queue the same DM twice.
func (NudgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DigestArgs posts one digest for one local day.
type DigestArgs struct {
	WorkspaceID string `json:"workspace_id"`
	ChannelID   string `json:"channel_id"`
	Day         string `json:"day"`
}

// Kind names the job.
func (DigestArgs) Kind() string { return "digest" }

// InsertOpts makes the job unique per channel and day.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ScheduleInterval is how often the schedule looks for what is due.
const ScheduleInterval = time.Minute

// ScheduleDue queues every morning DM and digest due at now. It is what the
// periodic tick runs (on the elected leader only); tests call it with a
// clock of their own to run a week in seconds.
func (r *Runner) ScheduleDue(ctx context.Context, now time.Time) (int, error) {
	workspaces, err := r.store.Workspaces(ctx)
	if err != nil {
		return 0, err
	}
	var params []river.InsertManyParams
	for _, ws := range workspaces {
		people, err := r.store.People(ctx, ws.ID)
		if err != nil {
			return 0, err
		}
		for _, p := range people {
			if p.SlackUserID == "" || (p.Role != journey.RoleRep && p.Role != journey.RoleCSM) {
				continue
			}
			if day, due := journey.DueOn(r.nudgeAt, p.TimeZone, now); due {
				params = append(params, river.InsertManyParams{Args: NudgeArgs{WorkspaceID: ws.ID, PersonID: p.ID, Day: day}})
			}
		}
		byID := make(map[string]journey.Person, len(people))
		for _, p := range people {
			byID[p.ID] = p
		}
		woken, err := r.store.WokenActions(ctx, ws.ID, now)
		if err != nil {
			return 0, err
		}
		for _, a := range woken {
			if owner, ok := byID[a.OwnerID]; ok && owner.SlackUserID != "" && journey.WakeDue(owner, a, now) {
				params = append(params, river.InsertManyParams{Args: WakeArgs{WorkspaceID: ws.ID, ActionID: a.ID,
					Until: a.SnoozedUntil.UTC().Format(time.RFC3339)}})
			}
		}
		channels, err := r.store.DigestChannels(ctx, ws.ID)
		if err != nil {
			return 0, err
		}
		for _, c := range channels {
			sched, err := ParseSchedule(c.Schedule)
			if err != nil {
				r.log.Warn("digest schedule", "channel", c.ChannelID, "err", err)
				continue
			}
			if day, due := journey.DueOn(sched, c.Manager.TimeZone, now); due {
				params = append(params, river.InsertManyParams{Args: DigestArgs{WorkspaceID: ws.ID, ChannelID: c.ChannelID, Day: day}})
			}
		}
	}
	if len(params) == 0 {
		return 0, nil
	}
	res, err := r.client.InsertMany(ctx, params)
	if err != nil {
		return 0, fmt.Errorf("queue scheduled sends: %w", err)
	}
	n := 0
	for _, x := range res {
		if !x.UniqueSkippedAsDuplicate {
			n++
		}
	}
	return n, nil
}

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	r *Runner
}

func (w *scheduleWorker) Work(ctx context.Context, _ *river.Job[ScheduleArgs]) error {
	_, err := w.r.ScheduleDue(ctx, w.r.cfg.Now())
	return err
}

type nudgeWorker struct {
	river.WorkerDefaults[NudgeArgs]
	r *Runner
}

// deliverOnce claims (kind, key) in the delivery ledger, runs send, and
// records what it posted; a failed send gives the claim back, so River's
// retry can send it. When the claim is taken already (by this process or
// another), nothing is sent.
func (r *Runner) deliverOnce(ctx context.Context, ws, kind, key string, send func() (string, error)) error {
	if r.notifier == nil {
		return fmt.Errorf("no notifier: the Slack app is not connected")
	}
	claimed, err := r.store.ClaimDelivery(ctx, ws, kind, key)
	if err != nil || !claimed {
		return err
	}
	ts, err := send()
	if err != nil {
		_ = r.store.ReleaseDelivery(context.WithoutCancel(ctx), ws, kind, key)
		return err
	}
	return r.store.MarkDelivered(ctx, ws, kind, key, ts, r.cfg.Now())
}

// Work sends the DM once.
func (w *nudgeWorker) Work(ctx context.Context, job *river.Job[NudgeArgs]) error {
	r, a := w.r, job.Args
	return r.deliverOnce(ctx, a.WorkspaceID, "nudge", a.PersonID+":"+a.Day, func() (string, error) {
		p, ok, err := r.person(ctx, a.WorkspaceID, a.PersonID)
		if err != nil || !ok {
			return "", err // gone: nothing to send
		}
		ts, err := r.notifier.SendNudge(ctx, a.WorkspaceID, p, a.Day)
		if err != nil {
			return "", fmt.Errorf("morning DM to %s: %w", p.Name, err)
		}
		return ts, nil
	})
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	r *Runner
}

// Work posts the digest once, like the morning DM. It covers what happened
// since the last one (Friday's, on a Monday), or the last day when there
// was none.
func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	r, a := w.r, job.Args
	return r.deliverOnce(ctx, a.WorkspaceID, "digest", a.ChannelID+":"+a.Day, func() (string, error) {
		channels, err := r.store.DigestChannels(ctx, a.WorkspaceID)
		if err != nil {
			return "", err
		}
		for _, c := range channels {
			if c.ChannelID != a.ChannelID {
				continue
			}
			now := r.cfg.Now()
			since, err := r.store.LastDelivery(ctx, a.WorkspaceID, "digest", c.ChannelID+":", now)
			if err != nil {
				return "", err
			}
			if since.IsZero() || now.Sub(since) > 7*24*time.Hour {
				since = now.Add(-24 * time.Hour)
			}
			ts, err := r.notifier.PostDigest(ctx, a.WorkspaceID, c.ChannelID, c.Manager, a.Day, since, now)
			if err != nil {
				return "", fmt.Errorf("digest in %s: %w", c.ChannelID, err)
			}
			return ts, nil
		}
		return "", nil // the channel is no longer a digest channel
	})
}
