package openai

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	c := ConfigFromEnv(envOf(map[string]string{
		"LLM_BASE_URL": " http://localhost:11434/v1 ", "LLM_API_KEY": testKey, "LLM_MODEL": "llama3.1:8b",
		"LLM_TIMEOUT": "45s", "LLM_MAX_RETRIES": "2", "LLM_BATCH_SIZE": "10", "LLM_JSON_SCHEMA": "false",
	}))
	if c.BaseURL != "http://localhost:11434/v1" || c.APIKey != testKey || c.Model != "llama3.1:8b" || c.Timeout != 45*time.Second ||
		c.MaxRetries != 2 || c.BatchSize != 10 || c.JSONSchema == nil || *c.JSONSchema || c.Azure || c.err != nil {
		t.Errorf("ConfigFromEnv = %#v (%v)", c, c.err)
	}
	if c := ConfigFromEnv(envOf(map[string]string{"LLM_TIMEOUT": "90"})); c.Timeout != 90*time.Second {
		t.Errorf("LLM_TIMEOUT=90: %s", c.Timeout)
	}
	c = ConfigFromEnv(envOf(map[string]string{"LLM_BASE_URL": "https://acme.openai.azure.com", "LLM_API_KEY": "k", "LLM_MODEL": "gpt4o-prod", "LLM_AZURE_API_VERSION": "2024-08-01-preview"}))
	if !c.Azure || c.APIVersion != "2024-08-01-preview" {
		t.Errorf("Azure: %#v", c)
	}
	if c := ConfigFromEnv(envOf(nil)); c.Enabled() || c.err != nil {
		t.Errorf("empty environment: %#v", c)
	}
}

func TestConfigSecretsStayOut(t *testing.T) {
	t.Parallel()
	c := Config{BaseURL: "https://user:pw@llm.example.com/v1?token=abc", APIKey: testKey, Model: "gpt-4o-mini"}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), c.LogValue().String()} {
		if strings.Contains(s, testKey) || strings.Contains(s, "pw@") || strings.Contains(s, "abc") {
			t.Errorf("secret in %q", s)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cfg  Config
		want string
	}{
		"no model":        {Config{BaseURL: "http://localhost:8000/v1"}, "LLM_MODEL is required with LLM_BASE_URL"},
		"key, no model":   {Config{APIKey: testKey}, "LLM_MODEL is required"},
		"bad URL":         {Config{BaseURL: "localhost:8000", Model: "m"}, "is not an http(s) URL"},
		"azure, no URL":   {Config{APIKey: "k", Model: "m", Azure: true}, "LLM_BASE_URL is required for Azure"},
		"bad timeout env": {ConfigFromEnv(envOf(map[string]string{"LLM_BASE_URL": "http://x/v1", "LLM_MODEL": "m", "LLM_TIMEOUT": "soon"})), "LLM_TIMEOUT"},
		"bad bool env":    {ConfigFromEnv(envOf(map[string]string{"LLM_JSON_SCHEMA": "maybe"})), "LLM_JSON_SCHEMA"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(tc.cfg, nil)
			if err == nil || journey.ErrorCode(err) != journey.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: %v, want EINVALID %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), testKey) {
				t.Errorf("the key is in the error %q", err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c, err := Config{APIKey: testKey, Model: "gpt-4o-mini"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != DefaultBaseURL || c.Timeout != DefaultTimeout || c.MaxRetries != DefaultMaxRetries || c.BatchSize != DefaultBatchSize {
		t.Errorf("defaults: %+v", c)
	}
	c, _ = Config{BaseURL: "http://localhost:11434", Model: "m", MaxRetries: -1}.withDefaults()
	if c.BaseURL != "http://localhost:11434/v1" || c.MaxRetries != 0 {
		t.Errorf("base URL without a path gets /v1, negative retries none: %+v", c)
	}
	c, _ = Config{BaseURL: "https://openrouter.ai/api/v1/", Model: "m"}.withDefaults()
	if c.BaseURL != "https://openrouter.ai/api/v1" {
		t.Errorf("base URL %q", c.BaseURL)
	}
	c, _ = Config{BaseURL: "https://acme.openai.azure.com", Model: "m", Azure: true}.withDefaults()
	if c.BaseURL != "https://acme.openai.azure.com" || c.APIVersion != DefaultAzureAPIVersion {
		t.Errorf("Azure: %+v", c)
	}
}
