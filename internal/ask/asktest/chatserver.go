// Package asktest is a local server speaking the OpenAI Chat Completions API
// that plays a tool-calling model, for tests and benchmarks of Ask
// Journey's live loop: on a question it asks for the tools a plan names,
// and once their results are in, it answers with the facts they returned,
// each with its [n] references, as a model told to cite would.
package asktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Call is a tool call the model asks for.
type Call struct {
	Name string
	Args map[string]any
}

// Message is a chat message as it came over the wire.
type Message struct {
	Role       string `json:"role"`
	Content    string `json:"content"`
	Name       string `json:"name,omitempty"`
	ToolCallID string `json:"tool_call_id,omitempty"`
	ToolCalls  []struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls,omitempty"`
}

// Request is a chat completion request as it came over the wire.
type Request struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Tools    []struct {
		Type     string `json:"type"`
		Function struct {
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
}

// Question is the request's last user message.
func (r Request) Question() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// ToolResults are the tool messages after the last user message.
func (r Request) ToolResults() []Message {
	var out []Message
	for i := len(r.Messages) - 1; i >= 0 && r.Messages[i].Role != "user"; i-- {
		if r.Messages[i].Role == "tool" {
			out = append([]Message{r.Messages[i]}, out...)
		}
	}
	return out
}

// Server is the local Chat Completions server.
type Server struct {
	// Plan names the tool calls to make for a question; none means the
	// model answers without tools (with Reply's text).
	Plan func(question string, req Request) []Call
	// Reply is the answer without tools; default "Hello!".
	Reply string

	srv  *httptest.Server
	mu   sync.Mutex
	reqs []Request
}

// Start starts a server on a local port; Close stops it.
func Start(plan func(question string, req Request) []Call) *Server {
	s := &Server{Plan: plan, Reply: "Hello!"}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// URL is the base URL to configure (LLM_BASE_URL).
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns every tool-calling request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	var req Request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad JSON","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	if len(req.Tools) == 0 {
		// not a question (message analysis, drafts): this server only plays the tool-calling model
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"message":"this test server answers tool-calling requests only","type":"invalid_request_error","code":"unsupported"}}`))
		return
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	n := len(s.reqs)
	s.mu.Unlock()
	msg := map[string]any{"role": "assistant"}
	finish := "stop"
	if results := req.ToolResults(); len(results) > 0 {
		msg["content"] = answerFrom(results)
	} else if calls := s.Plan(req.Question(), req); len(calls) > 0 {
		var tcs []map[string]any
		for i, c := range calls {
			args, _ := json.Marshal(c.Args)
			tcs = append(tcs, map[string]any{"id": fmt.Sprintf("call_%d_%d", n, i), "type": "function",
				"function": map[string]any{"name": c.Name, "arguments": string(args)}})
		}
		msg["content"] = nil
		msg["tool_calls"] = tcs
		finish = "tool_calls"
	} else {
		msg["content"] = s.Reply
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion", "created": 1795435200, "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
		"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
	})
}

// answerFrom writes the answer a citing model would: each fact with its
// references; refusals, problems and "nothing found" as they came.
func answerFrom(results []Message) string {
	var lines []string
	for _, m := range results {
		var r struct {
			Facts []struct {
				Text string `json:"text"`
				Refs []int  `json:"refs"`
			} `json:"facts"`
			None    string   `json:"nothing_found"`
			Problem string   `json:"problem"`
			Suggest []string `json:"did_you_mean"`
		}
		if err := json.Unmarshal([]byte(m.Content), &r); err != nil {
			lines = append(lines, "I could not read a tool's result.")
			continue
		}
		if r.Problem != "" {
			lines = append(lines, r.Problem)
		}
		if r.None != "" {
			lines = append(lines, "I don't know: "+r.None)
		}
		for _, f := range r.Facts {
			var refs strings.Builder
			for _, n := range f.Refs {
				fmt.Fprintf(&refs, "[%d]", n)
			}
			lines = append(lines, "• "+f.Text+" "+refs.String())
		}
	}
	return strings.Join(lines, "\n")
}

// KeywordPlan is a plan that reads the question the way a model would for
// the common questions: at risk, where is X, waiting on, champion, drafts,
// promises, renewals, what changed, what to do first.
func KeywordPlan(question string, _ Request) []Call {
	q := strings.ToLower(strings.TrimRight(strings.TrimSpace(question), "?!. "))
	last := func(after string) string {
		if i := strings.LastIndex(q, after); i >= 0 {
			return strings.TrimSpace(q[i+len(after):])
		}
		return ""
	}
	between := func(a, b string) string {
		i := strings.Index(q, a)
		j := strings.Index(q, b)
		if i >= 0 && j > i+len(a) {
			return strings.TrimSpace(q[i+len(a) : j])
		}
		return ""
	}
	switch {
	case strings.Contains(q, "approve") || strings.Contains(q, "send "):
		return []Call{{Name: "approve_all_drafts", Args: map[string]any{}}, {Name: "actions", Args: map[string]any{}}}
	case strings.Contains(q, "draft") || strings.Contains(q, "actions"):
		person := ""
		for _, w := range strings.Fields(q) {
			if strings.HasSuffix(w, "'s") {
				person = strings.TrimSuffix(w, "'s")
			}
		}
		return []Call{{Name: "actions", Args: map[string]any{"person": person}}}
	case strings.Contains(q, "at risk"):
		return []Call{{Name: "list_accounts", Args: map[string]any{"filter": "at_risk"}}}
	case strings.Contains(q, "first today") || strings.Contains(q, "do first"):
		return []Call{{Name: "actions", Args: map[string]any{}}}
	case strings.Contains(q, "overdue"):
		return []Call{{Name: "overdue_followups", Args: map[string]any{}}}
	case strings.Contains(q, "renew"):
		return []Call{{Name: "list_accounts", Args: map[string]any{"filter": "renewing", "from": "2026-10-01", "to": "2027-01-01"}}}
	case strings.Contains(q, "changed in my pipeline"):
		return []Call{{Name: "pipeline_changes", Args: map[string]any{"from": "2026-11-16"}}}
	case strings.Contains(q, "waiting on"):
		return []Call{{Name: "waiting", Args: map[string]any{"account": between("is ", " waiting"), "waiter": "customer"}}}
	case strings.Contains(q, "champion at"):
		return []Call{{Name: "contacts", Args: map[string]any{"account": last("champion at "), "role": "champion"}}}
	case strings.Contains(q, "promise"):
		return []Call{{Name: "commitments", Args: map[string]any{"account": between("promise ", " last"), "side": "us"}}}
	case strings.HasPrefix(q, "where is"):
		return []Call{{Name: "account_summary", Args: map[string]any{"account": last("where is ")}}}
	case strings.HasPrefix(q, "and "):
		return []Call{{Name: "account_summary", Args: map[string]any{"account": last("and ")}}}
	}
	return nil
}
