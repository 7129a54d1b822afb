package slackapp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// Outbox sends approved emails through a mail server. *jobs.Runner
// implements it. Without one (no SMTP_URL), Send offers Copy draft and Mark
// sent instead.
type Outbox interface {
	// ApproveSend approves the action's email and queues its send, in one
	// transaction; a repeated approval changes nothing (changed=false).
	ApproveSend(ctx context.Context, ws, actionID string, verb journey.ActionVerb, e journey.OutboxEmail) (journey.Action, bool, error)
}

// mailing reports whether Send sends email.
func (a *App) mailing() bool { return a.cfg.Outbox != nil }

// handleSendEmail approves an action's email for the outbox: once, by its
// owner's own click, to a contact with an address, from a rep with one.
// Anything missing is said to the person who clicked, and the action stays
// as it was.
func (a *App) handleSendEmail(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction) error {
	action, err := a.store.Action(ctx, c.WS.ID, act.Value)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return a.tell(ctx, c, cb, "That action no longer exists.")
	} else if err != nil {
		return err
	}
	if !c.Known || c.Person.ID != action.OwnerID {
		// nothing leaves the company without its owner's own click: an
		// email goes out as them, so not even an admin sends it for them
		return a.tell(ctx, c, cb, "Sorry — this follow-up belongs to someone else, and an email goes out only when its owner sends it. Nothing was sent.")
	}
	verb := journey.VerbApprove
	switch action.State {
	case journey.ActionApproved, journey.ActionSending, journey.ActionSent:
		// a second click: the first one is already on its way
		return a.refresh(ctx, c, originOf(cb), action)
	case journey.ActionFailed:
		verb = journey.VerbRetry
	}
	owner, err := a.person(ctx, c.WS.ID, action.OwnerID)
	if err != nil {
		return err
	}
	if err := journey.SenderCheck(owner); err != nil {
		return a.tell(ctx, c, cb, upperFirst(journey.ErrorMessage(err))+". Nothing was sent.")
	}
	data, err := a.store.LoadAccount(ctx, c.WS.ID, action.AccountID)
	if err != nil {
		return err
	}
	to, err := journey.Recipient(action, data)
	if err != nil {
		return a.tell(ctx, c, cb, upperFirst(journey.ErrorMessage(err))+". Nothing was sent.")
	}
	o := originOf(cb)
	e := journey.OutboxEmail{
		MessageID: journey.MessageID(action.ID, domainOf(owner.Email)),
		FromName:  owner.Name, FromAddr: owner.Email, Bcc: owner.Email,
		ToName: to.Name, ToAddr: to.Email,
		ApprovedBy: c.Person.ID, ApprovedAt: a.cfg.Now(),
	}
	if a.cfg.MailFrom != "" {
		e.FromAddr = a.cfg.MailFrom
	}
	if o.Kind == "message" {
		e.SlackChannel, e.SlackTS, e.SlackThreadTS = o.Channel, o.TS, o.ThreadTS
	}
	action, _, err = a.cfg.Outbox.ApproveSend(ctx, c.WS.ID, action.ID, verb, e)
	if journey.ErrorCode(err) == journey.EINVALID {
		return a.tell(ctx, c, cb, journey.ErrorMessage(err)+".")
	} else if err != nil {
		return err
	}
	return a.refresh(ctx, c, o, action)
}

// SendOutcome tells the rep how an approved email went: the message they
// approved it from is updated in place ("Sent 09:14 by @maya"), or their
// Home when they approved it there; a failure also comes as a DM, since an
// edited message does not notify.
func (a *App) SendOutcome(ctx context.Context, ws string, action journey.Action) error {
	st, approver := a.sendStateOf(ctx, ws, action)
	if st.Email == nil {
		return nil
	}
	e := st.Email
	if approver.ID == "" {
		var err error
		if approver, err = a.person(ctx, ws, action.OwnerID); err != nil {
			return err
		}
	}
	if e.SlackChannel != "" && e.SlackTS != "" {
		if err := a.rerenderLatest(ctx, ws, e.SlackChannel, e.SlackTS, e.SlackThreadTS, nil, action); err != nil {
			a.log.Warn("update the approved message", "action", action.ID, "err", err)
		}
	} else if approver.SlackUserID != "" {
		c := caller{WS: journey.Workspace{ID: ws}, UserID: approver.SlackUserID, Person: approver, Known: true}
		if err := a.publishHome(ctx, c); err != nil {
			a.log.Warn("refresh Home after a send", "action", action.ID, "err", err)
		}
		if action.State == journey.ActionSent {
			// approved from Home or a card, where the action now leaves the
			// list: a receipt says what went out
			receipt := fmt.Sprintf("%s\n*%s* — “%s”", actionStatus(action, a.cfg.Now(), st), escape(action.Title), escape(e.Subject))
			if _, err := a.dm(ctx, ws, approver, receipt); err != nil {
				a.log.Warn("send receipt", "action", action.ID, "err", err)
			}
		}
	}
	if action.State != journey.ActionFailed || approver.SlackUserID == "" {
		return nil
	}
	text := fmt.Sprintf(":x: Your email to %s (%s) was not sent: %s. It is back in your actions: fix what it says and press *Try again*, or copy the draft and send it yourself.",
		escape(firstNonEmpty(e.ToName, e.ToAddr)), escape(action.Title), escape(e.LastError))
	_, err := a.dm(ctx, ws, approver, text, actionBlocks(action, a.cfg.Now(), st)...)
	return err
}

