package llm

import (
	"log/slog"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/offline"
	"github.com/journeyhq/journey/internal/llm/openai"
)

// Config says which model to use and how to talk to it; the zero Config
// selects the offline model. See openai.Config for its fields.
type Config = openai.Config

// ConfigFromEnv reads the configuration from the environment (LLM_BASE_URL,
// LLM_API_KEY, LLM_MODEL, …; see openai.ConfigFromEnv). A malformed value is
// reported by New, not here.
func ConfigFromEnv(getenv func(string) string) Config { return openai.ConfigFromEnv(getenv) }

// New returns the model the configuration selects: the OpenAI-compatible
// one when a base URL or an API key is set (Model is then required), else
// the offline model.
func New(cfg Config, log *slog.Logger) (journey.ConversationModel, error) {
	if !cfg.Enabled() {
		if err := cfg.Err(); err != nil {
			return nil, err
		}
		return NewOffline(), nil
	}
	m, err := NewOpenAI(cfg, log)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NewOffline returns the offline model: heuristics and templates, no
// network, no cost.
func NewOffline() *offline.Model { return offline.New() }

// NewOpenAI returns the OpenAI-compatible model for cfg, which must name a
// model (and, for Azure, a base URL). A nil log means slog.Default().
func NewOpenAI(cfg Config, log *slog.Logger) (*openai.Model, error) { return openai.New(cfg, log) }
