package slacksim

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// TestSubmissionActions opens a modal with selects from a button click, then
// exercises response_action update, push and clear and a notified close.
func TestSubmissionActions(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	api := apiClient(s)
	var last atomic.Pointer[slack.InteractionCallback]
	var answer atomic.Value // what the next view_submission ack carries
	answer.Store("")
	stage := slack.NewInputBlock("stage", slack.NewTextBlockObject(slack.PlainTextType, "Stage", false, false), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "stage_select",
			slack.NewOptionBlockObject("eval", slack.NewTextBlockObject(slack.PlainTextType, "Evaluation", false, false), nil),
			slack.NewOptionBlockObject("won", slack.NewTextBlockObject(slack.PlainTextType, "Closed won", false, false), nil)))
	owner := slack.NewInputBlock("owner", slack.NewTextBlockObject(slack.PlainTextType, "Owner", false, false), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "owner_select"))
	due := slack.NewInputBlock("due", slack.NewTextBlockObject(slack.PlainTextType, "Due", false, false), nil,
		slack.NewDatePickerBlockElement("due_date"))
	due.Optional = true

	connectBot(t, s, func(b *bot, evt socketmode.Event) {
		if evt.Type != socketmode.EventTypeInteractive {
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				_ = b.sm.Ack(*evt.Request)
			}
			return
		}
		cb := evt.Data.(slack.InteractionCallback)
		last.Store(&cb)
		switch cb.Type {
		case slack.InteractionTypeBlockActions:
			_ = b.sm.Ack(*evt.Request)
			m := modal("Move stage", stage, owner, due)
			m.NotifyOnClose = true
			_, _ = b.api.OpenViewContext(ctxT(t), cb.TriggerID, m)
		case slack.InteractionTypeViewSubmission:
			switch answer.Load().(string) {
			case "update":
				_ = b.sm.Ack(*evt.Request, slack.NewUpdateViewSubmissionResponse(ptr(modal("Updated", noteInput()))))
			case "push":
				_ = b.sm.Ack(*evt.Request, slack.NewPushViewSubmissionResponse(ptr(modal("Pushed", noteInput()))))
			case "clear":
				_ = b.sm.Ack(*evt.Request, slack.NewClearViewSubmissionResponse())
			default:
				_ = b.sm.Ack(*evt.Request)
			}
		default:
			_ = b.sm.Ack(*evt.Request)
		}
	})
	ctx := ctxT(t)
	_, ts, err := api.PostMessageContext(ctx, "C0ACME", slack.MsgOptionBlocks(cardBlocks()...), slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Click(ctx, "maya", Target{ChannelID: "C0ACME", MessageTS: ts}, "send", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitFor(ctx, func() bool { return len(s.Views("U0MAYA")) == 1 }); err != nil {
		t.Fatal(err)
	}
	v := s.Views("U0MAYA")[0]

	_, err = s.SubmitView(ctx, "maya", v.ID, map[string]map[string]string{"stage": {"stage_select": "won"}, "nope": {"x": "y"}})
	if err == nil || !strings.Contains(err.Error(), "stage/stage_select") {
		t.Fatalf("unknown input: %v", err)
	}
	answer.Store("update")
	if _, err := s.SubmitView(ctx, "maya", v.ID, map[string]map[string]string{
		"stage": {"stage_select": "won"}, "owner": {"owner_select": "raj"},
	}); err != nil {
		t.Fatal(err)
	}
	cb := last.Load()
	vals := cb.View.State.Values
	if vals["stage"]["stage_select"].SelectedOption.Value != "won" || vals["stage"]["stage_select"].SelectedOption.Text.Text != "Closed won" ||
		vals["owner"]["owner_select"].SelectedUser != "U0RAJ" || vals["due"]["due_date"].SelectedDate != "" {
		t.Fatalf("state = %+v", vals)
	}
	got, _ := s.View(v.ID)
	if got.Closed || !strings.Contains(string(got.JSON), `"Updated"`) || got.Hash == v.Hash {
		t.Fatalf("after update: %+v", got)
	}

	answer.Store("push")
	if _, err := s.SubmitView(ctx, "maya", v.ID, map[string]map[string]string{"note": {"note_input": "x"}}); err != nil {
		t.Fatal(err)
	}
	views := s.Views("U0MAYA")
	if len(views) != 2 || views[1].RootViewID != v.ID || views[1].Closed {
		t.Fatalf("after push: %+v", views)
	}
	var obj map[string]any
	_ = json.Unmarshal(views[1].JSON, &obj)
	if obj["previous_view_id"] != v.ID {
		t.Fatalf("previous_view_id = %v", obj["previous_view_id"])
	}

	answer.Store("clear")
	if _, err := s.SubmitView(ctx, "maya", views[1].ID, map[string]map[string]string{"note": {"note_input": "y"}}); err != nil {
		t.Fatal(err)
	}
	for _, x := range s.Views("U0MAYA") {
		if !x.Closed {
			t.Fatalf("clear left %s open", x.ID)
		}
	}

	// Closing a notify_on_close modal sends view_closed.
	if _, err := s.Click(ctx, "maya", Target{ChannelID: "C0ACME", MessageTS: ts}, "send", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitFor(ctx, func() bool { return len(s.Views("U0MAYA")) == 3 }); err != nil {
		t.Fatal(err)
	}
	third := s.Views("U0MAYA")[2]
	if _, err := s.CloseView(ctx, "maya", third.ID); err != nil {
		t.Fatal(err)
	}
	if cb := last.Load(); cb.Type != slack.InteractionTypeViewClosed || cb.View.ID != third.ID {
		t.Fatalf("view_closed = %+v", cb)
	}
}

func ptr[T any](v T) *T { return &v }

func TestTwoConnections(t *testing.T) {
	t.Parallel()
	s := startSim(t, nil)
	a := connectBot(t, s, nil)
	b := connectBot(t, s, nil)
	if s.Connections() != 2 {
		t.Fatalf("connections = %d", s.Connections())
	}
	if hellos := b.events(socketmode.EventTypeHello); hellos[0].Request.NumConnections != 2 {
		t.Fatalf("second hello num_connections = %d", hellos[0].Request.NumConnections)
	}
	ctx := ctxT(t)
	for range 20 {
		if _, err := s.Post(ctx, "maya", "deals-acme", "", "hi"); err != nil {
			t.Fatal(err)
		}
	}
	na, nb := a.count(socketmode.EventTypeEventsAPI), b.count(socketmode.EventTypeEventsAPI)
	if na+nb != 20 || na == 0 || nb == 0 {
		t.Fatalf("envelopes per connection: %d and %d", na, nb)
	}
}
