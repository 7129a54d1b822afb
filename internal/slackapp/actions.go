package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// origin is where an interaction came from, so the answer can update it in
// place. It travels in a modal's private_metadata.
type origin struct {
	Action      string `json:"a,omitempty"`
	Account     string `json:"acc,omitempty"`
	Kind        string `json:"k"` // home, modal, ephemeral, message
	ViewID      string `json:"v,omitempty"`
	Channel     string `json:"c,omitempty"`
	TS          string `json:"ts,omitempty"`
	ThreadTS    string `json:"tts,omitempty"`
	ResponseURL string `json:"r,omitempty"`
	// Blocks are the clicked message's blocks as the click carried them
	// (a thread reply cannot be read back with conversations.history).
	Blocks []slack.Block `json:"-"`
}

func originOf(cb slack.InteractionCallback) origin {
	o := origin{ResponseURL: cb.ResponseURL, Channel: firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID)}
	switch {
	case cb.Container.Type == "view" && cb.View.Type == slack.VTHomeTab:
		o.Kind = "home"
	case cb.Container.Type == "view":
		o.Kind, o.ViewID = "modal", cb.View.ID
		var inner origin
		if json.Unmarshal([]byte(cb.View.PrivateMetadata), &inner) == nil {
			o.Account = inner.Account
		}
	case cb.Container.IsEphemeral:
		o.Kind = "ephemeral"
	default:
		o.Kind, o.TS = "message", firstNonEmpty(cb.Container.MessageTs, cb.Message.Timestamp)
		o.ThreadTS = cb.Message.ThreadTimestamp
		o.Blocks = cb.Message.Blocks.BlockSet
	}
	return o
}

// handlePick shows the card of the account a button names.
func (a *App) handlePick(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	accountID := act.Value
	o := originOf(cb)
	switch o.Kind {
	case "home", "modal":
		card, actions, err := a.cardFor(ctx, c, accountID)
		if err != nil {
			return a.tell(ctx, c, cb, journey.ErrorMessage(err))
		}
		return a.openView(ctx, c, cb, cardModal(card, actions, a.cfg.Now(), a.mailing()))
	case "message":
		card, _, err := a.cardFor(ctx, c, accountID)
		if err != nil {
			return a.tell(ctx, c, cb, journey.ErrorMessage(err))
		}
		return a.postCard(ctx, o.Channel, firstNonEmpty(o.ThreadTS, o.TS), card)
	}
	return a.replaceEphemeralCard(ctx, c, o.ResponseURL, accountID)
}

