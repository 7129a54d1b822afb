package openai_test

// BenchmarkModelCost measures what a live model would cost per 1,000
// messages, without the internet: the real OpenAI-compatible model (New, real
// prompts, real HTTP, real validation of the answers) talks to a local
// Chat Completions server that counts calls and tokens. Run it with
//
//	go test -run '^$' -bench BenchmarkModelCost -benchtime 1x ./internal/llm/openai/
//
// The messages are the evaluation set's (internal/llm/eval), repeated until
// there are at least 1,000 of them; every copy is moved by whole weeks, so
// its messages get fresh ts values and keep their weekdays. Each mode runs
// the set through eval.Run, the loop that feeds a model as the bot would
// (the set's arrival batches, the open commitments and waits known so far).
//
// Modes:
//   - defaults: the project's defaults: the pre-filter (MayMatter) and
//     Config.BatchSize 25, messages handed over in the set's arrival batches;
//   - backlog: the same defaults, but messages handed over 25 at a time, as
//     internal/jobs takes an account's pending messages after a burst or an
//     outage (the best case for batching);
//   - naive: no pre-filter and BatchSize 1: one call per message. The
//     pre-filter cannot be switched off through Config (and eval.Run applies
//     it too), so every message the pre-filter would drop is sent with
//     costPad in front of its text, which makes it pass; the server takes
//     the pad's bytes off its token count and off the text it analyses, so
//     each such call counts exactly what the message alone would cost.
//
// The server's token counts (an approximation: there is no tokenizer
// offline) are
//
//	prompt     = Σ over chat messages (3 + ⌈bytes of content / 4⌉) + 3
//	             + ⌈bytes of the response_format JSON schema / 4⌉
//	completion = ⌈bytes of the answer / 4⌉
//
// i.e. OpenAI's rule of thumb of about 4 characters a token for English,
// plus the per-message and reply-priming overheads of OpenAI's chat format
// (3 tokens each). Checked once against a real BPE tokenizer (npm
// gpt-tokenizer 4.0.0, o200k_base and cl100k_base) on every call of a run,
// dumped with JOURNEY_COST_DUMP: the prompt estimates were 2-6% high in
// the defaults and naive modes (2% low in backlog), the completion
// estimates 11-20% low; the schema was counted as its JSON, which is not
// exactly how an endpoint renders it for the model.
//
// The answers are realistic in size: the server rebuilds the batch it
// received from the request (the context and the messages of the prompt),
// runs the Offline model over it and answers its findings as JSON of the
// analysis schema (compact, as structured output usually is).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/cue"
	"github.com/journeyhq/journey/internal/llm/eval"
	"github.com/journeyhq/journey/internal/llm/offline"
	"github.com/journeyhq/journey/internal/llm/openai"
	"github.com/journeyhq/journey/internal/template"
)

// costPad makes a message pass the pre-filter ("please" is a signal word;
// the bracketed tag lets the server recognise and discount it).
const costPad = "[cost-pad] please "

// Token approximation (see the top of the file).
const (
	costTokensPerMessage = 3
	costReplyPriming     = 3
	costMinMessages      = 1000
)

func costTokens(nbytes int) int { return (nbytes + 3) / 4 }

// costServer is a Chat Completions endpoint that counts what it is sent.
type costServer struct {
	b       *testing.B
	srv     *httptest.Server
	offline *offline.Model
	mode    string
	dump    *json.Encoder // JOURNEY_COST_DUMP: every call as a JSON line

	mu         sync.Mutex
	calls      int
	messages   int // messages of the prompts (those that reached the model)
	prompt     int
	completion int
	fixed      []int // per call: tokens of system prompt + schema + context
	sysSchema  int   // tokens of the system prompt and schema of the last call
	findings   int   // findings the server answered
}

// costDoc is the user message of an analysis call, as it comes over the
// wire.
type costDoc struct {
	Context struct {
		Account  string `json:"account"`
		Now      string `json:"now"`
		TimeZone string `json:"time_zone"`
		Speakers []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Side string `json:"side"`
			TZ   string `json:"time_zone"`
		} `json:"speakers"`
		Milestones []struct {
			Key      string   `json:"key"`
			Name     string   `json:"name"`
			Evidence []string `json:"evidence"`
		} `json:"milestones"`
		OpenCommitments []struct {
			ID          string `json:"id"`
			Side        string `json:"side"`
			Owner       string `json:"owner"`
			Counterpart string `json:"counterpart"`
			What        string `json:"what"`
			Due         string `json:"due"`
		} `json:"open_commitments"`
		OpenWaiting []struct {
			ID     string `json:"id"`
			Waiter string `json:"waiter"`
			What   string `json:"what"`
			Since  string `json:"since"`
		} `json:"open_waiting"`
	} `json:"context"`
	Messages []struct {
		TS       string `json:"ts"`
		User     string `json:"user"`
		At       string `json:"at"`
		ThreadTS string `json:"thread_ts"`
		Text     string `json:"text"`
	} `json:"messages"`
}

