package slackapp

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// wonAcme is the test account after its deal closed won, with a CSM.
func wonAcme() (journey.Definition, journey.AccountData) {
	def, data := acme()
	data.Deals[0].Stage, data.Deals[0].ClosedAt = "closedwon", ago(1)
	data.Account.CSMID = "p-2"
	data.CSM = journey.Person{ID: "p-2", Name: "Priya Raman", SlackUserID: "U0CSM1"}
	return def, data
}

func TestPromptViewsGolden(t *testing.T) {
	t.Parallel()
	def, data := wonAcme()
	stage := journey.Change{ID: "ch-2", AccountID: "acc-1", DealID: "d-1", Field: "stage", Old: "closedlost", New: "closedwon",
		ActorName: "Maya Patel", Source: "hubspot", At: ago(0).Add(-time.Hour)}
	csm := journey.Change{ID: "ch-3", AccountID: "acc-1", Field: "csm", Old: "Marcus Green", New: "Priya Raman",
		ActorName: "Dana Whitfield", Source: "hubspot", At: ago(1), Told: journey.ToldNotYet}
	cases := []struct {
		name, kind string
		c          journey.Change
		want       []string
	}{
		{"prompt_reason", journey.PromptReason, stage, []string{"moved Closed Lost → Closed Won. Why?", "Customer came back", "Other…", `Deal “Platform”`}},
		{"prompt_told", journey.PromptTold, csm, []string{"the CSM changed from Marcus Green to Priya Raman", "Yes, I told them", "Yes, Marcus Green told them", "Yes, Maya Patel (AE) told them", "Not yet"}},
		{"prompt_handoff_ae", journey.PromptHandoffAE, stage, []string{"closed won. The handoff to CS is missing", "Why us? (competitive differentiation)", "Fill the gaps"}},
		{"prompt_handoff_cs", journey.PromptHandoffCS, stage, []string{"here is the handoff from sales", "Handoff: Acme", "_missing_", "Champion: name, role, contact* Tom Becker"}},
	}
	for _, tc := range cases {
		p := journey.Prompt{ID: "pr-1", Kind: tc.kind, Change: tc.c, AccountName: data.Account.Name, Person: data.Owner}
		text, blocks, err := promptView(p, data, def, nil)
		if err != nil {
			t.Fatal(err)
		}
		validBlocks(t, blocks, "message")
		golden(t, tc.name, blocks)
		raw, _ := json.Marshal(blocks)
		all := text + "\n" + strings.Join(mrkdwnTexts(raw), "\n") + string(raw)
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s lacks %q:\n%s", tc.name, w, all)
			}
		}
		if strings.Contains(string(raw), "<!channel>") {
			t.Errorf("%s: the account name was not escaped", tc.name)
		}
	}
}

func TestHandoffBlocksShowAnswersAndGaps(t *testing.T) {
	t.Parallel()
	def, data := wonAcme()
	h := journey.BuildHandoff(def, data, data.Deals[0], []journey.HandoffAnswer{{Field: "why_us", Value: "Per-persona progress", By: "Maya Patel"}})
	blocks := handoffBlocks(h)
	validBlocks(t, blocks, "message")
	golden(t, "handoff", blocks)
	raw, _ := json.Marshal(blocks)
	text := strings.Join(mrkdwnTexts(raw), "\n")
	if !strings.Contains(text, "Per-persona progress _(from the AE)_") || !strings.Contains(text, "Renewal date* — _missing_") {
		t.Errorf("handoff:\n%s", text)
	}
	if n := len(h.MissingFields()); !strings.Contains(text, "Missing "+itoa(n)+":") || n == 0 {
		t.Errorf("the gaps are named (%d):\n%s", n, text)
	}
}

func TestCustomerCardShowsExpansionAndDeals(t *testing.T) {
	t.Parallel()
	def, data := wonAcme()
	data.Deals = append(data.Deals, journey.Deal{ID: "d-2", AccountID: "acc-1", Name: "More seats", Kind: journey.DealExpansion,
		Stage: "contractsent", AmountCents: 1_200_000, Currency: "USD", CreatedAt: ago(5)})
	card := journey.BuildCard(def, data, fixedNow)
	blocks := cardBlocks(card, cardOptions{Now: fixedNow})
	validBlocks(t, blocks, "message")
	raw, _ := json.Marshal(blocks)
	text := strings.Join(mrkdwnTexts(raw), "\n")
	for _, want := range []string{"Expansion: ", "adoption milestones", `new &quot;Platform&quot;`, `expansion &quot;More seats&quot;`} {
		if !strings.Contains(text, strings.ReplaceAll(want, "&quot;", "\"")) && !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
}

func TestCSMChangeStaysOnTheCardBehindNewerChanges(t *testing.T) {
	t.Parallel()
	def, data := wonAcme()
	csm := journey.Change{ID: "ch-csm", AccountID: "acc-1", Field: "csm", Old: "Marcus Green", New: "Priya Raman", Source: "hubspot", At: ago(20), Told: journey.ToldNotYet}
	var changes []journey.Change
	for i := 0; i < cardChanges+2; i++ {
		changes = append(changes, journey.Change{ID: "n" + itoa(i), AccountID: "acc-1", Field: "amount", Old: itoa(i), New: itoa(i + 1), At: ago(1)})
	}
	data.Changes = append(changes, csm)
	card := journey.BuildCard(def, data, fixedNow)
	raw, _ := json.Marshal(cardBlocks(card, cardOptions{Now: fixedNow}))
	text := strings.Join(mrkdwnTexts(raw), "\n")
	if !strings.Contains(text, "CSM changed from Marcus Green to Priya Raman on Nov 3, 2026 (hubspot) — customer told: not yet") {
		t.Errorf("the CSM change should stay on the card:\n%s", text)
	}
	data.Changes = append(changes[:1], csm)
	card = journey.BuildCard(def, data, fixedNow)
	raw, _ = json.Marshal(cardBlocks(card, cardOptions{Now: fixedNow}))
	if strings.Contains(string(raw), ":busts_in_silhouette:") {
		t.Error("shown among the recent changes, it is not pinned again")
	}
}
