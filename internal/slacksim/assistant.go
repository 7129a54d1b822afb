package slacksim

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
)

// Slack's AI-app assistant: the assistant pane opens a thread in the app's
// DM with the person (assistant_thread_started), the app sets suggested
// prompts and a "thinking…" status on it (assistant.threads.*), and the
// person's messages arrive as message.im events in that thread. Slack clears
// the status when the app replies in the thread.

// maxSuggestedPrompts is how many prompts assistant.threads.setSuggestedPrompts takes.
const maxSuggestedPrompts = 4

// Prompt is a suggested prompt the bot set on an assistant thread.
type Prompt struct {
	Title   string `json:"title"`
	Message string `json:"message"`
}

// AssistantThread is what the bot did to one assistant thread.
type AssistantThread struct {
	Channel, ThreadTS, User string
	Title                   string
	PromptsTitle            string
	Prompts                 []Prompt
	// Statuses are every status the bot set, in order ("" clears).
	Statuses []string
	statusTS string // the newest ts when the status was set
}

type assistantState struct {
	mu      sync.Mutex
	threads map[string]*AssistantThread // channel/thread_ts
}

var assistants sync.Map // *Server → *assistantState

func (s *Server) assistant() *assistantState {
	v, _ := assistants.LoadOrStore(s, &assistantState{threads: map[string]*AssistantThread{}})
	return v.(*assistantState)
}

func init() {
	apiMethods["assistant.threads.setStatus"] = apiMethod{fn: (*Server).assistantSetStatus}
	apiMethods["assistant.threads.setSuggestedPrompts"] = apiMethod{fn: (*Server).assistantSetSuggestedPrompts}
	apiMethods["assistant.threads.setTitle"] = apiMethod{fn: (*Server).assistantSetTitle}
}

// assistantThreadLocked finds the assistant thread an assistant.threads.*
// call names.
func (s *Server) assistantThreadLocked(a args) (*AssistantThread, *apiErr) {
	ch, ts := a.str("channel_id"), a.str("thread_ts")
	if ch == "" || ts == "" {
		return nil, fail("invalid_arguments")
	}
	c, ok := s.chans[ch]
	if !ok || !c.IsIM || !s.botIsMemberLocked(ch) {
		return nil, fail("channel_not_found")
	}
	st := s.assistant()
	st.mu.Lock()
	defer st.mu.Unlock()
	th := st.threads[ch+"/"+ts]
	if th == nil {
		return nil, fail("invalid_thread_ts")
	}
	return th, nil
}

func (s *Server) assistantSetStatus(a args) (map[string]any, *apiErr) {
	return s.updateAssistantThread(a, a.has("status"), func(th *AssistantThread) *apiErr {
		th.Statuses = append(th.Statuses, a.str("status"))
		th.statusTS = s.latestTSLocked(th.Channel)
		return nil
	})
}

func (s *Server) assistantSetSuggestedPrompts(a args) (map[string]any, *apiErr) {
	return s.updateAssistantThread(a, true, func(th *AssistantThread) *apiErr {
		var prompts []Prompt
		raw := a.raw("prompts")
		if len(raw) == 0 || json.Unmarshal(raw, &prompts) != nil || len(prompts) == 0 || len(prompts) > maxSuggestedPrompts {
			return failMsgs("invalid_arguments", "[ERROR] prompts must be a JSON array of 1 to 4 {title, message} objects")
		}
		for _, p := range prompts {
			if strings.TrimSpace(p.Title) == "" || strings.TrimSpace(p.Message) == "" {
				return failMsgs("invalid_arguments", "[ERROR] every prompt needs a title and a message")
			}
		}
		th.Prompts, th.PromptsTitle = prompts, a.str("title")
		return nil
	})
}

func (s *Server) assistantSetTitle(a args) (map[string]any, *apiErr) {
	return s.updateAssistantThread(a, strings.TrimSpace(a.str("title")) != "", func(th *AssistantThread) *apiErr {
		th.Title = a.str("title")
		return nil
	})
}

