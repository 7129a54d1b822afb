package slacksim

// Inner events of the Events API, shaped like shared/ext/slack-payloads/events-api.

// messageEvent is the "message" event for a new message (message.channels,
// message.groups, message.im).
func (s *Server) messageEvent(m *msg) map[string]any {
	ev := s.msgObject(m, true)
	ev["event_ts"] = m.TS
	if c := s.chans[m.Channel]; c != nil {
		ev["channel_type"] = channelType(c)
	}
	delete(ev, "reply_count")
	delete(ev, "reply_users")
	delete(ev, "reply_users_count")
	delete(ev, "latest_reply")
	return ev
}

// appMentionEvent is the "app_mention" event for a message naming the bot.
func (s *Server) appMentionEvent(m *msg) map[string]any {
	ev := map[string]any{
		"type":    "app_mention",
		"user":    m.User,
		"text":    m.Text,
		"ts":      m.TS,
		"team":    s.userTeam(m.User),
		"channel": m.Channel,
		// the author's own workspace (another one's in Slack Connect)
		"user_team":   s.userTeam(m.User),
		"source_team": s.userTeam(m.User),
		"event_ts":    m.TS,
	}
	if m.ClientMsgID != "" {
		ev["client_msg_id"] = m.ClientMsgID
	}
	if len(m.Blocks) > 0 {
		ev["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		ev["thread_ts"] = m.ThreadTS
	}
	return ev
}

// messageChangedEvent is "message" with subtype message_changed.
func (s *Server) messageChangedEvent(m, prev *msg) map[string]any {
	ts := s.nextTSLocked()
	ev := map[string]any{
		"type":             "message",
		"subtype":          "message_changed",
		"message":          s.msgObject(m, false),
		"previous_message": s.msgObject(prev, false),
		"channel":          m.Channel,
		"hidden":           true,
		"ts":               ts,
		"event_ts":         ts,
	}
	if c := s.chans[m.Channel]; c != nil {
		ev["channel_type"] = channelType(c)
	}
	return ev
}

// messageDeletedEvent is "message" with subtype message_deleted.
func (s *Server) messageDeletedEvent(m *msg) map[string]any {
	ts := s.nextTSLocked()
	prev := *m
	prev.Deleted = false
	ev := map[string]any{
		"type":             "message",
		"subtype":          "message_deleted",
		"previous_message": s.msgObject(&prev, false),
		"channel":          m.Channel,
		"hidden":           true,
		"deleted_ts":       m.TS,
		"ts":               ts,
		"event_ts":         ts,
	}
	if c := s.chans[m.Channel]; c != nil {
		ev["channel_type"] = channelType(c)
	}
	return ev
}

// echoLocked sends the message event for the bot's own post when
// Config.EchoBotMessages is set, as Slack does.
func (s *Server) echoLocked(m *msg) {
	if s.cfg.EchoBotMessages && !m.Ephemeral {
		s.publishLocked(s.messageEvent(m))
	}
}