// costRequest is the part of a chat completion request the server reads.
type costRequest struct {
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

// The answer, in the shape of the analysis schema.
type (
	costAnswer struct {
		Commitments  []costCommitment  `json:"commitments"`
		WaitingOn    []costWait        `json:"waiting_on"`
		Milestones   []costMilestone   `json:"milestones"`
		Stakeholders []costStakeholder `json:"stakeholders"`
		Fulfilled    []costFulfilment  `json:"fulfilled"`
	}
	costCommitment struct {
		MessageTS   string  `json:"message_ts"`
		Owner       string  `json:"owner"`
		Counterpart *string `json:"counterpart"`
		What        string  `json:"what"`
		Due         *string `json:"due"`
	}
	costWait struct {
		MessageTS string `json:"message_ts"`
		Waiter    string `json:"waiter"`
		On        string `json:"on"`
		What      string `json:"what"`
	}
	costMilestone struct {
		MessageTS string `json:"message_ts"`
		Milestone string `json:"milestone"`
	}
	costStakeholder struct {
		MessageTS string `json:"message_ts"`
		Name      string `json:"name"`
		Role      string `json:"role"`
		Title     string `json:"title"`
	}
	costFulfilment struct {
		MessageTS    string  `json:"message_ts"`
		CommitmentID *string `json:"commitment_id"`
		WaitID       *string `json:"wait_id"`
	}
)

// newCostServer starts a server. When JOURNEY_COST_DUMP names a file, every
// call (system prompt, schema, user message, answer and the estimates) is
// appended to it as a JSON line, to check the estimates against a real
// tokenizer elsewhere.
func newCostServer(b *testing.B, mode string) *costServer {
	s := &costServer{b: b, offline: offline.New(), mode: mode}
	if path := os.Getenv("JOURNEY_COST_DUMP"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = f.Close() })
		s.dump = json.NewEncoder(f)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func (s *costServer) fail(w http.ResponseWriter, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.b.Errorf("cost server: %s", msg)
	// A 400 that is neither about the schema nor the context: not retried.
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "cost server: " + msg, "type": "invalid_request_error"}})
}

func (s *costServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		s.fail(w, "unexpected %s %s", r.Method, r.URL.Path)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, "reading the body: %v", err)
		return
	}
	var req costRequest
	if err := json.Unmarshal(body, &req); err != nil {
		s.fail(w, "the body is not a chat completion request: %v", err)
		return
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		s.fail(w, "want a system and a user message, got %d messages", len(req.Messages))
		return
	}
	schema := 0
	if rf := req.ResponseFormat; rf != nil && rf.JSONSchema != nil {
		schema = len(rf.JSONSchema.Schema)
	}
	system, user := req.Messages[0].Content, req.Messages[1].Content

	var doc costDoc
	if err := json.Unmarshal([]byte(user), &doc); err != nil {
		s.fail(w, "the user message is not the analysis document: %v", err)
		return
	}
	var parts struct {
		Context json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal([]byte(user), &parts); err != nil || len(parts.Context) == 0 {
		s.fail(w, "the user message has no context: %v", err)
		return
	}

	// Take the naive run's pads off: the bytes (the pad needs no JSON
	// escaping, so its encoded size is its size) and the text.
	padded := 0
	for i := range doc.Messages {
		if t, ok := strings.CutPrefix(doc.Messages[i].Text, costPad); ok {
			doc.Messages[i].Text = t
			padded++
		}
	}
	userBytes := len(user) - padded*len(costPad)

	prompt := 0
	for _, m := range req.Messages {
		prompt += costTokensPerMessage
		if m.Role == "user" {
			prompt += costTokens(userBytes)
		} else {
			prompt += costTokens(len(m.Content))
		}
	}
	prompt += costReplyPriming + costTokens(schema)
	sysSchema := 2*costTokensPerMessage + costReplyPriming + costTokens(len(system)) + costTokens(schema)
	fixed := sysSchema + costTokens(len(`{"context":`)+len(parts.Context)+len(`,"messages":[]}`))

	in, err := costInput(doc)
	if err != nil {
		s.fail(w, "rebuilding the batch: %v", err)
		return
	}
	found, _, err := s.offline.Analyze(r.Context(), in)
	if err != nil {
		s.fail(w, "offline analysis: %v", err)
		return
	}
	ans := costRender(found)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ans); err != nil {
		s.fail(w, "encoding the answer: %v", err)
		return
	}
	content := strings.TrimSpace(buf.String())
	completion := costTokens(len(content))

	s.mu.Lock()
	s.calls++
	s.messages += len(doc.Messages)
	s.prompt += prompt
	s.completion += completion
	s.fixed = append(s.fixed, fixed)
	s.sysSchema = sysSchema
	s.findings += len(found.Commitments) + len(found.WaitingOn) + len(found.Milestones) + len(found.Stakeholders) + len(found.Fulfilled)
	n := s.calls
	if s.dump != nil {
		var sch string
		if schema > 0 {
			sch = string(req.ResponseFormat.JSONSchema.Schema)
		}
		if err := s.dump.Encode(map[string]any{
			"mode": s.mode, "system": system, "schema": sch, "user": user, "pad_bytes": padded * len(costPad),
			"answer": content, "prompt_tokens": prompt, "completion_tokens": completion, "fixed_tokens": fixed,
		}); err != nil {
			s.b.Errorf("cost server: dump: %v", err)
		}
	}
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": fmt.Sprintf("chatcmpl-cost-%d", n), "object": "chat.completion", "created": time.Now().Unix(), "model": "cost-bench",
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": content}, "finish_reason": "stop"}},
		"usage":   map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	})
}

