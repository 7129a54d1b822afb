package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// AnalyzeRequest is a conversation to read as the bot reads a deal
// channel: `bot analyze` checks the extraction on anyone's own messages.
type AnalyzeRequest struct {
	Messages []journey.Message
	// Speakers are the authors by Slack user id; an author not among them
	// is read as an unknown person of either side.
	Speakers map[string]journey.Speaker
	// Template is the built-in journey whose milestones to look for.
	Template string
	Now      time.Time
	TZ       *time.Location // for due dates, unless a speaker has a zone
}

// Analyze runs the configured conversation model over req and returns what
// it found, what it cost and the model's name.
func Analyze(ctx context.Context, cfg Config, req AnalyzeRequest, log *slog.Logger) (journey.Analysis, journey.Usage, string, error) {
	def, ok := template.BuiltinByKey(req.Template)
	if !ok {
		return journey.Analysis{}, journey.Usage{}, "", journey.Errorf(journey.EINVALID, "no built-in template %q (bot journey list shows them)", req.Template)
	}
	speakers := map[string]journey.Speaker{}
	for id, s := range req.Speakers {
		speakers[id] = s
	}
	for _, m := range req.Messages {
		if _, ok := speakers[m.User]; !ok && m.User != "" {
			speakers[m.User] = journey.Speaker{ID: m.User, Name: m.User}
		}
	}
	in := journey.AnalysisInput{Account: "this account", Speakers: speakers, Now: req.Now, TZ: req.TZ, Messages: req.Messages}
	for _, s := range def.Stages {
		for _, m := range s.Milestones {
			in.Milestones = append(in.Milestones, journey.MilestoneRef{Key: m.Key, Name: m.Name, Evidence: m.Evidence})
		}
	}
	model, err := NewModel(cfg, log)
	if err != nil {
		return journey.Analysis{}, journey.Usage{}, "", err
	}
	found, usage, err := model.Analyze(ctx, in)
	return found, usage, model.Name(), err
}
