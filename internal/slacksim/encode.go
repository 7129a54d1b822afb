package slacksim

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

var (
	slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	// rich_text blocks carry the text unescaped
	slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	atName         = regexp.MustCompile(`(^|[\s(])@([A-Za-z0-9][A-Za-z0-9._-]*)`)
	hashName       = regexp.MustCompile(`(^|[\s(])#([a-z0-9][a-z0-9_-]*)`)
)

// encodeLocked turns what a person typed into the text Slack stores and
// sends: & < > escaped as &amp; &lt; &gt;, "@maya" as <@U…> and "#deals" as
// <#C…|deals> when they name a member or a channel.
func (s *Server) encodeLocked(text string) string {
	text = slackEscaper.Replace(text)
	text = atName.ReplaceAllStringFunc(text, func(tok string) string {
		m := atName.FindStringSubmatch(tok)
		for _, u := range s.users {
			if strings.EqualFold(u.Name, m[2]) || u.ID == m[2] {
				return m[1] + "<@" + u.ID + ">"
			}
		}
		return tok
	})
	return hashName.ReplaceAllStringFunc(text, func(tok string) string {
		m := hashName.FindStringSubmatch(tok)
		for _, c := range s.chans {
			if !c.IsIM && c.Name == m[2] {
				return m[1] + "<#" + c.ID + "|" + c.Name + ">"
			}
		}
		return tok
	})
}

// Unfurl has Slack attach a link preview to a message, as it does a moment
// after a message with a link is posted: a message_changed event whose
// text did not change.
func (s *Server) Unfurl(ctx context.Context, channelID, ts string) error {
	s.mu.Lock()
	m := s.findMsgLocked(channelID, ts)
	if m == nil {
		s.mu.Unlock()
		return fmt.Errorf("slacksim: no message %s in %s", ts, channelID)
	}
	user := m.User
	s.mu.Unlock()
	return s.changeMessage(ctx, user, channelID, ts, "unfurled", func(_ *User, _ *Channel, m *msg) (func() map[string]any, error) {
		prev := *m
		return func() map[string]any {
			ev := s.messageChangedEvent(m, &prev)
			msg := ev["message"].(map[string]any)
			msg["attachments"] = []map[string]any{{
				"id": 1, "fallback": "Link preview", "title": "Link preview",
				"title_link": "https://example.com/", "from_url": "https://example.com/",
				"service_name": "example.com", "text": "A page the message links to.",
			}}
			return ev
		}, nil
	})
}
