package slacksim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// msg is a stored message.
type msg struct {
	Channel      string
	TS           string
	ThreadTS     string
	User         string
	BotID        string
	AppID        string
	Text         string
	Subtype      string
	ClientMsgID  string
	Blocks       json.RawMessage
	Ephemeral    bool
	To           string
	ResponseType string
	Via          string
	EditedBy     string
	EditedTS     string
	Deleted      bool
	ReplyCount   int
	ReplyUsers   []string
	LatestReply  string
}

func (m *msg) export() Message {
	return Message{
		Channel:      m.Channel,
		TS:           m.TS,
		ThreadTS:     m.ThreadTS,
		User:         m.User,
		BotID:        m.BotID,
		Text:         m.Text,
		ResponseType: m.ResponseType,
		Blocks:       slices.Clone(m.Blocks),
		Ephemeral:    m.Ephemeral,
		To:           m.To,
		Edited:       m.EditedTS != "",
		Deleted:      m.Deleted,
		Via:          m.Via,
	}
}

// object is the message as the Web API and events show it.
func (s *Server) msgObject(m *msg, withChannel bool) map[string]any {
	o := map[string]any{
		"type": "message",
		"text": m.Text,
		"ts":   m.TS,
		"team": s.cfg.TeamID,
	}
	if withChannel {
		o["channel"] = m.Channel
	}
	if m.User != "" {
		o["user"] = m.User
		// a person's own workspace, as in Slack Connect channels
		o["team"] = s.userTeam(m.User)
		o["user_team"] = s.userTeam(m.User)
		o["source_team"] = s.userTeam(m.User)
	}
	if m.Subtype != "" {
		o["subtype"] = m.Subtype
	}
	if m.ClientMsgID != "" {
		o["client_msg_id"] = m.ClientMsgID
	}
	if m.BotID != "" {
		o["bot_id"] = m.BotID
		o["app_id"] = m.AppID
		o["bot_profile"] = map[string]any{
			"id": m.BotID, "app_id": m.AppID, "name": s.cfg.BotName, "team_id": s.cfg.TeamID,
			"deleted": false, "updated": 1700000000,
		}
	}
	if len(m.Blocks) > 0 {
		o["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		o["thread_ts"] = m.ThreadTS
		if m.ThreadTS != m.TS {
			if p := s.findMsgLocked(m.Channel, m.ThreadTS); p != nil {
				o["parent_user_id"] = p.User
			}
		}
	}
	if m.ReplyCount > 0 {
		o["reply_count"] = m.ReplyCount
		o["reply_users"] = m.ReplyUsers
		o["reply_users_count"] = len(m.ReplyUsers)
		o["latest_reply"] = m.LatestReply
	}
	if m.EditedTS != "" {
		o["edited"] = map[string]any{"user": m.EditedBy, "ts": m.EditedTS}
	}
	return o
}

// nextTSLocked returns a message timestamp from the current time, unique and
// increasing: "1700000000.000100".
func (s *Server) nextTSLocked() string {
	now := s.cfg.Now().UnixMicro()
	if now <= s.lastTS {
		now = s.lastTS + 1
	}
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}

// tsMicro parses "1700000000.000100" (or a plain number) into microseconds.
func tsMicro(ts string) (int64, bool) {
	if ts == "" {
		return 0, false
	}
	sec, frac, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	var f int64
	if frac != "" {
		frac = (frac + "000000")[:6]
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, false
		}
	}
	return n*1e6 + f, true
}

func tsLess(a, b string) bool {
	x, _ := tsMicro(a)
	y, _ := tsMicro(b)
	return x < y
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randFrom(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[rand.IntN(len(set))]
	}
	return string(b)
}

func randUpper(n int) string { return randFrom(upperAlnum, n) }

func randHex(n int) string { return randFrom("0123456789abcdef", n) }

