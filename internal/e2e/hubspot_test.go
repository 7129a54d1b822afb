package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/crmtest"
	"github.com/journeyhq/journey/internal/hubspot"
	"github.com/journeyhq/journey/internal/hubspotsim"
	"github.com/journeyhq/journey/internal/slacksim"
)

// crm is the sandbox with a local HubSpot holding the same book, synced once.
type crm struct {
	*env
	hs *crmtest.HubSpot
}

func startCRM(t *testing.T) *crm {
	t.Helper()
	e := start(t)
	c := &crm{env: e, hs: crmtest.Start(t, "pat-e2e", now)}
	rep := c.sync()
	if rep.Prompts != 0 || rep.Changes != 0 {
		t.Fatalf("the first sync of an unchanged book should ask nothing:\n%s", rep)
	}
	return c
}

func (c *crm) sync() hubspot.Report {
	c.t.Helper()
	rep, err := c.sb.Jobs.SyncHubSpot(ctx(c.t), c.hs.Config(), c.ws.ID)
	if err != nil {
		c.t.Fatalf("sync: %v\n%s", err, rep)
	}
	return rep
}

// dmWith waits for a bot DM to user containing want.
func (c *crm) dmWith(user, want string) slacksim.Message {
	c.t.Helper()
	var found slacksim.Message
	c.waitFor("a DM to "+user+" with "+want, func() bool {
		for _, m := range c.sim.DMs(user) {
			if m.BotID != "" && strings.Contains(m.Text+"\n"+blocksText(m.Blocks), want) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// card asks for /journey QUERY as user and returns the card's text.
func (c *crm) card(user, query, want string) string {
	c.t.Helper()
	before := len(c.sim.Ephemerals(user))
	if _, err := c.sim.SlashCommand(ctx(c.t), user, "C0GENERAL", "/journey", query); err != nil {
		c.t.Fatal(err)
	}
	var text string
	c.waitFor("/journey "+query, func() bool {
		ms := c.sim.Ephemerals(user)
		if len(ms) <= before {
			return false
		}
		text = ms[len(ms)-1].Text + "\n" + blocksText(ms[len(ms)-1].Blocks)
		return true
	})
	if !strings.Contains(text, want) {
		c.t.Errorf("/journey %s lacks %q:\n%s", query, want, text)
	}
	return text
}

func TestClosedLostToWonInHubSpotAsksTheOwnerWhy(t *testing.T) {
	t.Parallel()
	c := startCRM(t)
	acme := c.hs.Deal(t, "Acme Corp")
	mayaUser := c.hs.Fixture.UserOf["maya.patel@sample.example"]
	if err := c.hs.Set("deals", acme, now.Add(-26*time.Hour), mayaUser, map[string]string{"dealstage": "closedlost"}); err != nil {
		t.Fatal(err)
	}
	if err := c.hs.Set("deals", acme, now.Add(-time.Hour), mayaUser, map[string]string{"dealstage": "closedwon", "amount": "52000"}); err != nil {
		t.Fatal(err)
	}
	rep := c.sync()
	if rep.Changes != 3 {
		t.Errorf("want 3 changes, got:\n%s", rep)
	}

	// within that one sync, Maya is asked why
	ask := c.dmWith(maya, "Acme Corp moved Closed Lost → Closed Won. Why?")
	for _, want := range []string{"Customer came back", "Other…", "changed by Maya Patel in HubSpot"} {
		if !strings.Contains(blocksText(ask.Blocks), want) {
			t.Errorf("the question lacks %q:\n%s", want, blocksText(ask.Blocks))
		}
	}
	// the amount change is asked too, and the handoff gaps
	amount := c.dmWith(maya, "changed amount from 48000.00 to 52000.00")
	handoff := c.dmWith(maya, "The handoff to CS is missing")
	for _, want := range []string{"Objections raised", "Renewal date", "Fill the gaps"} {
		if !strings.Contains(blocksText(handoff.Blocks), want) {
			t.Errorf("the handoff DM lacks %q:\n%s", want, blocksText(handoff.Blocks))
		}
	}

	// the manager's digest lists the change still without a reason
	dana, _, err := c.s.PersonBySlackID(context.Background(), c.ws.ID, "U0MGR1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.sb.Slack.PostDigest(ctx(t), c.ws.ID, "C0MANAGERS", dana, now.Format(time.DateOnly), now.Add(-24*time.Hour), now); err != nil {
		t.Fatal(err)
	}
	digest := ""
	for _, m := range c.sim.Messages("C0MANAGERS") {
		digest += blocksText(m.Blocks)
	}
	if !strings.Contains(digest, "Changes still without a reason") || !strings.Contains(digest, "Acme Corp: stage Closed Lost → Closed Won (asked Maya Patel") {
		t.Errorf("digest lacks the unanswered change:\n%s", digest)
	}

	// Jordan cannot answer Maya's question
	before := len(c.sim.Ephemerals(jordan))
	if _, err := c.sim.Click(ctx(t), jordan, slacksim.Target{ChannelID: ask.Channel, MessageTS: ask.TS}, "reason_pick:0", ""); err != nil {
		t.Fatal(err)
	}
	c.waitFor("a refusal", func() bool {
		for _, m := range c.sim.Ephemerals(jordan)[before:] {
			if strings.Contains(m.Text, "This question was asked of Maya Patel; only they (or an admin) can answer it.") {
				return true
			}
		}
		return false
	})

	// Maya picks a reason; the question turns into the answer
	if _, err := c.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: ask.Channel, MessageTS: ask.TS}, "reason_pick:0", ""); err != nil {
		t.Fatal(err)
	}
	c.dmWith(maya, "Reason recorded: *Customer came back* (by Maya Patel)")
	// and writes the other one herself
	if _, err := c.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: amount.Channel, MessageTS: amount.TS}, "reason_other", ""); err != nil {
		t.Fatal(err)
	}
	var modal slacksim.View
	c.waitFor("the reason modal", func() bool {
		vs := c.sim.Views(maya)
		if len(vs) == 0 || !strings.Contains(string(vs[len(vs)-1].JSON), "Why did it change?") {
			return false
		}
		modal = vs[len(vs)-1]
		return true
	})
	if _, err := c.sim.SubmitView(ctx(t), maya, modal.ID, map[string]map[string]string{"reason": {"text": "Ten more seats for their support team"}}); err != nil {
		t.Fatal(err)
	}
	c.dmWith(maya, "Reason recorded: *Ten more seats for their support team*")

	// the card shows the answers with the changes
	card := c.card(maya, "acme", "stage: closedlost → closedwon by Maya Patel (hubspot) — Customer came back")
	if !strings.Contains(card, "amount: 48000.00 → 52000.00 by Maya Patel (hubspot) — Ten more seats for their support team") {
		t.Errorf("card lacks the written reason:\n%s", card)
	}
	if !strings.Contains(card, "Expansion:") {
		t.Errorf("a customer's card shows expansion readiness:\n%s", card)
	}

	// the handoff names its missing fields, and filling one removes it
	h := c.card("U0CSM1", "handoff acme", "Handoff: Acme Corp")
	for _, want := range []string{"Objections raised (and how they were addressed)* — _missing_", "Contract value (ARR)* 52,000 USD",
		"Champion: name, role, contact* Tom Becker", "we lead on the Slack workflow"} {
		if !strings.Contains(h, want) {
			t.Errorf("handoff lacks %q:\n%s", want, h)
		}
	}
	if _, err := c.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: handoff.Channel, MessageTS: handoff.TS}, "handoff_fill", ""); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the handoff modal", func() bool {
		vs := c.sim.Views(maya)
		if len(vs) == 0 || !strings.Contains(string(vs[len(vs)-1].JSON), "hf_objections") {
			return false
		}
		modal = vs[len(vs)-1]
		return true
	})
	if _, err := c.sim.SubmitView(ctx(t), maya, modal.ID, map[string]map[string]string{"hf_objections": {"text": "Price: solved with a two-year term"}}); err != nil {
		t.Fatal(err)
	}
	c.dmWith(maya, "handoff saved. Still missing")
	h = c.card("U0CSM1", "handoff acme", "Price: solved with a two-year term _(from the AE)_")
	if strings.Contains(h, "Objections raised (and how they were addressed)* — _missing_") {
		t.Errorf("the answered field is still missing:\n%s", h)
	}

	// a second sync asks nothing again
	if rep := c.sync(); rep.Changes != 0 || rep.Prompts != 0 {
		t.Errorf("re-sync:\n%s", rep)
	}
}

