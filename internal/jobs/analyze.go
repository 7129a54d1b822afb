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

// AnalyzeArgs asks for an account's pending messages to be analysed. Every
// stored message enqueues one; the first job to run takes all the account's
// pending messages in batches and the others find nothing left, so a burst
// of messages costs one model call per batch, not one per message. (A job
// unique per account would miss a message stored while it runs.)
type AnalyzeArgs struct {
	WorkspaceID string `json:"workspace_id"`
	AccountID   string `json:"account_id"`
}

// Kind names the job.
func (AnalyzeArgs) Kind() string { return "analyze_messages" }

// InsertOpts gives a model that is down about a day of retries with backoff.
func (AnalyzeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 12}
}

// Ingest stores a message on the account's timeline and, in the same
// transaction, enqueues its analysis. A message stored already (Slack
// delivers some twice) changes nothing.
func (r *Runner) Ingest(ctx context.Context, ws string, m journey.Event) (eventID string, added bool, err error) {
	err = r.store.InTx(ctx, func(tx *store.Tx) error {
		eventID, added, err = tx.AddMessage(ctx, ws, m)
		if err != nil || !added {
			return err
		}
		_, err = r.client.InsertTx(ctx, tx.Tx(), AnalyzeArgs{WorkspaceID: ws, AccountID: m.AccountID}, nil)
		return err
	})
	return eventID, added, err
}

// Edit records a message's new text and queues it for analysis again. It
// takes the message and then its findings, where an analysis takes them
// the other way round: a deadlock between the two is tried again.
func (r *Runner) Edit(ctx context.Context, ws, source, ext, text string, at time.Time) error {
	return r.store.InTxRetrying(ctx, func(tx *store.Tx) error {
		_, accountID, err := tx.EditMessage(ctx, ws, source, ext, text, journey.Summarize(text), at)
		if journey.ErrorCode(err) == journey.ENOTFOUND {
			return nil // an edit of a message Journey never stored
		} else if err != nil {
			return err
		}
		_, err = r.client.InsertTx(ctx, tx.Tx(), AnalyzeArgs{WorkspaceID: ws, AccountID: accountID}, nil)
		return err
	})
}

// Delete forgets a deleted message's text and what was found in it (tried
// again after a deadlock, as Edit).
func (r *Runner) Delete(ctx context.Context, ws, source, ext string, at time.Time) error {
	return r.store.InTxRetrying(ctx, func(tx *store.Tx) error { return tx.DeleteMessage(ctx, ws, source, ext, at) })
}

type analyzeWorker struct {
	river.WorkerDefaults[AnalyzeArgs]
	r *Runner
}

// Timeout bounds one job: a slow model leaves the rest queued for a retry.
func (w *analyzeWorker) Timeout(*river.Job[AnalyzeArgs]) time.Duration { return 3 * time.Minute }

// Work analyses the account's pending messages, batch by batch, and stores
// what the model found. A model that is down fails the job, which River
// retries with backoff; the messages stay pending meanwhile.
func (w *analyzeWorker) Work(ctx context.Context, job *river.Job[AnalyzeArgs]) error {
	for {
		n, err := w.r.analyzeBatch(ctx, job.Args.WorkspaceID, job.Args.AccountID)
		if err != nil {
			return err
		}
		if n < w.r.cfg.BatchSize {
			return nil
		}
	}
}