func newUUID() string {
	h := randHex(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// change is one thing the bot (or a person) did, for the driver's
// "new_messages".
type change struct {
	seq     int
	kind    string // "message", "ephemeral", "view"
	op      string // "new", "updated", "deleted", "closed"
	channel string
	ts      string
	user    string // ephemeral recipient
	viewID  string
}

func (s *Server) recordLocked(c change) {
	c.seq = len(s.changes) + 1
	s.changes = append(s.changes, c)
	s.notifyLocked()
}

func (s *Server) findMsgLocked(channel, ts string) *msg {
	for _, m := range s.msgs[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (s *Server) findEphemeralLocked(channel, ts string) *msg {
	for _, m := range s.ephems {
		if m.TS == ts && (channel == "" || m.Channel == channel) {
			return m
		}
	}
	return nil
}

// insertMsgLocked stores a message and keeps its thread parent's counters.
func (s *Server) insertMsgLocked(m *msg) {
	list := append(s.msgs[m.Channel], m)
	sort.SliceStable(list, func(i, j int) bool { return tsLess(list[i].TS, list[j].TS) })
	s.msgs[m.Channel] = list
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		if p := s.findMsgLocked(m.Channel, m.ThreadTS); p != nil {
			if p.ThreadTS == "" {
				p.ThreadTS = p.TS
			}
			p.ReplyCount++
			if !slices.Contains(p.ReplyUsers, m.User) {
				p.ReplyUsers = append(p.ReplyUsers, m.User)
			}
			p.LatestReply = m.TS
		}
	}
	s.recordLocked(change{kind: "message", op: "new", channel: m.Channel, ts: m.TS})
}

// threadRootLocked resolves thread_ts: a reply's ts leads to its parent; an
// unknown parent posts unthreaded, as Slack does when the parent is gone.
func (s *Server) threadRootLocked(channel, threadTS string) string {
	if threadTS == "" {
		return ""
	}
	p := s.findMsgLocked(channel, threadTS)
	if p == nil || p.Deleted {
		return ""
	}
	if p.ThreadTS != "" && p.ThreadTS != p.TS {
		return p.ThreadTS
	}
	return p.TS
}

func (s *Server) isMemberLocked(channel, user string) bool {
	c, ok := s.chans[channel]
	return ok && slices.Contains(c.Members, user)
}

func (s *Server) botIsMemberLocked(channel string) bool {
	return s.isMemberLocked(channel, s.cfg.BotUserID)
}

// findIMLocked returns the bot's IM channel with a user, or "".
func (s *Server) findIMLocked(user string) string {
	for _, id := range s.chanOrder {
		c := s.chans[id]
		if c.IsIM && slices.Contains(c.Members, user) && (user == s.cfg.BotUserID || slices.Contains(c.Members, s.cfg.BotUserID)) {
			return id
		}
	}
	return ""
}

// openIMLocked returns the bot's IM with a user, creating it.
func (s *Server) openIMLocked(user string) string {
	if id := s.findIMLocked(user); id != "" {
		return id
	}
	id := "D" + strings.TrimPrefix(user, "U")
	if _, taken := s.chans[id]; taken || len(id) < 3 {
		id = "D" + randUpper(9)
	}
	s.addChannelLocked(Channel{ID: id, Name: user, IsIM: true, IsPrivate: true, Members: []string{user, s.cfg.BotUserID}})
	return id
}

// imUserLocked returns the person in the bot's IM channel.
func (s *Server) imUserLocked(c *Channel) string {
	for _, m := range c.Members {
		if m != s.cfg.BotUserID {
			return m
		}
	}
	return ""
}

func channelType(c *Channel) string {
	switch {
	case c.IsIM:
		return "im"
	case c.IsPrivate:
		return "group"
	}
	return "channel"
}

func (s *Server) channelNameLocked(c *Channel) string {
	if c.IsIM {
		return "directmessage"
	}
	return c.Name
}

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// richText renders a person's text as the rich_text block Slack attaches to
// their messages.
func richText(text string) json.RawMessage {
	var els []any
	last := 0
	for _, loc := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		if loc[0] > last {
			els = append(els, map[string]any{"type": "text", "text": slackUnescaper.Replace(text[last:loc[0]])})
		}
		els = append(els, map[string]any{"type": "user", "user_id": text[loc[2]:loc[3]]})
		last = loc[1]
	}
	if last < len(text) {
		els = append(els, map[string]any{"type": "text", "text": slackUnescaper.Replace(text[last:])})
	}
	if len(els) == 0 {
		return nil
	}
	return encode([]any{map[string]any{
		"type":     "rich_text",
		"block_id": randFrom(alnum, 5),
		"elements": []any{map[string]any{"type": "rich_text_section", "elements": els}},
	}})
}

// interactiveTypes are the element types that carry an action_id.
var interactiveTypes = map[string]bool{
	"button": true, "checkboxes": true, "datepicker": true, "datetimepicker": true, "timepicker": true,
	"overflow": true, "radio_buttons": true, "static_select": true, "external_select": true,
	"users_select": true, "conversations_select": true, "channels_select": true,
	"multi_static_select": true, "multi_external_select": true, "multi_users_select": true,
	"multi_conversations_select": true, "multi_channels_select": true, "plain_text_input": true,
	"email_text_input": true, "url_text_input": true, "number_input": true, "rich_text_input": true,
	"file_input": true, "workflow_button": true, "icon_button": true, "feedback_buttons": true,
}

// fillIDs adds the block_id and action_id Slack generates when a block or an
// interactive element has none.
func fillIDs(blocks json.RawMessage) json.RawMessage {
	v, err := decodeAny(blocks)
	list, ok := v.([]any)
	if err != nil || !ok || len(list) == 0 {
		return nil
	}
	for _, b := range list {
		obj, ok := b.(map[string]any)
		if !ok {
			continue
		}
		if id, _ := obj["block_id"].(string); id == "" {
			obj["block_id"] = randFrom(alnum, 5)
		}
		walkElements(obj, "", func(el map[string]any, _ string) {
			t, _ := el["type"].(string)
			if id, _ := el["action_id"].(string); id == "" && interactiveTypes[t] {
				el["action_id"] = randFrom(alnum, 5)
			}
		})
	}
	return encode(list)
}

// decodeAny decodes JSON keeping numbers as json.Number.
func decodeAny(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// encode marshals without HTML escaping and without the trailing newline.
func encode(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}
