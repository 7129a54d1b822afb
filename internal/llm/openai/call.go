package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/wait"
)

// Client makes the Chat Completions calls to an OpenAI-compatible endpoint:
// each under its own timeout, retried after a 429, a 5xx, a network failure
// or a timeout with backoff, logged and counted. Model makes its
// structured-output calls through it; Converse runs a tool-calling
// conversation with it. It is safe for concurrent use.
type Client struct {
	cfg         Config
	api         *goopenai.Client
	log         *slog.Logger
	backoffBase time.Duration
	// sleep waits between attempts; wait.Sleep, or a test's recorder.
	sleep    func(ctx context.Context, d time.Duration) error
	jsonMode atomic.Bool // structured output is off: by configuration or after a 400
}

// NewClient returns a client for cfg, which must name a model (and, for
// Azure, a base URL). A nil log means slog.Default().
func NewClient(cfg Config, log *slog.Logger) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	var cc goopenai.ClientConfig
	if cfg.Azure {
		cc = goopenai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		cc.APIVersion = cfg.APIVersion
		cc.AzureModelMapperFunc = func(model string) string { return model } // Model is the deployment
	} else {
		cc = goopenai.DefaultConfig(cfg.APIKey)
		cc.BaseURL = cfg.BaseURL
	}
	// No client-wide timeout: each call has its own context deadline.
	cc.HTTPClient = &http.Client{}
	c := &Client{
		cfg:         cfg,
		api:         goopenai.NewClientWithConfig(cc),
		log:         log,
		backoffBase: defaultBackoff,
		sleep:       wait.Sleep,
	}
	if cfg.JSONSchema != nil && !*cfg.JSONSchema {
		c.jsonMode.Store(true)
	}
	return c, nil
}

// Name is the configured model's name (for Azure, the deployment's).
func (c *Client) Name() string { return c.cfg.Model }

// Backoff between retries: base·2^attempt with jitter, at most maxBackoff.
// A Retry-After longer than maxRetryAfter is not waited for: the call fails
// and the caller tries again later.
const (
	defaultBackoff = time.Second
	maxBackoff     = 30 * time.Second
	maxRetryAfter  = 2 * time.Minute
)

// schemaSpec is the structured output one kind of call asks for.
type schemaSpec struct {
	name   string
	schema json.RawMessage
}

// request is one Chat Completions call to make: a structured-output one
// (schema set) or a turn of a tool-calling conversation (tools set).
type request struct {
	task   string // names the call in logs and errors: "analyze", "draft", "journey", "ask"
	msgs   []goopenai.ChatCompletionMessage
	schema *schemaSpec
	tools  []goopenai.Tool
}

// reply is the first choice of a completed call.
type reply struct {
	content   string
	refusal   string
	finish    goopenai.FinishReason
	toolCalls []goopenai.ToolCall
}

// refused reports whether the model declined to answer.
func (r reply) refused() bool {
	return strings.TrimSpace(r.refusal) != "" || r.finish == goopenai.FinishReasonContentFilter
}

