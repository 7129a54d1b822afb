package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The driver acts as a person in the workspace. Users and channels may be
// given by id or by name ("maya", "@maya", "#deals-acme", "deals-acme"); a
// channel "@maya" is the bot's IM with maya.

func (s *Server) userLocked(q string) (*User, error) {
	q = strings.TrimSpace(q)
	if u, ok := s.users[q]; ok {
		return u, nil
	}
	name := strings.ToLower(strings.TrimPrefix(q, "@"))
	for _, id := range s.userOrder {
		u := s.users[id]
		if strings.ToLower(u.Name) == name || strings.EqualFold(u.RealName, q) || (u.Email != "" && strings.EqualFold(u.Email, q)) {
			return u, nil
		}
	}
	var known []string
	for _, id := range s.userOrder {
		known = append(known, s.users[id].Name+" ("+id+")")
	}
	return nil, fmt.Errorf("unknown user %q; known users: %s", q, strings.Join(known, ", "))
}

func (s *Server) channelLocked(q string) (*Channel, error) {
	q = strings.TrimSpace(q)
	if c, ok := s.chans[q]; ok {
		return c, nil
	}
	if strings.HasPrefix(q, "@") {
		u, err := s.userLocked(q)
		if err != nil {
			return nil, err
		}
		return s.chans[s.openIMLocked(u.ID)], nil
	}
	name := strings.ToLower(strings.TrimPrefix(q, "#"))
	for _, id := range s.chanOrder {
		if c := s.chans[id]; !c.IsIM && strings.ToLower(c.Name) == name {
			return c, nil
		}
	}
	var known []string
	for _, id := range s.chanOrder {
		if c := s.chans[id]; !c.IsIM {
			known = append(known, "#"+c.Name+" ("+id+")")
		}
	}
	return nil, fmt.Errorf("unknown channel %q; known channels: %s (or @user for the bot's DM with a user)", q, strings.Join(known, ", "))
}

// userIDLocked resolves a name to a user id, or returns q as is.
func (s *Server) userIDLocked(q string) string {
	if q == "" {
		return ""
	}
	if u, err := s.userLocked(q); err == nil {
		return u.ID
	}
	return q
}

func (s *Server) channelIDLocked(q string) string {
	if q == "" {
		return ""
	}
	if c, err := s.channelLocked(q); err == nil {
		return c.ID
	}
	return q
}

func (s *Server) userRefLocked(u *User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.teamOf(u)}
}

func (s *Server) teamRef() map[string]any {
	return map[string]any{"id": s.cfg.TeamID, "domain": s.cfg.Domain}
}

// teamOf is the workspace a user belongs to: their own for someone from
// another organization, else the simulated one.
func (s *Server) teamOf(u *User) string {
	if u != nil && u.TeamID != "" {
		return u.TeamID
	}
	return s.cfg.TeamID
}

// userTeam is teamOf for a user id (users are fixed at New, so no lock is
// needed to read the map).
func (s *Server) userTeam(id string) string { return s.teamOf(s.users[id]) }

// userTeamRef is the "team" of an interaction: the clicking user's own.
func (s *Server) userTeamRef(u *User) map[string]any {
	if u != nil && u.TeamID != "" {
		return map[string]any{"id": u.TeamID, "domain": ""}
	}
	return s.teamRef()
}

