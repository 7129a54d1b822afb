package journey

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }

// testDef is a small sales-led journey with a side path for expansions and renewals.
func testDef() Definition {
	return Definition{Key: "test", Name: "Test", Version: 1, Stages: []Stage{
		{Key: "discovery", Name: "Discovery", CRMStages: []string{"appointmentscheduled", "qualifiedtobuy"}, DealKinds: []DealKind{DealNew},
			Milestones: []Milestone{{Key: "pain_identified", Name: "Business pain identified", Required: true, Personas: []string{"exec"}}}},
		{Key: "evaluation", Name: "Evaluation", CRMStages: []string{"presentationscheduled"}, DealKinds: []DealKind{DealNew},
			Milestones: []Milestone{
				{Key: "demo_held", Name: "Demo held", Required: true},
				{Key: "success_criteria_agreed", Name: "Success criteria agreed", Required: true, Personas: []string{"exec", "revops"}},
			}},
		{Key: "proposal", Name: "Proposal", CRMStages: []string{"decisionmakerboughtin", "contractsent"}, DealKinds: []DealKind{DealNew},
			Milestones: []Milestone{{Key: "proposal_sent", Name: "Proposal sent", Required: true}}},
		{Key: "handoff", Name: "Handoff", CRMStages: []string{"closedwon"}, DealKinds: []DealKind{DealNew},
			Milestones: []Milestone{{Key: "handoff_meeting_held", Name: "Handoff meeting held", Required: true}}},
		{Key: "onboarding", Name: "Onboarding", Reentry: true, Milestones: []Milestone{
			{Key: "kickoff_held", Name: "Kickoff held", Required: true, Personas: []string{"exec", "cs_lead"}},
			{Key: "users_trained", Name: "Users trained", Required: true, Personas: []string{"end_user", "cs_lead"}},
		}},
		{Key: "adoption", Name: "Adoption", Milestones: []Milestone{
			{Key: "first_qbr_held", Name: "First QBR held", Required: true, Personas: []string{"exec"}},
		}},
		{Key: "expansion", Name: "Expansion", CRMStages: []string{"appointmentscheduled", "contractsent"}, DealKinds: []DealKind{DealExpansion},
			Milestones: []Milestone{{Key: "expansion_need_identified", Name: "Expansion need identified", Required: true}}},
		{Key: "renewal", Name: "Renewal", RenewalWindowDays: 90, Milestones: []Milestone{
			{Key: "ebr_held", Name: "Executive business review held", Required: true, Personas: []string{"exec"}},
		}},
	}}
}

func done(key string, at time.Time, persona string) Completion {
	return Completion{ID: "c-" + key + "-" + persona, MilestoneKey: key, At: at, Persona: persona}
}

