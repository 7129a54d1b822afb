package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/journeyhq/journey/internal/journey"
)

// Backoff between retries: base·2^attempt with jitter, at most oaMaxBackoff.
// A Retry-After longer than oaMaxRetryAfter is not waited for: the call fails
// and the caller tries again later.
const (
	oaDefaultBackoff = time.Second
	oaMaxBackoff     = 30 * time.Second
	oaMaxRetryAfter  = 2 * time.Minute
)

// oaSchemaSpec is the structured output one kind of call asks for.
type oaSchemaSpec struct {
	name   string
	schema json.RawMessage
}

// oaReply is the first choice of a completed call.
type oaReply struct {
	content string
	refusal string
	finish  openai.FinishReason
}

// refused reports whether the model declined to answer.
func (r oaReply) refused() bool {
	return strings.TrimSpace(r.refusal) != "" || r.finish == openai.FinishReasonContentFilter
}

// complete sends one chat completion and returns its first choice. It
// retries 429s, 5xx, network failures and timeouts with exponential backoff
// (honouring Retry-After), each attempt with its own timeout; it switches to
// JSON mode for good when the endpoint rejects json_schema (unless the
// configuration insists on a schema). The usage counts every response that
// came back.
func (o *OpenAI) complete(ctx context.Context, task string, msgs []openai.ChatCompletionMessage, spec oaSchemaSpec) (oaReply, journey.Usage, error) {
	var use journey.Usage
	for attempt := 0; ; {
		schema := !o.jsonMode.Load()
		req := openai.ChatCompletionRequest{Model: o.cfg.Model, Messages: msgs}
		if schema {
			req.ResponseFormat = &openai.ChatCompletionResponseFormat{
				Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
				JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: spec.name, Schema: spec.schema, Strict: true},
			}
		} else {
			req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
			req.Messages = oaWithSchemaInPrompt(msgs, spec)
		}

		start := time.Now()
		resp, err := o.once(ctx, req)
		if err == nil {
			use.Calls++
			use.PromptTokens += resp.Usage.PromptTokens
			use.CompletionTokens += resp.Usage.CompletionTokens
			o.log.Debug("llm: call done", "task", task, "model", o.cfg.Model, "attempt", attempt+1,
				"prompt_tokens", resp.Usage.PromptTokens, "completion_tokens", resp.Usage.CompletionTokens,
				"elapsed", time.Since(start).Round(time.Millisecond))
			if len(resp.Choices) == 0 {
				return oaReply{}, use, journey.Errorf(journey.EINVALID, "llm: %s: the model returned no choices", task)
			}
			c := resp.Choices[0]
			return oaReply{content: c.Message.Content, refusal: c.Message.Refusal, finish: c.FinishReason}, use, nil
		}
		if ctx.Err() != nil {
			return oaReply{}, use, fmt.Errorf("llm: %s: %w", task, ctx.Err())
		}
		if schema && o.cfg.JSONSchema == nil && oaSchemaUnsupported(err) {
			if o.jsonMode.CompareAndSwap(false, true) {
				o.log.Warn("llm: the endpoint does not support response_format json_schema; using JSON mode from now on",
					"model", o.cfg.Model, "status", oaStatusOf(err))
			}
			continue // not a retry: the same call in the other mode
		}
		pause, retry, why := o.retryWait(err, resp.Header(), attempt)
		switch {
		case !retry && oaContentFiltered(err):
			// Azure answers a prompt its filter rejects with a 400: the same
			// messages would be rejected forever, so it is a refusal.
			return oaReply{}, use, journey.Errorf(journey.EINVALID, "llm: %s: the endpoint's content filter rejected the prompt", task)
		case !retry && oaContextTooLong(err):
			return oaReply{}, use, fmt.Errorf("llm: %s: %w: %w", task, errOAContextTooLong, err)
		}
		if !retry {
			if why != "" {
				return oaReply{}, use, fmt.Errorf("llm: %s: %s: %w", task, why, err)
			}
			return oaReply{}, use, fmt.Errorf("llm: %s: %w", task, err)
		}
		if attempt >= o.cfg.MaxRetries {
			return oaReply{}, use, fmt.Errorf("llm: %s: giving up after %d attempts: %w", task, attempt+1, err)
		}
		o.log.Warn("llm: call failed; retrying", "task", task, "model", o.cfg.Model, "attempt", attempt+1,
			"max_retries", o.cfg.MaxRetries, "status", oaStatusOf(err), "reason", why, "wait", pause.Round(time.Millisecond))
		if err := o.sleep(ctx, pause); err != nil {
			return oaReply{}, use, fmt.Errorf("llm: %s: waiting to retry: %w", task, err)
		}
		attempt++
	}
}

// once makes one HTTP call under the per-call timeout.
func (o *OpenAI) once(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	return o.client.CreateChatCompletion(ctx, req)
}

