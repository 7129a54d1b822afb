package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The HTTP driver: a small JSON API under /driver/ for people with curl.

const (
	driverAckWait = 5 * time.Second
	settleQuiet   = 400 * time.Millisecond
	settleMax     = 4 * time.Second
)

// driverReq is the body of every POST /driver/… call; each uses some fields.
type driverReq struct {
	User      string          `json:"user"`
	Channel   string          `json:"channel"`
	Command   string          `json:"command"`
	Text      string          `json:"text"`
	ThreadTS  string          `json:"thread_ts"`
	TS        string          `json:"ts"`
	Ephemeral bool            `json:"ephemeral"`
	ViewID    string          `json:"view_id"`
	BlockID   string          `json:"block_id"`
	ActionID  string          `json:"action_id"`
	Value     string          `json:"value"`
	Values    json.RawMessage `json:"values"`
	Reason    string          `json:"reason"`
}

type badRequest struct{ error }

func (s *Server) driverHelp(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"ok":    true,
		"about": "Slack simulator. Web API at /api/{method}; Socket Mode via apps.connections.open; this driver acts as a person.",
		"api":   s.APIURL(),
		"post": map[string]string{
			"/driver/command":    `{"user":"maya","channel":"deals-acme","command":"/journey","text":"acme"}`,
			"/driver/mention":    `{"user":"maya","channel":"deals-acme","thread_ts":"","text":"where is acme?"}`,
			"/driver/post":       `{"user":"maya","channel":"deals-acme","thread_ts":"","text":"hello"}`,
			"/driver/dm":         `{"user":"maya","text":"which deals are at risk?"}`,
			"/driver/assistant":  `{"user":"maya","thread_ts":"","text":"what should I do first today?"} (no thread_ts: opens the assistant pane, a new thread; with text: asks in it)`,
			"/driver/click":      `{"user":"maya","channel":"deals-acme","ts":"…","ephemeral":false,"view_id":"","block_id":"","action_id":"…","value":""} (only action_id: the newest message or view showing it; view_id "home": the Home tab)`,
			"/driver/submit":     `{"user":"maya","view_id":"V…","values":{"block_id":{"action_id":"value"}}} (or values {"action_id":"value"}; no view_id: the open modal)`,
			"/driver/close":      `{"user":"maya","view_id":"V…"}`,
			"/driver/home":       `{"user":"maya"}`,
			"/driver/join":       `{"user":"journey","channel":"deals-acme"}`,
			"/driver/edit":       `{"user":"maya","channel":"deals-acme","ts":"…","text":"…"}`,
			"/driver/delete":     `{"user":"maya","channel":"deals-acme","ts":"…"}`,
			"/driver/disconnect": `{"reason":"refresh_requested"}`,
		},
		"get": []string{
			"/driver/messages?channel=deals-acme", "/driver/thread?channel=deals-acme&ts=…",
			"/driver/ephemerals?user=maya", "/driver/dms?user=maya", "/driver/home?user=maya",
			"/driver/views?user=maya", "/driver/users", "/driver/channels", "/driver/deliveries",
		},
	})
}

func (s *Server) handleDriver(w http.ResponseWriter, r *http.Request) {
	op := strings.Trim(strings.TrimPrefix(r.URL.Path, "/driver"), "/")
	if op == "" {
		s.driverHelp(w)
		return
	}
	if r.Method == http.MethodGet {
		res, err := s.driverRead(op, r)
		if err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, errNotFound) {
				status = http.StatusNotFound
			}
			writeJSON(w, status, map[string]any{"ok": false, "error": err.Error()})
			return
		}
		res["ok"] = true
		writeJSON(w, http.StatusOK, res)
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"ok": false, "error": "use GET to read, POST to act"})
		return
	}
	var req driverReq
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "the body must be a JSON object: " + err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), driverAckWait)
	defer cancel()
	seq := s.changeSeq()
	res, err := s.driverAct(ctx, op, req)
	var bad badRequest
	if errors.As(err, &bad) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": bad.Error()})
		return
	}
	if errors.Is(err, errNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	if res == nil {
		res = map[string]any{}
	}
	if err == nil || !errors.Is(err, ErrNoConnection) {
		s.settle(r.Context(), seq)
	}
	res["ok"] = err == nil
	if err != nil {
		res["error"] = err.Error()
	}
	res["new_messages"] = s.renderChanges(seq)
	writeJSON(w, http.StatusOK, res)
}

var errNotFound = errors.New("not found")

