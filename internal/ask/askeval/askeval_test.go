package askeval

import (
	"context"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/pgtest"
)

// TestOfflineScore runs the labelled set through the offline parser over the
// sample at the fixed clock: the goal is at least 85% correct.
func TestOfflineScore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.NewStore(t)
	ws, err := LoadSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 60 {
		t.Fatalf("the set has %d questions; it needs at least 60", len(qs))
	}
	rep, err := Run(ctx, &ask.Service{Store: s, Now: func() time.Time { return Clock }}, s, ws, qs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("offline:\n%s", rep)
	if got := float64(rep.Correct()) / float64(len(qs)); got < 0.85 {
		t.Errorf("offline score %.1f%% is under the 85%% goal:\n%s", 100*got, rep)
	}
	// permission questions must all pass: a leak is never acceptable
	for _, o := range rep.Outcomes {
		if o.Question.Tag == "permission" && !o.OK {
			t.Errorf("permission question %s failed: %q → %s", o.Question.ID, o.Question.Q, o.Answer.Text)
		}
	}
}
