package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/journeyhq/journey/internal/journey"
)

// Caps on what the model may propose.
const (
	maxWhat       = 300 // runes of a commitment's or wait's "what"
	maxName       = 100
	maxTitle      = 120
	maxPerMessage = 10 // items of one kind per message of the batch
)

// shapeError says the answer is not JSON of the required shape; the call is
// repaired once, then fails with EINVALID.
type shapeError struct{ problem string }

func (e *shapeError) Error() string { return e.problem }

// analysisKeys are the five lists of an analysis.
var analysisKeys = []string{"commitments", "waiting_on", "milestones", "stakeholders", "fulfilled"}

// rawAnalysis is the answer's shape before its items are checked.
type rawAnalysis struct {
	Commitments  []json.RawMessage `json:"commitments"`
	WaitingOn    []json.RawMessage `json:"waiting_on"`
	Milestones   []json.RawMessage `json:"milestones"`
	Stakeholders []json.RawMessage `json:"stakeholders"`
	Fulfilled    []json.RawMessage `json:"fulfilled"`
}

type rawCommitment struct {
	MessageTS   string  `json:"message_ts"`
	Owner       string  `json:"owner"`
	Counterpart *string `json:"counterpart"`
	What        string  `json:"what"`
	Due         *string `json:"due"`
}

type rawWait struct {
	MessageTS string `json:"message_ts"`
	Waiter    string `json:"waiter"`
	On        string `json:"on"`
	What      string `json:"what"`
}

type rawMilestone struct {
	MessageTS string `json:"message_ts"`
	Milestone string `json:"milestone"`
}

type rawStakeholder struct {
	MessageTS string  `json:"message_ts"`
	Name      string  `json:"name"`
	Role      *string `json:"role"`
	Title     *string `json:"title"`
}

type rawFulfilment struct {
	MessageTS    string  `json:"message_ts"`
	CommitmentID *string `json:"commitment_id"`
	WaitID       *string `json:"wait_id"`
}

// extractJSON finds the JSON object in a model's answer: servers that do
// not enforce a format may wrap it in a code fence, prose or a <think>
// block.
func extractJSON(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "</think>"); i >= 0 {
		s = strings.TrimSpace(s[i+len("</think>"):])
	}
	if strings.HasPrefix(s, "{") && json.Valid([]byte(s)) {
		return s
	}
	if i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); i >= 0 && j > i {
		return s[i : j+1]
	}
	return s
}

// decodeObject checks that s is one JSON object, decodes it into v and
// returns its top-level keys.
func decodeObject(s string, v any) ([]string, error) {
	s = extractJSON(s)
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || strings.Contains(err.Error(), "unexpected end of JSON") {
			return nil, &shapeError{problem: "it is not valid JSON: " + err.Error()}
		}
		return nil, &shapeError{problem: "it is not a JSON object"}
	}
	if top == nil {
		return nil, &shapeError{problem: "it is null, not a JSON object"}
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, &shapeError{problem: fmt.Sprintf("%q has the wrong type", te.Field)}
		}
		return nil, &shapeError{problem: "it does not have the required shape"}
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

// batchRules is what the items of one batch's answer are checked against.
type batchRules struct {
	ts          map[string]bool
	users       map[string]bool
	ourNames    map[string]bool // names of speakers on our side (not stakeholders)
	milestones  map[string]bool
	commitments map[string]bool
	waits       map[string]bool
	now         time.Time
	max         int // items per kind
}

func newBatchRules(in journey.AnalysisInput, batch []journey.Message, now time.Time) *batchRules {
	r := &batchRules{
		ts: map[string]bool{}, users: map[string]bool{}, ourNames: map[string]bool{},
		milestones: map[string]bool{}, commitments: map[string]bool{}, waits: map[string]bool{},
		now: now, max: maxPerMessage * len(batch),
	}
	for _, m := range batch {
		r.ts[m.TS] = true
		if m.User != "" {
			r.users[m.User] = true
		}
	}
	for id, sp := range in.Speakers {
		r.users[id] = true
		if sp.Side == journey.SideUs && sp.Name != "" {
			r.ourNames[strings.ToLower(strings.TrimSpace(sp.Name))] = true
		}
	}
	for _, ms := range in.Milestones {
		r.milestones[ms.Key] = true
	}
	for _, c := range in.Open {
		if c.ID != "" && c.Open() {
			r.commitments[c.ID] = true
		}
	}
	for _, w := range in.OpenWaiting {
		if w.ID != "" && w.Open() {
			r.waits[w.ID] = true
		}
	}
	return r
}

// dropped records an item that failed validation: logged (without any text
// from the conversation) and never stored.
type dropped struct {
	kind, reason, ts string
}

