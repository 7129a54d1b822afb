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
		if c.ID != "" && (c.Status == "" || c.Status == journey.CommitmentOpen) {
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

	var a journey.Analysis
	var drops []dropped
	drop := func(kind, reason, ts string) {
		drops = append(drops, dropped{kind: kind, reason: reason, ts: capRunes(ts, 40)})
	}
	seen := map[string]bool{}
	dup := func(parts ...string) bool {
		k := strings.Join(parts, "\x00")
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	}

	for i, item := range raw.Commitments {
		var c rawCommitment
		if i >= r.max {
			drop("commitment", "too many items", "")
			continue
		}
		if err := json.Unmarshal(item, &c); err != nil {
			drop("commitment", "not an object of the right shape", "")
			continue
		}
		ts, ok := r.messageTS(c.MessageTS)
		if !ok {
			drop("commitment", "unknown message_ts", c.MessageTS)
			continue
		}
		owner, ok := r.party(c.Owner)
		if !ok || owner == "" {
			drop("commitment", "unknown owner", ts)
			continue
		}
		counterpart := ""
		if c.Counterpart != nil {
			if counterpart, ok = r.party(*c.Counterpart); !ok {
				drop("commitment", "unknown counterpart", ts)
				continue
			}
		}
		what := cleanLine(c.What, maxWhat)
		if what == "" {
			drop("commitment", "empty what", ts)
			continue
		}
		var due time.Time
		if c.Due != nil {
			if due, ok = r.date(*c.Due); !ok {
				drop("commitment", "due is not a plausible YYYY-MM-DD date", ts)
				continue
			}
		}
		if dup("c", ts, owner, counterpart, strings.ToLower(what)) {
			continue
		}
		a.Commitments = append(a.Commitments, journey.FoundCommitment{MessageTS: ts, Owner: owner, Counterpart: counterpart, What: what, Due: due})
	}

	for i, item := range raw.WaitingOn {
		var w rawWait
		if i >= r.max {
			drop("waiting_on", "too many items", "")
			continue
		}
		if err := json.Unmarshal(item, &w); err != nil {
			drop("waiting_on", "not an object of the right shape", "")
			continue
		}
		ts, ok := r.messageTS(w.MessageTS)
		if !ok {
			drop("waiting_on", "unknown message_ts", w.MessageTS)
			continue
		}
		waiter, ok := r.party(w.Waiter)
		if !ok || waiter == "" {
			drop("waiting_on", "unknown waiter", ts)
			continue
		}
		on, ok := r.party(w.On)
		if !ok {
			drop("waiting_on", "unknown on", ts)
			continue
		}
		what := cleanLine(w.What, maxWhat)
		if what == "" {
			drop("waiting_on", "empty what", ts)
			continue
		}
		if dup("w", ts, waiter, on, strings.ToLower(what)) {
			continue
		}
		a.WaitingOn = append(a.WaitingOn, journey.FoundWait{MessageTS: ts, Waiter: waiter, On: on, What: what})
	}

	for i, item := range raw.Milestones {
		var m rawMilestone
		if i >= r.max {
			drop("milestone", "too many items", "")
			continue
		}
		if err := json.Unmarshal(item, &m); err != nil {
			drop("milestone", "not an object of the right shape", "")
			continue
		}
		ts, ok := r.messageTS(m.MessageTS)
		if !ok {
			drop("milestone", "unknown message_ts", m.MessageTS)
			continue
		}
		key := strings.TrimSpace(m.Milestone)
		if !r.milestones[key] {
			drop("milestone", "unknown milestone key", ts)
			continue
		}
		if dup("m", ts, key) {
			continue
		}
		a.Milestones = append(a.Milestones, journey.FoundMilestone{MessageTS: ts, Milestone: key})
	}

	for i, item := range raw.Stakeholders {
		var s rawStakeholder
		if i >= r.max {
			drop("stakeholder", "too many items", "")
			continue
		}
		if err := json.Unmarshal(item, &s); err != nil {
			drop("stakeholder", "not an object of the right shape", "")
			continue
		}
		ts, ok := r.messageTS(s.MessageTS)
		if !ok {
			drop("stakeholder", "unknown message_ts", s.MessageTS)
			continue
		}
		name := cleanLine(s.Name, maxName)
		if name == "" {
			drop("stakeholder", "empty name", ts)
			continue
		}
		if r.ourNames[strings.ToLower(name)] {
			drop("stakeholder", "a person on our side", ts)
			continue
		}
		role := journey.BuyerUnknown
		if s.Role != nil {
			if role, ok = parseRole(*s.Role); !ok {
				drop("stakeholder", "unknown buying role", ts)
				continue
			}
		}
		title := ""
		if s.Title != nil {
			title = cleanLine(*s.Title, maxTitle)
		}
		if dup("s", ts, strings.ToLower(name)) {
			continue
		}
		a.Stakeholders = append(a.Stakeholders, journey.FoundStakeholder{MessageTS: ts, Name: name, Role: role, Title: title})
	}

	for i, item := range raw.Fulfilled {
		var f rawFulfilment
		if i >= r.max {
			drop("fulfilled", "too many items", "")
			continue
		}
		if err := json.Unmarshal(item, &f); err != nil {
			drop("fulfilled", "not an object of the right shape", "")
			continue
		}
		ts, ok := r.messageTS(f.MessageTS)
		if !ok {
			drop("fulfilled", "unknown message_ts", f.MessageTS)
			continue
		}
		cid, wid := trimPtr(f.CommitmentID), trimPtr(f.WaitID)
		switch {
		case cid == "" && wid == "":
			drop("fulfilled", "neither commitment_id nor wait_id", ts)
			continue
		case cid != "" && !r.commitments[cid]:
			drop("fulfilled", "commitment_id is not an open commitment", ts)
			continue
		case wid != "" && !r.waits[wid]:
			drop("fulfilled", "wait_id is not an open waiting-on item", ts)
			continue
		}
		if dup("f", ts, cid, wid) {
			continue
		}
		a.Fulfilled = append(a.Fulfilled, journey.FoundFulfilment{MessageTS: ts, CommitmentID: cid, WaitID: wid})
	}
	return a, drops, unknown, nil
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
