package llm

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/offline"
	"github.com/journeyhq/journey/internal/llm/openai"
)

func TestNewSelectsTheModel(t *testing.T) {
	t.Parallel()
	m, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*offline.Model); !ok {
		t.Errorf("New(zero Config) = %T, want *offline.Model", m)
	}
	m, err = New(Config{BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.1:8b"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := m.(*openai.Model); !ok || o.Name() != "llama3.1:8b" {
		t.Errorf("New(base URL) = %T", m)
	}
}

// A malformed variable is reported even when the rest of the environment
// selects the offline model.
func TestNewReportsABadEnvironment(t *testing.T) {
	t.Parallel()
	for name, env := range map[string]map[string]string{
		"offline":           {"LLM_JSON_SCHEMA": "maybe"},
		"OpenAI-compatible": {"LLM_BASE_URL": "http://x/v1", "LLM_MODEL": "m", "LLM_TIMEOUT": "soon"},
	} {
		_, err := New(ConfigFromEnv(func(k string) string { return env[k] }), nil)
		if err == nil || journey.ErrorCode(err) != journey.EINVALID || !strings.Contains(err.Error(), "LLM_") {
			t.Errorf("%s: New = %v, want EINVALID naming the variable", name, err)
		}
	}
}