// parseAnalysis decodes an answer and keeps its valid items. It fails with
// *shapeError when the answer as a whole is not of the required shape.
func parseAnalysis(content string, r *batchRules) (journey.Analysis, []dropped, []string, error) {
	var raw rawAnalysis
	keys, err := decodeObject(content, &raw)
	if err != nil {
		return journey.Analysis{}, nil, nil, err
	}
	var unknown []string
	known := 0
	for _, k := range keys {
		if isAnalysisKey(k) {
			known++
		} else {
			unknown = append(unknown, capRunes(k, 40))
		}
	}
	if known == 0 && len(keys) > 0 {
		return journey.Analysis{}, nil, nil, &shapeError{problem: "it has none of the keys " + strings.Join(analysisKeys, ", ")}
	}

	p := &analysisParser{r: r, seen: map[string]bool{}}
	for i, item := range raw.Commitments {
		p.commitment(i, item)
	}
	for i, item := range raw.WaitingOn {
		p.wait(i, item)
	}
	for i, item := range raw.Milestones {
		p.milestone(i, item)
	}
	for i, item := range raw.Stakeholders {
		p.stakeholder(i, item)
	}
	for i, item := range raw.Fulfilled {
		p.fulfilment(i, item)
	}
	return p.a, p.drops, unknown, nil
}

// analysisParser keeps the valid items of one answer, once each, and notes
// the ones it drops.
type analysisParser struct {
	r     *batchRules
	a     journey.Analysis
	drops []dropped
	seen  map[string]bool
}

func (p *analysisParser) drop(kind, reason, ts string) {
	p.drops = append(p.drops, dropped{kind: kind, reason: reason, ts: capRunes(ts, 40)})
}

// dup reports whether an item with these parts was kept already.
func (p *analysisParser) dup(parts ...string) bool {
	k := strings.Join(parts, "\x00")
	if p.seen[k] {
		return true
	}
	p.seen[k] = true
	return false
}

// decode decodes the i-th item of a kind into v, and drops it when the
// kind has too many items or it is not of the right shape.
func (p *analysisParser) decode(kind string, i int, item json.RawMessage, v any) bool {
	if i >= p.r.max {
		p.drop(kind, "too many items", "")
		return false
	}
	if err := json.Unmarshal(item, v); err != nil {
		p.drop(kind, "not an object of the right shape", "")
		return false
	}
	return true
}

// messageTS checks an item's message_ts, and drops the item when no
// message of the batch has it.
func (p *analysisParser) messageTS(kind, s string) (string, bool) {
	ts, ok := p.r.messageTS(s)
	if !ok {
		p.drop(kind, "unknown message_ts", s)
	}
	return ts, ok
}

func (p *analysisParser) commitment(i int, item json.RawMessage) {
	var c rawCommitment
	if !p.decode("commitment", i, item, &c) {
		return
	}
	ts, ok := p.messageTS("commitment", c.MessageTS)
	if !ok {
		return
	}
	owner, ok := p.r.party(c.Owner)
	if !ok || owner == "" {
		p.drop("commitment", "unknown owner", ts)
		return
	}
	counterpart := ""
	if c.Counterpart != nil {
		if counterpart, ok = p.r.party(*c.Counterpart); !ok {
			p.drop("commitment", "unknown counterpart", ts)
			return
		}
	}
	what := cleanLine(c.What, maxWhat)
	if what == "" {
		p.drop("commitment", "empty what", ts)
		return
	}
	var due time.Time
	if c.Due != nil {
		if due, ok = p.r.date(*c.Due); !ok {
			p.drop("commitment", "due is not a plausible YYYY-MM-DD date", ts)
			return
		}
	}
	if p.dup("c", ts, owner, counterpart, strings.ToLower(what)) {
		return
	}
	p.a.Commitments = append(p.a.Commitments, journey.FoundCommitment{MessageTS: ts, Owner: owner, Counterpart: counterpart, What: what, Due: due})
}

func (p *analysisParser) wait(i int, item json.RawMessage) {
	var w rawWait
	if !p.decode("waiting_on", i, item, &w) {
		return
	}
	ts, ok := p.messageTS("waiting_on", w.MessageTS)
	if !ok {
		return
	}
	waiter, ok := p.r.party(w.Waiter)
	if !ok || waiter == "" {
		p.drop("waiting_on", "unknown waiter", ts)
		return
	}
	on, ok := p.r.party(w.On)
	if !ok {
		p.drop("waiting_on", "unknown on", ts)
		return
	}
	what := cleanLine(w.What, maxWhat)
	if what == "" {
		p.drop("waiting_on", "empty what", ts)
		return
	}
	if p.dup("w", ts, waiter, on, strings.ToLower(what)) {
		return
	}
	p.a.WaitingOn = append(p.a.WaitingOn, journey.FoundWait{MessageTS: ts, Waiter: waiter, On: on, What: what})
}

func (p *analysisParser) milestone(i int, item json.RawMessage) {
	var m rawMilestone
	if !p.decode("milestone", i, item, &m) {
		return
	}
	ts, ok := p.messageTS("milestone", m.MessageTS)
	if !ok {
		return
	}
	key := strings.TrimSpace(m.Milestone)
	if !p.r.milestones[key] {
		p.drop("milestone", "unknown milestone key", ts)
		return
	}
	if p.dup("m", ts, key) {
		return
	}
	p.a.Milestones = append(p.a.Milestones, journey.FoundMilestone{MessageTS: ts, Milestone: key})
}

