package openai

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// Defaults of a Config.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 4
	DefaultBatchSize  = 25
	// DefaultBaseURL is OpenAI's, used when only an API key is set.
	DefaultBaseURL = "https://api.openai.com/v1"
	// DefaultAzureAPIVersion is an Azure OpenAI API version that supports
	// structured outputs (response_format json_schema).
	DefaultAzureAPIVersion = "2024-10-21"
)

// Config says which model to use and how to talk to it. The zero Config
// selects the offline model. Its String and LogValue never show the API key.
type Config struct {
	// BaseURL of an OpenAI-compatible Chat Completions API, e.g.
	// "https://api.openai.com/v1", "http://localhost:11434/v1" (Ollama),
	// "http://localhost:8000/v1" (vLLM), "http://localhost:8080/v1"
	// (llama.cpp's server). A URL without a path gets "/v1". For Azure it is
	// the resource's endpoint, "https://NAME.openai.azure.com".
	BaseURL string
	// APIKey is sent as a bearer token (as the api-key header for Azure).
	// Local servers usually need none.
	APIKey string
	// Model is the model name; for Azure, the deployment name.
	Model string
	// Timeout bounds each HTTP call (retries get a fresh one); default 30s.
	Timeout time.Duration
	// MaxRetries is how many times a call is retried after a 429, a 5xx or
	// a network failure or timeout; 0 means the default 4, negative means
	// never retry.
	MaxRetries int
	// BatchSize is how many messages go to the model in one call; default 25.
	BatchSize int
	// Azure selects Azure OpenAI: api-key header, deployment URLs and the
	// api-version query parameter (APIVersion, default DefaultAzureAPIVersion).
	Azure      bool
	APIVersion string
	// JSONSchema says whether to ask for structured output with a strict
	// JSON schema. nil: try it, and fall back to JSON mode (json_object) for
	// good when the endpoint answers 400 saying response_format or
	// json_schema is not supported. false: always JSON mode. true: always a
	// schema, never fall back.
	JSONSchema *bool

	err error // a malformed environment variable, reported by New
}

// Enabled reports whether the configuration selects an OpenAI-compatible
// endpoint rather than the offline model.
func (c Config) Enabled() bool { return c.BaseURL != "" || c.APIKey != "" }

// String describes the configuration without its API key.
func (c Config) String() string {
	if !c.Enabled() {
		return "llm.Config{offline}"
	}
	key := "none"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("llm.Config{base_url=%s model=%s azure=%t api_key=%s}", redactURL(c.BaseURL), c.Model, c.Azure, key)
}

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

// LogValue lets a Config be logged with slog without its API key.
func (c Config) LogValue() slog.Value {
	if !c.Enabled() {
		return slog.GroupValue(slog.String("model", "offline"))
	}
	return slog.GroupValue(
		slog.String("base_url", redactURL(c.BaseURL)),
		slog.String("model", c.Model),
		slog.Bool("azure", c.Azure),
		slog.Bool("api_key_set", c.APIKey != ""),
	)
}

// ConfigFromEnv reads the configuration from the environment:
//
//	LLM_BASE_URL           OpenAI-compatible endpoint (or Azure resource endpoint)
//	LLM_API_KEY            API key (not needed by most local servers)
//	LLM_MODEL              model name, or the Azure deployment name
//	LLM_TIMEOUT            per-call timeout: a Go duration ("45s") or seconds ("45")
//	LLM_AZURE_API_VERSION  setting it selects Azure OpenAI with that API version
//	LLM_MAX_RETRIES        retries after 429/5xx/timeouts (default 4)
//	LLM_BATCH_SIZE         messages per call (default 25)
//	LLM_JSON_SCHEMA        "true"/"false": force structured output or JSON mode
//
// A malformed value is reported by Err (and so by New), not here.
func ConfigFromEnv(getenv func(string) string) Config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{BaseURL: get("LLM_BASE_URL"), APIKey: get("LLM_API_KEY"), Model: get("LLM_MODEL")}
	var errs []error
	if v := get("LLM_TIMEOUT"); v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("LLM_TIMEOUT: %w", err))
		}
		c.Timeout = d
	}
	if v := get("LLM_AZURE_API_VERSION"); v != "" {
		c.Azure, c.APIVersion = true, v
	}
	for _, kv := range []struct {
		name string
		dst  *int
	}{{"LLM_MAX_RETRIES", &c.MaxRetries}, {"LLM_BATCH_SIZE", &c.BatchSize}} {
		if v := get(kv.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a whole number", kv.name, v))
				continue
			}
			*kv.dst = n
		}
	}
	if kv := get("LLM_JSON_SCHEMA"); kv != "" {
		b, err := strconv.ParseBool(kv)
		if err != nil {
			errs = append(errs, fmt.Errorf("LLM_JSON_SCHEMA: %q is not true or false", kv))
		} else {
			c.JSONSchema = &b
		}
	}
	c.err = errors.Join(errs...)
	return c
}

func parseTimeout(v string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n <= 0 {
			return 0, fmt.Errorf("%q must be positive", v)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a duration (45s) nor a number of seconds", v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", v)
	}
	return d, nil
}

// Err reports a malformed environment variable that ConfigFromEnv met, as
// an EINVALID error naming the variable; nil when there was none.
func (c Config) Err() error {
	if c.err != nil {
		return journey.Errorf(journey.EINVALID, "LLM configuration: %v", c.err)
	}
	return nil
}

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	if err := c.Err(); err != nil {
		return c, err
	}
	c.Model = strings.TrimSpace(c.Model)
	if c.Model == "" {
		return c, journey.Errorf(journey.EINVALID, "LLM_MODEL is required with LLM_BASE_URL or LLM_API_KEY: set it to the model's name (for Azure OpenAI, the deployment's name)")
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Azure && c.APIVersion == "" {
		c.APIVersion = DefaultAzureAPIVersion
	}
	if c.BaseURL == "" {
		if c.Azure {
			return c, journey.Errorf(journey.EINVALID, "LLM_BASE_URL is required for Azure OpenAI: set it to the resource's endpoint, e.g. https://NAME.openai.azure.com")
		}
		c.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, journey.Errorf(journey.EINVALID, "LLM_BASE_URL %q is not an http(s) URL", redactURL(c.BaseURL))
	}
	if u.User != nil {
		return c, journey.Errorf(journey.EINVALID, "LLM_BASE_URL must not carry credentials; set LLM_API_KEY instead")
	}
	if !c.Azure && (u.Path == "" || u.Path == "/") {
		// Every OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp)
		// serves the API under /v1; people often leave it out.
		u.Path = "/v1"
	}
	c.BaseURL = strings.TrimRight(u.String(), "/")
	return c, nil
}

// redactURL drops what a URL should not show in logs: a password and the
// query string.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	return u.Redacted()
}