// cardModal shows a card in a modal (from App Home, where there is no channel).
func cardModal(card journey.Card, actions []journey.Action, now time.Time, mailing bool) slack.ModalViewRequest {
	blocks := cardBlocks(card, cardOptions{Actions: actions, Now: now, Mailing: mailing})
	// a modal has no channel to share into
	if last, ok := blocks[len(blocks)-1].(*slack.ActionBlock); ok {
		var keep []slack.BlockElement
		for _, e := range last.Elements.ElementSet {
			if b, ok := e.(*slack.ButtonBlockElement); !ok || b.ActionID != ActionShare {
				keep = append(keep, e)
			}
		}
		last.Elements.ElementSet = keep
	}
	meta, _ := json.Marshal(origin{Account: card.Account.ID, Kind: "modal"})
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: CallbackMore, PrivateMetadata: string(meta),
		Title: plainShort(truncate(card.Account.Name, maxModalTitle)), Close: plainShort("Close"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// replaceEphemeralCard re-renders the caller's ephemeral card in place.
func (a *App) replaceEphemeralCard(ctx context.Context, c caller, responseURL, accountID string) error {
	card, actions, err := a.cardFor(ctx, c, accountID)
	if err != nil {
		return slack.PostWebhookContext(ctx, responseURL, ephemeral(journey.ErrorMessage(err)))
	}
	msg := ephemeral(escape(card.Account.Name+": "+card.Position.StageName), cardBlocks(card, cardOptions{Actions: actions, Now: a.cfg.Now(), Mailing: a.mailing()})...)
	msg.ReplaceOriginal = true
	return slack.PostWebhookContext(ctx, responseURL, msg)
}

// postCard posts a card for everyone in a channel or thread.
func (a *App) postCard(ctx context.Context, channel, threadTS string, card journey.Card) error {
	blocks := cardBlocks(card, cardOptions{Shared: true, Now: a.cfg.Now()})
	opts := []slack.MsgOption{slack.MsgOptionText(escape(card.Account.Name+": "+card.Position.StageName), false), slack.MsgOptionBlocks(blocks...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	_, _, err := a.postMessage(ctx, channel, opts...)
	return err
}

// postMessage posts at Slack's per-channel pace, waiting out a Retry-After
// if Slack asks.
func (a *App) postMessage(ctx context.Context, channel string, opts ...slack.MsgOption) (string, string, error) {
	ch, ts, err := a.pace.post(ctx, a.api, channel, opts...)
	if err != nil {
		return ch, ts, fmt.Errorf("post to %s: %w", channel, err)
	}
	return ch, ts, nil
}

// handleShare posts the card in the channel where it was asked for.
func (a *App) handleShare(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	card, _, err := a.cardFor(ctx, c, act.Value)
	if err != nil {
		return a.tell(ctx, c, cb, journey.ErrorMessage(err))
	}
	channel := firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID)
	if a.sharedOutside(ctx, channel) {
		return a.tell(ctx, c, cb, sharedShareText)
	}
	err = a.postCard(ctx, channel, "", card)
	switch {
	case isSlackError(err, "not_in_channel"), isSlackError(err, "channel_not_found"):
		return a.tell(ctx, c, cb, "I can't post in this channel because I'm not a member. Invite me with `/invite @Journey`, then press *Share in channel* again.")
	case err != nil:
		return err
	}
	return a.tell(ctx, c, cb, fmt.Sprintf("Shared the card of %s in this channel.", escape(card.Account.Name)))
}

// handleMore opens the full card in a modal.
func (a *App) handleMore(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	card, _, err := a.cardFor(ctx, c, act.Value)
	if err != nil {
		return a.tell(ctx, c, cb, journey.ErrorMessage(err))
	}
	meta, _ := json.Marshal(origin{Account: card.Account.ID, Kind: "modal"})
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: CallbackMore, PrivateMetadata: string(meta),
		Title: plainShort(truncate(card.Account.Name, maxModalTitle)), Close: plainShort("Close"),
		Blocks: slack.Blocks{BlockSet: moreBlocks(card)}}
	return a.openView(ctx, c, cb, view)
}

// openView opens view for the person who clicked; when Slack refuses it
// because the click is too old, it tells them to click again.
func (a *App) openView(ctx context.Context, c caller, cb slack.InteractionCallback, view slack.ModalViewRequest) error {
	_, err := a.api.OpenViewContext(ctx, cb.TriggerID, view)
	if err == nil {
		return nil
	}
	if isSlackError(err, "expired_trigger_id") || isSlackError(err, "exchanged_trigger_id") {
		return a.tell(ctx, c, cb, "That took too long for Slack to open a window (its 3-second limit). Please click again.")
	}
	return fmt.Errorf("open view: %w", err)
}

// handleActionVerb applies Send, Snooze, Dismiss or Done to an action, once,
// and only for its owner (or an admin).
func (a *App) handleActionVerb(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	if act.ActionID == ActionSend && a.mailing() {
		return a.handleSendEmail(ctx, c, cb, act)
	}
	id, verb, until := act.Value, journey.ActionVerb(""), time.Time{}
	switch act.ActionID {
	case ActionSend:
		verb = journey.VerbApprove
	case ActionDismiss:
		verb = journey.VerbDismiss
	case ActionDone:
		verb = journey.VerbDone
	case ActionMarkSent:
		verb = journey.VerbMarkSent
	case ActionSnooze:
		verb = journey.VerbSnooze
		choice := act.SelectedOption.Value
		if choice == "" {
			choice = act.Value
		}
		var ok bool
		id, choice, ok = strings.Cut(choice, "|")
		if !ok {
			return a.tell(ctx, c, cb, "Pick how long to snooze: 1 day, 3 days or next week.")
		}
		until = snoozeUntil(choice, a.cfg.Now(), c.Person.TimeZone)
	}
	action, err := a.store.Action(ctx, c.WS.ID, id)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return a.tell(ctx, c, cb, "That action no longer exists.")
	} else if err != nil {
		return err
	}
	if !c.CanActFor(action.OwnerID) {
		return a.tell(ctx, c, cb, "Sorry — this action belongs to someone else, so only they (or a Journey admin) can act on it. Nothing was changed.")
	}
	action, changed, err := a.store.TransitionAction(ctx, c.WS.ID, id, verb, c.Person.ID, until, "slack "+act.ActionID)
	if journey.ErrorCode(err) == journey.EINVALID {
		return a.tell(ctx, c, cb, journey.ErrorMessage(err)+".")
	} else if err != nil {
		return err
	}
	if changed && verb == journey.VerbMarkSent {
		if err := a.store.RecordSent(ctx, c.WS.ID, action, c.Person.ID, a.cfg.Now()); err != nil {
			return err
		}
	}
	return a.refresh(ctx, c, originOf(cb), action)
}

// refresh updates the surface an action was clicked on, in place.
func (a *App) refresh(ctx context.Context, c caller, o origin, action journey.Action) error {
	switch o.Kind {
	case "home":
		return a.publishHome(ctx, c)
	case "modal":
		card, actions, err := a.cardFor(ctx, c, firstNonEmpty(o.Account, action.AccountID))
		if err != nil {
			return err
		}
		_, err = a.api.UpdateViewContext(ctx, cardModal(card, actions, a.cfg.Now(), a.mailing()), "", "", o.ViewID)
		return err
	case "ephemeral":
		return a.replaceEphemeralCard(ctx, c, o.ResponseURL, action.AccountID)
	}
	return a.rerenderLatest(ctx, c.WS.ID, o.Channel, o.TS, o.ThreadTS, o.Blocks, action)
}

// rerenderLatest re-renders an action's blocks in a message from the
// action's state as stored when it writes, one writer per message at a time:
// a click's update and the send job's outcome may race, and the last to write
// must not put back an older state ("sending…" over "Sent").
func (a *App) rerenderLatest(ctx context.Context, ws, channel, ts, threadTS string, original []slack.Block, action journey.Action) error {
	mu := a.messageLock(channel + "/" + ts)
	mu.Lock()
	defer mu.Unlock()
	if latest, err := a.store.Action(ctx, ws, action.ID); err == nil {
		action = latest
	}
	st, _ := a.sendStateOf(ctx, ws, action)
	return a.rerenderAction(ctx, channel, ts, threadTS, original, action, st)
}

// messageLock is the lock of one message's updates: one of a fixed set,
// picked by the message, so the set never grows.
func (a *App) messageLock(key string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return &a.msgLocks[h.Sum32()%uint32(len(a.msgLocks))]
}

// rerenderAction re-renders one action's blocks in a message in a DM or
// channel, in place, and keeps the rest of the message as it is: original
// are its blocks when the caller has them (a click carries them), else the
// message is read back, from its thread when threadTS names one.
func (a *App) rerenderAction(ctx context.Context, channel, ts, threadTS string, original []slack.Block, action journey.Action, st sendState) error {
	if original == nil {
		original = a.messageBlocks(ctx, channel, ts, threadTS)
	}
	blocks := replaceActionBlocks(original, action, a.cfg.Now(), st)
	return a.pace.update(ctx, a.api, channel, ts, slack.MsgOptionText(escape(action.Title), false), slack.MsgOptionBlocks(blocks...))
}

// messageBlocks reads one message's blocks: conversations.history never
// returns thread replies, so a reply is read with conversations.replies.
func (a *App) messageBlocks(ctx context.Context, channel, ts, threadTS string) []slack.Block {
	if threadTS != "" && threadTS != ts {
		msgs, _, _, err := a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: threadTS, Latest: ts, Oldest: ts, Inclusive: true, Limit: 2})
		if err != nil {
			a.log.Warn("read a thread reply", "channel", channel, "ts", ts, "err", err)
		}
		for _, m := range msgs {
			if m.Timestamp == ts {
				return m.Blocks.BlockSet
			}
		}
		return nil
	}
	h, err := a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: channel, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1})
	if err != nil {
		a.log.Warn("read a message", "channel", channel, "ts", ts, "err", err)
		return nil
	}
	for _, m := range h.Messages {
		if m.Timestamp == ts {
			return m.Blocks.BlockSet
		}
	}
	return nil
}