func TestDerivePosition(t *testing.T) {
	t.Parallel()
	def := testDef()
	if ps := def.Validate(); len(ps) > 0 {
		t.Fatalf("test definition invalid: %v", ps)
	}
	newDeal := func(stage string) Deal {
		return Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: stage, CreatedAt: daysAgo(90), CloseDate: daysAgo(-10)}
	}
	wonDeal := Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(200), ClosedAt: daysAgo(150)}
	tests := []struct {
		name      string
		data      AccountData
		stage     string
		risks     []string // milestone keys reported at risk
		looped    bool
		whyHas    string
		customer  bool
		renewalIn int
	}{
		{name: "no deal starts at the first stage", data: AccountData{}, stage: "discovery", whyHas: "no deal or milestone yet"},
		{name: "CRM stage places the account", data: AccountData{Deals: []Deal{newDeal("presentationscheduled")},
			Completions: []Completion{done("pain_identified", daysAgo(60), "")}}, stage: "evaluation", whyHas: "CRM stage presentationscheduled"},
		{name: "skipped milestone puts the deal at risk and names it",
			data: AccountData{Deals: []Deal{newDeal("contractsent")}, Completions: []Completion{
				done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), "")}},
			stage: "proposal", risks: []string{"success_criteria_agreed"}},
		{name: "all earlier milestones done: not at risk",
			data: AccountData{Deals: []Deal{newDeal("contractsent")}, Completions: []Completion{
				done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), ""), done("success_criteria_agreed", daysAgo(30), "")}},
			stage: "proposal"},
		{name: "a completion further on moves the account past its deal's stage",
			data: AccountData{Deals: []Deal{wonDeal}, Completions: []Completion{
				done("pain_identified", daysAgo(190), ""), done("demo_held", daysAgo(180), ""), done("success_criteria_agreed", daysAgo(175), ""),
				done("proposal_sent", daysAgo(160), ""), done("handoff_meeting_held", daysAgo(148), ""), done("kickoff_held", daysAgo(140), ""),
				done("users_trained", daysAgo(120), ""), done("first_qbr_held", daysAgo(60), "")}},
			stage: "adoption", customer: true, whyHas: "First QBR held"},
		{name: "an expansion won loops back to onboarding; older onboarding milestones no longer count",
			data: AccountData{Deals: []Deal{wonDeal, {ID: "d2", Name: "More seats", Kind: DealExpansion, Stage: "closedwon", CreatedAt: daysAgo(40), ClosedAt: daysAgo(14)}},
				Completions: []Completion{
					done("pain_identified", daysAgo(190), ""), done("demo_held", daysAgo(180), ""), done("success_criteria_agreed", daysAgo(175), ""),
					done("proposal_sent", daysAgo(160), ""), done("handoff_meeting_held", daysAgo(148), ""), done("kickoff_held", daysAgo(140), ""),
					done("users_trained", daysAgo(120), ""), done("first_qbr_held", daysAgo(60), "")}},
			stage: "onboarding", looped: true, customer: true, whyHas: "loops back to Onboarding"},
		{name: "renewal window puts a customer in renewal; untaken expansion path is not a risk",
			data: AccountData{Account: Account{RenewalDate: now.Add(45 * 24 * time.Hour)}, Deals: []Deal{wonDeal}, Completions: []Completion{
				done("pain_identified", daysAgo(190), ""), done("demo_held", daysAgo(180), ""), done("success_criteria_agreed", daysAgo(175), ""),
				done("proposal_sent", daysAgo(160), ""), done("handoff_meeting_held", daysAgo(148), ""), done("kickoff_held", daysAgo(140), ""),
				done("users_trained", daysAgo(120), ""), done("first_qbr_held", daysAgo(60), "")}},
			stage: "renewal", customer: true, whyHas: "45 days away"},
		{name: "lost deals only",
			data:  AccountData{Deals: []Deal{{ID: "d1", Name: "Lost", Kind: DealNew, Stage: "closedlost", CreatedAt: daysAgo(90)}}},
			stage: "discovery", whyHas: "every deal closed lost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos := Derive(def, tt.data, now)
			if pos.StageKey != tt.stage {
				t.Fatalf("stage = %s, want %s (why: %s)", pos.StageKey, tt.stage, pos.Why.Sentence)
			}
			var risks []string
			for _, r := range pos.Risks {
				risks = append(risks, r.MilestoneKey)
				if !strings.Contains(r.Sentence, r.MilestoneName) || !strings.Contains(r.Sentence, r.StageName) {
					t.Errorf("risk sentence %q does not name the milestone and its stage", r.Sentence)
				}
			}
			if strings.Join(risks, ",") != strings.Join(tt.risks, ",") {
				t.Errorf("risks = %v, want %v", risks, tt.risks)
			}
			if pos.AtRisk() != (len(tt.risks) > 0) {
				t.Errorf("AtRisk = %v", pos.AtRisk())
			}
			if pos.LoopedBack != tt.looped {
				t.Errorf("LoopedBack = %v, want %v", pos.LoopedBack, tt.looped)
			}
			if pos.Customer != tt.customer {
				t.Errorf("Customer = %v, want %v", pos.Customer, tt.customer)
			}
			if tt.whyHas != "" && !strings.Contains(pos.Why.Sentence, tt.whyHas) {
				t.Errorf("why = %q, want it to mention %q", pos.Why.Sentence, tt.whyHas)
			}
			if tt.stage != "discovery" && len(pos.Why.Evidence) == 0 {
				t.Errorf("why has no evidence: %+v", pos.Why)
			}
		})
	}
}

func TestLoopBackRequiresOnboardingAgain(t *testing.T) {
	t.Parallel()
	def := testDef()
	won := Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(200), ClosedAt: daysAgo(150)}
	exp := Deal{ID: "d2", Name: "More seats", Kind: DealExpansion, Stage: "closedwon", CreatedAt: daysAgo(40), ClosedAt: daysAgo(14)}
	data := AccountData{Deals: []Deal{won, exp}, Completions: []Completion{done("kickoff_held", daysAgo(140), ""), done("kickoff_held", daysAgo(5), "")}}
	pos := Derive(def, data, now)
	if pos.Cycle.Number != 2 || pos.Cycle.DealID != "d2" {
		t.Fatalf("cycle = %+v, want cycle 2 started by d2", pos.Cycle)
	}
	var kickoff MilestoneStatus
	for _, s := range pos.Stages {
		for _, m := range s.Milestones {
			if m.Milestone.Key == "kickoff_held" {
				kickoff = m
			}
		}
	}
	if !kickoff.Done || !kickoff.DoneAt.Equal(daysAgo(5)) {
		t.Errorf("kickoff after the expansion should count, and only it: %+v", kickoff)
	}
	missing := false
	for _, m := range pos.Missing {
		if m.Milestone.Key == "users_trained" {
			missing = true
		}
	}
	if !missing {
		t.Errorf("users_trained (done only in cycle 1) should be missing again: %+v", pos.Missing)
	}
}

func TestPersonaStuckWhileDealLooksHealthy(t *testing.T) {
	t.Parallel()
	def := testDef()
	won := Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(200), ClosedAt: daysAgo(150)}
	data := AccountData{
		Deals: []Deal{won},
		Contacts: []Contact{
			{ID: "k1", Name: "Erin Exec", Persona: "exec", BuyingRole: BuyerEconomic},
			{ID: "k2", Name: "Cass Lead", Persona: "cs_lead", BuyingRole: BuyerChampion},
			{ID: "k3", Name: "Uma User", Persona: "end_user"},
		},
		Completions: []Completion{
			done("pain_identified", daysAgo(190), ""), done("demo_held", daysAgo(180), ""), done("success_criteria_agreed", daysAgo(175), ""),
			done("proposal_sent", daysAgo(160), ""), done("handoff_meeting_held", daysAgo(148), ""), done("kickoff_held", daysAgo(140), ""),
			done("users_trained", daysAgo(120), "end_user"), // trained the end users, not the CS lead
			done("first_qbr_held", daysAgo(60), "exec"),
		},
	}
	pos := Derive(def, data, now)
	if pos.StageKey != "adoption" || pos.AtRisk() {
		t.Fatalf("account should be in adoption and not at risk at account level: %s, risks %v", pos.StageKey, pos.Risks)
	}
	got := map[string]PersonaProgress{}
	for _, pp := range pos.Personas {
		got[pp.Persona] = pp
	}
	cs := got["cs_lead"]
	if !cs.Stuck || cs.StageKey != "onboarding" || len(cs.Missing) != 1 || cs.Missing[0].Milestone.Key != "users_trained" {
		t.Errorf("CS lead should be stuck in onboarding on users_trained: %+v", cs)
	}
	if !strings.Contains(cs.Sentence, "Cass Lead") || !strings.Contains(cs.Sentence, "Users trained") {
		t.Errorf("sentence should name the person and the milestone: %q", cs.Sentence)
	}
	if got["exec"].Stuck || got["exec"].StageKey != "adoption" {
		t.Errorf("exec should be on track in adoption: %+v", got["exec"])
	}
	if got["end_user"].Stuck {
		t.Errorf("end users should be on track: %+v", got["end_user"])
	}
}