// updateAssistantThread is an assistant.threads.set* call: it fails with
// invalid_arguments unless argsOK, finds the thread the call names, and
// applies set to it, which may still refuse the call; a change is told to
// whoever waits on the server.
func (s *Server) updateAssistantThread(a args, argsOK bool, set func(th *AssistantThread) *apiErr) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !argsOK {
		return nil, fail("invalid_arguments")
	}
	th, e := s.assistantThreadLocked(a)
	if e != nil {
		return nil, e
	}
	st := s.assistant()
	st.mu.Lock()
	e = set(th)
	st.mu.Unlock()
	if e != nil {
		return nil, e
	}
	s.notifyLocked()
	return map[string]any{}, nil
}

// latestTSLocked is the newest ts in a channel (messages and replies).
func (s *Server) latestTSLocked(channel string) string {
	latest := ""
	for _, m := range s.msgs[channel] {
		if latest == "" || tsLess(latest, m.TS) {
			latest = m.TS
		}
	}
	return latest
}

// StartAssistantThread opens the assistant pane for userID: a new thread in
// the bot's DM with them, and the assistant_thread_started event. It waits
// for the bot's ack and returns the DM channel and the thread's ts.
func (s *Server) StartAssistantThread(ctx context.Context, userID string) (string, string, error) {
	s.mu.Lock()
	u, err := s.userLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return "", "", err
	}
	ch := s.openIMLocked(u.ID)
	root := &msg{Channel: ch, TS: s.nextTSLocked(), User: s.cfg.BotUserID, BotID: s.cfg.BotID, AppID: s.cfg.AppID,
		Subtype: "assistant_app_thread", Text: "New chat"}
	s.insertMsgLocked(root)
	st := s.assistant()
	st.mu.Lock()
	st.threads[ch+"/"+root.TS] = &AssistantThread{Channel: ch, ThreadTS: root.TS, User: u.ID}
	st.mu.Unlock()
	job := s.publishLocked(map[string]any{
		"type": "assistant_thread_started",
		"assistant_thread": map[string]any{
			"user_id": u.ID, "channel_id": ch, "thread_ts": root.TS,
			"context": map[string]any{"channel_id": "", "team_id": s.cfg.TeamID, "enterprise_id": ""},
		},
	})
	s.mu.Unlock()
	return ch, root.TS, s.waitJobs(ctx, job)
}

// AssistantThread returns what the bot did to an assistant thread: its
// suggested prompts, title and the statuses it set.
func (s *Server) AssistantThread(channel, threadTS string) (AssistantThread, bool) {
	st := s.assistant()
	st.mu.Lock()
	defer st.mu.Unlock()
	th, ok := st.threads[channel+"/"+threadTS]
	if !ok {
		return AssistantThread{}, false
	}
	out := *th
	out.Prompts = append([]Prompt(nil), th.Prompts...)
	out.Statuses = append([]string(nil), th.Statuses...)
	return out, true
}

// AssistantStatus is the status shown in an assistant thread now: the last
// one the bot set, or "" once the bot replied in the thread after setting
// it (Slack clears it then).
func (s *Server) AssistantStatus(channel, threadTS string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.assistant()
	st.mu.Lock()
	defer st.mu.Unlock()
	th, ok := st.threads[channel+"/"+threadTS]
	if !ok || len(th.Statuses) == 0 {
		return ""
	}
	for _, m := range s.msgs[channel] {
		if m.ThreadTS == threadTS && m.BotID == s.cfg.BotID && m.TS != threadTS && tsLess(th.statusTS, m.TS) {
			return ""
		}
	}
	return th.Statuses[len(th.Statuses)-1]
}

// SendAssistantMessage sends text from userID in an assistant thread (a
// message.im event with the thread's ts) and waits for the bot's ack.
func (s *Server) SendAssistantMessage(ctx context.Context, userID, channel, threadTS, text string) (string, error) {
	return s.Post(ctx, userID, channel, threadTS, text)
}