// settle waits for the bot's follow-ups: until nothing changed for a short
// while (or a cap).
func (s *Server) settle(ctx context.Context, seq int) {
	deadline := time.Now().Add(settleMax)
	first := true
	for time.Now().Before(deadline) {
		s.mu.Lock()
		ch := s.changed
		n := len(s.changes)
		s.mu.Unlock()
		wait := settleQuiet
		if first && n == seq {
			wait = 2 * time.Second // nothing yet: give the bot time to answer
		}
		first = false
		t := time.NewTimer(min(wait, time.Until(deadline)))
		select {
		case <-ch:
			t.Stop()
			// Something changed (a recorded change, or an ack or a
			// connection): keep waiting for quiet.
		case <-t.C:
			return
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.ctx.Done():
			t.Stop()
			return
		}
	}
}

func (s *Server) renderChanges(seq int) []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, c := range s.changesSinceLocked(seq) {
		var item map[string]any
		switch c.kind {
		case "view":
			v := s.views[c.viewID]
			if v == nil {
				continue
			}
			item = s.renderViewLocked(v)
			item["kind"] = "view"
			if v.typ == "home" {
				item["kind"] = "home"
			}
		case "ephemeral":
			m := s.findEphemeralLocked(c.channel, c.ts)
			if m == nil {
				continue
			}
			item = s.renderMsgLocked(m)
			item["kind"] = "ephemeral"
		default:
			m := s.findMsgLocked(c.channel, c.ts)
			if m == nil {
				continue
			}
			item = s.renderMsgLocked(m)
			item["kind"] = "message"
			if ch := s.chans[c.channel]; ch != nil && ch.IsIM {
				item["kind"] = "dm"
			}
		}
		item["change"] = c.op
		out = append(out, item)
	}
	return out
}

func ackJSON(a Ack) map[string]any {
	out := map[string]any{"latency_ms": a.Latency.Milliseconds()}
	if a.Payload != nil {
		out["payload"] = a.Payload
	}
	return out
}

func (s *Server) driverAct(ctx context.Context, op string, q driverReq) (map[string]any, error) {
	// Resolve names first so bad input is a 400 with the known names.
	s.mu.Lock()
	var userID, chanID string
	var err error
	if q.User != "" {
		var u *User
		if u, err = s.userLocked(q.User); err == nil {
			userID = u.ID
		}
	} else if op != "disconnect" {
		err = fmt.Errorf(`"user" is required (a name like "maya" or an id)`)
	}
	if err == nil && q.Channel != "" {
		var c *Channel
		if c, err = s.channelLocked(q.Channel); err == nil {
			chanID = c.ID
		}
	}
	s.mu.Unlock()
	if err != nil {
		return nil, badRequest{err}
	}
	need := func(field, v string) error {
		if v == "" {
			return badRequest{fmt.Errorf("%q is required for /driver/%s", field, op)}
		}
		return nil
	}

	switch op {
	case "command":
		if err := errors.Join(need("channel", chanID), need("command", q.Command)); err != nil {
			return nil, err
		}
		ack, err := s.SlashCommand(ctx, userID, chanID, q.Command, q.Text)
		return map[string]any{"ack": ackJSON(ack)}, err
	case "mention", "post":
		if err := need("channel", chanID); err != nil {
			return nil, err
		}
		f := s.Post
		if op == "mention" {
			f = s.Mention
		}
		ts, err := f(ctx, userID, chanID, q.ThreadTS, q.Text)
		if ts == "" && err != nil {
			return nil, badRequest{err}
		}
		return map[string]any{"channel": chanID, "ts": ts}, err
	case "dm":
		ch, ts, err := s.SendDM(ctx, userID, q.Text)
		return map[string]any{"channel": ch, "ts": ts}, err
	case "assistant":
		ch, thread := "", q.ThreadTS
		if thread == "" {
			if ch, thread, err = s.StartAssistantThread(ctx, userID); err != nil {
				return map[string]any{"channel": ch, "thread_ts": thread}, err
			}
		} else {
			s.mu.Lock()
			ch = s.findIMLocked(userID)
			s.mu.Unlock()
			if _, ok := s.AssistantThread(ch, thread); !ok {
				return nil, badRequest{fmt.Errorf("%s has no assistant thread %q; leave thread_ts out to open one", q.User, thread)}
			}
		}
		out := map[string]any{"channel": ch, "thread_ts": thread}
		if q.Text == "" {
			return out, nil
		}
		ts, err := s.SendAssistantMessage(ctx, userID, ch, thread, q.Text)
		out["ts"] = ts
		return out, err
	case "click":
		if err := need("action_id", q.ActionID); err != nil {
			return nil, err
		}
		t := Target{ChannelID: chanID, MessageTS: q.TS, Ephemeral: q.Ephemeral, ViewID: q.ViewID}
		if t.ViewID == "" && (t.ChannelID == "" || t.MessageTS == "") {
			var ok bool
			if t, ok = s.findTarget(userID, chanID, q.BlockID, q.ActionID); !ok {
				return nil, badRequest{fmt.Errorf("no message, ephemeral or view visible to %s shows action_id %q; give channel+ts (+ephemeral) or view_id", q.User, q.ActionID)}
			}
		}
		ack, err := s.click(ctx, userID, t, q.BlockID, q.ActionID, q.Value)
		if err != nil && ack.Payload == nil && !strings.Contains(err.Error(), "did not ack") && !errors.Is(err, ErrNoConnection) && ctx.Err() == nil {
			return nil, badRequest{err}
		}
		return map[string]any{"ack": ackJSON(ack), "target": t}, err
	case "submit":
		viewID := q.ViewID
		if viewID == "" {
			s.mu.Lock()
			if v := s.topViewLocked(userID); v != nil {
				viewID = v.id
			}
			s.mu.Unlock()
			if viewID == "" {
				return nil, badRequest{fmt.Errorf("%s has no open modal; give view_id", q.User)}
			}
		}
		values, err := s.driverValues(viewID, q.Values)
		if err != nil {
			return nil, badRequest{err}
		}
		ack, err := s.SubmitView(ctx, userID, viewID, values)
		if err != nil && strings.HasPrefix(err.Error(), "slacksim: ") && ack.Payload == nil &&
			!strings.Contains(err.Error(), "did not ack") && !errors.Is(err, ErrNoConnection) && ctx.Err() == nil {
			return nil, badRequest{err}
		}
		return map[string]any{"ack": ackJSON(ack), "view_id": viewID}, err
	case "close":
		if err := need("view_id", q.ViewID); err != nil {
			return nil, err
		}
		ack, err := s.CloseView(ctx, userID, q.ViewID)
		return map[string]any{"ack": ackJSON(ack)}, err
	case "home":
		return map[string]any{}, s.OpenHome(ctx, userID)
	case "join":
		if err := need("channel", chanID); err != nil {
			return nil, err
		}
		return map[string]any{}, s.JoinChannel(ctx, userID, chanID)
	case "edit":
		if err := errors.Join(need("channel", chanID), need("ts", q.TS)); err != nil {
			return nil, err
		}
		return map[string]any{}, s.EditMessage(ctx, userID, chanID, q.TS, q.Text)
	case "delete":
		if err := errors.Join(need("channel", chanID), need("ts", q.TS)); err != nil {
			return nil, err
		}
		return map[string]any{}, s.DeleteMessage(ctx, userID, chanID, q.TS)
	case "disconnect":
		reason := q.Reason
		if reason == "" {
			reason = "refresh_requested"
		}
		s.Disconnect(reason)
		return map[string]any{"reason": reason}, nil
	}
	return nil, fmt.Errorf("%w: no driver action %q (see GET /driver/)", errNotFound, op)
}

