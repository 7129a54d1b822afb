package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

const testKey = "sk-test-0123456789abcdef"

// fake is a local server that speaks the Chat Completions API: it records
// every request and answers with a scripted handler.
type fake struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []wireRequest
	answer func(n int, req wireRequest, w http.ResponseWriter, r *http.Request)
}

// wireRequest is a chat completion request as it came over the wire.
type wireRequest struct {
	Path   string
	Query  string
	Header http.Header
	Raw    []byte

	Model          string `json:"model"`
	Messages       []wireMessage
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

type wireMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// system and user are the request's system prompt and first user message.
func (r wireRequest) system() string { return r.Messages[0].Content }
func (r wireRequest) user() string   { return r.Messages[1].Content }

// doc decodes the data of an analysis request.
func (r wireRequest) doc(t *testing.T) promptDoc {
	t.Helper()
	var d promptDoc
	dec := json.NewDecoder(strings.NewReader(r.user()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("the user message is not the JSON data document: %v\n%s", err, r.user())
	}
	return d
}

func newFake(t *testing.T, answer func(n int, req wireRequest, w http.ResponseWriter, r *http.Request)) *fake {
	t.Helper()
	f := &fake{t: t, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req := wireRequest{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Raw: body}
		if r.Method != http.MethodPost {
			t.Errorf("method %s, want POST", r.Method)
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		f.mu.Lock()
		n := len(f.reqs)
		f.reqs = append(f.reqs, req)
		f.mu.Unlock()
		f.answer(n, req, w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []wireRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wireRequest(nil), f.reqs...)
}

// model returns an OpenAI model talking to the fake server, with quick
// backoffs and a log captured in the returned buffer.
// recordWaits makes m's backoffs return at once and record what they asked
// for; the returned function lists them.
func recordWaits(m *Model) func() []time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	m.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

func (f *fake) model(t *testing.T, edit func(*Config)) (*Model, *syncBuffer) {
	t.Helper()
	cfg := Config{BaseURL: f.srv.URL + "/v1", APIKey: testKey, Model: "gpt-test", Timeout: 5 * time.Second, MaxRetries: 3}
	if edit != nil {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	m, err := New(cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	m.backoffBase = time.Millisecond
	return m, logs
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// completion writes a chat completion with one choice.
func completion(w http.ResponseWriter, content, finish string, prompt, completionTokens int) {
	writeCompletion(w, map[string]any{"role": "assistant", "content": content}, finish, prompt, completionTokens)
}

func writeCompletion(w http.ResponseWriter, msg map[string]any, finish string, prompt, completionTokens int) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": time.Now().Unix(), "model": "gpt-test",
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
		"usage":   map[string]any{"prompt_tokens": prompt, "completion_tokens": completionTokens, "total_tokens": prompt + completionTokens},
	})
}

// apiError writes an OpenAI-style error body.
func apiError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": message, "type": "server_error", "code": nil}})
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The sample account: our rep Dana (U0REP1) and the customer's Priya
// (U0CUST1), on Wednesday 5 March 2025.
var (
	testNow = time.Date(2025, 3, 5, 18, 0, 0, 0, time.UTC)
	chicago = testZone("America/Chicago")
)

func testZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func testInput(msgs ...journey.Message) journey.AnalysisInput {
	return journey.AnalysisInput{
		Account:  "Acme Corp",
		Messages: msgs,
		Speakers: map[string]journey.Speaker{
			"U0REP1":  {ID: "U0REP1", Name: "Dana Rep", Side: journey.SideUs, TZ: "America/Chicago"},
			"U0CUST1": {ID: "U0CUST1", Name: "Priya Shah", Side: journey.SideCustomer, TZ: "Europe/London"},
		},
		Now: testNow,
		TZ:  chicago,
		Milestones: []journey.MilestoneRef{
			{Key: "security_review", Name: "Security review passed", Evidence: []string{"the customer's security team approves"}},
			{Key: "budget_confirmed", Name: "Budget confirmed", Evidence: []string{"the economic buyer confirms budget"}},
		},
		Open: []journey.Commitment{
			{ID: "c1", Side: journey.SideUs, OwnerName: "Dana Rep", What: "send the SOC 2 report", Status: journey.CommitmentOpen, DueAt: time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC)},
			{ID: "c2", Side: journey.SideUs, OwnerName: "Dana Rep", What: "book the kickoff", Status: journey.CommitmentDone},
		},
		OpenWaiting: []journey.WaitItem{
			{ID: "w1", Waiter: journey.SideCustomer, What: "the SOC 2 report", Since: time.Date(2025, 2, 26, 0, 0, 0, 0, time.UTC)},
		},
	}
}

// testMessages are five messages that matter, one of each kind of finding.
func testMessages() []journey.Message {
	return []journey.Message{
		{TS: "1741190400.000100", User: "U0REP1", Channel: "C0DEAL", Text: "I'll send the security questionnaire to <@U0CUST1> by Friday."},
		{TS: "1741190500.000200", User: "U0CUST1", Channel: "C0DEAL", Text: "We are still waiting on your updated order form before legal can review it."},
		{TS: "1741190600.000300", User: "U0CUST1", Channel: "C0DEAL", Text: "Good news: the security review passed, our CISO signed off this morning."},
		{TS: "1741190700.000400", User: "U0CUST1", Channel: "C0DEAL", Text: "Looping in Marcus Lee, our VP Finance, who signs off on the budget."},
		{TS: "1741190800.000500", User: "U0REP1", Channel: "C0DEAL", Text: "Attached is the SOC 2 report as promised, let me know what your team thinks."},
	}
}

// mattering returns n distinct messages that matter.
func mattering(n int) []journey.Message {
	out := make([]journey.Message, n)
	for i := range out {
		out[i] = journey.Message{
			TS:      fmt.Sprintf("17411%05d.000100", i),
			User:    []string{"U0REP1", "U0CUST1"}[i%2],
			Channel: "C0DEAL",
			Text:    fmt.Sprintf("I will send you the revised pricing proposal number %d by Friday.", i+1),
		}
	}
	return out
}