// replaceActionBlocks swaps one action's blocks (block ids act_, draft_,
// status_, buttons_ + its id) for freshly rendered ones, where they were;
// with no such blocks it returns the action's blocks alone.
func replaceActionBlocks(original []slack.Block, action journey.Action, now time.Time, st sendState) []slack.Block {
	mine := map[string]bool{"act_" + action.ID: true, "draft_" + action.ID: true, "status_" + action.ID: true, "buttons_" + action.ID: true}
	var out []slack.Block
	placed := false
	for _, b := range original {
		if mine[blockID(b)] {
			if !placed {
				out = append(out, actionBlocks(action, now, st)...)
				placed = true
			}
			continue
		}
		out = append(out, b)
	}
	if !placed {
		return actionBlocks(action, now, st)
	}
	return out
}

func blockID(b slack.Block) string {
	raw, err := json.Marshal(b)
	if err != nil {
		return ""
	}
	var v struct {
		BlockID string `json:"block_id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.BlockID
}

// snoozeUntil turns a snooze choice into a time: a day, three days, or next
// Monday at 08:30 in the person's time zone.
func snoozeUntil(choice string, now time.Time, tz string) time.Time {
	switch choice {
	case Snooze3Days:
		return now.Add(72 * time.Hour)
	case SnoozeNextWeek:
		loc, err := time.LoadLocation(tz)
		if err != nil {
			loc = time.UTC
		}
		t := now.In(loc)
		days := (8 - int(t.Weekday())) % 7
		if days == 0 {
			days = 7
		}
		d := t.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 8, 30, 0, 0, loc)
	}
	return now.Add(24 * time.Hour)
}

// handleEdit opens the draft in a modal.
func (a *App) handleEdit(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	action, ok, err := a.ownDraft(ctx, c, cb, act.Value, "Sorry — this draft belongs to someone else, so only they (or a Journey admin) can edit it.")
	if !ok {
		return err
	}
	o := originOf(cb)
	o.Action, o.Account = action.ID, action.AccountID
	meta, _ := json.Marshal(o)
	subject := slack.NewPlainTextInputBlockElement(plainShort("Subject"), InputSubject)
	subject.InitialValue = truncate(action.DraftSubject, 250)
	subject.MaxLength = 250
	body := slack.NewPlainTextInputBlockElement(plainShort("Body"), InputBody)
	body.Multiline, body.InitialValue, body.MaxLength = true, truncate(action.DraftBody, maxPlainInput), maxPlainInput
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: CallbackEditDraft, PrivateMetadata: string(meta),
		Title: plainShort("Edit draft"), Submit: plainShort("Save"), Close: plainShort("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			contextText(escape(truncate(action.Title, 280))),
			slack.NewInputBlock(BlockSubject, plainShort("Subject"), nil, subject),
			slack.NewInputBlock(BlockBody, plainShort("Message"), nil, body),
		}},
	}
	return a.openView(ctx, c, cb, view)
}

// ownDraft loads the action whose draft a button is about and reports
// whether the caller may act for its owner; when not, or when it is gone,
// it tells them so (with denied when it is someone else's).
func (a *App) ownDraft(ctx context.Context, c caller, cb slack.InteractionCallback, id, denied string) (journey.Action, bool, error) {
	action, err := a.store.Action(ctx, c.WS.ID, id)
	if err != nil {
		return action, false, a.tell(ctx, c, cb, journey.ErrorMessage(err))
	}
	if !c.CanActFor(action.OwnerID) {
		return action, false, a.tell(ctx, c, cb, denied)
	}
	return action, true, nil
}

// handleEditSubmit saves an edited draft and updates where it came from.
func (a *App) handleEditSubmit(ctx context.Context, c caller, cb slack.InteractionCallback, r *responder) error {
	var o origin
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &o); err != nil || o.Action == "" {
		r.Ack(viewErrors(BlockBody, "This form is out of date; close it and press Edit again."))
		return nil
	}
	vals := cb.View.State.Values
	subject := strings.TrimSpace(vals[BlockSubject][InputSubject].Value)
	body := strings.TrimSpace(vals[BlockBody][InputBody].Value)
	switch {
	case body == "":
		r.Ack(viewErrors(BlockBody, "The message cannot be empty."))
		return nil
	case subject == "":
		r.Ack(viewErrors(BlockSubject, "Give the email a subject."))
		return nil
	}
	action, err := a.store.Action(ctx, c.WS.ID, o.Action)
	if err != nil {
		r.Ack(viewErrors(BlockBody, journey.ErrorMessage(err)))
		return nil
	}
	if !c.CanActFor(action.OwnerID) {
		r.Ack(viewErrors(BlockBody, "This draft belongs to someone else; only they (or an admin) can edit it."))
		return nil
	}
	r.Ack(nil) // close the modal
	action, err = a.store.UpdateDraft(ctx, c.WS.ID, o.Action, subject, body, c.Person.ID)
	if err != nil {
		return err
	}
	return a.refresh(ctx, c, o, action)
}

// tell answers only the person who clicked: through response_url when there
// is one, else as an ephemeral in the channel, else in a DM.
func (a *App) tell(ctx context.Context, c caller, cb slack.InteractionCallback, text string) error {
	if cb.ResponseURL != "" {
		msg := ephemeral(text)
		msg.ReplaceOriginal = false
		return slack.PostWebhookContext(ctx, cb.ResponseURL, msg)
	}
	if ch := firstNonEmpty(cb.Container.ChannelID, cb.Channel.ID); ch != "" {
		_, err := a.api.PostEphemeralContext(ctx, ch, c.UserID, slack.MsgOptionText(text, false))
		return err
	}
	im, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{c.UserID}})
	if err != nil {
		return fmt.Errorf("open DM with %s: %w", c.UserID, err)
	}
	_, _, err = a.postMessage(ctx, im.ID, slack.MsgOptionText(text, false))
	return err
}

func isSlackError(err error, code string) bool {
	if err == nil {
		return false
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err == code
	}
	return strings.Contains(err.Error(), code)
}

// handleCopyDraft shows an action's draft in a window, as plain text ready
// to copy.
func (a *App) handleCopyDraft(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	action, ok, err := a.ownDraft(ctx, c, cb, act.Value, "Sorry — this draft belongs to someone else.")
	if !ok {
		return err
	}
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "copy_draft", Title: plainShort("Copy the draft"), Close: plainShort("Close"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(plain("Subject: "+truncate(action.DraftSubject, 250)), nil, nil),
			slack.NewSectionBlock(plain(truncate(action.DraftBody, maxText-10)), nil, nil),
			contextText("Send it from your mailbox, then press *Mark sent* so Journey records it and closes the promise."),
		}}}
	return a.openView(ctx, c, cb, view)
}
