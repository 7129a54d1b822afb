package journey

import (
	"strings"
	"testing"
)

func TestNeedsReason(t *testing.T) {
	t.Parallel()
	def := testDef()
	tests := []struct {
		name       string
		c          Change
		kind       string // "" when no reason is needed
		inQuestion string
	}{
		{"lost to won", Change{Field: "stage", Old: "closedlost", New: "closedwon"}, "won_from_lost", "Acme moved Closed Lost → Closed Won. Why?"},
		{"reopened after a loss", Change{Field: "stage", Old: "closedlost", New: "contractsent"}, "reopened", "Closed Lost → Contract Sent"},
		{"backwards", Change{Field: "stage", Old: "contractsent", New: "presentationscheduled"}, "stage_backwards", "(backwards)"},
		{"skipped", Change{Field: "stage", Old: "qualifiedtobuy", New: "contractsent"}, "stage_skipped", "skipping Presentation Scheduled, Decision Maker Bought-In"},
		{"next stage", Change{Field: "stage", Old: "qualifiedtobuy", New: "presentationscheduled"}, "", ""},
		{"won the usual way", Change{Field: "stage", Old: "contractsent", New: "closedwon"}, "", ""},
		{"lost", Change{Field: "stage", Old: "contractsent", New: "closedlost"}, "", ""},
		{"created", Change{Field: "stage", Old: "", New: "appointmentscheduled"}, "", ""},
		{"owner", Change{Field: "owner", Old: "Maya Patel", New: "Jordan Lee"}, "owner", "changed owner from Maya Patel to Jordan Lee"},
		{"csm", Change{Field: "csm", Old: "Priya Raman", New: "Marcus Green"}, "csm", "changed CSM from Priya Raman to Marcus Green"},
		{"amount", Change{Field: "amount", Old: "48000.00", New: "52000.00"}, "amount", "changed amount from 48000.00 to 52000.00"},
		{"seats", Change{Field: "seats", Old: "50", New: "60"}, "seats", "changed seats from 50 to 60"},
		{"close date pushed", Change{Field: "close_date", Old: "2026-11-30", New: "2026-12-20"}, "close_date_pushed", "pushed the close date from Nov 30, 2026 to Dec 20, 2026"},
		{"close date pulled in", Change{Field: "close_date", Old: "2026-12-20", New: "2026-11-30"}, "", ""},
		{"has a reason", Change{Field: "stage", Old: "closedlost", New: "closedwon", Reason: "Budget came back"}, "", ""},
		{"untracked field", Change{Field: "name", Old: "A", New: "B"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ask, ok := NeedsReason(def, tt.c, "Acme")
			if ok != (tt.kind != "") || ask.Kind != tt.kind {
				t.Fatalf("NeedsReason = %q, %v; want %q", ask.Kind, ok, tt.kind)
			}
			if !ok {
				return
			}
			if !strings.Contains(ask.Question, tt.inQuestion) || !strings.HasSuffix(ask.Question, "Why?") {
				t.Errorf("question %q lacks %q", ask.Question, tt.inQuestion)
			}
			if len(ask.Choices) < 3 {
				t.Errorf("want common reasons as choices, got %v", ask.Choices)
			}
		})
	}
}

func TestCSMChangeSentence(t *testing.T) {
	t.Parallel()
	c := Change{Field: "csm", Old: "Priya Raman", New: "Marcus Green", At: daysAgo(2), Source: "hubspot", Told: ToldNotYet}
	if got, want := ChangeSentence(c), "CSM changed from Priya Raman to Marcus Green on Nov 21, 2026 (hubspot) — customer told: not yet"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	c.Told, c.ToldBy, c.Reason = ToldYes, "Marcus Green", "Rebalanced book"
	if got, want := ChangeSentence(c), "CSM changed from Priya Raman to Marcus Green on Nov 21, 2026 (hubspot) — customer told: yes, by Marcus Green — Rebalanced book"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := UnansweredLine(Unanswered{Account: "Acme", Change: Change{Field: "stage", Old: "closedlost", New: "closedwon"}, Asked: "Maya", Since: daysAgo(1)}); got != "Acme: stage Closed Lost → Closed Won (asked Maya on Nov 22, 2026)" {
		t.Errorf("unanswered line: %q", got)
	}
}

