package openai

import (
	"context"
	"errors"
	"fmt"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/journeyhq/journey/internal/journey"
)

// maxRepairEcho caps the invalid answer sent back in a repair request.
const maxRepairEcho = 8000

// task is one kind of structured-output call: what it asks for, how its
// answer is read and what its failures say. structured makes the call.
type task[T any] struct {
	// name names the call in logs and errors: "analyze", "draft", "journey".
	name   string
	schema schemaSpec
	// system is the instructions; user the data they apply to (JSON).
	system, user string
	// parse reads an answer. A *shapeError (the answer is not of the
	// required shape) goes back to the model once with a repair request;
	// any other error fails the call.
	parse func(content string) (T, error)
	// invalid says what is wrong with an answer that is still not of the
	// required shape after the repair request, e.g. "the drafted email is
	// not valid".
	invalid string
	// refusal says what the model refused to do, e.g. "draft this email".
	refusal string
	// cutOff is the error of an answer cut off at the output limit
	// (finish_reason length); nil reads a cut-off answer as it came.
	cutOff error
	// tooLong names the data when the prompt is longer than the model's
	// context, e.g. "the draft's facts", for an EINVALID error; "" returns
	// the call's error as it is (it wraps errContextTooLong).
	tooLong string
	// attrs are added to the call's warnings, e.g. the batch's size.
	attrs []any
}

// structured makes t's call through c.complete (a strict JSON schema or
// JSON mode, retries with backoff) and returns the parsed answer. A model
// that refuses, or an endpoint whose content filter rejects the prompt,
// fails it with EINVALID; an answer that is not of the required shape is
// asked for again once, echoing it with what is wrong, then fails with
// EINVALID. The usage counts every call made, also on error.
func structured[T any](ctx context.Context, c *Client, t task[T]) (T, journey.Usage, error) {
	var zero T
	msgs := []goopenai.ChatCompletionMessage{
		{Role: goopenai.ChatMessageRoleSystem, Content: t.system},
		{Role: goopenai.ChatMessageRoleUser, Content: t.user},
	}
	warn := func(msg string, kv ...any) { // never text of the conversation or of the answer
		c.log.Warn(msg, append(append([]any{"task", t.name, "model", c.cfg.Model}, t.attrs...), kv...)...)
	}
	var use journey.Usage
	for repaired := false; ; repaired = true {
		rep, u, err := c.complete(ctx, request{task: t.name, msgs: msgs, schema: &t.schema})
		use = use.Add(u)
		switch {
		case t.tooLong != "" && errors.Is(err, errContextTooLong):
			return zero, use, journey.Errorf(journey.EINVALID, "llm: %s are longer than the model's context", t.tooLong)
		case err != nil:
			return zero, use, err
		case rep.refused():
			warn("llm: the model refused to answer", "finish_reason", string(rep.finish))
			return zero, use, journey.Errorf(journey.EINVALID, "llm: the model refused to %s (%s)", t.refusal, refusalReason(rep))
		case t.cutOff != nil && rep.finish == goopenai.FinishReasonLength:
			return zero, use, t.cutOff
		}
		v, err := t.parse(rep.content)
		var shape *shapeError
		if !errors.As(err, &shape) {
			if err != nil {
				return zero, use, fmt.Errorf("llm: %s: %w", t.name, err)
			}
			return v, use, nil
		}
		if repaired {
			return zero, use, journey.Errorf(journey.EINVALID, "llm: %s, even after a repair request: %s", t.invalid, shape.problem)
		}
		warn("llm: the model's answer is not of the required shape; asking again", "problem", shape.problem)
		msgs = append(msgs,
			goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleAssistant, Content: capRunes(rep.content, maxRepairEcho)},
			goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleUser, Content: repairPrompt(shape.problem)},
		)
	}
}

// refusalReason says how the model refused: a refusal, or a content filter.
func refusalReason(r reply) string {
	if r.finish == goopenai.FinishReasonContentFilter {
		return "content filter"
	}
	return "refusal"
}
