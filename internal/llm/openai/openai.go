package openai

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/cue"
)

// Model is the model behind any OpenAI-compatible Chat Completions
// endpoint: OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp's server. It asks
// for structured output (a strict JSON schema, or JSON mode where the
// endpoint has no schemas), treats every message as data, and validates
// everything the model proposes before returning it. Its calls go through
// its Client. It is safe for concurrent use.
type Model struct {
	*Client
	mayMatter func(text string) bool
}

var _ journey.ConversationModel = (*Model)(nil)

// New returns the model for cfg, which must name a model (and, for
// Azure, a base URL). A nil log means slog.Default().
func New(cfg Config, log *slog.Logger) (*Model, error) {
	c, err := NewClient(cfg, log)
	if err != nil {
		return nil, err
	}
	o := &Model{Client: c, mayMatter: cue.MayMatter}
	c.log.Info("llm: using an OpenAI-compatible model", "config", c.cfg, "timeout", c.cfg.Timeout,
		"max_retries", c.cfg.MaxRetries, "batch_size", c.cfg.BatchSize, "json_schema", !c.jsonMode.Load())
	return o, nil
}

// errTruncated says the model ran out of output tokens: the batch is split.
var errTruncated = errors.New("the model's answer was cut off (finish_reason length)")

// Analyze finds commitments, waiting-on items, milestone evidence,
// stakeholders and fulfilments in in.Messages. Messages the pre-filter says
// cannot matter never reach the model; the rest go in batches of
// Config.BatchSize, each with the account's context. Everything the model
// proposes is validated; invalid items are logged and dropped.
//
// A batch whose answer is cut off (finish_reason "length") or whose prompt
// is longer than the model's context is split in two and retried.
//
// Errors: an *journey.Error with code EINVALID when an answer is not JSON of
// the required shape even after one repair request, when the model refuses
// (or a content filter rejects the prompt), or when a single message still
// does not fit; any other error when
// the endpoint could not be reached or kept failing after the retries (the
// caller keeps the messages queued and tries later). On error the Analysis
// is empty (nothing is to be stored) and the Usage counts what was spent.
func (o *Model) Analyze(ctx context.Context, in journey.AnalysisInput) (journey.Analysis, journey.Usage, error) {
	msgs := o.selectMessages(in.Messages)
	if len(msgs) == 0 {
		o.log.Debug("llm: nothing to analyse", "model", o.cfg.Model, "messages", len(in.Messages))
		return journey.Analysis{}, journey.Usage{}, nil
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	tz := in.TZ
	if tz == nil {
		tz = time.UTC
	}
	start := time.Now()
	var out journey.Analysis
	var use journey.Usage
	batches := 0
	for i := 0; i < len(msgs); i += o.cfg.BatchSize {
		batch := msgs[i:min(i+o.cfg.BatchSize, len(msgs))]
		batches++
		a, u, err := o.analyzeBatch(ctx, in, batch, now, tz)
		use = use.Add(u)
		if err != nil {
			o.log.Warn("llm: analysis failed", "model", o.cfg.Model, "batch", batches, "batch_size", len(batch),
				"calls", use.Calls, "prompt_tokens", use.PromptTokens, "completion_tokens", use.CompletionTokens,
				"code", journey.ErrorCode(err), "err", err)
			return journey.Analysis{}, use, err
		}
		out = mergeAnalysis(out, a)
	}
	o.log.Info("llm: analysed messages", "model", o.cfg.Model, "messages", len(in.Messages), "sent", len(msgs),
		"batches", batches, "calls", use.Calls, "prompt_tokens", use.PromptTokens, "completion_tokens", use.CompletionTokens,
		"commitments", len(out.Commitments), "waiting_on", len(out.WaitingOn), "milestones", len(out.Milestones),
		"stakeholders", len(out.Stakeholders), "fulfilled", len(out.Fulfilled), "elapsed", time.Since(start).Round(time.Millisecond))
	return out, use, nil
}

// selectMessages keeps the messages that may matter, once each.
func (o *Model) selectMessages(all []journey.Message) []journey.Message {
	seen := map[string]bool{}
	var out []journey.Message
	for _, m := range all {
		if m.TS == "" || strings.TrimSpace(m.Text) == "" || !o.mayMatter(m.Text) {
			continue
		}
		k := m.Channel + "\x00" + m.TS
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out
}

// analyzeBatch analyses one batch, splitting it in two while the answer is
// cut off or the prompt does not fit the model's context.
func (o *Model) analyzeBatch(ctx context.Context, in journey.AnalysisInput, batch []journey.Message, now time.Time, tz *time.Location) (journey.Analysis, journey.Usage, error) {
	a, use, err := o.analyzeOnce(ctx, in, batch, now, tz)
	truncated, tooLong := errors.Is(err, errTruncated), errors.Is(err, errContextTooLong)
	if !truncated && !tooLong {
		return a, use, err
	}
	if len(batch) == 1 {
		// The same message would fail the same way forever.
		if truncated {
			return journey.Analysis{}, use, journey.Errorf(journey.EINVALID, "llm: the model's answer for one message was cut off (finish_reason length)")
		}
		return journey.Analysis{}, use, journey.Errorf(journey.EINVALID, "llm: one message with its context is longer than the model's context")
	}
	why := "prompt too long"
	if truncated {
		why = "answer cut off"
	}
	mid := len(batch) / 2
	o.log.Warn("llm: splitting the batch", "model", o.cfg.Model, "reason", why, "batch_size", len(batch), "halves", []int{mid, len(batch) - mid})
	left, u, err := o.analyzeBatch(ctx, in, batch[:mid], now, tz)
	use = use.Add(u)
	if err != nil {
		return journey.Analysis{}, use, err
	}
	right, u, err := o.analyzeBatch(ctx, in, batch[mid:], now, tz)
	use = use.Add(u)
	if err != nil {
		return journey.Analysis{}, use, err
	}
	return mergeAnalysis(left, right), use, nil
}

// parsedBatch is one batch's answer: the valid findings, and what
// validation dropped or ignored (logged).
type parsedBatch struct {
	analysis journey.Analysis
	drops    []dropped
	unknown  []string
}

// analyzeOnce makes the call for one batch, with one repair request when
// the answer is not of the required shape.
func (o *Model) analyzeOnce(ctx context.Context, in journey.AnalysisInput, batch []journey.Message, now time.Time, tz *time.Location) (journey.Analysis, journey.Usage, error) {
	data, err := analysisPrompt(in, batch, now, tz)
	if err != nil {
		return journey.Analysis{}, journey.Usage{}, fmt.Errorf("llm: analyze: %w", err)
	}
	rules := newBatchRules(in, batch, now)
	o.log.Debug("llm: analysing a batch", "model", o.cfg.Model, "batch_size", len(batch), "prompt_bytes", len(data))
	p, use, err := structured(ctx, o.Client, task[parsedBatch]{
		name: "analyze", schema: analysisSchema, system: analysisSystemPrompt, user: data,
		parse: func(content string) (parsedBatch, error) {
			a, drops, unknown, err := parseAnalysis(content, rules)
			return parsedBatch{analysis: a, drops: drops, unknown: unknown}, err
		},
		invalid: "the model's analysis is not valid JSON of the required shape",
		refusal: "analyse these messages",
		cutOff:  errTruncated, // the batch is split
		attrs:   []any{"batch_size", len(batch)},
	})
	if err != nil {
		return journey.Analysis{}, use, err
	}
	logDrops(o.log, o.cfg.Model, p.drops, p.unknown)
	return p.analysis, use, nil
}

// mergeAnalysis appends b's findings to a's.
func mergeAnalysis(a, b journey.Analysis) journey.Analysis {
	a.Commitments = append(a.Commitments, b.Commitments...)
	a.WaitingOn = append(a.WaitingOn, b.WaitingOn...)
	a.Milestones = append(a.Milestones, b.Milestones...)
	a.Stakeholders = append(a.Stakeholders, b.Stakeholders...)
	a.Fulfilled = append(a.Fulfilled, b.Fulfilled...)
	return a
}
