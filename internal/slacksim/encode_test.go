package slacksim

import (
	"strings"
	"testing"

	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// TestTextIsEncodedAsSlackDoes: people's text arrives as Slack sends it,
// and a deleted thread parent with replies stays as a tombstone.
func TestTextIsEncodedAsSlackDoes(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	b := connectBot(t, s, nil)
	ctx := ctxT(t)
	ts, err := s.Post(ctx, "maya", "deals-acme", "", "AT&T <3 @maya, see #deals-acme")
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, m := range s.Messages("C0ACME") {
		if m.TS == ts {
			text = m.Text
		}
	}
	if want := "AT&amp;T &lt;3 <@U0MAYA>, see <#C0ACME|deals-acme>"; text != want {
		t.Errorf("stored %q, want %q", text, want)
	}
	if _, err := s.Post(ctx, "raj", "deals-acme", ts, "a reply"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unfurl(ctx, "C0ACME", ts); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMessage(ctx, "maya", "deals-acme", ts); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range b.events(socketmode.EventTypeEventsAPI) {
		m, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
		if !ok || m.SubType != "message_changed" {
			continue
		}
		kinds = append(kinds, m.Message.SubType)
		if m.Message.SubType == "" && (m.PreviousMessage == nil || m.PreviousMessage.Text != m.Message.Text) {
			t.Errorf("an unfurl changes no text: %+v", m)
		}
		if m.Message.SubType == "tombstone" && m.Message.Text != "This message was deleted." {
			t.Errorf("tombstone = %+v", m.Message)
		}
	}
	if strings.Join(kinds, ",") != ",tombstone" {
		t.Errorf("message_changed events = %q, want an unfurl then a tombstone", kinds)
	}
}
