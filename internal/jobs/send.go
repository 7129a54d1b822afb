package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/mail"
)

// Mailer sends one email; handedOver runs just before the server is asked
// to take it. *mail.Sender implements it.
type Mailer interface {
	Send(ctx context.Context, e mail.Email, handedOver func() error) error
}

// SendArgs sends one approved email from the outbox.
type SendArgs struct {
	WorkspaceID string `json:"workspace_id"`
	ActionID    string `json:"action_id"`
	// Approval tells approvals of the same action apart (a retry after a
	// refusal is a new approval); the job is unique per approval.
	Approval int64 `json:"approval"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "send_email" }

// InsertOpts: one job per approval, retried with backoff for about a day
// while the mail server fails temporarily.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: SendAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendAttempts is how often the outbox tries a temporarily failing server
// before it gives up and tells the rep.
const SendAttempts = 10

// ApproveSend approves an action's email and queues its send in the same
// transaction: a double click approves once and queues one job.
func (r *Runner) ApproveSend(ctx context.Context, ws, actionID string, verb journey.ActionVerb, e journey.OutboxEmail) (journey.Action, bool, error) {
	if r.mailer == nil {
		return journey.Action{}, false, errors.New("no mail server is configured (SMTP_URL)")
	}
	// the wall clock tells approvals apart even under a test's fixed clock;
	// a double click never gets here twice (the second changes nothing)
	approval := time.Now().UnixNano()
	return r.store.ApproveSend(ctx, ws, actionID, verb, e, func(tx pgx.Tx) error {
		_, err := r.client.InsertTx(ctx, tx, SendArgs{WorkspaceID: ws, ActionID: actionID, Approval: approval}, nil)
		return err
	})
}

// Mailing reports whether the runner can send email.
func (r *Runner) Mailing() bool { return r.mailer != nil }

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	r *Runner
}

// Timeout bounds one attempt.
func (w *sendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return w.r.cfg.SendTimeout }

// Work sends the email at most once per approval:
//   - the outbox row is marked sending before the server is contacted, and
//     handed_over just before the server is asked to take the message;
//   - an attempt that finds the row sending (the last one stopped before
//     the hand-over, when the server must drop an unfinished message) sends
//     again; one that finds it handed_over does not, and records it sent,
//     saying its confirmation was lost;
//   - a refusal fails the action and tells the rep; a temporary failure is
//     retried with backoff.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	r, a := w.r, job.Args
	if r.mailer == nil {
		return river.JobCancel(errors.New("no mail server is configured (SMTP_URL); the email stays approved"))
	}
	e, err := r.store.BeginSendAttempt(ctx, a.WorkspaceID, a.ActionID)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	switch e.Phase {
	case "sent", "failed":
		return nil
	case "handed_over":
		return r.sent(ctx, a, "handed to the mail server by an attempt that stopped before its answer came; not sent again")
	}
	m := mail.Email{MessageID: e.MessageID, FromName: e.FromName, FromAddr: e.FromAddr,
		ToName: e.ToName, ToAddr: e.ToAddr, Bcc: e.Bcc, Subject: e.Subject, Body: e.Body, Date: r.cfg.Now()}
	if e.Bcc != "" && e.Bcc != e.FromAddr {
		m.ReplyTo = e.Bcc // sent from a shared address: replies go to the rep
	}
	err = r.mailer.Send(ctx, m,
		func() error { return r.store.MarkHandedOver(ctx, a.WorkspaceID, a.ActionID) })
	var se *mail.SendError
	switch {
	case err == nil:
		return r.sent(ctx, a, "accepted by the mail server")
	case errors.As(err, &se) && se.Stage == mail.StageUnknown:
		return r.sent(ctx, a, "handed to the mail server, which did not answer: "+err.Error())
	case errors.As(err, &se) && se.Permanent, job.Attempt >= job.MaxAttempts:
		reason := err.Error()
		if se == nil || !se.Permanent {
			reason = fmt.Sprintf("gave up after %d attempts: %s", job.Attempt, reason)
		}
		action, ferr := r.store.FailSend(context.WithoutCancel(ctx), a.WorkspaceID, a.ActionID, reason, true)
		if ferr != nil {
			return ferr
		}
		r.log.Warn("email not sent", "action", a.ActionID, "err", err)
		r.tellOutcome(ctx, a.WorkspaceID, action)
		return nil
	default:
		if _, ferr := r.store.FailSend(context.WithoutCancel(ctx), a.WorkspaceID, a.ActionID, err.Error(), false); ferr != nil {
			return ferr
		}
		return fmt.Errorf("send email for action %s (will retry): %w", a.ActionID, err)
	}
}

// sent records a sent email and tells the rep.
func (r *Runner) sent(ctx context.Context, a SendArgs, note string) error {
	action, changed, err := r.store.CompleteSend(context.WithoutCancel(ctx), a.WorkspaceID, a.ActionID, r.cfg.Now(), note)
	if err != nil {
		return err
	}
	if changed {
		r.tellOutcome(ctx, a.WorkspaceID, action)
	}
	return nil
}

// tellOutcome updates the rep's message; a failure to do so is logged, not
// retried (the email's fate is already recorded).
func (r *Runner) tellOutcome(ctx context.Context, ws string, action journey.Action) {
	if r.notifier == nil {
		return
	}
	if err := r.notifier.SendOutcome(context.WithoutCancel(ctx), ws, action); err != nil {
		r.log.Warn("tell the rep how their email went", "action", action.ID, "err", err)
	}
}

// WakeArgs brings one snoozed action back to its owner by DM.
type WakeArgs struct {
	WorkspaceID string `json:"workspace_id"`
	ActionID    string `json:"action_id"`
	Until       string `json:"until"` // the snooze that ended, so a new snooze wakes again
}

// Kind names the job.
func (WakeArgs) Kind() string { return "wake_action" }

// InsertOpts makes the job unique per action and snooze.
func (WakeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type wakeWorker struct {
	river.WorkerDefaults[WakeArgs]
	r *Runner
}

// Work DMs the action to its owner, once, and moves it back to proposed.
func (w *wakeWorker) Work(ctx context.Context, job *river.Job[WakeArgs]) error {
	r, a := w.r, job.Args
	woken := false
	err := r.deliverOnce(ctx, a.WorkspaceID, "wake", a.ActionID+":"+a.Until, func() (string, error) {
		action, err := r.store.Action(ctx, a.WorkspaceID, a.ActionID)
		if journey.ErrorCode(err) == journey.ENOTFOUND {
			return "", nil
		} else if err != nil {
			return "", err
		}
		if action.State != journey.ActionSnoozed || action.SnoozedUntil.UTC().Format(time.RFC3339) != a.Until {
			return "", nil // acted on, or snoozed again, meanwhile
		}
		owner, ok, err := r.person(ctx, a.WorkspaceID, action.OwnerID)
		if err != nil || !ok {
			return "", err
		}
		ts, err := r.notifier.SendWoken(ctx, a.WorkspaceID, owner, action)
		if err != nil {
			return "", fmt.Errorf("bring back action %s: %w", a.ActionID, err)
		}
		woken = true
		return ts, nil
	})
	if err != nil || !woken {
		return err
	}
	// the DM is out and recorded: the snooze is over
	if _, _, err := r.store.TransitionAction(ctx, a.WorkspaceID, a.ActionID, journey.VerbWake, "", time.Time{}, "snooze ended"); err != nil {
		return err
	}
	return r.store.MarkNudged(ctx, a.WorkspaceID, []string{a.ActionID})
}

// person finds one person of a workspace.
func (r *Runner) person(ctx context.Context, ws, id string) (journey.Person, bool, error) {
	people, err := r.store.People(ctx, ws)
	if err != nil {
		return journey.Person{}, false, err
	}
	for _, p := range people {
		if p.ID == id {
			return p, true, nil
		}
	}
	return journey.Person{}, false, nil
}