// findTarget finds the newest view, ephemeral or message visible to user that
// shows actionID.
func (s *Server) findTarget(user, channel, blockID, actionID string) (Target, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if channel == "" {
		for i := len(s.viewOrder) - 1; i >= 0; i-- {
			v := s.views[s.viewOrder[i]]
			if v.user == user && !v.closed {
				if e, _ := findAction(v.blocks, blockID, actionID, ""); e.el != nil {
					return Target{ViewID: v.id}, true
				}
			}
		}
	}
	for i := len(s.ephems) - 1; i >= 0; i-- {
		m := s.ephems[i]
		if m.To == user && !m.Deleted && (channel == "" || m.Channel == channel) {
			if e, _ := findAction(m.Blocks, blockID, actionID, ""); e.el != nil {
				return Target{ChannelID: m.Channel, MessageTS: m.TS, Ephemeral: true}, true
			}
		}
	}
	var best *msg
	for id, list := range s.msgs {
		if (channel != "" && id != channel) || !s.isMemberLocked(id, user) {
			continue
		}
		for i := len(list) - 1; i >= 0; i-- {
			m := list[i]
			if best != nil && !tsLess(best.TS, m.TS) {
				break
			}
			if e, _ := findAction(m.Blocks, blockID, actionID, ""); e.el != nil && !m.Deleted {
				best = m
				break
			}
		}
	}
	if best == nil {
		return Target{}, false
	}
	return Target{ChannelID: best.Channel, MessageTS: best.TS}, true
}

