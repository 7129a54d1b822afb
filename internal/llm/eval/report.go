package eval

import (
	"fmt"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Fields are the rows of a report, in order. The attribute rows (owner,
// counterpart, due, on) are scored over the pairs of the detection row
// above them, so their precision and recall are both an accuracy; "due
// (dated)" is precision and recall of due dates alone (a date found where
// none was labelled costs precision, one missed costs recall).
var Fields = []string{
	"commitments", "commitment owner", "commitment counterpart", "commitment due", "commitment due (dated)",
	"waiting-on", "waiting-on on", "milestones", "stakeholders", "stakeholder names", "fulfilments",
}

// Score counts one field: what the model found, what was labelled and how
// much of it matched.
type Score struct {
	Field     string
	Predicted int
	Expected  int
	Correct   int
}

// Precision is the share of what was found that was right; 1 when nothing
// was found.
func (s Score) Precision() float64 {
	if s.Predicted == 0 {
		return 1
	}
	return float64(s.Correct) / float64(s.Predicted)
}

// Recall is the share of what was labelled that was found; 1 when nothing
// was labelled.
func (s Score) Recall() float64 {
	if s.Expected == 0 {
		return 1
	}
	return float64(s.Correct) / float64(s.Expected)
}

// F1 is the harmonic mean of precision and recall.
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Report is how a model did on a set.
type Report struct {
	Model         string
	Conversations int
	Messages      int
	Sent          int // messages the prefilter let through to the model
	Usage         journey.Usage
	Scores        []Score  // one per field of Fields, in that order
	Mistakes      []string // every difference from the labels, for reading
	stray         int      // findings for messages not in their batch
}

func newReport(model string) Report {
	r := Report{Model: model}
	for _, f := range Fields {
		r.Scores = append(r.Scores, Score{Field: f})
	}
	return r
}

// Field returns the score of one field of Fields (a zero Score for an
// unknown one).
func (r Report) Field(name string) Score {
	for _, s := range r.Scores {
		if s.Field == name {
			return s
		}
	}
	return Score{Field: name}
}

func (r *Report) score(name string) *Score {
	for i := range r.Scores {
		if r.Scores[i].Field == name {
			return &r.Scores[i]
		}
	}
	r.Scores = append(r.Scores, Score{Field: name})
	return &r.Scores[len(r.Scores)-1]
}

func (r *Report) mistake(where, field, what string) {
	r.Mistakes = append(r.Mistakes, fmt.Sprintf("%s %s: %s", where, field, what))
}

// Per1000 returns calls, prompt tokens and completion tokens per 1,000
// messages of the set (prefiltered ones included).
func (r Report) Per1000() (calls, prompt, completion float64) {
	if r.Messages == 0 {
		return 0, 0, 0
	}
	k := 1000 / float64(r.Messages)
	return float64(r.Usage.Calls) * k, float64(r.Usage.PromptTokens) * k, float64(r.Usage.CompletionTokens) * k
}

// String prints the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s: %d messages in %d conversations, %d sent to the model after the prefilter\n",
		r.Model, r.Messages, r.Conversations, r.Sent)
	fmt.Fprintf(&b, "%-24s %6s %8s %6s %9s %7s %6s\n", "field", "found", "labelled", "right", "precision", "recall", "F1")
	for _, s := range r.Scores {
		fmt.Fprintf(&b, "%-24s %6d %8d %6d %9.2f %7.2f %6.2f\n", s.Field, s.Predicted, s.Expected, s.Correct, s.Precision(), s.Recall(), s.F1())
	}
	calls, prompt, completion := r.Per1000()
	fmt.Fprintf(&b, "per 1,000 messages: %.1f calls, %.0f prompt tokens, %.0f completion tokens\n", calls, prompt, completion)
	if r.stray > 0 {
		fmt.Fprintf(&b, "%d findings named a message outside their batch (counted as wrong)\n", r.stray)
	}
	return b.String()
}