// SendWoken brings an action whose snooze ended back to its owner, as a DM
// of its own.
func (a *App) SendWoken(ctx context.Context, ws string, owner journey.Person, action journey.Action) (string, error) {
	blocks := append([]slack.Block{section(":alarm_clock: Back from your snooze:")}, actionBlocks(action, a.cfg.Now(), sendState{Mailing: a.mailing()})...)
	return a.dm(ctx, ws, owner, "Back from your snooze: "+escape(action.Title), blocks...)
}

// dm posts a direct message to a person. A person who left the workspace
// gets nothing; their manager is told once, and "" is returned.
func (a *App) dm(ctx context.Context, ws string, p journey.Person, text string, blocks ...slack.Block) (string, error) {
	im, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{p.SlackUserID}})
	if isSlackError(err, "user_disabled") || isSlackError(err, "user_not_found") || isSlackError(err, "account_inactive") {
		return "", a.personLeft(ctx, ws, p)
	} else if err != nil {
		return "", fmt.Errorf("open a DM with %s: %w", p.Name, err)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	_, ts, err := a.postMessage(ctx, im.ID, opts...)
	return ts, err
}

// personLeft tells a person's manager (or, without one, the admins), once,
// that Journey can no longer reach them and their work needs a new owner.
func (a *App) personLeft(ctx context.Context, ws string, gone journey.Person) error {
	claimed, err := a.store.ClaimDelivery(ctx, ws, "left", gone.ID)
	if err != nil || !claimed {
		return err
	}
	people, err := a.store.People(ctx, ws)
	if err != nil {
		return err
	}
	var tell []journey.Person
	for _, p := range people {
		if p.ID == gone.ManagerID && p.SlackUserID != "" {
			tell = []journey.Person{p}
			break
		}
		if p.Role == journey.RoleAdmin && p.SlackUserID != "" && p.ID != gone.ID {
			tell = append(tell, p)
		}
	}
	open, err := a.store.ActionsFor(ctx, ws, gone.ID, a.cfg.Now())
	if err != nil {
		return err
	}
	text := fmt.Sprintf(":warning: %s has left the Slack workspace, so Journey can't reach them. They own %d open actions. Give their accounts a new owner (in your CRM or a people import), and their follow-ups will come to that person instead.",
		escape(gone.Name), len(open))
	a.log.Warn("a person left the workspace", "person", gone.Name, "slack_user", gone.SlackUserID)
	for _, p := range tell {
		if _, err := a.dm(ctx, ws, p, text); err != nil {
			return err
		}
	}
	return nil
}

// sendStateOf is what the views need to show an action's email, and who
// approved it (zero when unknown).
func (a *App) sendStateOf(ctx context.Context, ws string, action journey.Action) (sendState, journey.Person) {
	st := sendState{Mailing: a.mailing()}
	switch action.State {
	case journey.ActionApproved, journey.ActionSending, journey.ActionSent, journey.ActionFailed:
	default:
		return st, journey.Person{}
	}
	e, err := a.store.OutboxEmail(ctx, ws, action.ID)
	if err != nil {
		return st, journey.Person{}
	}
	st.Email = &e
	p, err := a.person(ctx, ws, e.ApprovedBy)
	if err != nil || p.ID == "" {
		return st, journey.Person{}
	}
	st.By = p.SlackUserID
	if loc, err := time.LoadLocation(p.TimeZone); err == nil && p.TimeZone != "" {
		st.Loc = loc
	}
	return st, p
}

// person finds one of a workspace's people by id (zero when gone).
func (a *App) person(ctx context.Context, ws, id string) (journey.Person, error) {
	people, err := a.store.People(ctx, ws)
	if err != nil {
		return journey.Person{}, err
	}
	for _, p := range people {
		if p.ID == id {
			return p, nil
		}
	}
	return journey.Person{}, nil
}

func domainOf(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return d
}