// driverValues accepts {"block_id":{"action_id":"value"}} or the flat
// {"action_id":"value"} (or {"block_id":"value"}).
func (s *Server) driverValues(viewID string, raw json.RawMessage) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	var generic map[string]json.RawMessage
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, fmt.Errorf(`"values" must be an object: %w`, err)
	}
	s.mu.Lock()
	v := s.views[viewID]
	var ins []input
	if v != nil {
		ins = v.inputs()
	}
	s.mu.Unlock()
	for k, val := range generic {
		var nested map[string]any
		if json.Unmarshal(val, &nested) == nil {
			for a, x := range nested {
				if out[k] == nil {
					out[k] = map[string]string{}
				}
				out[k][a] = valueString(x)
			}
			continue
		}
		var x any
		_ = json.Unmarshal(val, &x)
		i := slices.IndexFunc(ins, func(in input) bool { return in.actionID == k || in.blockID == k })
		if i < 0 {
			var names []string
			for _, in := range ins {
				names = append(names, in.blockID+"/"+in.actionID)
			}
			return nil, fmt.Errorf("view %s has no input with action_id or block_id %q; inputs (block_id/action_id): %s", viewID, k, strings.Join(names, ", "))
		}
		in := ins[i]
		if out[in.blockID] == nil {
			out[in.blockID] = map[string]string{}
		}
		out[in.blockID][in.actionID] = valueString(x)
	}
	return out, nil
}

func valueString(x any) string {
	switch v := x.(type) {
	case string:
		return v
	case []any:
		var parts []string
		for _, p := range v {
			parts = append(parts, valueString(p))
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func (s *Server) driverRead(op string, r *http.Request) (map[string]any, error) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	user := func() (*User, error) {
		if q.Get("user") == "" {
			return nil, errors.New(`query parameter "user" is required`)
		}
		return s.userLocked(q.Get("user"))
	}
	channel := func() (*Channel, error) {
		if q.Get("channel") == "" {
			return nil, errors.New(`query parameter "channel" is required`)
		}
		return s.channelLocked(q.Get("channel"))
	}
	list := func(ms []*msg, keep func(*msg) bool) []any {
		out := []any{}
		for _, m := range ms {
			if keep(m) {
				out = append(out, s.renderMsgLocked(m))
			}
		}
		return out
	}
	all := func(*msg) bool { return true }
	switch op {
	case "messages":
		c, err := channel()
		if err != nil {
			return nil, err
		}
		return map[string]any{"channel": c.ID, "name": c.Name, "messages": list(s.msgs[c.ID], all)}, nil
	case "thread":
		c, err := channel()
		if err != nil {
			return nil, err
		}
		ts := q.Get("ts")
		if ts == "" {
			return nil, errors.New(`query parameter "ts" is required`)
		}
		return map[string]any{"channel": c.ID, "thread_ts": ts, "messages": list(s.msgs[c.ID], func(m *msg) bool {
			return m.TS == ts || m.ThreadTS == ts
		})}, nil
	case "ephemerals":
		u, err := user()
		if err != nil {
			return nil, err
		}
		return map[string]any{"user": u.ID, "messages": list(s.ephems, func(m *msg) bool { return m.To == u.ID })}, nil
	case "dms":
		u, err := user()
		if err != nil {
			return nil, err
		}
		im := s.findIMLocked(u.ID)
		return map[string]any{"user": u.ID, "channel": im, "messages": list(s.msgs[im], all)}, nil
	case "home":
		u, err := user()
		if err != nil {
			return nil, err
		}
		id, ok := s.homes[u.ID]
		if !ok {
			return map[string]any{"user": u.ID, "view": nil}, nil
		}
		return map[string]any{"user": u.ID, "view": s.renderViewLocked(s.views[id])}, nil
	case "views":
		u, err := user()
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, id := range s.viewOrder {
			if v := s.views[id]; v.user == u.ID && v.typ == "modal" {
				out = append(out, s.renderViewLocked(v))
			}
		}
		return map[string]any{"user": u.ID, "views": out}, nil
	case "users":
		out := []any{}
		for _, id := range s.userOrder {
			u := s.users[id]
			out = append(out, map[string]any{
				"id": u.ID, "name": u.Name, "real_name": u.RealName, "email": u.Email,
				"tz": u.TZ, "is_admin": u.IsAdmin, "is_bot": u.IsBot,
			})
		}
		return map[string]any{"users": out}, nil
	case "channels":
		out := []any{}
		for _, id := range s.chanOrder {
			c := s.chans[id]
			var names []string
			for _, m := range c.Members {
				names = append(names, s.nameLocked(m))
			}
			out = append(out, map[string]any{
				"id": c.ID, "name": c.Name, "is_private": c.IsPrivate, "is_im": c.IsIM,
				"is_ext_shared": c.IsExtShared, "members": names, "bot_is_member": s.botIsMemberLocked(c.ID),
				"messages": len(s.msgs[c.ID]),
			})
		}
		return map[string]any{"channels": out}, nil
	case "deliveries":
		out := []any{}
		for _, e := range s.envOrder {
			out = append(out, e.delivery())
		}
		return map[string]any{"deliveries": out, "connections": len(s.conns)}, nil
	}
	return nil, fmt.Errorf("%w: no driver reader %q (see GET /driver/)", errNotFound, op)
}