func TestHealthFactorsSumToScore(t *testing.T) {
	t.Parallel()
	def := testDef()
	deal := Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "contractsent", CreatedAt: daysAgo(90), CloseDate: now.Add(5 * 24 * time.Hour)}
	champion := Contact{ID: "k1", Name: "Dana Lee", Persona: "revops", BuyingRole: BuyerChampion}
	eb := Contact{ID: "k2", Name: "Sam Ortiz", Persona: "exec", BuyingRole: BuyerEconomic}
	cases := []struct {
		name string
		data AccountData
		want map[string]int // factor → points
	}{
		{name: "everything fine", data: AccountData{
			Deals: []Deal{deal}, Contacts: []Contact{champion, eb, {ID: "k3", Name: "Third"}},
			Events: []Event{
				{ID: "e1", ContactID: "k1", Direction: SideCustomer, At: daysAgo(1)},
				{ID: "e2", ContactID: "k2", Direction: SideCustomer, At: daysAgo(3)},
				{ID: "e3", ContactID: "k3", Direction: SideCustomer, At: daysAgo(4)},
			},
			Completions: []Completion{done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), ""),
				done("success_criteria_agreed", daysAgo(30), ""), done("proposal_sent", daysAgo(10), "")},
		}, want: map[string]int{FactorEngagement: 20, FactorChampion: 15, FactorEconomicBuyer: 10, FactorMilestones: 20,
			FactorWaitingOnUs: 10, FactorOverdue: 10, FactorCloseDateSlips: 10, FactorStakeholders: 5}},
		{name: "silent champion, overdue promise, waiting, slip", data: AccountData{
			Deals: []Deal{deal}, Contacts: []Contact{champion, eb},
			Events: []Event{
				{ID: "e1", ContactID: "k1", Direction: SideCustomer, At: daysAgo(21)},
				{ID: "e2", ContactID: "k2", Direction: SideCustomer, At: daysAgo(70)},
			},
			Completions: []Completion{done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), "")},
			Commitments: []Commitment{{ID: "m1", Side: SideUs, What: "SOC 2 report", DueAt: daysAgo(3), Status: CommitmentOpen}},
			Waits:       []WaitItem{{ID: "w1", Waiter: SideCustomer, What: "SOC 2 report", Since: daysAgo(10)}},
			Changes:     []Change{{ID: "x1", DealID: "d1", Field: "close_date", Old: "2026-11-15", New: "2026-11-28", At: daysAgo(12)}},
		}, want: map[string]int{FactorEngagement: 8, FactorChampion: 7, FactorEconomicBuyer: 0, FactorMilestones: 10,
			FactorWaitingOnUs: 4, FactorOverdue: 5, FactorCloseDateSlips: 6, FactorStakeholders: 1}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			pos := Derive(def, tt.data, now)
			h := ScoreHealth(tt.data, pos, now)
			sum, weights := 0, 0
			for _, f := range h.Factors {
				sum += f.Points
				weights += f.Weight
				if f.Sentence == "" {
					t.Errorf("factor %s has no sentence", f.Key)
				}
				if want, ok := tt.want[f.Key]; ok && f.Points != want {
					t.Errorf("%s = %d, want %d (%s)", f.Key, f.Points, want, f.Sentence)
				}
			}
			if sum != h.Score {
				t.Errorf("factors sum to %d, score is %d", sum, h.Score)
			}
			if weights != 100 {
				t.Errorf("weights sum to %d, want 100", weights)
			}
			if !strings.HasPrefix(h.Explain(), strings.TrimSpace(strings.Split(h.Explain(), ":")[0])) || !strings.Contains(h.Explain(), ":") {
				t.Errorf("explanation %q", h.Explain())
			}
		})
	}
}

func TestHealthExplainNamesTheBiggestLosses(t *testing.T) {
	t.Parallel()
	h := Health{Score: 64, Factors: []Factor{
		{Key: "a", Weight: 15, Points: 5, Sentence: "champion Dana silent 12 days"},
		{Key: "b", Weight: 20, Points: 12, Sentence: "success criteria not agreed"},
		{Key: "c", Weight: 10, Points: 10, Sentence: "fine"},
	}}
	got := h.Explain()
	want := "64: champion Dana silent 12 days (-10), success criteria not agreed (-8)"
	if got != want {
		t.Errorf("Explain() = %q, want %q", got, want)
	}
}