// SlashCommand runs command (e.g. "/journey") with text as userID in
// channelID and waits for the bot's ack. An ack payload is the answer to the
// user: it is recorded as an ephemeral (or a channel message when its
// response_type is "in_channel"). An ack payload Slack would reject (bad
// blocks) is returned with an error.
func (s *Server) SlashCommand(ctx context.Context, userID, channelID, command, text string) (Ack, error) {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	c, err := s.channelLocked(channelID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	if !strings.HasPrefix(command, "/") {
		command = "/" + command
	}
	payload := map[string]any{
		"token":                 "simverificationtoken",
		"team_id":               s.teamOf(u), // the person's own workspace, as Slack sends it
		"team_domain":           s.cfg.Domain,
		"channel_id":            c.ID,
		"channel_name":          s.channelNameLocked(c),
		"user_id":               u.ID,
		"user_name":             u.Name,
		"command":               command,
		"text":                  slackEscaper.Replace(text), // & < > escaped, as Slack does
		"api_app_id":            s.cfg.AppID,
		"is_enterprise_install": false,
		"response_url":          s.newHookLocked("commands", u.ID, c.ID, "", false),
		"trigger_id":            s.newTriggerLocked(u.ID, ""),
	}
	s.mu.Unlock()

	ack, err := s.request(ctx, "slash_commands", "", payload)
	if err != nil {
		return ack, err
	}
	if ack.Payload == nil {
		return ack, nil
	}
	return ack, s.applyMessageAck(u.ID, c.ID, ack.Payload)
}

// applyMessageAck records a slash command's ack payload: a message to the user.
func (s *Server) applyMessageAck(user, channel string, payload json.RawMessage) error {
	var body hookBody
	var str string
	if json.Unmarshal(payload, &str) == nil {
		body.Text = str
	} else if err := json.Unmarshal(payload, &body); err != nil {
		return fmt.Errorf("slacksim: the ack payload is not a message: %w", err)
	}
	if errs := ValidateBlocks(body.Blocks); len(errs) > 0 {
		return fmt.Errorf("slacksim: the ack payload has invalid blocks, Slack would show the user an error instead:\n%s", strings.Join(errs, "\n"))
	}
	if body.Text == "" && (isEmptyJSON(body.Blocks) || string(trimSpace(body.Blocks)) == "[]") {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &msg{
		Channel: channel, TS: s.nextTSLocked(), User: s.cfg.BotUserID, BotID: s.cfg.BotID, AppID: s.cfg.AppID,
		Text: body.Text, Blocks: fillIDs(body.Blocks), Via: "ack",
	}
	if body.ResponseType == "in_channel" {
		m.ResponseType = "in_channel"
		s.insertMsgLocked(m)
		s.echoLocked(m)
		return nil
	}
	m.ResponseType, m.Ephemeral, m.To = "ephemeral", true, user
	s.addEphemeralLocked(m)
	return nil
}

// postLocked stores a person's message and returns the events Slack would
// send the bot for it (none when the bot is not in the channel).
func (s *Server) postLocked(u *User, c *Channel, threadTS, text string) (*msg, []map[string]any) {
	m := &msg{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: s.threadRootLocked(c.ID, threadTS),
		User: u.ID, Text: text, ClientMsgID: newUUID(), Blocks: richText(text),
	}
	s.insertMsgLocked(m)
	if !s.botIsMemberLocked(c.ID) {
		return m, nil
	}
	return m, []map[string]any{s.messageEvent(m)}
}

// ErrBotNotInChannel means Slack would deliver nothing to the bot: it is not a
// member of the channel.
var ErrBotNotInChannel = errors.New("slacksim: the bot is not a member of the channel, so Slack delivers no event; add it with JoinChannel(ctx, botUserID, channel) or list it in Channel.Members")

// Mention posts "<@BOT> text" as userID in channelID (in a thread when
// threadTS is set) and sends the app_mention and message events. It waits for
// the bot's acks of both.
func (s *Server) Mention(ctx context.Context, userID, channelID, threadTS, text string) (string, error) {
	s.mu.Lock()
	u, c, err := s.userAndChannelLocked(userID, channelID)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	m, evs := s.postLocked(u, c, threadTS, "<@"+s.cfg.BotUserID+"> "+s.encodeLocked(text))
	if !s.botIsMemberLocked(c.ID) {
		s.mu.Unlock()
		return m.TS, fmt.Errorf("%w (#%s)", ErrBotNotInChannel, c.Name)
	}
	var jobs []*eventJob
	if !c.IsIM {
		jobs = append(jobs, s.publishLocked(s.appMentionEvent(m)))
	}
	for _, ev := range evs {
		jobs = append(jobs, s.publishLocked(ev))
	}
	s.mu.Unlock()
	return m.TS, s.waitJobs(ctx, jobs...)
}

// Post posts text as userID in channelID (a thread reply when threadTS is
// set). The bot gets a message event when it is a member; then Post waits for
// its ack.
func (s *Server) Post(ctx context.Context, userID, channelID, threadTS, text string) (string, error) {
	s.mu.Lock()
	u, c, err := s.userAndChannelLocked(userID, channelID)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	m, evs := s.postLocked(u, c, threadTS, s.encodeLocked(text))
	var jobs []*eventJob
	for _, ev := range evs {
		jobs = append(jobs, s.publishLocked(ev))
	}
	s.mu.Unlock()
	return m.TS, s.waitJobs(ctx, jobs...)
}

func (s *Server) userAndChannelLocked(userID, channelID string) (*User, *Channel, error) {
	u, err := s.userLocked(userID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.channelLocked(channelID)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(c.Members, u.ID) {
		return nil, nil, fmt.Errorf("%s is not a member of #%s (members: %s); use JoinChannel first", u.Name, c.Name, strings.Join(c.Members, ", "))
	}
	return u, c, nil
}

// SendDM sends text from userID to the bot in their IM (message.im) and
// waits for the bot's ack.
func (s *Server) SendDM(ctx context.Context, userID, text string) (string, string, error) {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return "", "", err
	}
	c := s.chans[s.openIMLocked(u.ID)]
	m, evs := s.postLocked(u, c, "", s.encodeLocked(text))
	var jobs []*eventJob
	for _, ev := range evs {
		jobs = append(jobs, s.publishLocked(ev))
	}
	s.mu.Unlock()
	return c.ID, m.TS, s.waitJobs(ctx, jobs...)
}

// EditMessage changes a person's message (message_changed event).
func (s *Server) EditMessage(ctx context.Context, userID, channelID, ts, newText string) error {
	return s.changeMessage(ctx, userID, channelID, ts, "updated", func(u *User, _ *Channel, m *msg) (func() map[string]any, error) {
		if m.User != u.ID {
			return nil, fmt.Errorf("slacksim: message %s is %s's, not %s's", ts, m.User, u.Name)
		}
		prev := *m
		m.Text = s.encodeLocked(newText)
		m.Blocks = richText(m.Text)
		m.EditedBy, m.EditedTS = u.ID, s.nextTSLocked()
		return func() map[string]any { return s.messageChangedEvent(m, &prev) }, nil
	})
}

// DeleteMessage deletes a person's message (message_deleted event).
func (s *Server) DeleteMessage(ctx context.Context, userID, channelID, ts string) error {
	return s.changeMessage(ctx, userID, channelID, ts, "deleted", func(u *User, c *Channel, m *msg) (func() map[string]any, error) {
		if m.User != u.ID && !u.IsAdmin {
			return nil, fmt.Errorf("slacksim: %s may not delete %s's message", u.Name, m.User)
		}
		if m.ThreadTS == m.TS && m.ReplyCount > 0 {
			// a thread parent with replies stays, as a tombstone
			prev := *m
			m.Text, m.Subtype, m.User, m.Blocks, m.ClientMsgID = "This message was deleted.", "tombstone", "USLACKBOT", nil, ""
			return func() map[string]any { return s.messageChangedEvent(m, &prev) }, nil
		}
		m.Deleted = true
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			if p := s.findMsgLocked(c.ID, m.ThreadTS); p != nil && p.ReplyCount > 0 {
				p.ReplyCount--
			}
		}
		return func() map[string]any { return s.messageDeletedEvent(m) }, nil
	})
}

// changeMessage has userID change their live message ts in channelID:
// apply, under the server's lock, refuses or makes the change (op, as the
// change log names it) and returns how to build the event the bot gets
// when it is in the channel. It waits for the bot's ack.
func (s *Server) changeMessage(ctx context.Context, userID, channelID, ts, op string,
	apply func(u *User, c *Channel, m *msg) (event func() map[string]any, err error)) error {
	s.mu.Lock()
	u, c, err := s.userAndChannelLocked(userID, channelID)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	m := s.findMsgLocked(c.ID, ts)
	if m == nil || m.Deleted {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: no message %s in #%s", ts, c.Name)
	}
	event, err := apply(u, c, m)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.recordLocked(change{kind: "message", op: op, channel: c.ID, ts: ts})
	var jobs []*eventJob
	if s.botIsMemberLocked(c.ID) {
		jobs = append(jobs, s.publishLocked(event()))
	}
	s.mu.Unlock()
	return s.waitJobs(ctx, jobs...)
}

// JoinChannel adds userID to channelID (member_joined_channel). When userID is
// the bot, the bot becomes a member and gets the event too.
func (s *Server) JoinChannel(ctx context.Context, userID, channelID string) error {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	c, err := s.channelLocked(channelID)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	if c.IsIM {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: cannot join an IM")
	}
	if slices.Contains(c.Members, u.ID) {
		s.mu.Unlock()
		return nil
	}
	c.Members = append(c.Members, u.ID)
	s.notifyLocked()
	var jobs []*eventJob
	if s.botIsMemberLocked(c.ID) {
		ct := "C"
		if c.IsPrivate {
			ct = "G"
		}
		jobs = append(jobs, s.publishLocked(map[string]any{
			"type": "member_joined_channel", "user": u.ID, "channel": c.ID,
			"channel_type": ct, "team": s.teamOf(u),
		}))
	}
	s.mu.Unlock()
	return s.waitJobs(ctx, jobs...)
}

// OpenHome opens the bot's Home tab as userID (app_home_opened, with the
// published view if any) and waits for the ack.
func (s *Server) OpenHome(ctx context.Context, userID string) error {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	ev := map[string]any{"type": "app_home_opened", "user": u.ID, "channel": s.openIMLocked(u.ID), "tab": "home"}
	if id, ok := s.homes[u.ID]; ok {
		ev["view"] = s.views[id].object(s)
	}
	job := s.publishLocked(ev)
	s.mu.Unlock()
	return s.waitJobs(ctx, job)
}

// element is an interactive element found in blocks.
type element struct {
	blockID string
	el      map[string]any
}

// findAction finds the element with actionID in blocks (in block blockID
// when set). Several blocks may use one action_id: then the element whose
// value is value wins, else the first.
func findAction(blocks json.RawMessage, blockID, actionID, value string) (element, []string) {
	v, _ := decodeAny(blocks)
	list, _ := v.([]any)
	var ids []string
	var first, exact *element
	for _, b := range list {
		obj, _ := b.(map[string]any)
		if obj == nil {
			continue
		}
		bid, _ := obj["block_id"].(string)
		walkElements(obj, "", func(el map[string]any, _ string) {
			id, _ := el["action_id"].(string)
			if id == "" {
				return
			}
			ids = append(ids, bid+"/"+id)
			if id != actionID || (blockID != "" && bid != blockID) {
				return
			}
			if first == nil {
				first = &element{blockID: bid, el: el}
			}
			if ev, _ := el["value"].(string); exact == nil && value != "" && ev == value {
				exact = &element{blockID: bid, el: el}
			}
		})
	}
	switch {
	case exact != nil:
		return *exact, nil
	case first != nil:
		return *first, nil
	}
	return element{}, ids
}

// actionFor builds the "actions" entry of a block_actions payload.
func (s *Server) actionForLocked(e element, value string) (map[string]any, error) {
	t, _ := e.el["type"].(string)
	now := s.cfg.Now()
	a := map[string]any{
		"type":      t,
		"action_id": e.el["action_id"],
		"block_id":  e.blockID,
		"action_ts": fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000),
	}
	switch t {
	case "button", "workflow_button":
		v, _ := e.el["value"].(string)
		if value != "" {
			v = value
		}
		a["text"] = e.el["text"]
		if v != "" {
			a["value"] = v
		}
		if st, ok := e.el["style"]; ok {
			a["style"] = st
		}
	case "static_select", "external_select", "radio_buttons", "overflow":
		if value == "" {
			if opts := optionValues(e.el); len(opts) > 0 {
				value = opts[0]
			}
		}
		if value == "" {
			return nil, fmt.Errorf("slacksim: %s %v needs a value (the option to select)", t, e.el["action_id"])
		}
		a["selected_option"] = findOption(e.el, value)
	default:
		st := s.stateForLocked(e.el, value, true)
		for k, v := range st {
			a[k] = v
		}
	}
	return a, nil
}

