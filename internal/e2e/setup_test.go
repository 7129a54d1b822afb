package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/slacksim"
)

const (
	dana   = "U0MGR1"
	priya  = "U0CSM1"
	marcus = "U0CSM2"
)

// seedLeadership adds two leadership channels with the bot in them and
// writes their last weeks of process talk.
func (e *env) seedLeadership() {
	e.t.Helper()
	e.sim.AddChannel(slacksim.Channel{ID: "C0SALESLEAD", Name: "sales-leadership", Members: []string{"U0BOT", dana, alex, maya}})
	e.sim.AddChannel(slacksim.Channel{ID: "C0CSLEADS", Name: "cs-leads", Members: []string{"U0BOT", priya, marcus, alex}})
	day := now.AddDate(0, 0, -20)
	if _, err := e.sim.Seed("C0SALESLEAD", []slacksim.SeedMessage{
		{User: "dana", At: day, Text: "Proposed stages for FY27, please comment:\n" +
			"1. Discovery — pain and champion confirmed\n2. Demo\n3. Commercials — pricing, security review, redlines\n4. Closed won\n5. Onboarding\n6. Renewal"},
		{User: "alex", At: day.Add(time.Hour), Reply: true, Text: "+1. And the handoff happens at signature, the AE sends the handoff doc the same day."},
		{User: "maya", At: day.Add(2 * time.Hour), Text: "Lunch on Friday?"},
	}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.sim.Seed("C0CSLEADS", []slacksim.SeedMessage{
		{User: "priya", At: day.Add(30 * time.Minute), Text: "From CS, our side of the journey: handoff -> onboarding -> adoption -> renewal"},
		{User: "marcus", At: day.Add(90 * time.Minute), Reply: true, Text: "Handoff should be at kickoff, not at signature. CS owns onboarding."},
	}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) openView(user, callback string) slacksim.View {
	e.t.Helper()
	var v slacksim.View
	e.waitFor("the "+callback+" modal", func() bool {
		for _, x := range e.sim.Views(user) {
			if x.CallbackID == callback && !x.Closed {
				v = x
				return true
			}
		}
		return false
	})
	return v
}

// initialOutline digs the outline's initial value out of a modal.
func initialOutline(t *testing.T, v slacksim.View) string {
	t.Helper()
	var body struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(v.JSON, &body); err != nil {
		t.Fatal(err)
	}
	for _, b := range body.Blocks {
		if b.BlockID == slackapp.BlockSetupOutline {
			return b.Element.InitialValue
		}
	}
	t.Fatalf("no outline in the review modal: %s", v.JSON)
	return ""
}

func TestAdminBootstrapsTheJourneyFromLeadershipChannels(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.seedLeadership()

	// a rep may not
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "setup"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the refusal", func() bool { _, ok := e.ephemeralWith(maya, "Only Journey admins"); return ok })
	for _, v := range e.sim.Views(maya) {
		if v.CallbackID == slackapp.CallbackSetupStart {
			t.Fatal("a rep got the set-up modal")
		}
	}

	// the admin chooses the two leadership channels, and one the bot is not in
	if _, err := e.sim.SlashCommand(ctx(t), alex, "C0GENERAL", "/journey", "setup"); err != nil {
		t.Fatal(err)
	}
	start := e.openView(alex, slackapp.CallbackSetupStart)
	// no channels: told at once, in the modal
	if _, err := e.sim.SubmitView(ctx(t), alex, start.ID, map[string]map[string]string{
		slackapp.BlockSetupSource: {slackapp.InputSetupSource: slackapp.SetupFromHistory}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.sim.View(start.ID); v.Closed || !strings.Contains(v.Errors[slackapp.BlockSetupChannels], "Choose at least one channel") {
		t.Fatalf("no channels: view closed %v, errors %v", v.Closed, v.Errors)
	}
	if _, err := e.sim.SubmitView(ctx(t), alex, start.ID, map[string]map[string]string{
		slackapp.BlockSetupSource:   {slackapp.InputSetupSource: slackapp.SetupFromHistory},
		slackapp.BlockSetupChannels: {slackapp.InputSetupChannels: "sales-leadership,cs-leads,random"},
		slackapp.BlockSetupWindow:   {slackapp.InputSetupWindow: "90"},
	}); err != nil {
		t.Fatal(err)
	}
	var summary slacksim.Message
	c, cancel := contextWithTimeout(30 * time.Second)
	defer cancel()
	if err := e.sim.WaitFor(c, func() bool {
		var ok bool
		summary, ok = e.dmWith(alex, "Journey proposal ready")
		return ok
	}); err != nil {
		t.Fatalf("no proposal in the admin's DM: %v\n%+v", err, e.sim.DMs(alex))
	}
	text := blocksText(summary.Blocks)
	t.Logf("the admin sees:\n%s", text)
	for _, want := range []string{"Read 5 messages in 2 of 3 channels", "by 5 people", "Commercials", "Demo",
		"People disagree", "at contract signed", "at kickoff held", "/invite @Journey", "<#C0RANDOM>", "Review and publish"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if !summary.Edited || summary.Via != "chat.update" {
		t.Errorf("the progress message was not updated in place (edited %v, via %s)", summary.Edited, summary.Via)
	}
	if n := len(e.sim.DMs(alex)); n != 1 {
		t.Errorf("the admin got %d DMs, want the one progress message updated in place", n)
	}

	// review: rename Commercials, drop Advocacy, publish
	var runID string
	for _, line := range strings.Split(string(summary.Blocks), "\"") {
		if len(line) == 36 && strings.Count(line, "-") == 4 {
			runID = line
		}
	}
	if runID == "" {
		t.Fatalf("no run id on the review button: %s", summary.Blocks)
	}
	if _, err := e.sim.Click(ctx(t), alex, slacksim.Target{ChannelID: summary.Channel, MessageTS: summary.TS}, slackapp.ActionSetupReview, runID); err != nil {
		t.Fatal(err)
	}
	review := e.openView(alex, slackapp.CallbackSetupReview)
	if rt := blocksText(review.JSON); !strings.Contains(rt, "sales-leadership") || !strings.Contains(rt, "https://sample.slack.com/archives/C0SALESLEAD/p") {
		t.Errorf("the review does not cite the messages:\n%s", rt)
	}
	outline := initialOutline(t, review)
	var edited []string
	dropping := false
	for _, l := range strings.Split(outline, "\n") {
		if !strings.HasPrefix(l, "- ") {
			dropping = strings.HasSuffix(l, "| advocacy")
		}
		if dropping {
			continue
		}
		edited = append(edited, strings.Replace(l, "Commercials |", "Commercial terms |", 1))
	}
	if !strings.Contains(outline, "Commercials | sales | proposal") {
		t.Fatalf("outline:\n%s", outline)
	}
	// a broken line is refused in the modal, and nothing is published
	if _, err := e.sim.SubmitView(ctx(t), alex, review.ID, map[string]map[string]string{
		slackapp.BlockSetupOutline: {slackapp.InputSetupOutline: "- Orphan\n" + strings.Join(edited, "\n")}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.sim.View(review.ID); v.Closed || !strings.Contains(v.Errors[slackapp.BlockSetupOutline], "line 1") {
		t.Fatalf("broken outline: closed %v, errors %v", v.Closed, v.Errors)
	}
	if _, err := e.sim.SubmitView(ctx(t), alex, review.ID, map[string]map[string]string{
		slackapp.BlockSetupOutline: {slackapp.InputSetupOutline: strings.Join(edited, "\n")}}); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the published note", func() bool { _, ok := e.dmWith(alex, "Published *SaaS sales-led* v2"); return ok })
	if m, _ := e.dmWith(alex, "Journey published"); m.TS != summary.TS {
		t.Errorf("the summary was not updated to say it was published")
	}

	// the account shows under the new stages; v1 is kept
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0ACME", "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	var card slacksim.Message
	e.waitFor("the card", func() bool {
		var ok bool
		card, ok = e.ephemeralWith(maya, "Commercial terms")
		return ok
	})
	ct := blocksText(card.Blocks)
	for _, want := range []string{"Acme Corp", "Commercial terms", "v2", "Demo"} {
		if !strings.Contains(ct, want) {
			t.Errorf("card lacks %q:\n%s", want, ct)
		}
	}
	if strings.Contains(ct, "Advocacy") {
		t.Errorf("card still shows the dropped stage")
	}
	versions, err := e.s.DefinitionVersions(ctx(t), e.ws.ID, "saas-sales-led")
	if err != nil || len(versions) != 2 {
		t.Fatalf("versions %v, %v", versions, err)
	}
	v1, err := e.s.Definition(ctx(t), e.ws.ID, "saas-sales-led", 1)
	if err != nil || v1.StageIndex("proposal") < 0 || v1.Stages[v1.StageIndex("proposal")].Name != "Proposal" || v1.StageIndex("advocacy") < 0 {
		t.Errorf("version 1 was not kept as it was: %v", err)
	}
	v2, err := e.s.Definition(ctx(t), e.ws.ID, "saas-sales-led", 2)
	if err != nil || v2.Source != "bootstrap" || v2.StageIndex("advocacy") >= 0 {
		t.Errorf("version 2: source %q, %v", v2.Source, err)
	}
}

func TestSetupFromTemplate(t *testing.T) {
	t.Parallel()
	e := start(t)
	// a Slack workspace admin who is not one of Journey's people may set up too
	const olga = "U0OWNER"
	e.sim.AddUser(slacksim.User{ID: olga, Name: "olga", RealName: "Olga Owner", IsAdmin: true})
	if _, err := e.sim.SlashCommand(ctx(t), olga, "C0GENERAL", "/journey", "setup"); err != nil {
		t.Fatal(err)
	}
	e.openView(olga, slackapp.CallbackSetupStart)
	// a guest who is neither may not
	if _, err := e.sim.SlashCommand(ctx(t), guest, "C0GENERAL", "/journey", "setup"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the guest's refusal", func() bool { _, ok := e.ephemeralWith(guest, "Only Journey admins"); return ok })

	if _, err := e.sim.SlashCommand(ctx(t), alex, "C0GENERAL", "/journey", "setup"); err != nil {
		t.Fatal(err)
	}
	v := e.openView(alex, slackapp.CallbackSetupStart)
	if _, err := e.sim.SubmitView(ctx(t), alex, v.ID, map[string]map[string]string{
		slackapp.BlockSetupSource: {slackapp.InputSetupSource: "template:enterprise"}}); err != nil {
		t.Fatal(err)
	}
	review := e.openView(alex, slackapp.CallbackSetupReview)
	outline := initialOutline(t, review)
	if !strings.Contains(outline, "Technical validation | sales | technical_validation") {
		t.Fatalf("outline is not the enterprise template:\n%s", outline)
	}
	if _, err := e.sim.SubmitView(ctx(t), alex, review.ID, map[string]map[string]string{
		slackapp.BlockSetupOutline: {slackapp.InputSetupOutline: outline}}); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the published note", func() bool { _, ok := e.dmWith(alex, "Published *Enterprise* v2"); return ok })
}

func TestSetupEmptyChannel(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.sim.AddChannel(slacksim.Channel{ID: "C0QUIET", Name: "revops", Members: []string{"U0BOT", alex}})
	if _, err := e.sim.SlashCommand(ctx(t), alex, "C0GENERAL", "/journey", "setup"); err != nil {
		t.Fatal(err)
	}
	v := e.openView(alex, slackapp.CallbackSetupStart)
	if _, err := e.sim.SubmitView(ctx(t), alex, v.ID, map[string]map[string]string{
		slackapp.BlockSetupSource:   {slackapp.InputSetupSource: slackapp.SetupFromHistory},
		slackapp.BlockSetupChannels: {slackapp.InputSetupChannels: "revops"},
		slackapp.BlockSetupWindow:   {slackapp.InputSetupWindow: "30"},
	}); err != nil {
		t.Fatal(err)
	}
	c, cancel := contextWithTimeout(30 * time.Second)
	defer cancel()
	if err := e.sim.WaitFor(c, func() bool {
		_, ok := e.dmWith(alex, "No messages with text in those channels the last 30 days")
		return ok
	}); err != nil {
		t.Fatalf("empty history was not explained: %v\n%+v", err, e.sim.DMs(alex))
	}
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