func TestPriorityOrder(t *testing.T) {
	t.Parallel()
	def := testDef()
	mk := func(id, name string, amount int64, stage string, closeIn int) AccountData {
		return AccountData{Account: Account{ID: id, Name: name}, Deals: []Deal{{ID: "d" + id, AccountID: id, Name: name, Kind: DealNew,
			Stage: stage, AmountCents: amount * 100, CloseDate: now.Add(time.Duration(closeIn) * 24 * time.Hour), CreatedAt: daysAgo(30)}}}
	}
	books := []AccountData{
		mk("1", "Big later", 900_000, "contractsent", 60),      // valuable but next quarter
		mk("2", "Small this month", 12_000, "contractsent", 5), // closes this month
		mk("3", "Early this month", 20_000, "qualifiedtobuy", 6),
		mk("4", "Mid later", 80_000, "presentationscheduled", 120),
		mk("5", "Late proposal", 80_000, "contractsent", 120),
	}
	var ps []Priority
	for _, d := range books {
		pos := Derive(def, d, now)
		h := ScoreHealth(d, pos, now)
		p := Prioritize(def, d, pos, h, now)
		sum := 0
		for _, f := range p.Factors {
			sum += f.Points
		}
		if sum != p.Score {
			t.Errorf("%s: factors sum to %d, score %d", d.Account.Name, sum, p.Score)
		}
		ps = append(ps, p)
	}
	RankAccounts(ps)
	var got []string
	for _, p := range ps {
		got = append(got, p.AccountName)
	}
	want := []string{"Small this month", "Early this month", "Big later", "Late proposal", "Mid later"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("order = %v\nwant    %v", got, want)
	}
	if !ps[0].ClosingThisMonth || ps[2].ClosingThisMonth {
		t.Errorf("closing-this-month flags wrong: %+v", ps)
	}
}

func TestCSClasses(t *testing.T) {
	t.Parallel()
	def := testDef()
	won := Deal{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(300), ClosedAt: daysAgo(250)}
	allDone := []Completion{
		done("pain_identified", daysAgo(290), ""), done("demo_held", daysAgo(280), ""), done("success_criteria_agreed", daysAgo(275), ""),
		done("proposal_sent", daysAgo(260), ""), done("handoff_meeting_held", daysAgo(248), ""), done("kickoff_held", daysAgo(240), ""),
		done("users_trained", daysAgo(220), ""), done("first_qbr_held", daysAgo(60), "")}
	engaged := []Contact{{ID: "k1", Name: "A", BuyingRole: BuyerChampion}, {ID: "k2", Name: "B", BuyingRole: BuyerEconomic}, {ID: "k3", Name: "C"}}
	fresh := []Event{{ID: "e1", ContactID: "k1", Direction: SideCustomer, At: daysAgo(2)}, {ID: "e2", ContactID: "k2", Direction: SideCustomer, At: daysAgo(5)},
		{ID: "e3", ContactID: "k3", Direction: SideCustomer, At: daysAgo(6)}}
	cases := []struct {
		name string
		data AccountData
		want CSClass
	}{
		{"healthy and adopted grows", AccountData{Account: Account{RenewalDate: now.Add(300 * 24 * time.Hour)}, Deals: []Deal{won}, Contacts: engaged, Events: fresh, Completions: allDone}, ClassGrow},
		{"silent customer is at risk", AccountData{Account: Account{RenewalDate: now.Add(300 * 24 * time.Hour)}, Deals: []Deal{won}, Contacts: engaged, Completions: allDone}, ClassRisk},
		{"healthy but not adopted is maintained", AccountData{Account: Account{RenewalDate: now.Add(300 * 24 * time.Hour)}, Deals: []Deal{won}, Contacts: engaged, Events: fresh, Completions: allDone[:7]}, ClassMaintain},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			pos := Derive(def, tt.data, now)
			h := ScoreHealth(tt.data, pos, now)
			p := Prioritize(def, tt.data, pos, h, now)
			if p.Class != tt.want {
				t.Errorf("class = %s (%s), want %s; health %d, stage %s", p.Class, p.ClassWhy, tt.want, h.Score, pos.StageKey)
			}
			if p.ClassWhy == "" {
				t.Error("class has no reason")
			}
		})
	}
}

func TestRankActions(t *testing.T) {
	t.Parallel()
	prio := map[string]Priority{"a": {Score: 40, ClosingThisMonth: true}, "b": {Score: 70}}
	actions := []Action{
		{ID: "1", AccountID: "b", Kind: "no_reply", State: ActionProposed},
		{ID: "2", AccountID: "a", Kind: "commitment_overdue", State: ActionProposed, DueAt: daysAgo(2)},
		{ID: "3", AccountID: "b", Kind: "commitment_overdue", State: ActionDismissed},
		{ID: "4", AccountID: "b", Kind: "customer_waiting", State: ActionSnoozed, SnoozedUntil: now.Add(time.Hour)},
		{ID: "5", AccountID: "b", Kind: "customer_waiting", State: ActionSnoozed, SnoozedUntil: now.Add(-time.Hour)},
	}
	ranked := RankActions(actions, prio, now)
	var ids []string
	for _, r := range ranked {
		ids = append(ids, r.Action.ID)
	}
	if got := strings.Join(ids, ","); got != "2,5,1" {
		t.Errorf("ranked = %s, want 2,5,1 (closed and still-snoozed actions dropped)", got)
	}
}