// Click clicks actionID (a button, or a select with value as the option) as
// userID in the target message, ephemeral message or view, sends the
// block_actions payload and waits for the ack. An empty value takes the
// button's own value. When several blocks use actionID, the button whose
// value is value is clicked, else the first.
func (s *Server) Click(ctx context.Context, userID string, target Target, actionID, value string) (Ack, error) {
	return s.click(ctx, userID, target, "", actionID, value)
}

func (s *Server) click(ctx context.Context, userID string, target Target, blockID, actionID, value string) (Ack, error) {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	payload := map[string]any{
		"type":                  "block_actions",
		"user":                  s.userRefLocked(u),
		"api_app_id":            s.cfg.AppID,
		"token":                 "simverificationtoken",
		"team":                  s.userTeamRef(u),
		"enterprise":            nil,
		"is_enterprise_install": false,
		"state":                 map[string]any{"values": map[string]any{}},
	}
	var blocks json.RawMessage
	var v *view
	if target.ViewID != "" {
		id := target.ViewID
		if id == "home" {
			id = s.homes[u.ID]
		}
		v = s.views[id]
		if v == nil {
			s.mu.Unlock()
			return Ack{}, fmt.Errorf("slacksim: no view %q", target.ViewID)
		}
		if v.user != u.ID {
			s.mu.Unlock()
			return Ack{}, fmt.Errorf("slacksim: view %s is %s's, not %s's", v.id, v.user, u.Name)
		}
		if v.closed {
			s.mu.Unlock()
			return Ack{}, fmt.Errorf("slacksim: view %s is closed", v.id)
		}
		blocks = v.blocks
		payload["container"] = map[string]any{"type": "view", "view_id": v.id}
		payload["trigger_id"] = s.newTriggerLocked(u.ID, v.id)
		payload["view"] = v.object(s)
	} else {
		c, err := s.channelLocked(target.ChannelID)
		if err != nil {
			s.mu.Unlock()
			return Ack{}, err
		}
		var m *msg
		if target.Ephemeral {
			m = s.findEphemeralLocked(c.ID, target.MessageTS)
		} else {
			m = s.findMsgLocked(c.ID, target.MessageTS)
		}
		if m == nil || m.Deleted {
			s.mu.Unlock()
			kind := "message"
			if target.Ephemeral {
				kind = "ephemeral message"
			}
			return Ack{}, fmt.Errorf("slacksim: no %s %s in #%s", kind, target.MessageTS, c.Name)
		}
		if m.Ephemeral && m.To != u.ID {
			s.mu.Unlock()
			return Ack{}, fmt.Errorf("slacksim: the ephemeral message %s is shown only to %s", m.TS, m.To)
		}
		blocks = m.Blocks
		container := map[string]any{"type": "message", "message_ts": m.TS, "channel_id": c.ID, "is_ephemeral": m.Ephemeral}
		if m.ThreadTS != "" {
			container["thread_ts"] = m.ThreadTS
		}
		payload["container"] = container
		payload["channel"] = map[string]any{"id": c.ID, "name": s.channelNameLocked(c)}
		if !m.Ephemeral {
			// Slack sends no message object for a click in an ephemeral message.
			payload["message"] = s.msgObject(m, false)
		}
		payload["trigger_id"] = s.newTriggerLocked(u.ID, "")
		payload["response_url"] = s.newHookLocked("actions", u.ID, c.ID, m.TS, m.Ephemeral)
	}
	e, ids := findAction(blocks, blockID, actionID, value)
	if e.el == nil {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: no element with action_id %q in the target; its elements (block_id/action_id): %s", actionID, strings.Join(ids, ", "))
	}
	action, err := s.actionForLocked(e, value)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	payload["actions"] = []any{action}
	if v != nil {
		// Remember selections made in the view.
		if t, _ := e.el["type"].(string); t != "button" {
			st := map[string]any{"type": t}
			for k, x := range action {
				if strings.HasPrefix(k, "selected_") || k == "value" {
					st[k] = x
				}
			}
			if v.state[e.blockID] == nil {
				v.state[e.blockID] = map[string]any{}
			}
			v.state[e.blockID][e.el["action_id"].(string)] = st
		}
	}
	s.mu.Unlock()
	return s.request(ctx, "interactive", "block_actions", payload)
}