func TestBuildHandoff(t *testing.T) {
	t.Parallel()
	def := testDef()
	def.Stages[3].Checklist = []ChecklistItem{
		{"why_buy", "Deal context", "Why did they buy?"},
		{"why_us", "Deal context", "Why us?"},
		{"competitors", "Risks", "Competitors"},
		{"champion", "Stakeholders", "Champion"},
		{"end_users", "Stakeholders", "End users"},
		{"contract_value", "Commercial", "Contract value"},
		{"renewal_date", "Commercial", "Renewal date"},
		{"objections", "Risks", "Objections"},
	}
	deal := Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", AmountCents: 4800000, Currency: "USD", ClosedAt: daysAgo(1)}
	data := AccountData{
		Account:  Account{ID: "a1", Name: "Acme"},
		Deals:    []Deal{deal},
		Contacts: []Contact{{ID: "k1", Name: "Tom Becker", Title: "RevOps", BuyingRole: BuyerChampion}},
		Events: []Event{
			{ID: "e1", Kind: EventCall, Direction: SideCustomer, At: daysAgo(40), Summary: "Pipeline reviews eat two days a week."},
			{ID: "e2", Kind: EventMessage, Direction: SideCustomer, At: daysAgo(10), Text: "We are also evaluating Clari."},
		},
		Completions: []Completion{{ID: "c1", MilestoneKey: "pain_identified", EvidenceEventID: "e1", At: daysAgo(40)}},
	}
	h := BuildHandoff(def, data, deal, []HandoffAnswer{{Field: "objections", Value: "Price; solved with a two-year term", By: "Maya"}})
	got := map[string]HandoffField{}
	for _, f := range h.Fields {
		got[f.Key] = f
	}
	if f := got["why_buy"]; !strings.Contains(f.Answer, "Pipeline reviews eat two days a week") || f.By != "journey" || len(f.Evidence) == 0 || f.Evidence[0].ID != "e1" {
		t.Errorf("why_buy from the milestone's evidence: %+v", f)
	}
	if f := got["competitors"]; !strings.Contains(f.Answer, "Clari") || f.Evidence[0].ID != "e2" {
		t.Errorf("competitors from the timeline: %+v", f)
	}
	if f := got["champion"]; f.Answer != "Tom Becker, RevOps" {
		t.Errorf("champion: %+v", f)
	}
	if f := got["contract_value"]; f.Answer != FormatMoney(4800000, "USD") {
		t.Errorf("contract value: %+v", f)
	}
	if f := got["objections"]; f.Answer != "Price; solved with a two-year term" || f.By != "rep" {
		t.Errorf("the rep's answer wins: %+v", f)
	}
	var missing []string
	for _, f := range h.MissingFields() {
		missing = append(missing, f.Key)
	}
	if strings.Join(missing, ",") != "why_us,end_users,renewal_date" {
		t.Errorf("missing %v", missing)
	}
	if d, ok := WonDeal(def, data); !ok || d.ID != "d1" {
		t.Errorf("won deal %v %v", d, ok)
	}
	if _, ok := WonDeal(def, AccountData{Deals: []Deal{{Stage: "contractsent"}}}); ok {
		t.Error("no deal won: no handoff")
	}
}

func TestExpansionReadiness(t *testing.T) {
	t.Parallel()
	def := testDef()
	won := Deal{ID: "d1", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(200), ClosedAt: daysAgo(150), AmountCents: 100, Currency: "USD", Name: "Platform"}
	data := AccountData{
		Account:  Account{ID: "a1", Name: "Acme"},
		Deals:    []Deal{won},
		Contacts: []Contact{{ID: "k1", Name: "Tom", BuyingRole: BuyerChampion, Persona: "exec"}},
		Events:   []Event{{ID: "e1", ContactID: "k1", Kind: EventMessage, Direction: SideCustomer, At: daysAgo(1)}},
		Completions: []Completion{done("first_qbr_held", daysAgo(20), ""), done("kickoff_held", daysAgo(100), ""),
			done("users_trained", daysAgo(90), ""), done("handoff_meeting_held", daysAgo(149), "")},
	}
	card := BuildCard(def, data, now)
	r, ok := Readiness(card, 0, 0)
	if !ok {
		t.Fatal("a customer has expansion readiness")
	}
	if r.AdoptionDone != 1 || r.AdoptionAll != 1 || !r.ChampionEngaged {
		t.Errorf("readiness %+v", r)
	}
	if line := ReadinessLine(r); !strings.Contains(line, "adoption milestones 1/1") || !strings.Contains(line, "champion engaged") {
		t.Errorf("line %q", line)
	}
	if r.Ready != (card.Health.Score >= 70) {
		t.Errorf("ready %v with health %d", r.Ready, card.Health.Score)
	}
	if r, _ := Readiness(card, 10, 100); r.Ready || !strings.Contains(ReadinessLine(r), "seats 10/100 used") {
		t.Errorf("10 of 100 seats used is not ready to expand: %s", ReadinessLine(r))
	}
	prospect := BuildCard(def, AccountData{Account: Account{ID: "a2"}, Deals: []Deal{{ID: "d2", Kind: DealNew, Stage: "contractsent"}}}, now)
	if _, ok := Readiness(prospect, 0, 0); ok {
		t.Error("a prospect has no expansion readiness")
	}
	exp := Deal{ID: "d3", Kind: DealExpansion, Stage: "closedwon", Name: "More seats", CreatedAt: daysAgo(30), ClosedAt: daysAgo(5), AmountCents: 200, Currency: "USD"}
	lines := DealTimeline([]Deal{exp, won})
	if len(lines) != 2 || !strings.Contains(lines[0], `new "Platform"`) || !strings.Contains(lines[1], `expansion "More seats"`) || !strings.Contains(lines[1], "Closed Won") {
		t.Errorf("deal timeline %v", lines)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"48000": 4800000, "48000.5": 4800050, "": 0, " 12.34 ": 1234} {
		if got, ok := Money(in); !ok || got != want {
			t.Errorf("Money(%q) = %d, %v", in, got, ok)
		}
	}
	if _, ok := Money("12k"); ok {
		t.Error(`"12k" is not an amount`)
	}
}
