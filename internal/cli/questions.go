package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/jobs"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/store"
)

// questionsAfterImport queues the questions that an import's changes
// deserve, as a CRM sync's do (why a deal moved backwards or its close date
// was pushed, whether the customer was told of a new CSM, a handoff): CSV and
// JSON imports are tracked like HubSpot. The changes are those stored since
// the database time since, in workspaces that existed before the import (a
// first import brings what happened before Journey: nobody is asked about
// it); the running bot sends the questions. It returns how many were queued.
func questionsAfterImport(ctx context.Context, s *store.Store, reports []importer.Report, existing []journey.Workspace, since time.Time, env Env) (int, error) {
	seen := map[string]bool{}
	for _, w := range reports {
		seen[w.Workspace.ID] = true
	}
	for _, w := range existing {
		delete(seen, w.ID)
	}
	queued := 0
	for _, rep := range reports {
		ws := rep.Workspace.ID
		if ws == "" || seen[ws] {
			continue
		}
		seen[ws] = true
		changes, err := s.ChangesRecordedSince(ctx, ws, since)
		if err != nil {
			return queued, err
		}
		if len(changes) == 0 {
			continue
		}
		defs, err := s.Definitions(ctx, ws)
		if err != nil {
			return queued, err
		}
		accounts := map[string]journey.AccountData{}
		n := 0
		err = s.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range changes {
				data, ok := accounts[c.AccountID]
				if !ok {
					if data, err = s.LoadAccount(ctx, ws, c.AccountID); err != nil {
						return err
					}
					accounts[c.AccountID] = data
				}
				def, _ := journey.ForSegment(defs, data.Account.Segment)
				dealOwner := ""
				for _, d := range data.Deals {
					if d.ID == c.DealID {
						dealOwner = d.OwnerID
					}
				}
				for _, q := range journey.QuestionsFor(def, data.Account, dealOwner, c, data.Account.CSMID, env.Now()) {
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
			return queued, err
		}
		queued += n
		if n > 0 {
			if err := queuePromptJob(ctx, s, ws, env); err != nil {
				return queued, err
			}
		}
	}
	return queued, nil
}

// queuePromptJob has the running bot send a workspace's queued questions.
func queuePromptJob(ctx context.Context, s *store.Store, ws string, env Env) error {
	model, err := llm.New(llm.ConfigFromEnv(env.Getenv), env.Log)
	if err != nil {
		return err
	}
	runner, err := jobs.New(s, model, jobs.Config{Now: env.Now, Log: env.Log, NoSchedule: true})
	if err != nil {
		return err
	}
	if err := runner.SendPrompts(ctx, ws); err != nil {
		return fmt.Errorf("queue the questions about imported changes: %w", err)
	}
	return nil
}