func TestCSMReassignedInHubSpotShowsCustomerToldUntilConfirmed(t *testing.T) {
	t.Parallel()
	c := startCRM(t)
	globex := c.hs.Company(t, "Globex")
	if err := c.hs.Set("companies", globex, now.Add(-2*time.Hour), c.hs.Fixture.UserOf["dana.whitfield@sample.example"],
		map[string]string{hubspotsim.CSMProperty: c.hs.Fixture.OwnerOf["marcus.green@sample.example"]}); err != nil {
		t.Fatal(err)
	}
	c.sync()
	ask := c.dmWith("U0CSM2", "Globex: the CSM changed from Priya Raman to Marcus Green on "+now.Format("Jan 2, 2006")+". Was the customer told, and by whom?")
	c.card("U0CSM2", "globex", "CSM changed from Priya Raman to Marcus Green on "+now.Format("Jan 2, 2006")+" (hubspot) — customer told: not yet")
	// "Not yet" keeps it so
	seen := len(c.sim.Ephemerals("U0CSM2"))
	if _, err := c.sim.Click(ctx(t), "U0CSM2", slacksim.Target{ChannelID: ask.Channel, MessageTS: ask.TS}, "csm_told:3", ""); err != nil {
		t.Fatal(err)
	}
	c.waitFor("noted", func() bool {
		for _, m := range c.sim.Ephemerals("U0CSM2")[seen:] {
			if strings.Contains(m.Text, "Noted. The card of Globex shows “customer told: not yet” until you confirm here.") {
				return true
			}
		}
		return false
	})
	c.card("U0CSM2", "globex", "Marcus Green on "+now.Format("Jan 2, 2006")+" (hubspot) — customer told: not yet")
	// then Marcus confirms he told them
	if _, err := c.sim.Click(ctx(t), "U0CSM2", slacksim.Target{ChannelID: ask.Channel, MessageTS: ask.TS}, "csm_told:0", ""); err != nil {
		t.Fatal(err)
	}
	c.dmWith("U0CSM2", "customer told of the new CSM, by Marcus Green")
	card := c.card("U0CSM2", "globex", "CSM changed from Priya Raman to Marcus Green on "+now.Format("Jan 2, 2006")+" (hubspot) — customer told: yes, by Marcus Green")
	if !strings.Contains(card, "CSM <@U0CSM2>") {
		t.Errorf("the card's CSM should be Marcus now:\n%s", card)
	}
}
