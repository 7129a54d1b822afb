package slacksim

import (
	"fmt"
	"sort"
	"time"
)

// SeedMessage is one message of a channel's past, for Seed.
type SeedMessage struct {
	User  string // user id or handle
	Text  string
	At    time.Time
	Reply bool // a reply in the thread of the last message seeded that was not a reply
}

// Seed stores messages in a channel's history as if they had been posted
// at their times, before the bot was around: no events are sent. It
// returns their ts in order. Times must not repeat within a channel.
func (s *Server) Seed(channelID string, msgs []SeedMessage) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.channelLocked(channelID)
	if err != nil {
		return nil, err
	}
	var out []string
	parent := ""
	var replies []*msg
	for i, sm := range msgs {
		u, err := s.userLocked(sm.User)
		if err != nil {
			return nil, fmt.Errorf("seed message %d: %w", i, err)
		}
		ts := fmt.Sprintf("%d.%06d", sm.At.Unix(), sm.At.Nanosecond()/1000)
		if s.findMsgLocked(c.ID, ts) != nil {
			return nil, fmt.Errorf("seed message %d: %s already has a message at ts %s", i, c.Name, ts)
		}
		m := &msg{Channel: c.ID, TS: ts, User: u.ID, Text: sm.Text, ClientMsgID: newUUID(), Blocks: richText(sm.Text)}
		if sm.Reply && parent != "" {
			m.ThreadTS = parent
			replies = append(replies, m)
		} else {
			parent = ts
		}
		s.msgs[c.ID] = append(s.msgs[c.ID], m)
		out = append(out, ts)
	}
	list := s.msgs[c.ID]
	sort.SliceStable(list, func(i, j int) bool { return tsLess(list[i].TS, list[j].TS) })
	for _, m := range replies {
		if p := s.findMsgLocked(c.ID, m.ThreadTS); p != nil {
			if p.ThreadTS == "" {
				p.ThreadTS = p.TS
			}
			p.ReplyCount++
			if !containsStr(p.ReplyUsers, m.User) {
				p.ReplyUsers = append(p.ReplyUsers, m.User)
			}
			if tsLess(p.LatestReply, m.TS) {
				p.LatestReply = m.TS
			}
		}
	}
	return out, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
