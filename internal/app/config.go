// Package app is Journey's composition root: the one place that reads the
// settings, builds the bot from its parts (store, job runner, Slack app,
// models, mail, HubSpot) and takes it apart again. `bot run`, `bot sandbox`
// and the end-to-end tests all start the bot through it; the parts know
// nothing of the environment.
package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/mail"
	"github.com/journeyhq/journey/internal/store"
)

// DefaultDatabaseURL is the local server `make setup` prepares.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/journey?sslmode=disable"

// Setting is one environment variable Journey reads.
type Setting struct {
	Name    string
	Default string // what an unset variable means
	Meaning string
	// Secret settings are never printed (bot config shows whether they are
	// set); URL settings are printed without their password.
	Secret bool
	URL    bool
}

// Settings lists every environment variable Journey reads, in the order
// `bot config` prints them.
var Settings = []Setting{
	{Name: "DATABASE_URL", Default: DefaultDatabaseURL, Meaning: "the Postgres database", URL: true},
	{Name: "JOURNEY_WORKSPACE", Default: "the only one", Meaning: "Slack team id of the workspace commands act on when the database holds several"},
	{Name: "LOG_LEVEL", Default: "info", Meaning: "debug, info, warn or error"},
	{Name: "SLACK_BOT_TOKEN", Default: "—", Meaning: "bot token (xoxb-…) for bot run", Secret: true},
	{Name: "SLACK_APP_TOKEN", Default: "—", Meaning: "app-level token (xapp-…, connections:write) for Socket Mode", Secret: true},
	{Name: "SLACK_API_URL", Default: "Slack's", Meaning: "the Web API base URL", URL: true},
	{Name: "SMTP_URL", Default: "none: Send offers Copy draft and Mark sent (the sandbox: a local mail server)", Meaning: "the mail server approved follow-ups go through; off turns sending off", URL: true},
	{Name: "LLM_BASE_URL", Default: "none: the offline model", Meaning: "an OpenAI-compatible endpoint", URL: true},
	{Name: "LLM_API_KEY", Default: "—", Meaning: "its API key", Secret: true},
	{Name: "LLM_MODEL", Default: "—", Meaning: "the model name (Azure: the deployment)"},
	{Name: "LLM_TIMEOUT", Default: "the model's default", Meaning: "per-call timeout (45s)"},
	{Name: "LLM_MAX_RETRIES", Default: "4", Meaning: "retries after 429, 5xx and time-outs"},
	{Name: "LLM_BATCH_SIZE", Default: "25", Meaning: "messages per call"},
	{Name: "LLM_AZURE_API_VERSION", Default: "—", Meaning: "setting it selects Azure OpenAI with that API version"},
	{Name: "LLM_JSON_SCHEMA", Default: "auto", Meaning: "true or false: force structured output or JSON mode"},
	{Name: "HUBSPOT_TOKEN", Default: "none: no sync", Meaning: "a HubSpot private-app token: bot run syncs every 5 minutes", Secret: true},
	{Name: "HUBSPOT_BASE_URL", Default: "https://api.hubapi.com", Meaning: "the HubSpot API base URL", URL: true},
	{Name: "HUBSPOT_CSM_PROPERTY", Default: "customer_success_manager", Meaning: "the company property holding each company's CSM"},
	{Name: "SANDBOX_ADDR", Default: "127.0.0.1:3100", Meaning: "where bot sandbox runs its Slack simulator"},
	{Name: "SANDBOX_HUBSPOT_ADDR", Default: "127.0.0.1:3101", Meaning: "where bot sandbox runs its local HubSpot"},
}

// Config is every setting of the bot. FromEnv builds it; zero values mean
// the defaults of Settings.
type Config struct {
	DatabaseURL string
	// Workspace is the Slack team id commands act on ("": the only one).
	Workspace string
	LogLevel  slog.Level
	Slack     SlackConfig
	// Mail is the mail server approved follow-ups go through; nil means none
	// (Send offers Copy draft and Mark sent).
	Mail *mail.Config
	// MailOff is SMTP_URL=off: no mail server, not even the sandbox's.
	MailOff bool
	LLM     llm.Config
	HubSpot hubspot.Config
	// SandboxAddr and SandboxHubSpotAddr are where `bot sandbox` listens.
	SandboxAddr, SandboxHubSpotAddr string

	values map[string]string // what the environment said, for Describe
}

// SlackConfig reaches a Slack workspace.
type SlackConfig struct {
	BotToken string // xoxb-…
	AppToken string // xapp-…, with connections:write
	APIURL   string // "": Slack's
}

