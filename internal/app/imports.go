package app

import (
	"context"
	"io"
	"time"

	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// Team is the Slack team id of the workspace for files that name none
	// ("": the only workspace there is, if one).
	Team string
	// Sample says the first input is the sample book: a sample stored on
	// another day is refused, or replaced with Reset.
	Sample, Reset bool
	// Out is told what was removed; nil: nothing is said.
	Out io.Writer
}

// ImportResult is what an import did.
type ImportResult struct {
	Reports []importer.Report // one per input
	// Questions counts the questions about changes queued for the running
	// bot to send (why a deal moved back, whether the customer was told).
	Questions int
}

// Import writes the inputs in one transaction, then queues the questions
// their changes deserve in the workspaces that existed before (a first
// import brings what happened before Journey: nobody is asked about it).
func Import(ctx context.Context, cfg Config, s *store.Store, inputs []*importer.Input, opts ImportOptions, o Options) (ImportResult, error) {
	o = o.withDefaults()
	now := o.Now()
	if opts.Sample && len(inputs) > 0 {
		if err := PrepareSample(ctx, s, inputs[0].Doc, opts.Reset, opts.Out); err != nil {
			return ImportResult{}, err
		}
	}
	iopts := importer.Options{Builtin: template.Builtin(), Now: now, Workspace: importer.WorkspaceRecord{SlackTeamID: firstNonEmpty(opts.Team, cfg.Workspace)}}
	if iopts.Workspace.SlackTeamID == "" {
		if all, err := s.Workspaces(ctx); err == nil && len(all) == 1 {
			iopts.Workspace = importer.WorkspaceRecord{Name: all[0].Name, SlackTeamID: all[0].SlackTeamID}
		}
	}
	since, err := s.Now(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	before, err := s.Workspaces(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.InTx(ctx, func(tx *store.Tx) error {
		for _, in := range inputs {
			rep, err := importer.Import(ctx, tx, in, iopts)
			if err != nil {
				return err
			}
			res.Reports = append(res.Reports, rep)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	known := map[string]bool{}
	for _, w := range before {
		known[w.ID] = true
	}
	done := map[string]bool{}
	for _, rep := range res.Reports {
		ws := rep.Workspace.ID
		if ws == "" || !known[ws] || done[ws] {
			continue
		}
		done[ws] = true
		n, err := askAboutChanges(ctx, cfg, s, ws, since, o)
		res.Questions += n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// askAboutChanges has a runner that is not started queue the questions
// about the changes recorded since since; the running bot sends them.
func askAboutChanges(ctx context.Context, cfg Config, s *store.Store, ws string, since time.Time, o Options) (int, error) {
	runner, err := NewRunner(cfg, s, o)
	if err != nil {
		return 0, err
	}
	return runner.AskAboutChanges(ctx, ws, since)
}