func TestActionStateMachine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from ActionState
		verb ActionVerb
		to   ActionState
		err  string
	}{
		{ActionProposed, VerbApprove, ActionApproved, ""},
		{ActionApproved, VerbSending, ActionSending, ""},
		{ActionSending, VerbSent, ActionSent, ""},
		{ActionSending, VerbFail, ActionFailed, ""},
		{ActionFailed, VerbRetry, ActionApproved, ""},
		{ActionProposed, VerbSnooze, ActionSnoozed, ""},
		{ActionSnoozed, VerbWake, ActionProposed, ""},
		{ActionProposed, VerbDismiss, ActionDismissed, ""},
		{ActionProposed, VerbDone, ActionDone, ""},
		{ActionApproved, VerbApprove, ActionApproved, "same"}, // double click
		{ActionSent, VerbApprove, ActionSent, "same"},         // click after sending
		{ActionDismissed, VerbDismiss, ActionDismissed, "same"},
		{ActionSent, VerbDismiss, ActionSent, "cannot dismiss an action that is sent"},
		{ActionDone, VerbSnooze, ActionDone, "cannot snooze"},
	}
	for _, tt := range cases {
		got, err := Next(tt.from, tt.verb)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s+%s: unexpected error %v", tt.from, tt.verb, err)
		case tt.err == "same" && !errors.Is(err, ErrSameState):
			t.Errorf("%s+%s: want ErrSameState, got %v", tt.from, tt.verb, err)
		case tt.err != "" && tt.err != "same" && (err == nil || !strings.Contains(err.Error(), tt.err) || ErrorCode(err) != EINVALID):
			t.Errorf("%s+%s: want EINVALID %q, got %v", tt.from, tt.verb, tt.err, err)
		}
		if got != tt.to {
			t.Errorf("%s+%s = %s, want %s", tt.from, tt.verb, got, tt.to)
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	refs := []NamedRef{{"1", "Acme Corp"}, {"2", "Acme Widgets, Inc."}, {"3", "Globex"}, {"4", "The Initech Company"}, {"5", "Umbrella Health"}}
	cases := []struct {
		q    string
		want string
	}{
		{"acme corp", "Acme Corp"},
		{"ACME CORP.", "Acme Corp"},
		{"acme", "Acme Corp"}, // "Acme Corp" is exactly "acme" once the suffix is dropped
		{"acme w", "Acme Widgets, Inc."},
		{"ac", "Acme Corp|Acme Widgets, Inc."},
		{"acme widgets inc", "Acme Widgets, Inc."},
		{"initech", "The Initech Company"},
		{"globex ltd", "Globex"},
		{"umbrella", "Umbrella Health"},
		{"health", "Umbrella Health"},
		{"zzz", ""},
	}
	for _, tt := range cases {
		var got []string
		for _, r := range Match(refs, tt.q) {
			got = append(got, r.Name)
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("Match(%q) = %v, want %s", tt.q, got, tt.want)
		}
	}
	twins := []NamedRef{{"1", "Blue Labs Inc"}, {"2", "Blue Labs GmbH"}}
	if m := Match(twins, "blue labs gmbh"); len(m) != 1 || m[0].ID != "2" {
		t.Errorf("the full name should pick one of two names that normalise alike: %v", m)
	}
	if m := Match(twins, "blue labs"); len(m) != 2 {
		t.Errorf("a shared short name should list both: %v", m)
	}
	near := Nearest(refs, "globx", 3)
	if len(near) == 0 || near[0].Name != "Globex" {
		t.Errorf("Nearest(globx) = %v", near)
	}
	if n := Nearest(refs, "qqqqqqqq", 3); len(n) != 0 {
		t.Errorf("Nearest of nonsense = %v, want none", n)
	}
}

func TestDefinitionValidate(t *testing.T) {
	t.Parallel()
	d := testDef()
	d.Stages[1].Key = "discovery"
	d.Stages[2].Milestones[0].Key = "demo_held"
	d.Stages[3].Name = ""
	var msgs []string
	for _, p := range d.Validate() {
		msgs = append(msgs, p.String())
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{`stages[1].key: "discovery" is already used`, `stages[2].milestones[0].key: "demo_held" is already used`, "stages[3].name: is required"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing problem %q in:\n%s", want, joined)
		}
	}
}

func TestNextStepsAndCard(t *testing.T) {
	t.Parallel()
	def := testDef()
	data := AccountData{
		Account:     Account{ID: "a", Name: "Acme Corp"},
		Deals:       []Deal{{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "contractsent", CreatedAt: daysAgo(90), CloseDate: daysAgo(-5), AmountCents: 4_800_000}},
		Contacts:    []Contact{{ID: "k1", Name: "Dana Lee", BuyingRole: BuyerChampion, Persona: "revops"}},
		Events:      []Event{{ID: "e1", ContactID: "k1", Direction: SideCustomer, At: daysAgo(2), Summary: "Can you send the SOC 2?"}},
		Completions: []Completion{done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), "")},
		Commitments: []Commitment{{ID: "m1", Side: SideUs, OwnerName: "Maya", Counterpart: "Dana Lee", What: "Send the SOC 2 Type II report", DueAt: daysAgo(3), Status: CommitmentOpen, SourceEventID: "e1"}},
		Waits:       []WaitItem{{ID: "w1", Waiter: SideCustomer, What: "SOC 2 Type II report", Since: daysAgo(4), SourceEventID: "e1"}},
	}
	card := BuildCard(def, data, now)
	if len(card.NextSteps) < 2 {
		t.Fatalf("next steps = %+v", card.NextSteps)
	}
	if !strings.Contains(card.NextSteps[0].Text, "SOC 2") || !strings.Contains(card.NextSteps[0].Why, "3 days late") {
		t.Errorf("first step should be the overdue promise: %+v", card.NextSteps[0])
	}
	var skipped bool
	for _, s := range card.NextSteps {
		if strings.Contains(s.Text, "Success criteria agreed") {
			skipped = true
		}
		if strings.HasPrefix(s.Text, "Send ") {
			t.Errorf("the waiting item is the overdue promise; it should not be listed twice: %+v", s)
		}
	}
	if !skipped {
		t.Errorf("skipped milestone missing from next steps: %+v", card.NextSteps)
	}
	if len(card.WaitingOnUs) != 1 || len(card.Commitments) != 1 {
		t.Errorf("waiting %v commitments %v", card.WaitingOnUs, card.Commitments)
	}
	if len(card.Timeline) != 2 { // deal opened + one event
		t.Errorf("timeline = %+v", card.Timeline)
	}
}