func (p *analysisParser) stakeholder(i int, item json.RawMessage) {
	var s rawStakeholder
	if !p.decode("stakeholder", i, item, &s) {
		return
	}
	ts, ok := p.messageTS("stakeholder", s.MessageTS)
	if !ok {
		return
	}
	name := cleanLine(s.Name, maxName)
	if name == "" {
		p.drop("stakeholder", "empty name", ts)
		return
	}
	if p.r.ourNames[strings.ToLower(name)] {
		p.drop("stakeholder", "a person on our side", ts)
		return
	}
	role := journey.BuyerUnknown
	if s.Role != nil {
		if role, ok = parseRole(*s.Role); !ok {
			p.drop("stakeholder", "unknown buying role", ts)
			return
		}
	}
	title := ""
	if s.Title != nil {
		title = cleanLine(*s.Title, maxTitle)
	}
	if p.dup("s", ts, strings.ToLower(name)) {
		return
	}
	p.a.Stakeholders = append(p.a.Stakeholders, journey.FoundStakeholder{MessageTS: ts, Name: name, Role: role, Title: title})
}

func (p *analysisParser) fulfilment(i int, item json.RawMessage) {
	var f rawFulfilment
	if !p.decode("fulfilled", i, item, &f) {
		return
	}
	ts, ok := p.messageTS("fulfilled", f.MessageTS)
	if !ok {
		return
	}
	cid, wid := trimPtr(f.CommitmentID), trimPtr(f.WaitID)
	switch {
	case cid == "" && wid == "":
		p.drop("fulfilled", "neither commitment_id nor wait_id", ts)
		return
	case cid != "" && !p.r.commitments[cid]:
		p.drop("fulfilled", "commitment_id is not an open commitment", ts)
		return
	case wid != "" && !p.r.waits[wid]:
		p.drop("fulfilled", "wait_id is not an open waiting-on item", ts)
		return
	}
	if p.dup("f", ts, cid, wid) {
		return
	}
	p.a.Fulfilled = append(p.a.Fulfilled, journey.FoundFulfilment{MessageTS: ts, CommitmentID: cid, WaitID: wid})
}

func isAnalysisKey(k string) bool {
	for _, a := range analysisKeys {
		if k == a {
			return true
		}
	}
	return false
}

func trimPtr(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func (r *batchRules) messageTS(s string) (string, bool) {
	s = strings.TrimSpace(s)
	return s, r.ts[s]
}

// party checks an owner, counterpart, waiter or on: "us", "customer" or a
// known Slack user id (a mention "<@U1>" counts). Empty is "" and allowed;
// the caller decides whether it may be.
func (r *batchRules) party(s string) (journey.Party, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		s = s[2 : len(s)-1]
		if i := strings.IndexByte(s, '|'); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.TrimPrefix(s, "@")
	switch strings.ToLower(s) {
	case "", "null", "none", "unknown":
		return "", true
	case string(journey.SideUs):
		return string(journey.SideUs), true
	case string(journey.SideCustomer):
		return string(journey.SideCustomer), true
	}
	return s, r.users[s]
}

// date parses a due date, YYYY-MM-DD, as midnight UTC. It must be within a
// year before now and five years after: anything else is a misreading.
func (r *batchRules) date(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "null") {
		return time.Time{}, true
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, false
	}
	if d.Before(r.now.AddDate(-1, 0, 0)) || d.After(r.now.AddDate(5, 0, 0)) {
		return time.Time{}, false
	}
	return d, true
}

// parseRole reads a buying role from the output; "unknown" is BuyerUnknown.
func parseRole(s string) (journey.BuyingRole, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "unknown", "none", "null":
		return journey.BuyerUnknown, true
	}
	return journey.ParseBuyingRole(s)
}

var spaceRE = regexp.MustCompile(`\s+`)

// cleanLine makes model output safe to store and show: valid UTF-8, no
// control or format characters, one line, trimmed, at most n runes.
func cleanLine(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(capRunes(strings.TrimSpace(spaceRE.ReplaceAllString(s, " ")), n))
}

// cleanText is cleanLine for multi-line text, without a cap: lines are
// kept (at most one blank line in a row), trailing spaces dropped.
func cleanText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if strings.TrimSpace(l) == "" {
			if blank || len(out) == 0 {
				continue
			}
			blank = true
			out = append(out, "")
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// logDrops logs what validation dropped: kinds, reasons and message ts,
// never text from the conversation or the model.
func logDrops(log *slog.Logger, model string, drops []dropped, unknown []string) {
	for _, d := range drops {
		log.Warn("llm: dropped an invalid item of the model's answer", "model", model, "kind", d.kind, "reason", d.reason, "message_ts", d.ts)
	}
	if len(unknown) > 0 {
		log.Warn("llm: ignored unknown fields in the model's answer", "model", model, "fields", unknown)
	}
}