// costInput rebuilds, from the prompt alone, the batch the model was asked
// about: what a live model would know.
func costInput(d costDoc) (journey.AnalysisInput, error) {
	c := d.Context
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return journey.AnalysisInput{}, err
	}
	now, err := time.Parse(time.RFC3339, c.Now)
	if err != nil {
		return journey.AnalysisInput{}, err
	}
	in := journey.AnalysisInput{Account: c.Account, Now: now, TZ: loc, Speakers: map[string]journey.Speaker{}}
	for _, sp := range c.Speakers {
		in.Speakers[sp.ID] = journey.Speaker{ID: sp.ID, Name: sp.Name, Side: journey.Side(sp.Side), TZ: sp.TZ}
	}
	for _, ms := range c.Milestones {
		in.Milestones = append(in.Milestones, journey.MilestoneRef{Key: ms.Key, Name: ms.Name, Evidence: ms.Evidence})
	}
	for _, oc := range c.OpenCommitments {
		cm := journey.Commitment{ID: oc.ID, Side: journey.Side(oc.Side), OwnerName: oc.Owner, Counterpart: oc.Counterpart, What: oc.What, Status: journey.CommitmentOpen}
		if oc.Due != "" {
			cm.DueAt, _ = time.Parse(time.DateOnly, oc.Due)
		}
		in.Open = append(in.Open, cm)
	}
	for _, ow := range c.OpenWaiting {
		wi := journey.WaitItem{ID: ow.ID, Waiter: journey.Side(ow.Waiter), What: ow.What}
		if ow.Since != "" {
			wi.Since, _ = time.ParseInLocation(time.DateOnly, ow.Since, loc)
		}
		in.OpenWaiting = append(in.OpenWaiting, wi)
	}
	for _, m := range d.Messages {
		at, err := time.Parse(time.RFC3339, m.At)
		if err != nil {
			return journey.AnalysisInput{}, fmt.Errorf("message %s: %w", m.TS, err)
		}
		in.Messages = append(in.Messages, journey.Message{TS: m.TS, User: m.User, Text: m.Text, ThreadTS: m.ThreadTS, At: at})
	}
	return in, nil
}

