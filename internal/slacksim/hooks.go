package slacksim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Slack's response_url rules: 5 uses within 30 minutes.
const (
	hookMaxUses  = 5
	hookLifetime = 30 * time.Minute
)

// hook is a response_url handed out with a slash command or an interaction.
type hook struct {
	id, secret string
	kind       string // "commands" or "actions"
	user       string
	channel    string
	created    time.Time
	uses       int
	// The message the interaction came from (block_actions on a message).
	origTS        string
	origEphemeral bool
}

func (s *Server) newHookLocked(kind, user, channel, origTS string, origEphemeral bool) string {
	h := &hook{
		id: randUpper(11), secret: randFrom(alnum, 24), kind: kind, user: user, channel: channel,
		created: s.cfg.Now(), origTS: origTS, origEphemeral: origEphemeral,
	}
	s.hooks[h.id] = h
	return s.base + "hooks/" + kind + "/" + s.cfg.TeamID + "/" + h.id + "/" + h.secret
}

// hookBody is what a response_url takes.
type hookBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

func (s *Server) handleHook(w http.ResponseWriter, r *http.Request) {
	// /hooks/{kind}/{team}/{id}/{secret}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/hooks/"), "/"), "/")
	if r.Method != http.MethodPost || len(parts) != 4 {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "invalid_url"})
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	var body hookBody
	if err := json.Unmarshal(raw, &body); err != nil {
		// A response_url also takes a form field "payload" holding the JSON
		// (the body is read already: parse the form from it).
		form, ferr := url.ParseQuery(string(raw))
		if ferr != nil || form.Get("payload") == "" || json.Unmarshal([]byte(form.Get("payload")), &body) != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
			return
		}
	}
	status, res := s.useHook(parts[2], parts[3], body)
	writeJSON(w, status, res)
}

func (s *Server) useHook(id, secret string, body hookBody) (int, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.hooks[id]
	if !ok || h.secret != secret {
		return http.StatusNotFound, map[string]any{"ok": false, "error": "invalid_url"}
	}
	if age := s.cfg.Now().Sub(h.created); age > hookLifetime || h.uses >= hookMaxUses {
		s.log.Warn("response_url used up", "uses", h.uses, "age", age.Round(time.Second))
		return http.StatusNotFound, map[string]any{"ok": false, "error": "expired_url"}
	}
	if errs := ValidateBlocks(body.Blocks); len(errs) > 0 {
		e := invalidBlocks(errs)
		out := map[string]any{"ok": false, "error": e.code}
		for k, v := range e.extra {
			out[k] = v
		}
		return http.StatusBadRequest, out
	}
	hasBlocks := !isEmptyJSON(body.Blocks) && string(trimSpace(body.Blocks)) != "[]"
	if !body.DeleteOriginal && body.Text == "" && !hasBlocks {
		return http.StatusBadRequest, map[string]any{"ok": false, "error": "no_text"}
	}
	h.uses++

	if h.origTS != "" && (body.ReplaceOriginal || body.DeleteOriginal) {
		var m *msg
		if h.origEphemeral {
			m = s.findEphemeralLocked(h.channel, h.origTS)
		} else {
			m = s.findMsgLocked(h.channel, h.origTS)
		}
		if m == nil || m.Deleted {
			return http.StatusNotFound, map[string]any{"ok": false, "error": "message_not_found"}
		}
		kind := "message"
		if m.Ephemeral {
			kind = "ephemeral"
		}
		if body.DeleteOriginal {
			m.Deleted = true
			s.recordLocked(change{kind: kind, op: "deleted", channel: m.Channel, ts: m.TS, user: m.To})
			return http.StatusOK, map[string]any{"ok": true}
		}
		m.Text, m.Blocks = body.Text, fillIDs(body.Blocks)
		m.EditedBy, m.EditedTS, m.Via = s.cfg.BotUserID, s.nextTSLocked(), "response_url"
		s.recordLocked(change{kind: kind, op: "updated", channel: m.Channel, ts: m.TS, user: m.To})
		return http.StatusOK, map[string]any{"ok": true}
	}

	m := &msg{
		Channel: h.channel, TS: s.nextTSLocked(), User: s.cfg.BotUserID, BotID: s.cfg.BotID, AppID: s.cfg.AppID,
		Text: body.Text, Blocks: fillIDs(body.Blocks), Via: "response_url",
	}
	if body.ThreadTS != "" {
		m.ThreadTS = s.threadRootLocked(h.channel, body.ThreadTS)
	}
	if body.ResponseType == "in_channel" {
		m.ResponseType = "in_channel"
		s.insertMsgLocked(m)
		s.echoLocked(m)
	} else {
		m.ResponseType, m.Ephemeral, m.To = "ephemeral", true, h.user
		s.addEphemeralLocked(m)
	}
	return http.StatusOK, map[string]any{"ok": true}
}
