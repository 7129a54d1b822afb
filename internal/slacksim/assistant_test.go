package slacksim

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestAssistantThread(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	started := make(chan slackevents.AssistantThreadStartedEvent, 1)
	connectBot(t, s, func(b *bot, evt socketmode.Event) {
		if evt.Request != nil {
			_ = b.sm.Ack(*evt.Request)
		}
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			if e, ok := ev.InnerEvent.Data.(*slackevents.AssistantThreadStartedEvent); ok {
				started <- *e
			}
		}
	})
	ch, ts, err := s.StartAssistantThread(ctxT(t), "U0MAYA")
	if err != nil {
		t.Fatal(err)
	}
	e := <-started
	if e.AssistantThread.UserID != "U0MAYA" || e.AssistantThread.ChannelID != ch || e.AssistantThread.ThreadTimeStamp != ts {
		t.Fatalf("assistant_thread_started: %+v", e)
	}
	api := apiClient(s)
	ctx := ctxT(t)

	// suggested prompts: 1 to 4, each with a title and a message
	p := slack.AssistantThreadsSetSuggestedPromptsParameters{ChannelID: ch, ThreadTS: ts, Title: "Try"}
	if err := api.SetAssistantThreadsSuggestedPromptsContext(ctx, p); err == nil || !strings.Contains(err.Error(), "invalid_arguments") {
		t.Errorf("no prompts: %v", err)
	}
	for i := 0; i < 5; i++ {
		p.AddPrompt("t", "m")
	}
	if err := api.SetAssistantThreadsSuggestedPromptsContext(ctx, p); err == nil {
		t.Error("5 prompts were accepted; Slack takes at most 4")
	}
	p.Prompts = p.Prompts[:2]
	if err := api.SetAssistantThreadsSuggestedPromptsContext(ctx, p); err != nil {
		t.Fatal(err)
	}
	bad := slack.AssistantThreadsSetSuggestedPromptsParameters{ChannelID: ch, ThreadTS: "123.456", Prompts: p.Prompts}
	if err := api.SetAssistantThreadsSuggestedPromptsContext(ctx, bad); err == nil || !strings.Contains(err.Error(), "invalid_thread_ts") {
		t.Errorf("unknown thread: %v", err)
	}
	if err := api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: "C0ACME", ThreadTS: ts, Status: "x"}); err == nil {
		t.Error("a status on a channel that is no assistant DM was accepted")
	}

	// the status shows until the bot replies in the thread
	if err := api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: ch, ThreadTS: ts, Status: "is thinking…"}); err != nil {
		t.Fatal(err)
	}
	if got := s.AssistantStatus(ch, ts); got != "is thinking…" {
		t.Errorf("status %q", got)
	}
	if _, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("an answer", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}
	if got := s.AssistantStatus(ch, ts); got != "" {
		t.Errorf("status %q after the reply; Slack clears it", got)
	}
	th, ok := s.AssistantThread(ch, ts)
	if !ok || len(th.Prompts) != 2 || th.PromptsTitle != "Try" || len(th.Statuses) != 1 {
		t.Errorf("thread state: %+v", th)
	}
}