func TestSuggestActions(t *testing.T) {
	t.Parallel()
	def := testDef()
	data := AccountData{
		Account:  Account{ID: "a", Name: "Acme Corp", OwnerID: "rep"},
		Owner:    Person{ID: "rep", Name: "Maya Patel"},
		Deals:    []Deal{{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "contractsent", CreatedAt: daysAgo(90), CloseDate: daysAgo(2), OwnerID: "rep"}},
		Contacts: []Contact{{ID: "k1", Name: "Dana Lee", BuyingRole: BuyerChampion}, {ID: "k2", Name: "Sam Ortiz", BuyingRole: BuyerEconomic}},
		Events: []Event{{ID: "e1", ContactID: "k1", Direction: SideCustomer, At: daysAgo(1)},
			{ID: "e2", ContactID: "k2", Direction: SideCustomer, At: daysAgo(40)}},
		Completions: []Completion{done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), "")},
		Commitments: []Commitment{{ID: "m1", Side: SideUs, OwnerID: "rep", OwnerName: "Maya Patel", Counterpart: "Dana Lee",
			What: "Send the SOC 2 report", DueAt: daysAgo(3), Status: CommitmentOpen, SourceEventID: "e1"}},
		Waits: []WaitItem{{ID: "w1", Waiter: SideCustomer, What: "SOC 2 report", Since: daysAgo(5), SourceEventID: "e1"},
			{ID: "w2", Waiter: SideCustomer, What: "pricing for 40 seats", Since: daysAgo(2)}},
	}
	card := BuildCard(def, data, now)
	acts := SuggestActions(def, data, card, now)
	kinds := map[string]Action{}
	keys := map[string]bool{}
	for _, a := range acts {
		if keys[a.IdempotencyKey] {
			t.Errorf("duplicate idempotency key %s", a.IdempotencyKey)
		}
		keys[a.IdempotencyKey] = true
		kinds[a.Kind] = a
		if a.OwnerID != "rep" || a.State != ActionProposed || a.Reason == "" || a.Title == "" {
			t.Errorf("incomplete action %+v", a)
		}
	}
	for _, k := range []string{"commitment_overdue", "customer_waiting", "close_date_passed", "milestone_missing", "stakeholder_silent"} {
		if _, ok := kinds[k]; !ok {
			t.Errorf("no %s action in %v", k, kinds)
		}
	}
	c := kinds["commitment_overdue"]
	if !strings.Contains(c.DraftBody, "Hi Dana") || !strings.Contains(c.DraftBody, "SOC 2 report") || !strings.HasSuffix(c.DraftBody, "Maya") {
		t.Errorf("draft should greet the counterpart, name the promise and sign as the owner:\n%s", c.DraftBody)
	}
	if c.DraftSubject != "SOC 2 report, as promised" {
		t.Errorf("subject = %q", c.DraftSubject)
	}
	if w := kinds["customer_waiting"]; !strings.Contains(w.Title, "pricing for 40 seats") {
		t.Errorf("the waiting item covered by the overdue promise should not get its own action; got %q", w.Title)
	}
	if kinds["stakeholder_silent"].Title != "Re-engage Sam Ortiz at Acme Corp" {
		t.Errorf("silent economic buyer: %q", kinds["stakeholder_silent"].Title)
	}
	again := SuggestActions(def, data, BuildCard(def, data, now), now)
	for i := range again {
		if again[i].IdempotencyKey != acts[i].IdempotencyKey {
			t.Errorf("keys must be stable: %s vs %s", again[i].IdempotencyKey, acts[i].IdempotencyKey)
		}
	}
	// customers' actions go to their CSM
	data.Account.CSMID, data.CSM = "csm", Person{ID: "csm", Name: "Priya Raman"}
	data.Deals = []Deal{{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(300), ClosedAt: daysAgo(200)}}
	data.Commitments = nil
	for _, a := range SuggestActions(def, data, BuildCard(def, data, now), now) {
		if a.OwnerID != "csm" {
			t.Errorf("a customer's %s action should go to the CSM, went to %s", a.Kind, a.OwnerID)
		}
	}
}