// SubmitView submits the modal viewID as userID with
// values[block_id][action_id] = value (a plain_text_input's text, a select's
// option value, a user or channel id or name, a date…), sends view_submission
// and applies the ack's response_action (errors, update, push, clear; none
// closes the view).
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, values map[string]map[string]string) (Ack, error) {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	v := s.views[viewID]
	if v == nil || v.typ != "modal" {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: no modal %q", viewID)
	}
	if v.user != u.ID {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: modal %s is %s's, not %s's", v.id, v.user, u.Name)
	}
	if v.closed {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: modal %s is closed", v.id)
	}
	if len(v.submit) == 0 {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: modal %s has no submit button", v.id)
	}
	state, err := s.submissionStateLocked(v, values)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: %w", err)
	}
	v.state = state
	payload := map[string]any{
		"type":                  "view_submission",
		"team":                  s.userTeamRef(u),
		"user":                  s.userRefLocked(u),
		"api_app_id":            s.cfg.AppID,
		"token":                 "simverificationtoken",
		"trigger_id":            s.newTriggerLocked(u.ID, v.id),
		"view":                  v.object(s),
		"response_urls":         []any{},
		"enterprise":            nil,
		"is_enterprise_install": false,
	}
	s.mu.Unlock()

	ack, err := s.request(ctx, "interactive", "view_submission", payload)
	if err != nil {
		return ack, err
	}
	return ack, s.applySubmissionAck(v, ack.Payload)
}

