package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/slacksim"
)

// #deals-acme is shared with Acme (Slack Connect); Tom is Acme's champion.
const (
	shared = "C0ACME"
	tom    = "U0ACMETOM"
)

// internalWords are what a card or an answer about an account shows and a
// refusal must not.
var internalWords = []string{"Globex", "Initech", "Acme Corp", "Stage:", "Health", "ARR", "Owner", "CSM", "Share in channel"}

// botPostsIn lists what the bot posted for everyone in a channel (top level
// and thread replies).
func (e *env) botPostsIn(channel string) []slacksim.Message {
	var out []slacksim.Message
	for _, m := range e.sim.Messages(channel) {
		if m.BotID != "" {
			out = append(out, m)
		}
	}
	return out
}

// noInternal fails when any of msgs shows internal data.
func noInternal(t *testing.T, where string, msgs []slacksim.Message) {
	t.Helper()
	for _, m := range msgs {
		text := m.Text + "\n" + blocksText(m.Blocks)
		for _, w := range internalWords {
			if strings.Contains(text, w) {
				t.Errorf("%s shows %q: %s", where, w, text)
				break
			}
		}
	}
}

// shareValue is the account id on a card's Share in channel button.
func shareValue(m slacksim.Message) string {
	var blocks []map[string]any
	_ = json.Unmarshal(m.Blocks, &blocks)
	for _, b := range blocks {
		els, _ := b["elements"].([]any)
		for _, el := range els {
			if x, ok := el.(map[string]any); ok && x["action_id"] == "journey_share" {
				s, _ := x["value"].(string)
				return s
			}
		}
	}
	return ""
}

func TestOutsiderSlashCommandIsRefused(t *testing.T) {
	t.Parallel()
	e := start(t)
	ack, err := e.sim.SlashCommand(ctx(t), tom, shared, "/journey", "globex")
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor("Tom's refusal", func() bool { _, ok := e.ephemeralWith(tom, "Sorry"); return ok })
	e.quiet()
	noInternal(t, "an ephemeral to Tom", e.sim.Ephemerals(tom))
	if strings.Contains(ackText(ack), "Globex") || strings.Contains(ackText(ack), "Stage:") {
		t.Errorf("the ack to Tom shows internal data: %s", ackText(ack))
	}
	noInternal(t, "#deals-acme", e.botPostsIn(shared))
}

func TestMentionInSharedChannel(t *testing.T) {
	t.Parallel()
	e := start(t)
	// Tom asks: a refusal only he sees
	if _, err := e.sim.Mention(ctx(t), tom, shared, "", "initech"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Tom's refusal", func() bool { _, ok := e.ephemeralWith(tom, "Sorry"); return ok })
	// Maya asks: the card, to her alone, saying why
	if _, err := e.sim.Mention(ctx(t), maya, shared, "", "initech"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Maya's card, to her only", func() bool { _, ok := e.ephemeralWith(maya, "Initech"); return ok })
	m, _ := e.ephemeralWith(maya, "Initech")
	if !strings.Contains(blocksText(m.Blocks), "outside your organization") {
		t.Errorf("Maya's card should say why only she sees it: %s", blocksText(m.Blocks))
	}
	// a bare mention in the channel linked to Acme: Acme's card, to her only
	if _, err := e.sim.Mention(ctx(t), maya, shared, "", ""); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Acme's card to Maya", func() bool { _, ok := e.ephemeralWith(maya, "Acme Corp"); return ok })
	e.quiet()
	noInternal(t, "an ephemeral to Tom", e.sim.Ephemerals(tom))
	noInternal(t, "#deals-acme", e.botPostsIn(shared))
}

func TestShareInSharedChannelExplains(t *testing.T) {
	t.Parallel()
	e := start(t)
	if _, err := e.sim.SlashCommand(ctx(t), maya, shared, "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	var card slacksim.Message
	e.waitFor("Maya's card", func() bool {
		var ok bool
		card, ok = e.ephemeralWith(maya, "Share in channel")
		return ok
	})
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: card.Channel, MessageTS: card.TS, Ephemeral: true}, "journey_share", shareValue(card)); err != nil {
		t.Fatal(err)
	}
	e.waitFor("why it won't post", func() bool { _, ok := e.ephemeralWith(maya, "shared with people outside"); return ok })
	e.quiet()
	noInternal(t, "#deals-acme", e.botPostsIn(shared))
}

func TestGuestGetsNothingInternal(t *testing.T) {
	t.Parallel()
	e := start(t)
	// guest is a member of the workspace Journey does not know
	if _, err := e.sim.SlashCommand(ctx(t), guest, "C0GENERAL", "/journey", "acme"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the guest's refusal", func() bool { _, ok := e.ephemeralWith(guest, "Sorry"); return ok })
	parent, err := e.sim.Post(ctx(t), guest, "C0GENERAL", "", "Anyone know about Globex?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Mention(ctx(t), guest, "C0GENERAL", parent, "globex"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the refusal of the mention", func() bool {
		n := 0
		for _, m := range e.sim.Ephemerals(guest) {
			if strings.Contains(m.Text, "Sorry") {
				n++
			}
		}
		return n == 2
	})
	if _, _, err := e.sim.SendDM(ctx(t), guest, "initech"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the refusal in the DM", func() bool {
		for _, m := range e.sim.DMs(guest) {
			if m.BotID != "" && strings.Contains(m.Text, "Sorry") {
				return true
			}
		}
		return false
	})
	e.quiet()
	noInternal(t, "an ephemeral to the guest", e.sim.Ephemerals(guest))
	noInternal(t, "the guest's DM", e.sim.DMs(guest))
	noInternal(t, "#general", e.botPostsIn("C0GENERAL"))
}

func TestInternalPersonInInternalChannelGetsEverything(t *testing.T) {
	t.Parallel()
	e := start(t)
	if _, err := e.sim.SlashCommand(ctx(t), maya, "C0GENERAL", "/journey", "globex"); err != nil {
		t.Fatal(err)
	}
	var card slacksim.Message
	e.waitFor("Maya's card", func() bool {
		var ok bool
		card, ok = e.ephemeralWith(maya, "Stage:")
		return ok && strings.Contains(blocksText(card.Blocks), "Share in channel")
	})
	parent, err := e.sim.Post(ctx(t), maya, "C0GENERAL", "", "How is Initech doing?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Mention(ctx(t), maya, "C0GENERAL", parent, "initech"); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Initech's card in the thread", func() bool {
		for _, m := range e.sim.Thread("C0GENERAL", parent) {
			if m.BotID != "" && strings.Contains(blocksText(m.Blocks), "Initech") {
				return true
			}
		}
		return false
	})
	if _, err := e.sim.Click(ctx(t), maya, slacksim.Target{ChannelID: card.Channel, MessageTS: card.TS, Ephemeral: true}, "journey_share", shareValue(card)); err != nil {
		t.Fatal(err)
	}
	e.waitFor("Globex's card shared in #general", func() bool {
		for _, m := range e.sim.Messages("C0GENERAL") {
			if m.BotID != "" && m.ThreadTS == "" && strings.Contains(blocksText(m.Blocks), "Globex") {
				return true
			}
		}
		return false
	})
}