func TestNudgeRules(t *testing.T) {
	t.Parallel()
	def := testDef()
	base := func() AccountData {
		return AccountData{
			Account:  Account{ID: "a", Name: "Acme Corp", OwnerID: "rep"},
			Owner:    Person{ID: "rep", Name: "Maya Patel"},
			Contacts: []Contact{{ID: "k1", Name: "Dana Lee", BuyingRole: BuyerChampion}},
			Deals:    []Deal{{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "contractsent", CreatedAt: daysAgo(90), CloseDate: now.Add(4 * 24 * time.Hour)}},
			Completions: []Completion{done("pain_identified", daysAgo(60), ""), done("demo_held", daysAgo(40), ""),
				done("success_criteria_agreed", daysAgo(30), "")},
		}
	}
	kinds := func(data AccountData) map[string]Action {
		out := map[string]Action{}
		for _, a := range SuggestActions(def, data, BuildCard(def, data, now), now) {
			out[a.Kind] = a
		}
		return out
	}
	// now is Monday Nov 23; our last message Tuesday Nov 17 → 4 business days
	d := base()
	d.Events = []Event{{ID: "e1", Kind: EventEmail, Direction: SideCustomer, At: daysAgo(8)}, {ID: "e2", Kind: EventEmail, Direction: SideUs, At: daysAgo(6)}}
	d.Commitments = []Commitment{{ID: "m1", Side: SideUs, What: "Send the DPA", Counterpart: "Dana Lee", DueAt: now.Add(20 * time.Hour), Status: CommitmentOpen}}
	k := kinds(d)
	for _, want := range []string{"no_reply", "commitment_due", "close_date_near"} {
		if _, ok := k[want]; !ok {
			t.Errorf("expected a %s nudge, got %v", want, keysOf(k))
		}
	}
	if !strings.Contains(k["close_date_near"].Reason, "Proposal sent") {
		t.Errorf("close-date nudge should name the open milestone: %q", k["close_date_near"].Reason)
	}
	// the customer answered last: no no-reply nudge; 2 business days: none either
	d.Events = []Event{{ID: "e2", Kind: EventEmail, Direction: SideUs, At: daysAgo(6)}, {ID: "e3", Kind: EventMessage, Direction: SideCustomer, At: daysAgo(1)}}
	if _, ok := kinds(d)["no_reply"]; ok {
		t.Error("no no-reply nudge when the customer answered last")
	}
	d.Events = []Event{{ID: "e4", Kind: EventEmail, Direction: SideUs, At: daysAgo(3)}} // Friday → Mon: 1 business day
	if _, ok := kinds(d)["no_reply"]; ok {
		t.Error("no no-reply nudge before 3 business days")
	}

	// a customer renewing in 60 days without an EBR, a CSM change without a
	// reason, and a fresh win with the handoff incomplete
	c := base()
	c.Account.CSMID, c.CSM = "csm", Person{ID: "csm", Name: "Priya Raman"}
	c.Account.RenewalDate = now.Add(60 * 24 * time.Hour)
	c.Deals = []Deal{{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "closedwon", CreatedAt: daysAgo(90), ClosedAt: daysAgo(10)}}
	c.Changes = []Change{{ID: "x1", Field: "csm", Old: "marcus@x", New: "priya@x", At: daysAgo(5)}}
	k = kinds(c)
	for _, want := range []string{"renewal_without_ebr", "csm_reassigned", "handoff_incomplete"} {
		if _, ok := k[want]; !ok {
			t.Errorf("expected a %s nudge, got %v", want, keysOf(k))
		}
	}
	if k["renewal_without_ebr"].OwnerID != "csm" || k["handoff_incomplete"].OwnerID != "rep" {
		t.Errorf("renewals go to the CSM, handoffs to the AE: %s / %s", k["renewal_without_ebr"].OwnerID, k["handoff_incomplete"].OwnerID)
	}
	c.Completions = append(c.Completions, done("ebr_held", daysAgo(2), ""), done("handoff_meeting_held", daysAgo(9), ""))
	c.Changes[0].Reason = "Marcus moved to enterprise accounts; customer told on the QBR call"
	k = kinds(c)
	for _, gone := range []string{"renewal_without_ebr", "csm_reassigned", "handoff_incomplete"} {
		if _, ok := k[gone]; ok {
			t.Errorf("%s should be gone once its fact is settled", gone)
		}
	}
}

