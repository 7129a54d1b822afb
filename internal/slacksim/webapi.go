package slacksim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// args are a Web API call's arguments: query, form or JSON body. Values are
// strings (query, form) or decoded JSON (JSON body).
type args map[string]any

func parseArgs(r *http.Request) (args, string) {
	a := args{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			a[k] = v[0]
		}
	}
	if r.Method != http.MethodPost {
		return a, ""
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			return nil, "invalid_form_data"
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return a, ""
		}
		v, err := decodeAny(body)
		if err != nil {
			return nil, "invalid_json"
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, "json_not_object"
		}
		for k, x := range obj {
			a[k] = x
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, "invalid_form_data"
		}
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				a[k] = v[0]
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, "invalid_form_data"
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				a[k] = v[0]
			}
		}
	}
	return a, ""
}

func (a args) str(k string) string {
	switch v := a[k].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	default:
		return string(encode(v))
	}
}

// raw returns a JSON-valued argument (blocks, view): a form field holds it as
// a JSON string, a JSON body as a value.
func (a args) raw(k string) json.RawMessage {
	switch v := a[k].(type) {
	case nil:
		return nil
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return json.RawMessage(v)
	default:
		return encode(v)
	}
}

func (a args) has(k string) bool { _, ok := a[k]; return ok }

func (a args) boolean(k string) bool {
	switch strings.ToLower(a.str(k)) {
	case "true", "1", "yes":
		return true
	}
	return false
}

func (a args) integer(k string, def int) (int, bool) {
	s := a.str(k)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// apiErr is a Slack error answer.
type apiErr struct {
	code  string
	extra map[string]any
}

func fail(code string) *apiErr { return &apiErr{code: code} }

func failMsgs(code string, msgs ...string) *apiErr {
	return &apiErr{code: code, extra: map[string]any{"response_metadata": map[string]any{"messages": msgs}}}
}

// invalidBlocks is chat.*'s answer to bad blocks.
func invalidBlocks(msgs []string) *apiErr {
	errs := make([]string, len(msgs))
	for i, m := range msgs {
		errs[i] = strings.TrimPrefix(m, "[ERROR] ")
	}
	return &apiErr{code: "invalid_blocks", extra: map[string]any{
		"errors":            errs,
		"response_metadata": map[string]any{"messages": msgs},
	}}
}

type apiMethod struct {
	appToken bool // needs the app-level token instead of the bot token
	fn       func(s *Server, a args) (map[string]any, *apiErr)
}

var apiMethods = map[string]apiMethod{
	"api.test":                       {fn: (*Server).apiTest},
	"auth.test":                      {fn: (*Server).authTest},
	"apps.connections.open":          {appToken: true, fn: (*Server).appsConnectionsOpen},
	"chat.postMessage":               {fn: (*Server).chatPostMessage},
	"chat.update":                    {fn: (*Server).chatUpdate},
	"chat.delete":                    {fn: (*Server).chatDelete},
	"chat.postEphemeral":             {fn: (*Server).chatPostEphemeral},
	"chat.getPermalink":              {fn: (*Server).chatGetPermalink},
	"conversations.open":             {fn: (*Server).conversationsOpen},
	"conversations.info":             {fn: (*Server).conversationsInfo},
	"conversations.list":             {fn: (*Server).conversationsList},
	"conversations.history":          {fn: (*Server).conversationsHistory},
	"conversations.replies":          {fn: (*Server).conversationsReplies},
	"conversations.members":          {fn: (*Server).conversationsMembers},
	"users.info":                     {fn: (*Server).usersInfo},
	"users.list":                     {fn: (*Server).usersList},
	"users.lookupByEmail":            {fn: (*Server).usersLookupByEmail},
	"views.open":                     {fn: (*Server).viewsOpen},
	"views.update":                   {fn: (*Server).viewsUpdate},
	"views.publish":                  {fn: (*Server).viewsPublish},
	"views.push":                     {fn: (*Server).viewsPush},
	"team.info":                      {fn: (*Server).teamInfo},
	"apps.event.authorizations.list": {appToken: true, fn: (*Server).appsEventAuthorizationsList},
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()

	m, known := apiMethods[method]
	a, perr := parseArgs(r)
	if perr != "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": perr})
		return
	}
	token := a.str("token")
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if !known {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "unknown_method", "req_method": method})
		return
	}
	want := s.cfg.BotToken
	if m.appToken {
		want = s.cfg.AppToken
	}
	switch {
	case token == "":
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "not_authed"})
		return
	case token == s.cfg.BotToken || token == s.cfg.AppToken:
		if token != want {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "not_allowed_token_type"})
			return
		}
	default:
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}

	if lim, ok := s.cfg.Limits[method]; ok {
		s.mu.Lock()
		allowed, retry := s.limiter.allow(method, a.str("channel"), lim, time.Now())
		s.mu.Unlock()
		if !allowed {
			s.log.Info("rate limited", "method", method, "channel", a.str("channel"), "retry_after", retry)
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
			return
		}
	}

	res, e := m.fn(s, a)
	if e != nil {
		out := map[string]any{"ok": false, "error": e.code}
		for k, v := range e.extra {
			out[k] = v
		}
		s.log.Debug("api error", "method", method, "error", e.code, "detail", e.extra)
		writeJSON(w, http.StatusOK, out)
		return
	}
	if res == nil {
		res = map[string]any{}
	}
	res["ok"] = true
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiTest(a args) (map[string]any, *apiErr) {
	return map[string]any{"args": map[string]any(a)}, nil
}