// costRender writes findings as the analysis schema has them.
func costRender(a journey.Analysis) costAnswer {
	nullable := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	out := costAnswer{
		Commitments: []costCommitment{}, WaitingOn: []costWait{}, Milestones: []costMilestone{},
		Stakeholders: []costStakeholder{}, Fulfilled: []costFulfilment{},
	}
	for _, c := range a.Commitments {
		var due *string
		if !c.Due.IsZero() {
			due = nullable(c.Due.Format(time.DateOnly))
		}
		out.Commitments = append(out.Commitments, costCommitment{MessageTS: c.MessageTS, Owner: c.Owner, Counterpart: nullable(c.Counterpart), What: c.What, Due: due})
	}
	for _, x := range a.WaitingOn {
		out.WaitingOn = append(out.WaitingOn, costWait{MessageTS: x.MessageTS, Waiter: x.Waiter, On: x.On, What: x.What})
	}
	for _, x := range a.Milestones {
		out.Milestones = append(out.Milestones, costMilestone{MessageTS: x.MessageTS, Milestone: x.Milestone})
	}
	for _, x := range a.Stakeholders {
		role := string(x.Role)
		if role == "" {
			role = "unknown"
		}
		out.Stakeholders = append(out.Stakeholders, costStakeholder{MessageTS: x.MessageTS, Name: x.Name, Role: role, Title: x.Title})
	}
	for _, x := range a.Fulfilled {
		out.Fulfilled = append(out.Fulfilled, costFulfilment{MessageTS: x.MessageTS, CommitmentID: nullable(x.CommitmentID), WaitID: nullable(x.WaitID)})
	}
	return out
}

// costRepeat returns the set repeated until it has at least want messages.
// Copy k is moved k weeks later (times, dates, labels), so that its
// messages get fresh ts values on the same weekdays.
func costRepeat(ds eval.Dataset, want int) (eval.Dataset, int, error) {
	n := ds.Messages()
	if n == 0 {
		return ds, 0, fmt.Errorf("the evaluation set has no messages")
	}
	reps := (want + n - 1) / n
	out := ds
	out.Conversations = nil
	for k := range reps {
		for _, c := range ds.Conversations {
			cc, err := costShift(c, k)
			if err != nil {
				return ds, 0, err
			}
			out.Conversations = append(out.Conversations, cc)
		}
	}
	return out, reps, nil
}

func costShift(c eval.Conversation, weeks int) (eval.Conversation, error) {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return c, fmt.Errorf("%s: %w", c.ID, err)
	}
	days := 7 * weeks
	at := func(s string) (string, error) {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.AddDate(0, 0, days).Format(time.RFC3339), nil
		}
		t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			return "", fmt.Errorf("%s: %w", c.ID, err)
		}
		return t.AddDate(0, 0, days).Format("2006-01-02 15:04"), nil
	}
	date := func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return t.AddDate(0, 0, days).Format(time.DateOnly)
	}
	if c.Now, err = at(c.Now); err != nil {
		return c, err
	}
	if weeks > 0 {
		c.ID = fmt.Sprintf("%s+%dw", c.ID, weeks)
	}
	c.Open = append([]eval.OpenCommitment(nil), c.Open...)
	for i := range c.Open {
		c.Open[i].Due = date(c.Open[i].Due)
	}
	c.OpenWaiting = append([]eval.OpenWait(nil), c.OpenWaiting...)
	for i := range c.OpenWaiting {
		c.OpenWaiting[i].Since = date(c.OpenWaiting[i].Since)
	}
	c.Messages = append([]eval.Message(nil), c.Messages...)
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.At, err = at(m.At); err != nil {
			return c, err
		}
		m.Commitments = append([]eval.Commitment(nil), m.Commitments...)
		for j := range m.Commitments {
			m.Commitments[j].Due = date(m.Commitments[j].Due)
		}
	}
	return c, nil
}

// costRebatch returns ds with its messages handed over differently: batch
// gives each message's batch from its index in the conversation, and pad
// (when set) puts costPad in front of every message the pre-filter drops.
func costRebatch(ds eval.Dataset, batch func(i int) int, pad bool) (eval.Dataset, int) {
	out := ds
	out.Conversations = nil
	padded := 0
	for _, c := range ds.Conversations {
		c.Messages = append([]eval.Message(nil), c.Messages...)
		for i := range c.Messages {
			c.Messages[i].Batch = batch(i)
			if pad && !cue.MayMatter(c.Messages[i].Text) {
				c.Messages[i].Text = costPad + c.Messages[i].Text
				padded++
			}
		}
		out.Conversations = append(out.Conversations, c)
	}
	return out, padded
}

// costFigures is what one mode cost.
type costFigures struct {
	mode       string
	messages   int // messages of the set
	sent       int // messages the model was sent (server side)
	evalSent   int // messages eval.Run let through its pre-filter
	calls      int
	prompt     int
	completion int
	fixed      []int
	sysSchema  int
	answered   int // findings the server answered
	kept       int // findings the client kept after validation
}

