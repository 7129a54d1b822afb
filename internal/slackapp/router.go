package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/journeyhq/journey/internal/journey"
)

// maxAckPayload is below Slack's 20 KB limit for a Socket Mode ack; a bigger
// answer goes through response_url instead.
const maxAckPayload = 19 * 1024

// handlerTimeout bounds one handler's work.
const handlerTimeout = 30 * time.Second

// caller is who did something, resolved once per request.
type caller struct {
	TeamID  string
	UserID  string
	WS      journey.Workspace
	Person  journey.Person // zero when the Slack user is not one of our people
	Known   bool           // Person is set
	Channel string
	// Outsider is a person of another organization (Slack Connect), Guest a
	// Slack guest of this one; MayRead says whether the caller may see
	// internal data at all (Config.Readers). decideAccess sets all three.
	Outsider bool
	Guest    bool
	MayRead  bool
}

// CanActFor reports whether the caller may act on an action owned by ownerID.
func (c caller) CanActFor(ownerID string) bool {
	return c.Known && (c.Person.ID == ownerID || c.Person.Role == journey.RoleAdmin)
}

type commandHandler func(ctx context.Context, c caller, cmd slack.SlashCommand, r *responder) error
type actionHandler func(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error
type submissionHandler func(ctx context.Context, c caller, cb slack.InteractionCallback, r *responder) error
type eventHandler func(ctx context.Context, c caller, ev slackevents.EventsAPIInnerEvent) error

// responder delivers one answer: as the ack's payload while the ack is still
// pending (and the answer small enough), else through response_url.
type responder struct {
	mu          sync.Mutex
	acked       bool
	ack         chan any
	responseURL string
}

func newResponder(responseURL string) *responder {
	return &responder{ack: make(chan any, 1), responseURL: responseURL}
}

// Ack hands payload to the pending ack; it returns false when the ack has
// gone already.
func (r *responder) Ack(payload any) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acked {
		return false
	}
	if b, err := json.Marshal(payload); err != nil || len(b) > maxAckPayload {
		return false
	}
	r.acked = true
	r.ack <- payload
	return true
}

// expire marks the ack as gone (the budget ran out).
func (r *responder) expire() {
	r.mu.Lock()
	r.acked = true
	r.mu.Unlock()
}

// Reply answers the person who asked: in the ack if it is still pending,
// else by posting msg to response_url.
func (r *responder) Reply(ctx context.Context, msg *slack.WebhookMessage) error {
	if r.Ack(msg) {
		return nil
	}
	if r.responseURL == "" {
		return fmt.Errorf("no response_url to answer through")
	}
	return slack.PostWebhookContext(ctx, r.responseURL, msg)
}

// route acks the envelope (at once, or with the answer when it is ready
// within the budget) and hands the work to the pool. It never blocks for
// longer than the ack budget.
func (a *App) route(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		a.routeEvent(ctx, client, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			a.ackEmpty(ctx, client, evt)
			return
		}
		h := a.commands[cmd.Command]
		if h == nil {
			a.ackPayload(ctx, client, evt, ephemeral(fmt.Sprintf("Journey does not know the command %s.", escape(cmd.Command))))
			return
		}
		r := newResponder(cmd.ResponseURL)
		// waits for the answer up to the budget in its own goroutine, so
		// the connection's envelopes keep flowing meanwhile
		a.goBusy(func() {
			a.withBudget(ctx, client, evt, r, a.cfg.AckBudget, func(hctx context.Context) error {
				c, err := a.caller(hctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
				if err != nil {
					return r.Reply(hctx, ephemeral(journey.ErrorMessage(err)))
				}
				return h(hctx, c, cmd, r)
			})
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			a.ackEmpty(ctx, client, evt)
			return
		}
		a.routeInteraction(ctx, client, evt, cb)
	}
}

func (a *App) routeInteraction(ctx context.Context, client *socketmode.Client, evt socketmode.Event, cb slack.InteractionCallback) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		// Slack wants block_actions acked empty; the answer updates the
		// message or view afterwards.
		a.ackEmpty(ctx, client, evt)
		for _, act := range cb.ActionCallback.BlockActions {
			h := a.actions[act.ActionID]
			if base, _, ok := strings.Cut(act.ActionID, ":"); h == nil && ok {
				h = a.actions[base] // numbered ids of repeated buttons: journey_pick:2
			}
			if h == nil {
				a.log.Warn("no handler for action", "action_id", act.ActionID)
				continue
			}
			r := newResponder(cb.ResponseURL)
			r.expire()
			a.run(func(hctx context.Context) error {
				c, err := a.caller(hctx, cb.Team.ID, cb.User.ID, channel)
				if err != nil {
					return r.Reply(hctx, ephemeral(journey.ErrorMessage(err)))
				}
				if !c.MayRead {
					return a.tell(hctx, c, cb, c.refusal())
				}
				return h(hctx, c, cb, *act, r)
			})
		}
	case slack.InteractionTypeViewSubmission:
		h := a.submissions[cb.View.CallbackID]
		if h == nil {
			a.ackEmpty(ctx, client, evt)
			return
		}
		r := newResponder("")
		a.goBusy(func() {
			a.withBudget(ctx, client, evt, r, a.cfg.SubmissionBudget, func(hctx context.Context) error {
				c, err := a.caller(hctx, cb.Team.ID, cb.User.ID, channel)
				if err != nil {
					if block := firstInputBlock(cb.View); block != "" {
						r.Ack(viewErrors(block, journey.ErrorMessage(err)))
						return nil
					}
					return err // acked empty (the modal closes) and logged
				}
				return h(hctx, c, cb, r)
			})
		})
	default: // view_closed and shortcuts: nothing to do
		a.ackEmpty(ctx, client, evt)
	}
}

