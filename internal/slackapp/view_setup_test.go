package slackapp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// setupProposal is a proposal from two small leadership threads, one
// author with a name that tries to inject mrkdwn.
func setupProposal() bootstrap.Proposal {
	s := bootstrap.NewSuggester(template.Builtin())
	at := fixedNow.Add(-20 * 24 * time.Hour)
	add := func(ch, chName, user, name, ts, text string) {
		s.Add(bootstrap.Message{Channel: ch, ChannelName: chName, User: user, UserName: name, TS: ts, Text: text, At: at,
			Permalink: bootstrap.Permalink("https://sample.slack.com/", ch, ts, "")})
	}
	add("C0SALES", "sales-leadership", "U1", "Dana <!channel>", "1790000000.000100",
		"Our stages:\n1. Discovery\n2. Demo\n3. Commercials\n4. Closed won\n5. Onboarding\n6. Renewal")
	add("C0SALES", "sales-leadership", "U1", "Dana <!channel>", "1790000100.000100", "Handoff happens at signature.")
	add("C0CS", "cs-leads", "U2", "Priya", "1790000200.000100", "Handoff should be at kickoff. CS owns onboarding.")
	return s.Proposal()
}

func TestSetupViewsGolden(t *testing.T) {
	t.Parallel()
	modal := setupModal()
	validBlocks(t, modal.Blocks.BlockSet, "modal")
	golden(t, "setup_modal", modal)

	p := setupProposal()
	run := bootstrap.Run{ID: "0193a3c2-0000-7000-8000-000000000001", Channels: []string{"C0SALES", "C0CS", "C0RANDOM"},
		Oldest: fixedNow.AddDate(0, 0, -90), Status: bootstrap.RunReading,
		Problems: []bootstrap.Problem{{Channel: "C0RANDOM", Code: "not_in_channel", Message: "Journey is not in <#C0RANDOM>, so it cannot read it. Invite it: type `/invite @Journey` in <#C0RANDOM>, then run `/journey setup` again."}}}
	chs := []bootstrap.ChannelProgress{{ID: "C0SALES", Name: "sales-leadership", Read: 1240, Done: true}, {ID: "C0CS", Name: "cs-leads", Read: 3}}
	text, reading := setupMessage(run, chs, fixedNow)
	if text != "Reading 1,243 messages in 2 of 3 channels…" {
		t.Errorf("progress text = %q", text)
	}
	validBlocks(t, reading, "message")
	golden(t, "setup_reading", reading)

	run.Status, run.Proposal = bootstrap.RunProposed, &p
	_, proposed := setupMessage(run, chs, fixedNow)
	validBlocks(t, proposed, "message")
	golden(t, "setup_proposed", proposed)
	raw, _ := json.Marshal(proposed)
	for _, s := range mrkdwnTexts(raw) {
		if strings.Contains(s, "<!channel>") {
			t.Errorf("an author's name was not escaped: %q", s)
		}
	}
	if !strings.Contains(string(raw), "at contract signed") || !strings.Contains(string(raw), ActionSetupReview) {
		t.Errorf("the summary lacks the disagreement or the review button")
	}

	failed := run
	failed.Status, failed.Proposal = bootstrap.RunFailed, nil
	failed.Problems = append(failed.Problems, bootstrap.Problem{Channel: "C0CS", Code: "failed", Message: "Journey could not finish reading <#C0CS> after 10 attempts (the connection to Slack failed)."})
	ftext, fblocks := setupMessage(failed, chs, fixedNow)
	validBlocks(t, fblocks, "message")
	if raw, _ := json.Marshal(fblocks); ftext != "Journey set-up failed" || !strings.Contains(string(raw), "after 10 attempts") || strings.Contains(string(raw), ActionSetupReview) {
		t.Errorf("failed run: %q %s", ftext, raw)
	}

	review := reviewModal(setupMeta{Run: run.ID}, p.Definition, &p, run.Problems)
	validBlocks(t, review.Blocks.BlockSet, "modal")
	golden(t, "setup_review", review)
	def, _ := template.BuiltinByKey("enterprise")
	fromTemplate := reviewModal(setupMeta{Template: "enterprise"}, def, nil, nil)
	validBlocks(t, fromTemplate.Blocks.BlockSet, "modal")
	for _, d := range template.Builtin() {
		if n := len([]rune(bootstrap.Outline(d, maxPlainInput))); n > maxPlainInput {
			t.Errorf("the %s outline is %d characters; the input holds %d", d.Key, n, maxPlainInput)
		}
	}
}

func TestReviewModalSpreadsALongJourneyOverInputs(t *testing.T) {
	t.Parallel()
	def, _ := template.BuiltinByKey("enterprise")
	for i := range def.Stages {
		for j := 0; j < 8; j++ {
			def.Stages[i].Milestones = append(def.Stages[i].Milestones, journey.Milestone{
				Key: fmt.Sprintf("extra_%d_%d", i, j), Name: fmt.Sprintf("A long milestone name written by the team, number %d of stage %d", j, i)})
		}
	}
	if n := len([]rune(bootstrap.Outline(def, maxPlainInput))); n <= maxPlainInput {
		t.Fatalf("the test journey is only %d runes", n)
	}
	view := reviewModal(setupMeta{Template: "enterprise"}, def, nil, nil)
	validBlocks(t, view.Blocks.BlockSet, "modal")
	var parts []string
	for _, b := range view.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		el := in.Element.(*slack.PlainTextInputBlockElement)
		if n := len([]rune(el.InitialValue)); n > el.MaxLength || el.MaxLength > maxPlainInput {
			t.Errorf("input %s holds %d runes, more than its %d", in.BlockID, n, el.MaxLength)
		}
		parts = append(parts, el.InitialValue)
	}
	if len(parts) < 2 {
		t.Fatalf("%d outline inputs", len(parts))
	}
	got, probs := bootstrap.ApplyOutline(def, strings.Join(parts, "\n"))
	if len(probs) > 0 || len(got.Stages) != len(def.Stages) {
		t.Errorf("the inputs read back as %d stages: %v", len(got.Stages), probs)
	}
}