// retryWait says whether err is worth another attempt, after how long, and
// why (for logs and errors).
func (o *OpenAI) retryWait(err error, h http.Header, attempt int) (time.Duration, bool, string) {
	code := oaStatusOf(err)
	switch {
	case code == http.StatusTooManyRequests:
		if oaAPICode(err) == "insufficient_quota" {
			return 0, false, "the API quota is exhausted"
		}
	case code == http.StatusRequestTimeout || code >= 500:
	case code != 0:
		return 0, false, "" // a client error: retrying will not help
	case errors.Is(err, context.DeadlineExceeded):
		return o.backoff(attempt), true, fmt.Sprintf("no answer within %s", o.cfg.Timeout)
	case oaIsNetError(err):
		return o.backoff(attempt), true, "network error"
	default:
		return 0, false, "" // e.g. a 200 whose body is not a completion
	}
	if d, ok := oaRetryAfter(h, time.Now()); ok {
		if d > oaMaxRetryAfter {
			return 0, false, fmt.Sprintf("the server asks to wait %s before retrying", d.Round(time.Second))
		}
		// Honour it, plus a little jitter so that replicas do not return at once.
		return d + time.Duration(rand.Int64N(int64(d/10)+int64(10*time.Millisecond))), true, "retry-after"
	}
	return o.backoff(attempt), true, fmt.Sprintf("status %d", code)
}

// backoff is base·2^attempt, capped, with "equal jitter": half of it fixed,
// the other half random.
func (o *OpenAI) backoff(attempt int) time.Duration {
	d := o.backoffBase
	for i := 0; i < attempt && d < oaMaxBackoff; i++ {
		d *= 2
	}
	d = min(d, oaMaxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// oaRetryAfter reads how long the server asks to wait: Retry-After in seconds
// or as an HTTP date, or retry-after-ms (OpenAI, Azure).
func oaRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
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

// oaStatusOf is the HTTP status of a failed call, 0 when none came back.
func oaStatusOf(err error) int {
	var re *openai.RequestError
	if errors.As(err, &re) && re.HTTPStatusCode != 0 {
		return re.HTTPStatusCode
	}
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	return 0
}

// oaAPICode is the error code in an API error body ("insufficient_quota").
func oaAPICode(err error) string {
	var ae *openai.APIError
	if errors.As(err, &ae) && ae.Code != nil {
		return fmt.Sprint(ae.Code)
	}
	return ""
}

// oaErrorText is what the server said about a failed call.
func oaErrorText(err error) string {
	var parts []string
	var ae *openai.APIError
	if errors.As(err, &ae) {
		parts = append(parts, ae.Message, ae.Type, oaAPICode(err))
		if ae.Param != nil {
			parts = append(parts, *ae.Param)
		}
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		parts = append(parts, string(re.Body))
	}
	return strings.ToLower(strings.Join(parts, " "))
}

// errOAContextTooLong says the prompt does not fit the model's context: an
// analysis splits its batch.
var errOAContextTooLong = errors.New("the prompt is longer than the model's context")

// oaContextTooLong reports whether the endpoint rejected the prompt as too
// long (OpenAI's context_length_exceeded, vLLM's "maximum context length",
// llama.cpp's "exceeds the available context size").
func oaContextTooLong(err error) bool {
	if oaStatusOf(err) != http.StatusBadRequest {
		return false
	}
	t := oaErrorText(err)
	for _, s := range []string{"context_length_exceeded", "maximum context length", "context length", "context size", "exceed_context_size"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// oaContentFiltered reports whether the endpoint's content filter rejected
// the prompt (Azure: a 400 with code content_filter).
func oaContentFiltered(err error) bool {
	if oaStatusOf(err) != http.StatusBadRequest {
		return false
	}
	if oaAPICode(err) == "content_filter" {
		return true
	}
	var ae *openai.APIError
	return errors.As(err, &ae) && ae.InnerError != nil && ae.InnerError.Code == "ResponsibleAIPolicyViolation"
}

// oaSchemaUnsupported reports whether the endpoint rejected the request
// because of its response_format: a 400 (or 422) that names response_format
// or json_schema.
func oaSchemaUnsupported(err error) bool {
	switch oaStatusOf(err) {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
	default:
		return false
	}
	t := oaErrorText(err)
	return strings.Contains(t, "response_format") || strings.Contains(t, "json_schema") ||
		strings.Contains(t, "response format") || strings.Contains(t, "json schema")
}

func oaIsNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// oaWithSchemaInPrompt adds the schema to the system prompt for JSON mode,
// where the endpoint does not enforce it.
func oaWithSchemaInPrompt(msgs []openai.ChatCompletionMessage, spec oaSchemaSpec) []openai.ChatCompletionMessage {
	out := append([]openai.ChatCompletionMessage(nil), msgs...)
	if len(out) > 0 && out[0].Role == openai.ChatMessageRoleSystem {
		out[0].Content += "\n\nYour answer must be one JSON object valid against this JSON schema:\n" + string(spec.schema)
	}
	return out
}