// analyzeBatch analyses up to BatchSize pending messages of one account in
// one transaction; it returns how many it took.
func (r *Runner) analyzeBatch(ctx context.Context, ws, accountID string) (int, error) {
	data, def, _, err := r.use.Load(ctx, ws, accountID)
	if err != nil {
		return 0, err
	}
	now := r.cfg.Now()
	// Read the batch, call the model outside any transaction (a live model
	// may take a while), then store the findings in one transaction. Two
	// runs on the same messages store the same findings once: their
	// external ids come from the message.
	var pending []store.PendingMessage
	var in journey.AnalysisInput
	err = r.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		pending, err = tx.PendingMessages(ctx, ws, accountID, r.cfg.BatchSize)
		if err != nil || len(pending) == 0 {
			return err
		}
		in = analysisInput(def, data, pending, now)
		for _, m := range pending {
			if m.ActorID != "" {
				if p, ok, err := tx.PersonBySlackID(ctx, ws, m.AuthorRef); err == nil && ok {
					in.Speakers[m.AuthorRef] = journey.Speaker{ID: m.AuthorRef, Name: p.Name, Side: journey.SideUs, TZ: p.TimeZone}
				}
			}
		}
		return nil
	})
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	found, usage, aerr := r.model.Analyze(ctx, in)
	err = r.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordModelCall(ctx, ws, r.model.Name(), "analyze", len(pending), usage, aerr); err != nil {
			return err
		}
		if journey.ErrorCode(aerr) == journey.EINVALID {
			// the model's answer failed validation: nothing of it is stored,
			// and the messages are not retried forever
			r.log.Warn("analysis rejected; messages marked analysed without findings", "account", accountID, "err", aerr)
			return tx.MarkAnalyzed(ctx, ws, eventIDs(pending), now)
		} else if aerr != nil {
			return nil // recorded; the job fails below and River retries it
		}
		if err := apply(ctx, tx, ws, data, pending, in, found, now); err != nil {
			return err
		}
		return tx.MarkAnalyzed(ctx, ws, eventIDs(pending), now)
	})
	if err != nil {
		return 0, err
	}
	if aerr != nil && journey.ErrorCode(aerr) != journey.EINVALID {
		return 0, fmt.Errorf("analyse %d messages with %s: %w", len(pending), r.model.Name(), aerr)
	}
	return len(pending), nil
}

func eventIDs(ms []store.PendingMessage) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.EventID
	}
	return ids
}

// analysisInput builds one batch's input: the messages, who wrote them,
// the milestones still open, and the open commitments and waits.
func analysisInput(def journey.Definition, data journey.AccountData, pending []store.PendingMessage, now time.Time) journey.AnalysisInput {
	in := journey.AnalysisInput{Account: data.Account.Name, Speakers: map[string]journey.Speaker{}, Now: now, TZ: time.UTC}
	for _, m := range pending {
		in.Messages = append(in.Messages, journey.Message{TS: m.TS, User: m.AuthorRef, Text: m.Text, Channel: m.Channel, ThreadTS: m.ThreadTS, At: m.At})
		if _, ok := in.Speakers[m.AuthorRef]; !ok && m.AuthorRef != "" {
			in.Speakers[m.AuthorRef] = journey.Speaker{ID: m.AuthorRef, Name: m.AuthorName, Side: m.Side}
		}
	}
	done := map[string]bool{}
	for _, c := range data.Completions {
		done[c.MilestoneKey] = true
	}
	for _, s := range def.Stages {
		for _, ms := range s.Milestones {
			if !done[ms.Key] {
				in.Milestones = append(in.Milestones, journey.MilestoneRef{Key: ms.Key, Name: ms.Name, Evidence: ms.Evidence})
			}
		}
	}
	for _, c := range data.Commitments {
		if c.Status == journey.CommitmentOpen {
			in.Open = append(in.Open, c)
		}
	}
	for _, w := range data.Waits {
		if w.Open() {
			in.OpenWaiting = append(in.OpenWaiting, w)
		}
	}
	return in
}