// complete makes one call and returns its first choice: the one call every
// model task and every round of a tool-calling conversation goes through.
// A structured-output call asks for a strict JSON schema, or for JSON mode
// with the schema in the system prompt where the endpoint has no schemas:
// it switches to JSON mode for good when the endpoint rejects json_schema
// (unless the configuration insists on a schema). It retries 429s, 5xx,
// network failures and timeouts with exponential backoff (honouring
// Retry-After) through c.sleep, each attempt with its own timeout. The usage
// counts every response that came back.
func (c *Client) complete(ctx context.Context, r request) (reply, journey.Usage, error) {
	var use journey.Usage
	for attempt := 0; ; {
		req, schema := c.chatRequest(r)
		start := time.Now()
		resp, err := c.once(ctx, req)
		if err == nil {
			use.Calls++
			use.PromptTokens += resp.Usage.PromptTokens
			use.CompletionTokens += resp.Usage.CompletionTokens
			c.log.Debug("llm: call done", "task", r.task, "model", c.cfg.Model, "attempt", attempt+1,
				"prompt_tokens", resp.Usage.PromptTokens, "completion_tokens", resp.Usage.CompletionTokens,
				"elapsed", time.Since(start).Round(time.Millisecond))
			if len(resp.Choices) == 0 {
				return reply{}, use, journey.Errorf(journey.EINVALID, "llm: %s: the model returned no choices", r.task)
			}
			ch := resp.Choices[0]
			return reply{content: ch.Message.Content, refusal: ch.Message.Refusal, finish: ch.FinishReason, toolCalls: ch.Message.ToolCalls}, use, nil
		}
		if ctx.Err() != nil {
			return reply{}, use, fmt.Errorf("llm: %s: %w", r.task, ctx.Err())
		}
		if schema && c.cfg.JSONSchema == nil && schemaUnsupported(err) {
			if c.jsonMode.CompareAndSwap(false, true) {
				c.log.Warn("llm: the endpoint does not support response_format json_schema; using JSON mode from now on",
					"model", c.cfg.Model, "status", statusOf(err))
			}
			continue // not a retry: the same call in the other mode
		}
		pause, retry, why := c.retryWait(err, resp.Header(), attempt)
		if !retry {
			return reply{}, use, c.failed(r.task, err, why)
		}
		if attempt >= c.cfg.MaxRetries {
			return reply{}, use, fmt.Errorf("llm: %s: giving up after %d attempts: %w", r.task, attempt+1, err)
		}
		c.log.Warn("llm: call failed; retrying", "task", r.task, "model", c.cfg.Model, "attempt", attempt+1,
			"max_retries", c.cfg.MaxRetries, "status", statusOf(err), "reason", why, "wait", pause.Round(time.Millisecond))
		if err := c.sleep(ctx, pause); err != nil {
			return reply{}, use, fmt.Errorf("llm: %s: waiting to retry: %w", r.task, err)
		}
		attempt++
	}
}

// chatRequest is the wire request for r in the current mode, and whether it
// asks for a JSON schema.
func (c *Client) chatRequest(r request) (goopenai.ChatCompletionRequest, bool) {
	req := goopenai.ChatCompletionRequest{Model: c.cfg.Model, Messages: r.msgs, Tools: r.tools}
	if r.schema == nil {
		return req, false
	}
	if !c.jsonMode.Load() {
		req.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
			Type:       goopenai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{Name: r.schema.name, Schema: r.schema.schema, Strict: true},
		}
		return req, true
	}
	req.ResponseFormat = &goopenai.ChatCompletionResponseFormat{Type: goopenai.ChatCompletionResponseFormatTypeJSONObject}
	req.Messages = withSchemaInPrompt(r.msgs, *r.schema)
	return req, false
}

// failed is the error of a call that is not worth another attempt.
func (c *Client) failed(task string, err error, why string) error {
	switch {
	case contentFiltered(err):
		// Azure answers a prompt its filter rejects with a 400: the same
		// messages would be rejected forever, so it is a refusal.
		return journey.Errorf(journey.EINVALID, "llm: %s: the endpoint's content filter rejected the prompt", task)
	case contextTooLong(err):
		return fmt.Errorf("llm: %s: %w: %w", task, errContextTooLong, err)
	case why != "":
		return fmt.Errorf("llm: %s: %s: %w", task, why, err)
	}
	return fmt.Errorf("llm: %s: %w", task, err)
}

// once makes one HTTP call under the per-call timeout.
func (c *Client) once(ctx context.Context, req goopenai.ChatCompletionRequest) (goopenai.ChatCompletionResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	return c.api.CreateChatCompletion(ctx, req)
}