func (s *Server) authTest(args) (map[string]any, *apiErr) {
	return map[string]any{
		"url":                   "https://" + s.cfg.Domain + ".slack.com/",
		"team":                  s.cfg.TeamName,
		"user":                  s.cfg.BotName,
		"team_id":               s.cfg.TeamID,
		"user_id":               s.cfg.BotUserID,
		"bot_id":                s.cfg.BotID,
		"is_enterprise_install": false,
	}, nil
}

func (s *Server) teamInfo(args) (map[string]any, *apiErr) {
	return map[string]any{"team": map[string]any{
		"id": s.cfg.TeamID, "name": s.cfg.TeamName, "domain": s.cfg.Domain,
		"email_domain": "", "icon": map[string]any{"image_default": true},
	}}, nil
}

func (s *Server) appsEventAuthorizationsList(args) (map[string]any, *apiErr) {
	return map[string]any{"authorizations": []any{s.authorization()}}, nil
}

func (s *Server) authorization() map[string]any {
	return map[string]any{
		"enterprise_id": nil, "team_id": s.cfg.TeamID, "user_id": s.cfg.BotUserID,
		"is_bot": true, "is_enterprise_install": false,
	}
}

func (s *Server) appsConnectionsOpen(args) (map[string]any, *apiErr) {
	ticket := newUUID()
	s.mu.Lock()
	now := time.Now()
	for t, exp := range s.tickets {
		if now.After(exp) {
			delete(s.tickets, t)
		}
	}
	s.tickets[ticket] = now.Add(time.Minute)
	s.mu.Unlock()
	u := "ws" + strings.TrimPrefix(s.base, "http") + "link/?ticket=" + ticket + "&app_id=" + s.cfg.AppID
	return map[string]any{"url": u}, nil
}

// --- chat.*

// postChannelLocked resolves the channel a bot posts to: a user id means the
// bot's IM with that user. Unknown or invisible channels are
// channel_not_found; a channel the bot is not in is not_in_channel.
func (s *Server) postChannelLocked(id string) (*Channel, *apiErr) {
	if id == "" {
		return nil, fail("channel_not_found")
	}
	if strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") {
		if _, ok := s.users[id]; ok && id != s.cfg.BotUserID {
			return s.chans[s.openIMLocked(id)], nil
		}
		return nil, fail("channel_not_found")
	}
	c, ok := s.chans[id]
	if !ok {
		// Slack also accepts a channel name.
		for _, cid := range s.chanOrder {
			if x := s.chans[cid]; !x.IsIM && x.Name == strings.TrimPrefix(id, "#") {
				c, ok = x, true
				break
			}
		}
	}
	if !ok {
		return nil, fail("channel_not_found")
	}
	if !s.botIsMemberLocked(c.ID) {
		if c.IsIM || c.IsPrivate {
			return nil, fail("channel_not_found")
		}
		return nil, fail("not_in_channel")
	}
	return c, nil
}

func hasContent(a args) bool {
	if strings.TrimSpace(a.str("text")) != "" {
		return true
	}
	for _, k := range []string{"blocks", "attachments"} {
		r := strings.TrimSpace(string(a.raw(k)))
		if r != "" && r != "[]" && r != "null" {
			return true
		}
	}
	return false
}

