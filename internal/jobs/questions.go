package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/store"
)

// AskAboutChanges queues the questions that the changes recorded in
// workspace ws since the database time since deserve, as a CRM sync's do:
// why a deal moved backwards or its close date was pushed, whether the
// customer was told of a new CSM, a handoff. The running bot sends them by
// DM (a job is queued when any was added). It returns how many were added.
func (r *Runner) AskAboutChanges(ctx context.Context, ws string, since time.Time) (int, error) {
	changes, err := r.store.ChangesRecordedSince(ctx, ws, since)
	if err != nil || len(changes) == 0 {
		return 0, err
	}
	type loaded struct {
		data journey.AccountData
		def  journey.Definition
	}
	accounts := map[string]loaded{}
	now := r.cfg.Now()
	n := 0
	err = r.store.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range changes {
			l, ok := accounts[c.AccountID]
			if !ok {
				data, def, _, err := r.use.Load(ctx, ws, c.AccountID)
				if err != nil {
					return err
				}
				l = loaded{data, def}
				accounts[c.AccountID] = l
			}
			dealOwner := ""
			for _, d := range l.data.Deals {
				if d.ID == c.DealID {
					dealOwner = d.OwnerID
				}
			}
			for _, q := range journey.QuestionsFor(l.def, l.data.Account, dealOwner, c, l.data.Account.CSMID, now) {
				added, err := tx.AddPrompt(ctx, ws, c.ID, q.Kind, q.PersonID)
				if err != nil {
					return err
				}
				if added {
					n++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if err := r.SendPrompts(ctx, ws); err != nil {
			return n, fmt.Errorf("queue the questions about the changes: %w", err)
		}
	}
	return n, nil
}
