package openai

import (
	"context"
	"fmt"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/journeyhq/journey/internal/journey"
)

// Tool is a function the model may ask to call in a conversation.
type Tool struct {
	Name        string
	Description string
	// Parameters is the JSON schema of its arguments (an object), sent as
	// it marshals to JSON.
	Parameters any
}

// ToolCall is one call of a tool that the model asks for.
type ToolCall struct {
	ID   string
	Name string
	// Arguments are a JSON object as the model wrote them: possibly empty,
	// possibly not JSON at all.
	Arguments string
}

// Turn is an earlier question and its answer.
type Turn struct{ Q, A string }

// Conversation is a question for the model to answer with tools.
type Conversation struct {
	// Task names the conversation in logs and errors, e.g. "ask".
	Task string
	// System is the instructions; Turns the earlier questions and answers
	// of the conversation, oldest first; Question the one to answer.
	System   string
	Turns    []Turn
	Question string
	Tools    []Tool
	// MaxRounds bounds the calls: each round is one call that may ask for
	// tools (at least one round is made).
	MaxRounds int
}

// Converse runs a tool-calling conversation: it asks the model, runs the
// tools the model asks for through run and gives it their results, round
// after round, until the model answers without asking for a tool. It
// returns that answer, trimmed, and how many rounds (calls) it took, also
// on error. Each round goes through the client's one call (timeout,
// retries, logs). It fails when a call fails, when the model returns an
// empty answer, when run fails, or after MaxRounds rounds without an
// answer.
func (c *Client) Converse(ctx context.Context, conv Conversation, run func(ctx context.Context, call ToolCall) (string, error)) (string, int, error) {
	msgs := []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleSystem, Content: conv.System}}
	for _, t := range conv.Turns {
		msgs = append(msgs,
			goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleUser, Content: t.Q},
			goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleAssistant, Content: t.A})
	}
	msgs = append(msgs, goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleUser, Content: conv.Question})
	tools := make([]goopenai.Tool, 0, len(conv.Tools))
	for _, t := range conv.Tools {
		tools = append(tools, goopenai.Tool{Type: goopenai.ToolTypeFunction,
			Function: &goopenai.FunctionDefinition{Name: t.Name, Description: t.Description, Parameters: t.Parameters}})
	}
	rounds := 0
	for rounds < max(conv.MaxRounds, 1) {
		rounds++
		rep, _, err := c.complete(ctx, request{task: conv.Task, msgs: msgs, tools: tools})
		if err != nil {
			return "", rounds, err
		}
		if len(rep.toolCalls) == 0 {
			text := strings.TrimSpace(rep.content)
			if text == "" {
				return "", rounds, journey.Errorf(journey.EINVALID, "llm: %s: the model returned an empty answer", conv.Task)
			}
			return text, rounds, nil
		}
		msgs = append(msgs, goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleAssistant, Content: rep.content, ToolCalls: rep.toolCalls})
		for _, tc := range rep.toolCalls {
			result, err := run(ctx, ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
			if err != nil {
				return "", rounds, err
			}
			msgs = append(msgs, goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleTool, ToolCallID: tc.ID, Name: tc.Function.Name, Content: result})
		}
	}
	return "", rounds, fmt.Errorf("llm: %s: no answer after %d rounds of tool calls", conv.Task, conv.MaxRounds)
}