func (s *Server) chatPostMessage(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.postChannelLocked(a.str("channel"))
	if e != nil {
		return nil, e
	}
	if !hasContent(a) {
		return nil, fail("no_text")
	}
	blocks := a.raw("blocks")
	if errs := ValidateBlocks(blocks); len(errs) > 0 {
		return nil, invalidBlocks(errs)
	}
	m := &msg{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: s.threadRootLocked(c.ID, a.str("thread_ts")),
		User: s.cfg.BotUserID, BotID: s.cfg.BotID, AppID: s.cfg.AppID, Text: a.str("text"),
		Blocks: fillIDs(blocks), Via: "chat.postMessage",
	}
	if m.ThreadTS != "" && a.boolean("reply_broadcast") {
		m.Subtype = "thread_broadcast"
	}
	s.insertMsgLocked(m)
	s.echoLocked(m)
	return map[string]any{"channel": c.ID, "ts": m.TS, "message": s.msgObject(m, false)}, nil
}

func (s *Server) chatUpdate(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The bot may update its messages (e.g. in_channel response_url answers)
	// in public channels it is not in.
	c, e := s.postChannelLocked(a.str("channel"))
	if e != nil {
		if c = s.chans[a.str("channel")]; e.code != "not_in_channel" || c == nil {
			return nil, e
		}
	}
	m := s.findMsgLocked(c.ID, a.str("ts"))
	if m == nil || m.Deleted {
		return nil, fail("message_not_found")
	}
	if m.BotID != s.cfg.BotID {
		return nil, fail("cant_update_message")
	}
	if !hasContent(a) && len(m.Blocks) == 0 {
		return nil, fail("no_text")
	}
	blocks := a.raw("blocks")
	if errs := ValidateBlocks(blocks); len(errs) > 0 {
		return nil, invalidBlocks(errs)
	}
	prev := *m
	if a.has("text") {
		m.Text = a.str("text")
	}
	if a.has("blocks") {
		m.Blocks = fillIDs(blocks)
	}
	m.EditedBy, m.EditedTS, m.Via = s.cfg.BotUserID, s.nextTSLocked(), "chat.update"
	s.recordLocked(change{kind: "message", op: "updated", channel: m.Channel, ts: m.TS})
	if s.cfg.EchoBotMessages {
		s.publishLocked(s.messageChangedEvent(m, &prev))
	}
	return map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": s.msgObject(m, false)}, nil
}

func (s *Server) chatDelete(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chans[a.str("channel")]
	if !ok {
		return nil, fail("channel_not_found")
	}
	m := s.findMsgLocked(c.ID, a.str("ts"))
	if m == nil || m.Deleted {
		return nil, fail("message_not_found")
	}
	if m.BotID != s.cfg.BotID {
		return nil, fail("cant_delete_message")
	}
	m.Deleted = true
	s.recordLocked(change{kind: "message", op: "deleted", channel: m.Channel, ts: m.TS})
	if s.cfg.EchoBotMessages {
		s.publishLocked(s.messageDeletedEvent(m))
	}
	return map[string]any{"channel": c.ID, "ts": m.TS}, nil
}

func (s *Server) chatPostEphemeral(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.postChannelLocked(a.str("channel"))
	if e != nil {
		return nil, e
	}
	user := a.str("user")
	if _, ok := s.users[user]; !ok {
		return nil, fail("user_not_found")
	}
	if !slices.Contains(c.Members, user) {
		return nil, fail("user_not_in_channel")
	}
	if !hasContent(a) {
		return nil, fail("no_text")
	}
	blocks := a.raw("blocks")
	if errs := ValidateBlocks(blocks); len(errs) > 0 {
		return nil, invalidBlocks(errs)
	}
	m := &msg{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: s.threadRootLocked(c.ID, a.str("thread_ts")),
		User: s.cfg.BotUserID, BotID: s.cfg.BotID, AppID: s.cfg.AppID, Text: a.str("text"),
		Blocks: fillIDs(blocks), Ephemeral: true, To: user, ResponseType: "ephemeral", Via: "chat.postEphemeral",
	}
	s.addEphemeralLocked(m)
	return map[string]any{"message_ts": m.TS}, nil
}

func (s *Server) addEphemeralLocked(m *msg) {
	s.ephems = append(s.ephems, m)
	s.recordLocked(change{kind: "ephemeral", op: "new", channel: m.Channel, ts: m.TS, user: m.To})
}

