package app

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// SuggestRequest is what `bot journey suggest` reads: a Slack export and
// which of it.
type SuggestRequest struct {
	Export   string   // a Slack export: the .zip or its folder
	Channels []string // channel names to read (none: all)
	// Oldest and Latest bound the messages read (zero: unbounded).
	Oldest, Latest time.Time
	// BaseURL is the workspace URL messages are cited by ("": none).
	BaseURL string
	// UseModel improves the proposal with the configured model.
	UseModel bool
}

// Suggestion is a proposed journey and how it was made.
type Suggestion struct {
	Proposal bootstrap.Proposal
	Stats    history.ReadStats
	// ModelErr says why the model could not improve the proposal (the
	// rule-based one is kept).
	ModelErr error
}

// SuggestFromExport proposes a journey definition from the leadership
// threads of a Slack export, as `/journey setup` does from live history.
func SuggestFromExport(ctx context.Context, cfg Config, req SuggestRequest, log *slog.Logger) (Suggestion, error) {
	if req.UseModel && !cfg.LLM.Enabled() {
		return Suggestion{}, journey.Errorf(journey.EINVALID, "--model needs LLM_BASE_URL (and LLM_API_KEY, LLM_MODEL) of an OpenAI-compatible endpoint")
	}
	e, err := history.Open(req.Export)
	if err != nil {
		return Suggestion{}, err
	}
	defer e.Close()
	if req.BaseURL != "" {
		e.BaseURL = strings.TrimSuffix(req.BaseURL, "/") + "/"
	}
	s := bootstrap.NewSuggester(template.Builtin())
	st, err := e.Read(req.Channels, req.Oldest, req.Latest, func(m bootstrap.Message) error {
		s.Add(m)
		return ctx.Err()
	})
	if err != nil {
		return Suggestion{}, err
	}
	out := Suggestion{Proposal: s.Proposal(), Stats: st}
	if !req.UseModel {
		return out, nil
	}
	m, err := NewModel(cfg, log)
	if err != nil {
		return out, err
	}
	if pm, ok := m.(bootstrap.ProposalModel); ok {
		if p, _, err := pm.SuggestJourney(ctx, s.ModelInput()); err != nil {
			out.ModelErr = err
		} else {
			out.Proposal = p
		}
	}
	return out, nil
}