func (s *Server) applySubmissionAck(v *view, payload json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if payload == nil {
		s.closeViewLocked(v, false)
		return nil
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if err := json.Unmarshal(payload, &resp); err != nil {
		return fmt.Errorf("slacksim: the view_submission ack payload is not a response_action object: %w", err)
	}
	switch resp.ResponseAction {
	case "errors":
		ids := v.inputBlockIDs()
		for b := range resp.Errors {
			if !slices.Contains(ids, b) {
				return fmt.Errorf("slacksim: response_action errors names block_id %q, which is not an input block of view %s (inputs: %s); Slack would show a generic error", b, v.id, strings.Join(ids, ", "))
			}
		}
		v.errors = resp.Errors
		s.recordLocked(change{kind: "view", op: "updated", viewID: v.id})
	case "update":
		if errs := ValidateView(resp.View); len(errs) > 0 {
			return fmt.Errorf("slacksim: response_action update has an invalid view:\n%s", strings.Join(errs, "\n"))
		}
		v.setBody(resp.View, s.cfg.Now())
		s.recordLocked(change{kind: "view", op: "updated", viewID: v.id})
	case "push":
		if errs := ValidateView(resp.View); len(errs) > 0 {
			return fmt.Errorf("slacksim: response_action push has an invalid view:\n%s", strings.Join(errs, "\n"))
		}
		if _, e := s.pushViewLocked(v, resp.View); e != nil {
			return fmt.Errorf("slacksim: response_action push: %s", e.code)
		}
	case "clear":
		s.closeViewLocked(v, true)
	case "":
		s.closeViewLocked(v, false)
	default:
		return fmt.Errorf("slacksim: unknown response_action %q", resp.ResponseAction)
	}
	return nil
}

// CloseView closes the modal viewID (and its stack) as userID. Slack sends
// view_closed only when the view has notify_on_close; otherwise no envelope is
// sent and the Ack is empty.
func (s *Server) CloseView(ctx context.Context, userID, viewID string) (Ack, error) {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	v := s.views[viewID]
	if v == nil || v.typ != "modal" || v.user != u.ID {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: %s has no modal %q", u.Name, viewID)
	}
	if v.closed {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("slacksim: modal %s is closed already", v.id)
	}
	notify := v.notifyOnClose
	obj := v.object(s)
	s.closeViewLocked(v, true)
	payload := map[string]any{
		"type":                  "view_closed",
		"team":                  s.userTeamRef(u),
		"user":                  s.userRefLocked(u),
		"api_app_id":            s.cfg.AppID,
		"token":                 "simverificationtoken",
		"view":                  obj,
		"is_cleared":            false,
		"enterprise":            nil,
		"is_enterprise_install": false,
	}
	s.mu.Unlock()
	if !notify {
		return Ack{}, nil
	}
	return s.request(ctx, "interactive", "view_closed", payload)
}

// changeSeq is the number of changes recorded so far.
func (s *Server) changeSeq() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.changes)
}

// changesSince returns the changes after seq, one per item (the first
// operation when it was "new", else the last), in order.
func (s *Server) changesSinceLocked(seq int) []change {
	type key struct{ kind, channel, ts, user, view string }
	idx := map[key]int{}
	var out []change
	for _, c := range s.changes[min(seq, len(s.changes)):] {
		k := key{c.kind, c.channel, c.ts, c.user, c.viewID}
		if i, ok := idx[k]; ok {
			if out[i].op != "new" {
				out[i].op = c.op
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}
