package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// DraftArgs asks the model to redraft one action's follow-up.
type DraftArgs struct {
	WorkspaceID string `json:"workspace_id"`
	ActionID    string `json:"action_id"`
}

// Kind names the job.
func (DraftArgs) Kind() string { return "draft_action" }

// InsertOpts retries a model that is down for a few hours, then gives up:
// the template draft stays.
func (DraftArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 6} }

// RequestDrafts queues a model draft for each new action. The offline
// model's drafts are the templates actions are born with, so with it there
// is nothing to do.
func (r *Runner) RequestDrafts(ctx context.Context, ws string, actionIDs []string) error {
	if r.model == nil || r.model.Name() == "offline" || len(actionIDs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(actionIDs))
	for i, id := range actionIDs {
		params[i] = river.InsertManyParams{Args: DraftArgs{WorkspaceID: ws, ActionID: id}}
	}
	_, err := r.client.InsertMany(ctx, params)
	return err
}

type draftWorker struct {
	river.WorkerDefaults[DraftArgs]
	r *Runner
}

func (w *draftWorker) Timeout(*river.Job[DraftArgs]) time.Duration { return 2 * time.Minute }

// Work drafts the follow-up from the account's own facts and stores it,
// unless the owner has edited the draft or acted on the action meanwhile.
func (w *draftWorker) Work(ctx context.Context, job *river.Job[DraftArgs]) error {
	r := w.r
	ws := job.Args.WorkspaceID
	action, err := r.store.Action(ctx, ws, job.Args.ActionID)
	if journey.ErrorCode(err) == journey.ENOTFOUND || err == nil && action.State != journey.ActionProposed {
		return nil
	} else if err != nil {
		return err
	}
	data, def, _, err := r.use.Load(ctx, ws, action.AccountID)
	if err != nil {
		return err
	}
	now := r.cfg.Now()
	in := draftInput(def, data, action, now)
	d, usage, derr := r.model.Draft(ctx, in)
	if err := r.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordModelCall(ctx, ws, r.model.Name(), "draft", 0, usage, derr)
	}); err != nil {
		return err
	}
	if journey.ErrorCode(derr) == journey.EINVALID {
		r.log.Warn("model draft rejected; the template draft stays", "action", action.ID, "err", derr)
		return nil
	} else if derr != nil {
		return fmt.Errorf("draft with %s: %w", r.model.Name(), derr)
	}
	_, err = r.store.ReplaceDraft(ctx, ws, action.ID, d.Subject, d.Body)
	return err
}

// draftInput gathers the facts a draft may use: the account's stage, what
// is owed and awaited, and the latest messages.
func draftInput(def journey.Definition, data journey.AccountData, a journey.Action, now time.Time) journey.DraftInput {
	owner := data.Owner
	if a.OwnerID == data.CSM.ID && data.CSM.ID != "" {
		owner = data.CSM
	}
	in := journey.DraftInput{Action: a, Account: data.Account.Name, Owner: owner, To: greetee(a.DraftBody), Now: now}
	card := journey.BuildCard(def, data, now)
	in.Facts = append(in.Facts, fmt.Sprintf("%s is in the %s stage of the journey", data.Account.Name, card.Position.StageName))
	for _, c := range card.Commitments {
		due := ""
		if !c.DueAt.IsZero() {
			due = " (due " + journey.FormatDate(c.DueAt) + ")"
		}
		in.Facts = append(in.Facts, fmt.Sprintf("open promise: %s → %s: %s%s", c.OwnerName, c.Counterpart, c.What, due))
	}
	for _, w := range card.WaitingOnUs {
		in.Facts = append(in.Facts, fmt.Sprintf("the customer waits on us for %s since %s", w.What, journey.FormatDate(w.Since)))
	}
	for _, s := range card.NextSteps {
		in.Facts = append(in.Facts, "next step: "+s.Text)
	}
	for i, e := range data.Events {
		if i == 5 {
			break
		}
		if e.Summary != "" {
			in.Recent = append(in.Recent, e.Summary)
		}
	}
	return in
}

// greetee reads the name a template draft greets ("Hi Tom,").
func greetee(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	name := strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(line, "Hi ")), ",")
	if name == line || name == "there" {
		return ""
	}
	return name
}
