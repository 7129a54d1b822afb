package askeval

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/importer"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/sample"
	"github.com/journeyhq/journey/internal/store"
	"github.com/journeyhq/journey/internal/template"
)

// Clock is the moment the set's expected answers hold at: the sample is
// generated relative to it (a Monday, 14:00 UTC).
var Clock = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

//go:embed questions.json
var questionsJSON []byte

// Question is one labelled question.
type Question struct {
	ID string `json:"id"`
	// As is the Slack user id of who asks (U0REP1 Maya, a rep; U0MGR1
	// Dana, a manager; U0ADMIN1 Alex, an admin; U0GUEST someone Journey
	// does not know).
	As string `json:"as"`
	// Before are asked first, in the same thread (for follow-ups).
	Before []string `json:"before,omitempty"`
	Q      string   `json:"q"`
	// Want must all appear in the answer (case-insensitive); Not must not.
	Want []string `json:"want"`
	Not  []string `json:"not,omitempty"`
	// Cites says the answer must cite at least one record.
	Cites bool `json:"cites,omitempty"`
	// Tag groups questions in the report (the questions, variants,
	// follow-ups, permissions, bad input).
	Tag string `json:"tag"`
}

// Load returns the labelled questions.
func Load() ([]Question, error) {
	var qs []Question
	if err := json.Unmarshal(questionsJSON, &qs); err != nil {
		return nil, fmt.Errorf("askeval: questions.json: %w", err)
	}
	return qs, nil
}

// LoadSample imports the sample book generated at Clock into s (a database
// without the sample workspace) and returns its workspace.
func LoadSample(ctx context.Context, s *store.Store) (journey.Workspace, error) {
	data, err := sample.JSON(Clock)
	if err != nil {
		return journey.Workspace{}, err
	}
	in, err := importer.Read("sample.json", data, "")
	if err != nil {
		return journey.Workspace{}, err
	}
	var ws journey.Workspace
	err = s.InTx(ctx, func(tx *store.Tx) error {
		rep, err := importer.Import(ctx, tx, in, importer.Options{Builtin: template.Builtin(), Now: Clock})
		ws = rep.Workspace
		return err
	})
	return ws, err
}

// Outcome is one question's result.
type Outcome struct {
	Question Question
	Answer   ask.Answer
	OK       bool
	Missing  []string // wanted and absent
	Leaked   []string // present and not wanted
	Latency  time.Duration
}

// Report is the set's score.
type Report struct {
	Model    string
	Outcomes []Outcome
}

// Correct counts the questions answered correctly.
func (r Report) Correct() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.OK {
			n++
		}
	}
	return n
}

// Run asks every question through svc (a fresh thread each, after its
// Before questions) and scores the answers.
func Run(ctx context.Context, svc *ask.Service, s *store.Store, ws journey.Workspace, qs []Question) (Report, error) {
	rep := Report{Model: "offline"}
	if svc.Model != nil {
		rep.Model = svc.Model.Name()
	}
	for _, q := range qs {
		asker := ask.Asker{}
		p, ok, err := s.PersonBySlackID(ctx, ws.ID, q.As)
		if err != nil {
			return rep, err
		}
		if ok {
			asker = ask.Asker{Person: p, Known: true}
		}
		var th ask.Thread
		for _, b := range q.Before {
			a, err := svc.Ask(ctx, ws.ID, asker, b, th)
			if err != nil {
				return rep, fmt.Errorf("%s: %q: %w", q.ID, b, err)
			}
			th = a.Thread
		}
		start := time.Now()
		a, err := svc.Ask(ctx, ws.ID, asker, q.Q, th)
		if err != nil {
			return rep, fmt.Errorf("%s: %q: %w", q.ID, q.Q, err)
		}
		rep.Outcomes = append(rep.Outcomes, Score(q, a, time.Since(start)))
	}
	return rep, nil
}

// Score checks one answer against its question's labels.
func Score(q Question, a ask.Answer, latency time.Duration) Outcome {
	o := Outcome{Question: q, Answer: a, Latency: latency}
	text := strings.ToLower(Rendered(a))
	for _, w := range q.Want {
		if !strings.Contains(text, strings.ToLower(w)) {
			o.Missing = append(o.Missing, w)
		}
	}
	for _, n := range q.Not {
		if strings.Contains(text, strings.ToLower(n)) {
			o.Leaked = append(o.Leaked, n)
		}
	}
	if q.Cites && len(a.Citations) == 0 {
		o.Missing = append(o.Missing, "(a citation)")
	}
	o.OK = len(o.Missing) == 0 && len(o.Leaked) == 0
	return o
}

// Rendered is everything a person sees of an answer: its text, its
// citations, the accounts it suggests and the actions (with drafts) it
// offers.
func Rendered(a ask.Answer) string {
	var b strings.Builder
	b.WriteString(a.Text)
	for i, c := range a.Citations {
		fmt.Fprintf(&b, "\n[%d] %s %s", i+1, c.Label, c.Link)
	}
	for _, r := range a.Suggest {
		b.WriteString("\nsuggest: " + r.Name)
	}
	for _, act := range a.Actions {
		b.WriteString("\naction: " + act.Title + "\n" + act.DraftSubject + "\n" + act.DraftBody)
	}
	return b.String()
}

// String prints the score by tag, the misses, and the latency.
func (r Report) String() string {
	var b strings.Builder
	tags := map[string][2]int{}
	var lat []time.Duration
	for _, o := range r.Outcomes {
		t := tags[o.Question.Tag]
		t[1]++
		if o.OK {
			t[0]++
		}
		tags[o.Question.Tag] = t
		lat = append(lat, o.Latency)
	}
	names := make([]string, 0, len(tags))
	for k := range tags {
		names = append(names, k)
	}
	sort.Strings(names)
	n := len(r.Outcomes)
	fmt.Fprintf(&b, "  correct: %d of %d (%.1f%%)\n", r.Correct(), n, 100*float64(r.Correct())/float64(max(n, 1)))
	for _, k := range names {
		fmt.Fprintf(&b, "    %-12s %d/%d\n", k, tags[k][0], tags[k][1])
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		fmt.Fprintf(&b, "  answer time: p50 %v, p95 %v (one at a time, Postgres included)\n",
			lat[len(lat)/2].Round(time.Millisecond/10), lat[min(len(lat)-1, len(lat)*95/100)].Round(time.Millisecond/10))
	}
	calls := 0
	for _, o := range r.Outcomes {
		calls += o.Answer.ModelCalls
	}
	if n > 0 {
		fmt.Fprintf(&b, "  model calls per answer: %.2f\n", float64(calls)/float64(n))
	}
	for _, o := range r.Outcomes {
		if o.OK {
			continue
		}
		fmt.Fprintf(&b, "  MISS %s %q:", o.Question.ID, o.Question.Q)
		if len(o.Missing) > 0 {
			fmt.Fprintf(&b, " lacks %q", o.Missing)
		}
		if len(o.Leaked) > 0 {
			fmt.Fprintf(&b, " says %q", o.Leaked)
		}
		b.WriteString("\n")
	}
	return b.String()
}