func keysOf(m map[string]Action) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBusinessDays(t *testing.T) {
	t.Parallel()
	mon := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		from time.Time
		want int
	}{
		{mon.Add(-3 * 24 * time.Hour), 1}, // Friday → Monday
		{mon.Add(-6 * 24 * time.Hour), 4}, // Tuesday → Monday
		{mon.Add(-7 * 24 * time.Hour), 5},
		{mon, 0},
	}
	for _, c := range cases {
		if got := BusinessDaysBetween(c.from, mon); got != c.want {
			t.Errorf("BusinessDaysBetween(%s, Monday) = %d, want %d", c.from.Weekday(), got, c.want)
		}
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	def := testDef()
	people := map[string]Person{"r1": {ID: "r1", Name: "Maya"}, "r2": {ID: "r2", Name: "Jordan"}}
	atRisk := AccountData{
		Account:     Account{ID: "a1", Name: "Acme", OwnerID: "r1"},
		Deals:       []Deal{{ID: "d1", Name: "Acme deal", Kind: DealNew, Stage: "contractsent", AmountCents: 4_800_000, CreatedAt: daysAgo(60), CloseDate: daysAgo(2)}},
		Completions: []Completion{done("pain_identified", daysAgo(50), ""), done("demo_held", daysAgo(40), "")},
		Commitments: []Commitment{{ID: "m1", Side: SideUs, OwnerID: "r1", What: "Send the SOC 2 report", DueAt: daysAgo(3), Status: CommitmentOpen}},
		Changes: []Change{
			{ID: "x1", Field: "stage", Old: "decisionmakerboughtin", New: "contractsent", At: daysAgo(0).Add(-2 * time.Hour)},
			{ID: "x2", Field: "stage", Old: "qualifiedtobuy", New: "presentationscheduled", At: daysAgo(5), Reason: "demo booked"},
		},
	}
	fine := AccountData{
		Account:     Account{ID: "a2", Name: "Globex", OwnerID: "r2"},
		Deals:       []Deal{{ID: "d2", Name: "Globex deal", Kind: DealNew, Stage: "qualifiedtobuy", AmountCents: 1_000_000, CreatedAt: daysAgo(10), CloseDate: now.Add(60 * 24 * time.Hour)}},
		Completions: []Completion{done("pain_identified", daysAgo(5), "")},
		Changes:     []Change{{ID: "x3", Field: "stage", Old: "appointmentscheduled", New: "qualifiedtobuy", At: daysAgo(0).Add(-time.Hour), Reason: "budget confirmed"}},
	}
	dg := BuildDigest([]Definition{def}, []AccountData{atRisk, fine}, people, daysAgo(1), now)
	if len(dg.OverdueByRep) != 1 || dg.OverdueByRep[0].Rep.Name != "Maya" || dg.OverdueByRep[0].Count != 1 {
		t.Errorf("overdue by rep: %+v", dg.OverdueByRep)
	}
	if len(dg.AtRisk) != 1 || dg.AtRisk[0].AccountName != "Acme" || !strings.Contains(dg.AtRisk[0].Why, "Success criteria agreed") {
		t.Errorf("at risk: %+v", dg.AtRisk)
	}
	if len(dg.Intervene) != 1 || !strings.Contains(dg.Intervene[0].Why, "passed") {
		t.Errorf("intervene: %+v", dg.Intervene)
	}
	if len(dg.Moves) != 2 || dg.Moves[0].AccountName != "Globex" || dg.Moves[1].Reason != "" {
		t.Errorf("moves since yesterday (newest first, the 5-day-old one left out, unknown reason kept empty): %+v", dg.Moves)
	}
	if len(dg.PipelineByRep) != 1 || dg.PipelineByRep[0].Rep.Name != "Maya" || dg.PipelineByRep[0].AtRiskCents != 4_800_000 {
		t.Errorf("pipeline at risk by rep: %+v", dg.PipelineByRep)
	}
}

// weekdaysAt is a stdlib stand-in for the cron schedule "M H * * 1-5".
type weekdaysAt struct{ h, m int }

func (w weekdaysAt) Next(t time.Time) time.Time {
	c := time.Date(t.Year(), t.Month(), t.Day(), w.h, w.m, 0, 0, t.Location())
	for !c.After(t) || !Workday(c) {
		c = time.Date(c.Year(), c.Month(), c.Day()+1, w.h, w.m, 0, 0, c.Location())
	}
	return c
}

func TestSchedules(t *testing.T) {
	t.Parallel()
	nudge := weekdaysAt{8, 30}
	cases := []struct {
		at  string // UTC
		due bool
		day string
	}{
		{"2026-11-23T13:29:00Z", false, "2026-11-23"}, // Mon 08:29 in New York
		{"2026-11-23T13:30:00Z", true, "2026-11-23"},  // 08:30
		{"2026-11-24T00:30:00Z", true, "2026-11-23"},  // Mon 19:30: still due that day
		{"2026-11-24T01:30:00Z", false, "2026-11-23"}, // 20:30: quiet hours
		{"2026-11-28T15:00:00Z", false, "2026-11-28"}, // Saturday
	}
	for _, c := range cases {
		at, _ := time.Parse(time.RFC3339, c.at)
		day, due := DueOn(nudge, "America/New_York", at)
		if due != c.due || day != c.day {
			t.Errorf("DueOn at %s = %s %v, want %s %v", c.at, day, due, c.day, c.due)
		}
	}
	if _, due := DueOn(weekdaysAt{8, 0}, "Europe/London", time.Date(2026, 11, 23, 8, 5, 0, 0, time.UTC)); !due {
		t.Error("the London digest at 08:00 is due at 08:05")
	}
	if _, due := DueOn(weekdaysAt{8, 0}, "Not/AZone", time.Date(2026, 11, 23, 8, 5, 0, 0, time.UTC)); !due {
		t.Error("an unknown zone reads as UTC")
	}
}

// A definition's own won stage closes a deal for close-date slips too.
func TestSlipsFollowTheDefinitionsWonStages(t *testing.T) {
	t.Parallel()
	def := testDef()
	def.WonStages = []string{"signed"}
	def.Stages[3].CRMStages = []string{"signed"}
	data := AccountData{Deals: []Deal{{ID: "d1", Name: "Platform", Kind: DealNew, Stage: "signed", CreatedAt: daysAgo(90), CloseDate: daysAgo(10)}},
		Changes: []Change{{ID: "x1", DealID: "d1", Field: "close_date", Old: "2026-10-01", New: "2026-11-13", At: daysAgo(30)}}}
	h := ScoreHealth(data, Derive(def, data, now), now)
	if f, _ := h.Factor(FactorCloseDateSlips); f.Points != f.Weight {
		t.Errorf("a deal won under the definition is not slipping: %+v", f)
	}
	data.Deals[0].Stage = "contractsent"
	h = ScoreHealth(data, Derive(def, data, now), now)
	if f, _ := h.Factor(FactorCloseDateSlips); f.Points == f.Weight {
		t.Errorf("an open deal past its date with a slip should lose points: %+v", f)
	}
}