// retryWait says whether err is worth another attempt, after how long, and
// why (for logs and errors).
func (c *Client) retryWait(err error, h http.Header, attempt int) (time.Duration, bool, string) {
	code := statusOf(err)
	switch {
	case code == http.StatusTooManyRequests:
		if apiCode(err) == "insufficient_quota" {
			return 0, false, "the API quota is exhausted"
		}
	case code == http.StatusRequestTimeout || code >= 500:
	case code != 0:
		return 0, false, "" // a client error: retrying will not help
	case errors.Is(err, context.DeadlineExceeded):
		return c.backoff(attempt), true, fmt.Sprintf("no answer within %s", c.cfg.Timeout)
	case isNetError(err):
		return c.backoff(attempt), true, "network error"
	default:
		return 0, false, "" // e.g. a 200 whose body is not a completion
	}
	if d, ok := retryAfter(h, time.Now()); ok {
		if d > maxRetryAfter {
			return 0, false, fmt.Sprintf("the server asks to wait %s before retrying", d.Round(time.Second))
		}
		// Honour it, plus a little jitter so that replicas do not return at once.
		return d + time.Duration(rand.Int64N(int64(d/10)+int64(10*time.Millisecond))), true, "retry-after"
	}
	return c.backoff(attempt), true, fmt.Sprintf("status %d", code)
}

// backoff is base·2^attempt, capped, with "equal jitter": half of it fixed,
// the other half random.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.backoffBase
	for i := 0; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// retryAfter reads how long the server asks to wait: Retry-After in seconds
// or as an HTTP date, or retry-after-ms (OpenAI, Azure).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// statusOf is the HTTP status of a failed call, 0 when none came back.
func statusOf(err error) int {
	var re *goopenai.RequestError
	if errors.As(err, &re) && re.HTTPStatusCode != 0 {
		return re.HTTPStatusCode
	}
	var ae *goopenai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	return 0
}

// apiCode is the error code in an API error body ("insufficient_quota").
func apiCode(err error) string {
	var ae *goopenai.APIError
	if errors.As(err, &ae) && ae.Code != nil {
		return fmt.Sprint(ae.Code)
	}
	return ""
}

// errorText is what the server said about a failed call.
func errorText(err error) string {
	var parts []string
	var ae *goopenai.APIError
	if errors.As(err, &ae) {
		parts = append(parts, ae.Message, ae.Type, apiCode(err))
		if ae.Param != nil {
			parts = append(parts, *ae.Param)
		}
	}
	var re *goopenai.RequestError
	if errors.As(err, &re) {
		parts = append(parts, string(re.Body))
	}
	return strings.ToLower(strings.Join(parts, " "))
}

// errContextTooLong says the prompt does not fit the model's context: an
// analysis splits its batch.
var errContextTooLong = errors.New("the prompt is longer than the model's context")

// contextTooLong reports whether the endpoint rejected the prompt as too
// long (OpenAI's context_length_exceeded, vLLM's "maximum context length",
// llama.cpp's "exceeds the available context size").
func contextTooLong(err error) bool {
	if statusOf(err) != http.StatusBadRequest {
		return false
	}
	t := errorText(err)
	for _, s := range []string{"context_length_exceeded", "maximum context length", "context length", "context size", "exceed_context_size"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// contentFiltered reports whether the endpoint's content filter rejected
// the prompt (Azure: a 400 with code content_filter).
func contentFiltered(err error) bool {
	if statusOf(err) != http.StatusBadRequest {
		return false
	}
	if apiCode(err) == "content_filter" {
		return true
	}
	var ae *goopenai.APIError
	return errors.As(err, &ae) && ae.InnerError != nil && ae.InnerError.Code == "ResponsibleAIPolicyViolation"
}

// schemaUnsupported reports whether the endpoint rejected the request
// because of its response_format: a 400 (or 422) that names response_format
// or json_schema.
func schemaUnsupported(err error) bool {
	switch statusOf(err) {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
	default:
		return false
	}
	t := errorText(err)
	return strings.Contains(t, "response_format") || strings.Contains(t, "json_schema") ||
		strings.Contains(t, "response format") || strings.Contains(t, "json schema")
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// withSchemaInPrompt adds the schema to the system prompt for JSON mode,
// where the endpoint does not enforce it.
func withSchemaInPrompt(msgs []goopenai.ChatCompletionMessage, spec schemaSpec) []goopenai.ChatCompletionMessage {
	out := append([]goopenai.ChatCompletionMessage(nil), msgs...)
	if len(out) > 0 && out[0].Role == goopenai.ChatMessageRoleSystem {
		out[0].Content += "\n\nYour answer must be one JSON object valid against this JSON schema:\n" + string(spec.schema)
	}
	return out
}