func (s *Server) permalink(channel, ts, threadTS string) string {
	p := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", s.cfg.Domain, channel, strings.ReplaceAll(ts, ".", ""))
	if threadTS != "" && threadTS != ts {
		p += "?thread_ts=" + threadTS + "&cid=" + channel
	}
	return p
}

func (s *Server) chatGetPermalink(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chans[a.str("channel")]
	if !ok || (!s.botIsMemberLocked(c.ID) && (c.IsPrivate || c.IsIM)) {
		return nil, fail("channel_not_found")
	}
	m := s.findMsgLocked(c.ID, a.str("message_ts"))
	if m == nil || m.Deleted {
		return nil, fail("message_not_found")
	}
	return map[string]any{"channel": c.ID, "permalink": s.permalink(c.ID, m.TS, m.ThreadTS)}, nil
}

// --- conversations.*

// readChannelLocked resolves a channel the bot reads: private channels and
// IMs it is not in do not exist for it; public ones it is not in are
// not_in_channel for history (when member is true).
func (s *Server) readChannelLocked(id string, member bool) (*Channel, *apiErr) {
	c, ok := s.chans[id]
	if !ok {
		return nil, fail("channel_not_found")
	}
	if !s.botIsMemberLocked(id) {
		if c.IsPrivate || c.IsIM {
			return nil, fail("channel_not_found")
		}
		if member {
			return nil, fail("not_in_channel")
		}
	}
	return c, nil
}

func (s *Server) chanObjectLocked(c *Channel) map[string]any {
	created := int64(1600000000)
	if c.IsIM {
		return map[string]any{
			"id": c.ID, "created": created, "is_im": true, "is_org_shared": false,
			"user": s.imUserLocked(c), "is_user_deleted": false, "priority": 0,
			"is_open": true, "context_team_id": s.cfg.TeamID,
		}
	}
	return map[string]any{
		"id": c.ID, "name": c.Name, "name_normalized": c.Name, "created": created, "creator": "",
		"is_channel": true, "is_group": false, "is_im": false, "is_mpim": false,
		"is_private": c.IsPrivate, "is_archived": false, "is_general": c.Name == "general",
		"is_shared": c.IsExtShared, "is_ext_shared": c.IsExtShared, "is_org_shared": false,
		"is_pending_ext_shared": false, "pending_shared": []string{}, "previous_names": []string{},
		"is_member": s.botIsMemberLocked(c.ID), "num_members": len(c.Members), "unlinked": 0,
		"context_team_id": s.cfg.TeamID,
		"topic":           map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose":         map[string]any{"value": "", "creator": "", "last_set": 0},
	}
}

func (s *Server) conversationsOpen(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := a.str("channel"); ch != "" {
		c, e := s.readChannelLocked(ch, false)
		if e != nil {
			return nil, e
		}
		return map[string]any{"no_op": true, "already_open": true, "channel": s.chanObjectLocked(c)}, nil
	}
	var users []string
	for _, u := range strings.Split(a.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" && u != s.cfg.BotUserID {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return nil, fail("users_list_not_supplied")
	}
	if len(users) > 1 {
		return nil, failMsgs("method_not_supported_for_channel_type", "slacksim supports only IMs (one user)")
	}
	if u, ok := s.users[users[0]]; !ok {
		return nil, fail("user_not_found")
	} else if u.Deleted {
		return nil, fail("user_disabled")
	}
	already := s.findIMLocked(users[0]) != ""
	c := s.chans[s.openIMLocked(users[0])]
	out := map[string]any{"no_op": already, "already_open": already}
	if a.boolean("return_im") {
		out["channel"] = s.chanObjectLocked(c)
	} else {
		out["channel"] = map[string]any{"id": c.ID}
	}
	return out, nil
}

func (s *Server) conversationsInfo(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.readChannelLocked(a.str("channel"), false)
	if e != nil {
		return nil, e
	}
	return map[string]any{"channel": s.chanObjectLocked(c)}, nil
}

func encodeCursor(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func decodeCursor(c, prefix string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), prefix) {
		return "", false
	}
	return strings.TrimPrefix(string(b), prefix), true
}

func limitArg(a args, def, maxN int) (int, *apiErr) {
	n, ok := a.integer("limit", def)
	if !ok || n < 0 {
		return 0, fail("invalid_limit")
	}
	if n == 0 {
		n = def
	}
	return min(n, maxN), nil
}