// routeEvent stores the event in the inbox, acks it, and handles it unless
// the inbox already had it (a retry in a new envelope, or a duplicate).
func (a *App) routeEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || evt.Request == nil {
		a.ackEmpty(ctx, client, evt)
		return
	}
	var outer struct {
		EventID string `json:"event_id"`
		TeamID  string `json:"team_id"`
	}
	_ = json.Unmarshal(evt.Request.Payload, &outer)
	teamID := firstNonEmpty(outer.TeamID, ev.TeamID)
	fresh, err := a.store.RecordSlackEvent(ctx, teamID, outer.EventID, ev.InnerEvent.Type, evt.Request.EnvelopeID,
		evt.Request.RetryAttempt, evt.Request.Payload, a.cfg.Now())
	if err != nil {
		// Not stored: do not ack, so Slack delivers it again.
		a.log.Error("store slack event; leaving it unacked for a retry", "event_id", outer.EventID, "err", err)
		return
	}
	a.ackEmpty(ctx, client, evt)
	if !fresh {
		a.count(func(s *Stats) { s.Duplicates++ })
		a.log.Info("duplicate slack event skipped", "event_id", outer.EventID, "retry", evt.Request.RetryAttempt)
		return
	}
	if a.events[ev.InnerEvent.Type] == nil {
		_ = a.store.MarkSlackEventProcessed(ctx, teamID, outer.EventID, nil, a.cfg.Now())
		return
	}
	a.run(func(hctx context.Context) error {
		// claimed when it runs, so a replay never handles it at the same time
		claimed, err := a.store.ClaimSlackEvent(hctx, teamID, outer.EventID, a.cfg.Now())
		if err != nil || !claimed {
			return err // not claimed: the inbox's replay handles it later
		}
		err = a.handleEvent(hctx, teamID, ev)
		if merr := a.store.MarkSlackEventProcessed(context.WithoutCancel(hctx), teamID, outer.EventID, err, a.cfg.Now()); merr != nil {
			a.log.Error("mark slack event processed", "event_id", outer.EventID, "err", merr)
		}
		return err
	})
}

// handleEvent runs an inner event's handler (none: nothing to do).
func (a *App) handleEvent(ctx context.Context, teamID string, ev slackevents.EventsAPIEvent) error {
	h := a.events[ev.InnerEvent.Type]
	if h == nil {
		return nil
	}
	c, err := a.caller(ctx, teamID, eventUser(ev.InnerEvent), eventChannel(ev.InnerEvent))
	if err != nil {
		return err
	}
	return h(ctx, c, ev.InnerEvent)
}

// ReplaySlackEvent handles again an event from the inbox, from its payload
// as stored (the events_api payload), and returns the handler's error. The
// caller has claimed the event and records the outcome.
func (a *App) ReplaySlackEvent(ctx context.Context, teamID string, payload []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	ev, err := slackevents.ParseEvent(json.RawMessage(payload), slackevents.OptionNoVerifyToken())
	if err != nil {
		return fmt.Errorf("parse stored slack event: %w", err)
	}
	hctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	defer cancel()
	return a.handleEvent(hctx, firstNonEmpty(teamID, ev.TeamID), ev)
}