func (f costFigures) per1000(n int) float64 { return float64(n) * 1000 / float64(f.messages) }

func (f costFigures) meanFixed() float64 {
	if len(f.fixed) == 0 {
		return 0
	}
	sum := 0
	for _, x := range f.fixed {
		sum += x
	}
	return float64(sum) / float64(len(f.fixed))
}

func (f costFigures) minMaxFixed() (lo, hi int) {
	lo = math.MaxInt
	for _, x := range f.fixed {
		lo, hi = min(lo, x), max(hi, x)
	}
	if len(f.fixed) == 0 {
		lo = 0
	}
	return lo, hi
}

// costRun runs one mode over ds through a fresh server and model.
func costRun(b *testing.B, mode string, ds eval.Dataset, batchSize int) costFigures {
	b.Helper()
	s := newCostServer(b, mode)
	defer s.srv.Close()
	m, err := openai.New(openai.Config{BaseURL: s.srv.URL + "/v1", Model: "cost-bench", BatchSize: batchSize}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	r, err := eval.Run(context.Background(), m, ds)
	if err != nil {
		b.Fatalf("%s: %v", mode, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Usage.Calls != s.calls || r.Usage.PromptTokens != s.prompt || r.Usage.CompletionTokens != s.completion {
		b.Errorf("%s: the model's usage %+v differs from the server's count (%d calls, %d + %d tokens)", mode, r.Usage, s.calls, s.prompt, s.completion)
	}
	kept := 0
	for _, f := range []string{"commitments", "waiting-on", "milestones", "stakeholders", "fulfilments"} {
		kept += r.Field(f).Predicted
	}
	return costFigures{
		mode: mode, messages: r.Messages, sent: s.messages, evalSent: r.Sent, calls: s.calls,
		prompt: s.prompt, completion: s.completion, fixed: append([]int(nil), s.fixed...), sysSchema: s.sysSchema,
		answered: s.findings, kept: kept,
	}
}

// costProductionContext is the fixed context of one call shaped as
// internal/jobs builds it before any milestone is done: every milestone of
// the set's journey (the set's conversations list only a few), with the
// first conversation's account, author and open items.
func costProductionContext(b *testing.B, ds eval.Dataset) (fixed, milestones int) {
	b.Helper()
	def, ok := template.BuiltinByKey(ds.Template)
	if !ok {
		b.Fatalf("no journey template %q", ds.Template)
	}
	c := ds.Conversations[0]
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		b.Fatal(err)
	}
	em := c.Messages[0]
	at, err := time.ParseInLocation("2006-01-02 15:04", em.At, loc)
	if err != nil {
		b.Fatal(err)
	}
	user := func(id string) eval.User {
		if u, ok := c.Users[id]; ok {
			return u
		}
		return ds.Users[id]
	}
	u := user(em.User)
	in := journey.AnalysisInput{
		Account:  c.Account,
		Messages: []journey.Message{{TS: fmt.Sprintf("%d.000001", at.Unix()), User: em.User, Text: costPad + em.Text, Channel: c.Channel, At: at}},
		Speakers: map[string]journey.Speaker{em.User: {ID: em.User, Name: u.Name, Side: journey.Side(u.Side), TZ: u.TZ}},
		Now:      at.Add(time.Minute), TZ: time.UTC,
	}
	for _, st := range def.Stages {
		for _, ms := range st.Milestones {
			in.Milestones = append(in.Milestones, journey.MilestoneRef{Key: ms.Key, Name: ms.Name, Evidence: ms.Evidence})
		}
	}
	for _, o := range c.Open {
		due, _ := time.Parse(time.DateOnly, o.Due)
		in.Open = append(in.Open, journey.Commitment{ID: o.ID, Side: journey.Side(o.Side), OwnerID: o.Owner, OwnerName: user(o.Owner).Name, Counterpart: o.Counterpart, What: o.What, DueAt: due, Status: journey.CommitmentOpen})
	}
	for _, o := range c.OpenWaiting {
		since, _ := time.Parse(time.DateOnly, o.Since)
		in.OpenWaiting = append(in.OpenWaiting, journey.WaitItem{ID: o.ID, Waiter: journey.Side(o.Waiter), What: o.What, Since: since})
	}
	s := newCostServer(b, "all-milestones")
	defer s.srv.Close()
	m, err := openai.New(openai.Config{BaseURL: s.srv.URL + "/v1", Model: "cost-bench"}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := m.Analyze(context.Background(), in); err != nil {
		b.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fixed) != 1 {
		b.Fatalf("%d calls, want 1", len(s.fixed))
	}
	return s.fixed[0], len(in.Milestones)
}

func BenchmarkModelCost(b *testing.B) {
	base, err := eval.Load()
	if err != nil {
		b.Fatal(err)
	}
	ds, reps, err := costRepeat(base, costMinMessages)
	if err != nil {
		b.Fatal(err)
	}
	const batchSize = openai.DefaultBatchSize
	backlog, _ := costRebatch(ds, func(i int) int { return i / batchSize }, false)
	naiveDS, padded := costRebatch(ds, func(i int) int { return i }, true)

	var def, blg, naive costFigures
	var prodFixed, prodMilestones int
	for b.Loop() {
		def = costRun(b, "defaults", ds, 0)
		blg = costRun(b, "backlog", backlog, 0)
		naive = costRun(b, "naive", naiveDS, 1)
		prodFixed, prodMilestones = costProductionContext(b, base)
	}
	if naive.sent != naive.messages || naive.calls != naive.messages {
		b.Errorf("naive: %d messages, %d sent in %d calls; want one call per message", naive.messages, naive.sent, naive.calls)
	}

	b.Logf("messages: the evaluation set's %d messages (%d conversations) repeated %d times, each copy moved by whole weeks for fresh ts values: %d messages",
		base.Messages(), len(base.Conversations), reps, def.messages)
	b.Logf("tokens: prompt = Σ(3 + ⌈content bytes/4⌉) per chat message + 3 + ⌈schema bytes/4⌉; completion = ⌈answer bytes/4⌉; answers = the Offline model's findings on the batch received, as schema JSON")
	b.Logf("naive: pre-filter off by padding the %d messages it drops with %q (the server discounts the pad), BatchSize 1, one message per eval batch", padded, costPad)
	for _, f := range []costFigures{def, blg, naive} {
		lo, hi := f.minMaxFixed()
		b.Logf("%-8s %5d messages, %5d reached the model (%.1f%%), %5d calls | per 1,000 messages: %6.1f calls, %8.0f prompt + %7.0f completion = %8.0f tokens | fixed context/call: mean %.0f (min %d, max %d) tokens | findings answered %d, kept %d",
			f.mode, f.messages, f.sent, 100*float64(f.sent)/float64(f.messages), f.calls,
			f.per1000(f.calls), f.per1000(f.prompt), f.per1000(f.completion), f.per1000(f.prompt+f.completion),
			f.meanFixed(), lo, hi, f.answered, f.kept)
	}
	b.Logf("naive/defaults: %.1fx calls, %.1fx prompt tokens, %.1fx completion tokens, %.1fx all tokens (naive/backlog: %.1fx all tokens)",
		float64(naive.calls)/float64(def.calls), float64(naive.prompt)/float64(def.prompt),
		float64(naive.completion)/float64(def.completion), float64(naive.prompt+naive.completion)/float64(def.prompt+def.completion),
		float64(naive.prompt+naive.completion)/float64(blg.prompt+blg.completion))
	b.Logf("fixed context per call: system prompt + schema %d tokens; with the account context %.0f tokens on average in the defaults run; %d tokens shaped as internal/jobs sends it (all %d milestones of %s)",
		def.sysSchema, def.meanFixed(), prodFixed, prodMilestones, base.Template)

	b.ReportMetric(float64(def.messages), "msgs")
	b.ReportMetric(def.per1000(def.sent), "default-sent/1kmsg")
	b.ReportMetric(def.per1000(def.calls), "default-calls/1kmsg")
	b.ReportMetric(def.per1000(def.prompt), "default-prompt-tok/1kmsg")
	b.ReportMetric(def.per1000(def.completion), "default-completion-tok/1kmsg")
	b.ReportMetric(naive.per1000(naive.sent), "naive-sent/1kmsg")
	b.ReportMetric(naive.per1000(naive.calls), "naive-calls/1kmsg")
	b.ReportMetric(naive.per1000(naive.prompt), "naive-prompt-tok/1kmsg")
	b.ReportMetric(naive.per1000(naive.completion), "naive-completion-tok/1kmsg")
	b.ReportMetric(float64(naive.prompt+naive.completion)/float64(def.prompt+def.completion), "naive/default-tokens")
	b.ReportMetric(def.meanFixed(), "fixed-ctx-tok/call")
	b.ReportMetric(float64(prodFixed), "fixed-ctx-tok/call-all-milestones")
}