// page cuts ids after the cursor (an id prefixed by prefix) to limit items.
func page[T any](items []T, id func(T) string, cursor, prefix string, limit int) ([]T, string, *apiErr) {
	start := 0
	if cursor != "" {
		want, ok := decodeCursor(cursor, prefix)
		if !ok {
			return nil, "", fail("invalid_cursor")
		}
		start = -1
		for i, it := range items {
			if id(it) == want {
				start = i
				break
			}
		}
		if start < 0 {
			return nil, "", fail("invalid_cursor")
		}
	}
	end := min(len(items), start+limit)
	next := ""
	if end < len(items) {
		next = encodeCursor(prefix + id(items[end]))
	}
	return items[start:end], next, nil
}

func (s *Server) conversationsList(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	types := map[string]bool{}
	for _, t := range strings.Split(a.str("types"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			types[t] = true
		}
	}
	if len(types) == 0 {
		types["public_channel"] = true
	}
	limit, e := limitArg(a, 100, 1000)
	if e != nil {
		return nil, e
	}
	var list []*Channel
	for _, id := range s.chanOrder {
		c := s.chans[id]
		member := s.botIsMemberLocked(id)
		switch {
		case c.IsIM:
			if types["im"] && member {
				list = append(list, c)
			}
		case c.IsPrivate:
			if types["private_channel"] && member {
				list = append(list, c)
			}
		default:
			if types["public_channel"] {
				list = append(list, c)
			}
		}
	}
	pg, next, e := page(list, func(c *Channel) string { return c.ID }, a.str("cursor"), "channel:", limit)
	if e != nil {
		return nil, e
	}
	chans := make([]any, 0, len(pg))
	for _, c := range pg {
		chans = append(chans, s.chanObjectLocked(c))
	}
	return map[string]any{"channels": chans, "response_metadata": map[string]any{"next_cursor": next}}, nil
}

func (s *Server) conversationsMembers(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.readChannelLocked(a.str("channel"), false)
	if e != nil {
		return nil, e
	}
	limit, e := limitArg(a, 100, 1000)
	if e != nil {
		return nil, e
	}
	pg, next, e := page(c.Members, func(u string) string { return u }, a.str("cursor"), "user_id:", limit)
	if e != nil {
		return nil, e
	}
	return map[string]any{"members": append([]string{}, pg...), "response_metadata": map[string]any{"next_cursor": next}}, nil
}

// timeRange is the oldest/latest/inclusive filter of history and replies.
type timeRange struct {
	oldest, latest int64
	hasLatest      bool
	inclusive      bool
}

func parseRange(a args) (timeRange, *apiErr) {
	r := timeRange{inclusive: a.boolean("inclusive")}
	if v := a.str("oldest"); v != "" {
		n, ok := tsMicro(v)
		if !ok {
			return r, fail("invalid_ts_oldest")
		}
		r.oldest = n
	}
	if v := a.str("latest"); v != "" {
		n, ok := tsMicro(v)
		if !ok {
			return r, fail("invalid_ts_latest")
		}
		r.latest, r.hasLatest = n, true
	}
	return r, nil
}

func (r timeRange) in(ts string) bool {
	t, _ := tsMicro(ts)
	if r.oldest > 0 && (t < r.oldest || (t == r.oldest && !r.inclusive)) {
		return false
	}
	if r.hasLatest && (t > r.latest || (t == r.latest && !r.inclusive)) {
		return false
	}
	return true
}

func (s *Server) conversationsHistory(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.readChannelLocked(a.str("channel"), true)
	if e != nil {
		return nil, e
	}
	res, e := s.messagePageLocked(a, 100, func(rng timeRange) []*msg {
		var list []*msg // newest first
		all := s.msgs[c.ID]
		for i := len(all) - 1; i >= 0; i-- {
			m := all[i]
			top := m.ThreadTS == "" || m.ThreadTS == m.TS || m.Subtype == "thread_broadcast"
			if top && !m.Deleted && rng.in(m.TS) {
				list = append(list, m)
			}
		}
		return list
	})
	if e != nil {
		return nil, e
	}
	res["pin_count"] = 0
	return res, nil
}