// FromEnv reads every setting from getenv and checks each one, returning all
// problems at once, each saying what to set.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{values: map[string]string{}}
	for _, s := range Settings {
		if v := strings.TrimSpace(getenv(s.Name)); v != "" {
			c.values[s.Name] = v
		}
	}
	v := func(name string) string { return c.values[name] }
	var errs []error
	c.DatabaseURL = firstNonEmpty(v("DATABASE_URL"), DefaultDatabaseURL)
	if err := store.CheckURL(c.DatabaseURL); err != nil {
		errs = append(errs, fmt.Errorf("DATABASE_URL is not a Postgres URL like %s: %w", DefaultDatabaseURL, err))
	}
	c.Workspace = v("JOURNEY_WORKSPACE")
	if err := c.LogLevel.UnmarshalText([]byte(firstNonEmpty(v("LOG_LEVEL"), "info"))); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", v("LOG_LEVEL")))
	}
	c.Slack = SlackConfig{BotToken: v("SLACK_BOT_TOKEN"), AppToken: v("SLACK_APP_TOKEN"), APIURL: v("SLACK_API_URL")}
	if u := c.Slack.APIURL; u != "" {
		if p, err := url.Parse(u); err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
			errs = append(errs, fmt.Errorf("SLACK_API_URL %q is not a URL like https://slack.com/api/", u))
		}
	}
	switch raw := v("SMTP_URL"); raw {
	case "":
	case "off":
		c.MailOff = true
	default:
		mc, err := mail.ParseURL(raw)
		if err != nil {
			errs = append(errs, err)
		} else {
			c.Mail = &mc
		}
	}
	c.LLM = llm.ConfigFromEnv(getenv)
	if _, err := llm.New(c.LLM, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		errs = append(errs, err)
	}
	c.HubSpot = hubspot.ConfigFromEnv(getenv)
	c.SandboxAddr = firstNonEmpty(v("SANDBOX_ADDR"), "127.0.0.1:3100")
	c.SandboxHubSpotAddr = firstNonEmpty(v("SANDBOX_HUBSPOT_ADDR"), "127.0.0.1:3101")
	if len(errs) > 0 {
		return c, journey.Errorf(journey.EINVALID, "the settings have problems:\n  %s", joinErrors(errs))
	}
	return c, nil
}

// CheckSlack says what to set when the Slack tokens are missing or of the
// wrong kind (bot run needs both).
func (c Config) CheckSlack() error {
	var errs []error
	switch {
	case c.Slack.BotToken == "":
		errs = append(errs, errors.New("SLACK_BOT_TOKEN is not set: the bot token (xoxb-…) from the app's OAuth & Permissions page"))
	case !strings.HasPrefix(c.Slack.BotToken, "xoxb-"):
		errs = append(errs, errors.New("SLACK_BOT_TOKEN should be a bot token starting with xoxb- (OAuth & Permissions)"))
	}
	switch {
	case c.Slack.AppToken == "":
		errs = append(errs, errors.New("SLACK_APP_TOKEN is not set: an app-level token (xapp-…) with connections:write, from the app's Basic Information page"))
	case !strings.HasPrefix(c.Slack.AppToken, "xapp-"):
		errs = append(errs, errors.New("SLACK_APP_TOKEN should be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)"))
	}
	if len(errs) > 0 {
		return journey.Errorf(journey.EINVALID, "Slack is not configured (or run `bot sandbox` to try Journey without a workspace):\n  %s", joinErrors(errs))
	}
	return nil
}

// Line is one setting as `bot config` shows it.
type Line struct {
	Setting
	Value string // the effective value, secrets redacted
	Set   bool   // given in the environment (else the default applies)
}

// Describe lists every setting with its effective value; secrets show only
// whether they are set, URLs lose their password.
func (c Config) Describe() []Line {
	out := make([]Line, 0, len(Settings))
	for _, s := range Settings {
		raw, set := c.values[s.Name]
		l := Line{Setting: s, Set: set, Value: s.Default}
		switch {
		case !set:
		case s.Secret:
			l.Value = "(set, " + fmt.Sprint(len(raw)) + " characters)"
		case s.URL:
			l.Value = redactURL(raw)
		default:
			l.Value = raw
		}
		out = append(out, l)
	}
	return out
}

// redactURL drops a URL's password (and keeps everything else).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(not a URL)"
	}
	return u.Redacted()
}

func joinErrors(errs []error) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		if journey.ErrorCode(e) != journey.EINTERNAL {
			parts[i] = journey.ErrorMessage(e)
		} else {
			parts[i] = e.Error()
		}
	}
	return strings.Join(parts, "\n  ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
