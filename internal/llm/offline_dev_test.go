package llm

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// TestDevAnalyze prints what the offline model finds in DEVTEXT (messages
// separated by "||", each "USER: text").
func TestDevAnalyze(t *testing.T) {
	txt := os.Getenv("DEVTEXT")
	if txt == "" {
		t.Skip()
	}
	sp := map[string]journey.Speaker{
		"U_MAYA": {ID: "U_MAYA", Name: "Maya Patel", Side: journey.SideUs, TZ: "America/New_York"},
		"U_RAJ":  {ID: "U_RAJ", Name: "Raj Mehta", Side: journey.SideUs, TZ: "Europe/London"},
		"U_C1":   {ID: "U_C1", Name: "Priya Shah", Side: journey.SideCustomer, TZ: "America/New_York"},
		"U_C2":   {ID: "U_C2", Name: "Tom Becker", Side: journey.SideCustomer, TZ: "America/New_York"},
	}
	var msgs []journey.Message
	at := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	for i, part := range strings.Split(txt, "||") {
		u, text, _ := strings.Cut(part, ":")
		msgs = append(msgs, journey.Message{TS: fmt.Sprint(i), User: strings.TrimSpace(u), Text: strings.TrimSpace(text), At: at})
	}
	in := journey.AnalysisInput{Messages: msgs, Speakers: sp, Now: at, TZ: time.UTC,
		Milestones: []journey.MilestoneRef{{Key: "kickoff_held", Name: "Kickoff held"}}}
	an, _, _ := NewOffline().Analyze(context.Background(), in)
	for _, m := range msgs {
		b := &offBatch{in: in, people: newOffPeople(sp)}
		om := b.read(m)
		if om != nil {
			for _, s := range om.sentences {
				t.Logf("sentence %q q=%v", s.text, s.question)
				for _, c := range offClauses(s.text) {
					t.Logf("   clause %q ell=%v low=%q", c.text, c.elliptical, offLower(c.text))
				}
			}
		}
	}
	t.Logf("%+v", an)
}