func (s *Server) conversationsReplies(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.readChannelLocked(a.str("channel"), true)
	if e != nil {
		return nil, e
	}
	parent := s.findMsgLocked(c.ID, a.str("ts"))
	if parent == nil || parent.Deleted {
		return nil, fail("thread_not_found")
	}
	if parent.ThreadTS != "" && parent.ThreadTS != parent.TS {
		if p := s.findMsgLocked(c.ID, parent.ThreadTS); p != nil {
			parent = p
		}
	}
	return s.messagePageLocked(a, 1000, func(rng timeRange) []*msg {
		list := []*msg{parent}
		for _, m := range s.msgs[c.ID] {
			if m != parent && m.ThreadTS == parent.TS && !m.Deleted && rng.in(m.TS) {
				list = append(list, m)
			}
		}
		return list
	})
}

// messagePageLocked answers a conversations.history or .replies call with
// one page of the messages that list picks in the call's time range, as its
// cursor and limit (defaultLimit when it names none) say.
func (s *Server) messagePageLocked(a args, defaultLimit int, list func(rng timeRange) []*msg) (map[string]any, *apiErr) {
	rng, e := parseRange(a)
	if e != nil {
		return nil, e
	}
	limit, e := limitArg(a, defaultLimit, 1000)
	if e != nil {
		return nil, e
	}
	pg, next, e := page(list(rng), func(m *msg) string { return m.TS }, a.str("cursor"), "next_ts:", limit)
	if e != nil {
		return nil, e
	}
	out := make([]any, 0, len(pg))
	for _, m := range pg {
		out = append(out, s.msgObject(m, false))
	}
	return map[string]any{
		"messages": out, "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}

// --- users.*

func tzInfo(name string, now time.Time) (label string, offset int) {
	if name == "" {
		return "Coordinated Universal Time", 0
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return name, 0
	}
	abbr, off := now.In(loc).Zone()
	return abbr, off
}

func (s *Server) userObjectLocked(u *User) map[string]any {
	label, off := tzInfo(u.TZ, s.cfg.Now())
	tz := u.TZ
	if tz == "" {
		tz = "UTC"
	}
	profile := map[string]any{
		"real_name": u.RealName, "real_name_normalized": u.RealName,
		"display_name": u.Name, "display_name_normalized": u.Name,
		"email": u.Email, "team": s.teamOf(u), "avatar_hash": "g000000000",
		"image_24": "", "image_32": "", "image_48": "", "image_72": "", "image_192": "", "image_512": "",
		"status_text": "", "status_emoji": "", "title": "",
	}
	if u.IsBot {
		profile["bot_id"] = s.cfg.BotID
		profile["api_app_id"] = s.cfg.AppID
		profile["always_active"] = true
		delete(profile, "email")
	}
	o := map[string]any{
		"id": u.ID, "team_id": s.teamOf(u), "name": u.Name, "deleted": u.Deleted, "color": "9f69e7",
		"real_name": u.RealName, "tz": tz, "tz_label": label, "tz_offset": off,
		"profile": profile, "is_admin": u.IsAdmin && u.TeamID == "", "is_owner": false, "is_primary_owner": false,
		"is_restricted": u.IsRestricted || u.IsUltraRestricted, "is_ultra_restricted": u.IsUltraRestricted,
		"is_bot": u.IsBot, "is_app_user": false,
		"updated": 1700000000, "is_email_confirmed": !u.IsBot, "who_can_share_contact_card": "EVERYONE",
	}
	if u.TeamID != "" {
		// someone from another organization (Slack Connect)
		o["is_stranger"] = true
	}
	return o
}

func (s *Server) usersInfo(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[a.str("user")]
	if !ok {
		return nil, fail("user_not_found")
	}
	return map[string]any{"user": s.userObjectLocked(u)}, nil
}

func (s *Server) usersLookupByEmail(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	email := strings.ToLower(a.str("email"))
	for _, id := range s.userOrder {
		if u := s.users[id]; email != "" && strings.ToLower(u.Email) == email {
			return map[string]any{"user": s.userObjectLocked(u)}, nil
		}
	}
	return nil, fail("users_not_found")
}

func (s *Server) usersList(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit, e := limitArg(a, len(s.userOrder)+1, 1000)
	if e != nil {
		return nil, e
	}
	pg, next, e := page(s.userOrder, func(id string) string { return id }, a.str("cursor"), "user_id:", limit)
	if e != nil {
		return nil, e
	}
	members := make([]any, 0, len(pg))
	for _, id := range pg {
		members = append(members, s.userObjectLocked(s.users[id]))
	}
	return map[string]any{
		"members": members, "cache_ts": s.cfg.Now().Unix(),
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}
