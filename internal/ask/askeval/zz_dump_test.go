package askeval

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/pgtest"
)

func TestZZDumpAnswers(t *testing.T) {
	out := os.Getenv("ASK_DUMP")
	if out == "" {
		t.Skip()
	}
	ctx := context.Background()
	s := pgtest.NewStore(t)
	ws, err := LoadSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := Load()
	svc := &ask.Service{Store: s, Now: func() time.Time { return Clock }}
	var all []any
	for _, as := range []string{"U0REP1", "U0MGR1", "U0ADMIN1", "U0GUEST", ""} {
		for _, q := range qs {
			who := as
			if who == "" {
				who = q.As
			}
			asker := ask.Asker{}
			if p, ok, _ := s.PersonBySlackID(ctx, ws.ID, who); ok {
				asker = ask.Asker{Person: p, Known: true}
			}
			var th ask.Thread
			for _, b := range append(append([]string{}, q.Before...), q.Q, "why?", "and Globex?", "why?") {
				a, err := svc.Ask(ctx, ws.ID, asker, b, th)
				if err != nil {
					all = append(all, map[string]any{"q": b, "err": err.Error()})
					break
				}
				all = append(all, map[string]any{"who": who, "q": b, "a": a})
				th = a.Thread
			}
		}
	}
	b, _ := json.MarshalIndent(all, "", " ")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