// apply stores what the model found: commitments, waits, milestone
// completions, stakeholders, and closes what a message fulfilled.
func apply(ctx context.Context, tx *store.Tx, ws string, data journey.AccountData, pending []store.PendingMessage,
	in journey.AnalysisInput, found journey.Analysis, now time.Time) error {
	byTS := map[string]store.PendingMessage{}
	for _, m := range pending {
		byTS[m.TS] = m
	}
	name := func(p journey.Party) string {
		switch journey.Side(p) {
		case journey.SideUs:
			return "us"
		case journey.SideCustomer:
			return data.Account.Name
		}
		if s, ok := in.Speakers[p]; ok && s.Name != "" {
			return s.Name
		}
		return p
	}
	side := func(p journey.Party) journey.Side {
		switch journey.Side(p) {
		case journey.SideUs, journey.SideCustomer:
			return journey.Side(p)
		}
		if s, ok := in.Speakers[p]; ok && s.Side != "" {
			return s.Side
		}
		return journey.SideUs
	}
	for i, c := range found.Commitments {
		m, ok := byTS[c.MessageTS]
		if !ok {
			continue
		}
		cm := journey.Commitment{AccountID: data.Account.ID, Side: side(c.Owner), OwnerName: name(c.Owner), Counterpart: name(c.Counterpart),
			What: c.What, DueAt: endOfDay(c.Due), Status: journey.CommitmentOpen, SourceEventID: m.EventID, CreatedAt: m.At}
		if cm.Side == journey.SideUs {
			if p, ok, err := tx.PersonBySlackID(ctx, ws, c.Owner); err == nil && ok {
				cm.OwnerID, cm.OwnerName = p.ID, p.Name
			} else if data.Account.OwnerID != "" && journey.Side(c.Owner) == journey.SideUs {
				cm.OwnerID, cm.OwnerName = data.Account.OwnerID, data.Owner.Name
			}
		}
		if _, err := tx.UpsertCommitment(ctx, ws, "analysis", fmt.Sprintf("%s:c%d", m.EventID, i), cm); err != nil {
			return err
		}
	}
	for i, w := range found.WaitingOn {
		m, ok := byTS[w.MessageTS]
		if !ok {
			continue
		}
		item := journey.WaitItem{AccountID: data.Account.ID, Waiter: side(w.Waiter), What: w.What, Since: m.At, SourceEventID: m.EventID}
		if _, err := tx.UpsertWait(ctx, ws, "analysis", fmt.Sprintf("%s:w%d", m.EventID, i), item); err != nil {
			return err
		}
	}
	for _, ms := range found.Milestones {
		m, ok := byTS[ms.MessageTS]
		if !ok {
			continue
		}
		if _, err := tx.AddCompletion(ctx, ws, journey.Completion{AccountID: data.Account.ID, MilestoneKey: ms.Milestone, At: m.At,
			EvidenceEventID: m.EventID, Note: "found in a message", Source: "analysis"}); err != nil {
			return err
		}
	}
	for _, st := range found.Stakeholders {
		if strings.TrimSpace(st.Name) == "" {
			continue
		}
		if _, exists, err := tx.ContactByName(ctx, ws, data.Account.ID, st.Name); err != nil {
			return err
		} else if exists {
			continue
		}
		if _, err := tx.SaveContact(ctx, ws, "analysis", journey.Contact{AccountID: data.Account.ID, Name: st.Name, Title: st.Title,
			BuyingRole: st.Role, ExternalID: data.Account.ID + ":" + strings.ToLower(st.Name)}); err != nil {
			return err
		}
	}
	for _, f := range found.Fulfilled {
		at := now
		if m, ok := byTS[f.MessageTS]; ok {
			at = m.At
		}
		if f.CommitmentID != "" {
			if _, err := tx.CloseCommitment(ctx, ws, f.CommitmentID, at); err != nil {
				return err
			}
		}
		if f.WaitID != "" {
			if _, err := tx.ResolveWait(ctx, ws, f.WaitID, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// endOfDay turns a due date into the end of that day (UTC), so a promise
// for Thursday is overdue on Friday, not on Thursday morning.
func endOfDay(d time.Time) time.Time {
	if d.IsZero() {
		return d
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, time.UTC)
}
