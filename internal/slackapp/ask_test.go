package slackapp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/journey"
)

func TestAnswerGolden(t *testing.T) {
	t.Parallel()
	ans := ask.Answer{
		Text: "1 of your accounts is at risk:\n• Acme Corp (Proposal, health 76): reached Proposal while \"Success criteria agreed\" is missing [1]\n• <!channel> *not bold* [2]",
		Citations: []ask.Citation{
			{Kind: "account", ID: "acc-1", AccountID: "acc-1", Account: "Acme Corp", Label: "Acme Corp card"},
			{Kind: "message", ID: "ev-1", AccountID: "acc-1", Account: "Acme Corp", Label: "SOC 2 | <report>", Link: "https://sample.slack.com/archives/C0ACME/p1794583500000009"},
			{Kind: "message", ID: "ev-2", Label: "a bad link", Link: "javascript:alert(1)"},
		},
		Accounts: []journey.NamedRef{{ID: "acc-1", Name: "Acme Corp"}},
		Suggest:  []journey.NamedRef{{ID: "acc-2", Name: "Globex"}},
		Actions:  []journey.Action{action(journey.ActionProposed)},
	}
	blocks := answerBlocks(ans, fixedNow, false)
	validBlocks(t, blocks, "message")
	golden(t, "ask_answer", blocks)
	raw, _ := json.Marshal(blocks)
	s := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw))
	for _, want := range []string{"<https://sample.slack.com/archives/C0ACME/p1794583500000009|SOC 2 | &lt;report&gt;>", "&lt;!channel&gt;", "Open Globex", "Open Acme Corp", ActionSend} {
		if !strings.Contains(s, want) {
			t.Errorf("answer blocks lack %q", want)
		}
	}
	if strings.Contains(s, "javascript:") && strings.Contains(s, "<javascript") {
		t.Error("a non-http link became a link")
	}
}

func TestLooksLikeQuestion(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"acme": false, "Acme Corp": false, "umbrella health": false, "where is acme": true, "acme?": true,
		"which of my deals are at risk": true, "and Globex": true, "approve all my drafts": true, "Why": true,
	} {
		if got := looksLikeQuestion(text); got != want {
			t.Errorf("%q: %v", text, got)
		}
	}
}