// withBudget runs h on the pool and acks with its answer if it comes within
// budget, else acks empty and lets the answer follow via response_url (a
// modal submission has none: its answer is lost, and logged).
func (a *App) withBudget(ctx context.Context, client *socketmode.Client, evt socketmode.Event, r *responder, budget time.Duration, h func(context.Context) error) {
	done := make(chan struct{})
	a.run(func(hctx context.Context) error {
		defer close(done)
		return h(hctx)
	})
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case p := <-r.ack:
		a.ackPayload(ctx, client, evt, p)
	case <-done:
		select {
		case p := <-r.ack:
			a.ackPayload(ctx, client, evt, p)
		default:
			r.expire()
			a.ackEmpty(ctx, client, evt)
		}
	case <-timer.C:
		r.expire()
		select { // the answer may have raced the timer
		case p := <-r.ack:
			a.ackPayload(ctx, client, evt, p)
		default:
			if r.responseURL == "" {
				a.log.Warn("no answer within the budget: acked empty, and the answer has no other way to Slack",
					"type", evt.Type, "budget", budget)
			}
			a.ackEmpty(ctx, client, evt)
		}
	}
}

// run executes h on the worker pool with its own timeout, counting outcomes.
func (a *App) run(h func(context.Context) error) {
	a.busy.Add(1)
	a.submit(func() {
		defer a.busy.Add(-1)
		ctx, cancel := context.WithTimeout(context.Background(), handlerTimeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				a.count(func(s *Stats) { s.Failed++ })
				a.log.Error("handler panicked", "panic", p)
			}
		}()
		if err := h(ctx); err != nil {
			a.count(func(s *Stats) { s.Failed++ })
			a.log.Error("handler failed", "err", err)
			return
		}
		a.count(func(s *Stats) { s.Handled++ })
	})
}

func (a *App) ackEmpty(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	if evt.Request == nil {
		return
	}
	if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
		a.log.Error("ack", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}

func (a *App) ackPayload(ctx context.Context, client *socketmode.Client, evt socketmode.Event, payload any) {
	if evt.Request == nil {
		return
	}
	if err := client.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		a.log.Error("ack with payload", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}

// caller resolves the workspace and the person behind a Slack user, and
// what they may see (decideAccess). A payload naming another team than the
// app's comes from a person of another organization (Slack Connect).
func (a *App) caller(ctx context.Context, teamID, userID, channel string) (caller, error) {
	c := caller{TeamID: teamID, UserID: userID, Channel: channel}
	if a.teamID != "" && teamID != "" && teamID != a.teamID {
		c.TeamID, c.Outsider = a.teamID, true
	}
	ws, err := a.store.Workspace(ctx, c.TeamID)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return c, journey.Errorf(journey.ENOTFOUND, "Journey has no data for this Slack workspace yet: an admin loads it with `bot import` (or `bot import --sample` to try it).")
	} else if err != nil {
		return c, err
	}
	c.WS = ws
	if c.Person, c.Known, err = a.store.PersonBySlackID(ctx, ws.ID, userID); err != nil {
		return c, err
	}
	a.decideAccess(ctx, &c)
	return c, nil
}

// eventUser and eventChannel read who sent an inner event and where.
func eventUser(ev slackevents.EventsAPIInnerEvent) string    { u, _ := eventWho(ev); return u }
func eventChannel(ev slackevents.EventsAPIInnerEvent) string { _, c := eventWho(ev); return c }

func eventWho(ev slackevents.EventsAPIInnerEvent) (user, channel string) {
	switch e := ev.Data.(type) {
	case *slackevents.AppMentionEvent:
		return e.User, e.Channel
	case *slackevents.MessageEvent:
		return e.User, e.Channel
	case *slackevents.AppHomeOpenedEvent:
		return e.User, e.Channel
	case *slackevents.MemberJoinedChannelEvent:
		return e.User, e.Channel
	}
	return "", ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// ephemeral is a reply only the asker sees.
func ephemeral(text string, blocks ...slack.Block) *slack.WebhookMessage {
	m := &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral}
	if len(blocks) > 0 {
		m.Blocks = &slack.Blocks{BlockSet: blocks}
	}
	return m
}

// viewErrors is a view_submission ack that shows an error under a block.
// firstInputBlock is the block_id of a view's first input block: where an
// error that belongs to no one field is shown (Slack takes errors only on
// input blocks of the submitted view).
func firstInputBlock(v slack.View) string {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			return in.BlockID
		}
	}
	return ""
}

func viewErrors(blockID, msg string) *slack.ViewSubmissionResponse {
	return slack.NewErrorsViewSubmissionResponse(map[string]string{blockID: msg})
}
