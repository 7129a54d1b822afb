package slacksim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// maxViewStack is how many modals Slack stacks (views.push).
const maxViewStack = 3

// view is a stored modal or Home tab.
type view struct {
	id, typ, user   string
	callbackID      string
	privateMetadata string
	externalID      string
	hash            string
	rootID          string
	previousID      string
	title           json.RawMessage
	submit          json.RawMessage
	closeText       json.RawMessage
	blocks          json.RawMessage
	clearOnClose    bool
	notifyOnClose   bool
	submitDisabled  bool
	state           map[string]map[string]any
	closed          bool
	errors          map[string]string
}

// trigger is a trigger_id handed out with a slash command or an interaction.
type trigger struct {
	id     string
	user   string
	issued time.Time
	used   bool
	viewID string // the view the interaction came from, for views.push
}

func (s *Server) newTriggerLocked(user, fromView string) string {
	now := s.cfg.Now()
	id := fmt.Sprintf("%d.%d.%s", 1000000000000+rand.Int64N(9000000000000), now.Unix(), randHex(32))
	s.triggers[id] = &trigger{id: id, user: user, issued: now, viewID: fromView}
	return id
}

// newHash is a view hash as Slack makes them: the time, then a random part.
func newHash(now time.Time) string { return fmt.Sprintf("%d.%s", now.Unix(), randFrom(alnum, 8)) }

// setBody applies a view argument (already validated) at time now.
func (v *view) setBody(body json.RawMessage, now time.Time) {
	var b struct {
		Type            string          `json:"type"`
		Title           json.RawMessage `json:"title"`
		Submit          json.RawMessage `json:"submit"`
		Close           json.RawMessage `json:"close"`
		Blocks          json.RawMessage `json:"blocks"`
		PrivateMetadata string          `json:"private_metadata"`
		CallbackID      string          `json:"callback_id"`
		ExternalID      string          `json:"external_id"`
		ClearOnClose    bool            `json:"clear_on_close"`
		NotifyOnClose   bool            `json:"notify_on_close"`
		SubmitDisabled  bool            `json:"submit_disabled"`
	}
	_ = json.Unmarshal(body, &b)
	v.typ = b.Type
	v.title, v.submit, v.closeText = b.Title, b.Submit, b.Close
	v.blocks = fillIDs(b.Blocks)
	if v.blocks == nil {
		v.blocks = json.RawMessage("[]")
	}
	v.privateMetadata, v.callbackID, v.externalID = b.PrivateMetadata, b.CallbackID, b.ExternalID
	v.clearOnClose, v.notifyOnClose, v.submitDisabled = b.ClearOnClose, b.NotifyOnClose, b.SubmitDisabled
	v.hash = newHash(now)
	v.errors = nil
	// Keep what the user typed into inputs that are still there.
	old := v.state
	v.state = map[string]map[string]any{}
	for _, in := range v.inputs() {
		if prev, ok := old[in.blockID][in.actionID]; ok {
			if v.state[in.blockID] == nil {
				v.state[in.blockID] = map[string]any{}
			}
			v.state[in.blockID][in.actionID] = prev
		}
	}
}

func rawOrNil(r json.RawMessage) any {
	if len(r) == 0 {
		return nil
	}
	return r
}

// object is the view as the Web API and interaction payloads show it.
func (v *view) object(s *Server) map[string]any {
	values := map[string]any{}
	for b, acts := range v.state {
		m := map[string]any{}
		for a, val := range acts {
			m[a] = val
		}
		values[b] = m
	}
	var prev any
	if v.previousID != "" {
		prev = v.previousID
	}
	o := map[string]any{
		"id":                    v.id,
		"team_id":               s.cfg.TeamID,
		"type":                  v.typ,
		"blocks":                v.blocks,
		"private_metadata":      v.privateMetadata,
		"callback_id":           v.callbackID,
		"state":                 map[string]any{"values": values},
		"hash":                  v.hash,
		"title":                 rawOrNil(v.title),
		"clear_on_close":        v.clearOnClose,
		"notify_on_close":       v.notifyOnClose,
		"close":                 rawOrNil(v.closeText),
		"submit":                rawOrNil(v.submit),
		"previous_view_id":      prev,
		"root_view_id":          v.rootID,
		"app_id":                s.cfg.AppID,
		"external_id":           v.externalID,
		"app_installed_team_id": s.cfg.TeamID,
		"bot_id":                s.cfg.BotID,
	}
	if v.typ == "modal" {
		o["submit_disabled"] = v.submitDisabled
	}
	return o
}

func (v *view) export(s *Server) View {
	var errs map[string]string
	if len(v.errors) > 0 {
		errs = map[string]string{}
		for k, x := range v.errors {
			errs[k] = x
		}
	}
	return View{
		ID: v.id, Type: v.typ, CallbackID: v.callbackID, PrivateMetadata: v.privateMetadata,
		User: v.user, Hash: v.hash, RootViewID: v.rootID, JSON: encode(v.object(s)),
		Closed: v.closed, Errors: errs,
	}
}

// input is an input block's element.
type input struct {
	blockID, actionID, label string
	optional                 bool
	element                  map[string]any
}

func (v *view) inputs() []input {
	var out []input
	list, _ := decodeAny(v.blocks)
	blocks, _ := list.([]any)
	for _, b := range blocks {
		obj, _ := b.(map[string]any)
		if obj["type"] != "input" {
			continue
		}
		el, _ := obj["element"].(map[string]any)
		if el == nil {
			continue
		}
		in := input{element: el}
		in.blockID, _ = obj["block_id"].(string)
		in.actionID, _ = el["action_id"].(string)
		in.optional, _ = obj["optional"].(bool)
		if l, ok := obj["label"].(map[string]any); ok {
			in.label, _ = l["text"].(string)
		}
		out = append(out, in)
	}
	return out
}

// checkTriggerLocked exchanges a trigger_id.
func (s *Server) checkTriggerLocked(id string) (*trigger, *apiErr) {
	t, ok := s.triggers[id]
	switch {
	case id == "" || !ok:
		return nil, fail("invalid_trigger_id")
	case t.used:
		return nil, fail("exchanged_trigger_id")
	case s.cfg.Now().Sub(t.issued) > s.cfg.TriggerTTL:
		return nil, fail("expired_trigger_id")
	}
	t.used = true
	return t, nil
}

// viewArg reads and validates the "view" argument; Slack answers bad views
// with invalid_arguments and the problems in response_metadata.messages.
func viewArg(a args, want string) (json.RawMessage, *apiErr) {
	body := a.raw("view")
	if len(body) == 0 {
		return nil, failMsgs("invalid_arguments", "[ERROR] missing required field: view [json-pointer:/view]")
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, failMsgs("invalid_arguments", "[ERROR] view must be a JSON object [json-pointer:/view]")
	}
	if head.Type != want {
		return nil, failMsgs("invalid_arguments", fmt.Sprintf("[ERROR] must be %q for this method (got %q) [json-pointer:/view/type]", want, head.Type))
	}
	if errs := ValidateView(body); len(errs) > 0 {
		return nil, failMsgs("invalid_arguments", errs...)
	}
	return body, nil
}

func (s *Server) newViewLocked(user string, body json.RawMessage) *view {
	v := &view{id: "V" + randUpper(10), user: user}
	v.setBody(body, s.cfg.Now())
	v.rootID = v.id
	s.views[v.id] = v
	s.viewOrder = append(s.viewOrder, v.id)
	return v
}

func (s *Server) viewsOpen(a args) (map[string]any, *apiErr) {
	body, e := viewArg(a, "modal")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, e := s.checkTriggerLocked(a.str("trigger_id"))
	if e != nil {
		return nil, e
	}
	if ext := externalID(body); ext != "" && s.viewByExternalLocked(ext) != nil {
		return nil, fail("duplicate_external_id")
	}
	v := s.newViewLocked(t.user, body)
	s.recordLocked(change{kind: "view", op: "new", viewID: v.id})
	return map[string]any{"view": v.object(s)}, nil
}

func externalID(body json.RawMessage) string {
	var b struct {
		ExternalID string `json:"external_id"`
	}
	_ = json.Unmarshal(body, &b)
	return b.ExternalID
}

func (s *Server) viewByExternalLocked(ext string) *view {
	for _, id := range s.viewOrder {
		if v := s.views[id]; v.externalID == ext && !v.closed {
			return v
		}
	}
	return nil
}

// topViewLocked is the modal on top of a user's open stack.
func (s *Server) topViewLocked(user string) *view {
	for i := len(s.viewOrder) - 1; i >= 0; i-- {
		if v := s.views[s.viewOrder[i]]; v.user == user && v.typ == "modal" && !v.closed {
			return v
		}
	}
	return nil
}

func (s *Server) stackLocked(root string) []*view {
	var out []*view
	for _, id := range s.viewOrder {
		if v := s.views[id]; v.rootID == root && !v.closed {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) pushViewLocked(on *view, body json.RawMessage) (*view, *apiErr) {
	if len(s.stackLocked(on.rootID)) >= maxViewStack {
		return nil, fail("push_limit_reached")
	}
	v := s.newViewLocked(on.user, body)
	v.rootID, v.previousID = on.rootID, on.id
	s.recordLocked(change{kind: "view", op: "new", viewID: v.id})
	return v, nil
}

func (s *Server) viewsPush(a args) (map[string]any, *apiErr) {
	body, e := viewArg(a, "modal")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, e := s.checkTriggerLocked(a.str("trigger_id"))
	if e != nil {
		return nil, e
	}
	on := s.topViewLocked(t.user)
	if from, ok := s.views[t.viewID]; ok && from.typ == "modal" && !from.closed {
		on = from
	}
	if on == nil {
		return nil, failMsgs("invalid_arguments", "[ERROR] views.push needs an open modal: use a trigger_id from an interaction in a modal (views.open opens the first one)")
	}
	v, e := s.pushViewLocked(on, body)
	if e != nil {
		return nil, e
	}
	return map[string]any{"view": v.object(s)}, nil
}

func (s *Server) viewsUpdate(a args) (map[string]any, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var v *view
	if id := a.str("view_id"); id != "" {
		v = s.views[id]
	} else if ext := a.str("external_id"); ext != "" {
		v = s.viewByExternalLocked(ext)
	} else {
		return nil, failMsgs("invalid_arguments", "[ERROR] either view_id or external_id is required")
	}
	if v == nil || v.closed {
		return nil, fail("not_found")
	}
	body, e := viewArg(a, v.typ)
	if e != nil {
		return nil, e
	}
	if h := a.str("hash"); h != "" && h != v.hash {
		return nil, fail("hash_conflict")
	}
	v.setBody(body, s.cfg.Now())
	s.recordLocked(change{kind: "view", op: "updated", viewID: v.id})
	return map[string]any{"view": v.object(s)}, nil
}

func (s *Server) viewsPublish(a args) (map[string]any, *apiErr) {
	body, e := viewArg(a, "home")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user := a.str("user_id")
	if u, ok := s.users[user]; !ok || u.IsBot {
		return nil, failMsgs("invalid_arguments", "invalid `user_id`")
	}
	op := "updated"
	id, ok := s.homes[user]
	if ok {
		if h := a.str("hash"); h != "" && h != s.views[id].hash {
			return nil, fail("hash_conflict")
		}
		s.views[id].setBody(body, s.cfg.Now())
	} else {
		v := s.newViewLocked(user, body)
		s.homes[user] = v.id
		id, op = v.id, "new"
	}
	s.recordLocked(change{kind: "view", op: op, viewID: id})
	return map[string]any{"view": s.views[id].object(s)}, nil
}

// closeViewLocked closes a view, or its whole stack.
func (s *Server) closeViewLocked(v *view, stack bool) {
	list := []*view{v}
	if stack {
		list = s.stackLocked(v.rootID)
	}
	for _, x := range list {
		if !x.closed {
			x.closed = true
			s.recordLocked(change{kind: "view", op: "closed", viewID: x.id})
		}
	}
}

// stateFor turns a driver's value for an input element into the state entry
// Slack sends (plain_text_input → value, static_select → selected_option, …).
func (s *Server) stateForLocked(el map[string]any, val string, set bool) map[string]any {
	t, _ := el["type"].(string)
	out := map[string]any{"type": t}
	split := func() []string {
		var list []string
		for _, x := range strings.Split(val, ",") {
			if x = strings.TrimSpace(x); x != "" {
				list = append(list, x)
			}
		}
		return list
	}
	switch t {
	case "static_select", "external_select", "radio_buttons":
		if !set {
			out["selected_option"] = el["initial_option"]
		} else if val == "" {
			out["selected_option"] = nil
		} else {
			out["selected_option"] = findOption(el, val)
		}
	case "multi_static_select", "multi_external_select", "checkboxes":
		opts := []any{}
		if !set {
			if init, ok := el["initial_options"].([]any); ok {
				opts = init
			}
		} else {
			for _, x := range split() {
				opts = append(opts, findOption(el, x))
			}
		}
		out["selected_options"] = opts
	case "users_select":
		out["selected_user"] = pick(set, s.userIDLocked(val), el["initial_user"])
	case "multi_users_select":
		out["selected_users"] = pickList(set, resolveEach(split(), s.userIDLocked), el["initial_users"])
	case "conversations_select":
		out["selected_conversation"] = pick(set, s.channelIDLocked(val), el["initial_conversation"])
	case "multi_conversations_select":
		out["selected_conversations"] = pickList(set, resolveEach(split(), s.channelIDLocked), el["initial_conversations"])
	case "channels_select":
		out["selected_channel"] = pick(set, s.channelIDLocked(val), el["initial_channel"])
	case "multi_channels_select":
		out["selected_channels"] = pickList(set, resolveEach(split(), s.channelIDLocked), el["initial_channels"])
	case "datepicker":
		out["selected_date"] = pick(set, val, el["initial_date"])
	case "timepicker":
		out["selected_time"] = pick(set, val, el["initial_time"])
	case "datetimepicker":
		if set && val != "" {
			out["selected_date_time"] = json.Number(val)
		} else {
			out["selected_date_time"] = pick(set, nil, el["initial_date_time"])
		}
	case "rich_text_input":
		if set && val != "" {
			var rt []any
			_ = json.Unmarshal(richText(val), &rt)
			out["rich_text_value"] = rt[0]
		} else {
			out["rich_text_value"] = el["initial_value"]
		}
	case "file_input":
		out["files"] = []any{}
	default: // plain_text_input, email_text_input, url_text_input, number_input
		out["value"] = pick(set, val, el["initial_value"])
	}
	return out
}

func pick(set bool, v, initial any) any {
	if set {
		if s, ok := v.(string); ok && s == "" {
			return nil
		}
		return v
	}
	return initial
}

// resolveEach resolves each of names (user or channel names or ids) to an
// id with resolve; none gives an empty list, not nil.
func resolveEach(names []string, resolve func(string) string) []string {
	ids := []string{}
	for _, n := range names {
		ids = append(ids, resolve(n))
	}
	return ids
}

func pickList(set bool, v []string, initial any) any {
	if set {
		return v
	}
	if initial == nil {
		return []string{}
	}
	return initial
}

// findOption finds the option with value val in a select's options or
// option_groups; an unknown value makes a plain option.
func findOption(el map[string]any, val string) any {
	var opts []any
	if o, ok := el["options"].([]any); ok {
		opts = append(opts, o...)
	}
	if gs, ok := el["option_groups"].([]any); ok {
		for _, g := range gs {
			if gm, ok := g.(map[string]any); ok {
				if o, ok := gm["options"].([]any); ok {
					opts = append(opts, o...)
				}
			}
		}
	}
	for _, o := range opts {
		if om, ok := o.(map[string]any); ok && (om["value"] == val || optionText(om) == val) {
			return om
		}
	}
	return map[string]any{"text": map[string]any{"type": "plain_text", "text": val, "emoji": true}, "value": val}
}

func optionText(o map[string]any) string {
	if t, ok := o["text"].(map[string]any); ok {
		s, _ := t["text"].(string)
		return s
	}
	return ""
}

// optionValues lists a select's option values, for error messages.
func optionValues(el map[string]any) []string {
	var out []string
	if o, ok := el["options"].([]any); ok {
		for _, x := range o {
			if m, ok := x.(map[string]any); ok {
				if v, ok := m["value"].(string); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// hasValue reports whether a state entry holds something.
func hasValue(st map[string]any) bool {
	for k, v := range st {
		if k == "type" || v == nil {
			continue
		}
		switch x := v.(type) {
		case []any:
			if len(x) > 0 {
				return true
			}
		case []string:
			if len(x) > 0 {
				return true
			}
		case string:
			if x != "" {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// submissionStateLocked builds the view's state.values from the driver's
// values and checks them the way Slack's client does before it submits.
func (s *Server) submissionStateLocked(v *view, values map[string]map[string]string) (map[string]map[string]any, error) {
	ins := v.inputs()
	known := map[string]bool{}
	var list []string
	for _, in := range ins {
		known[in.blockID+"\x00"+in.actionID] = true
		list = append(list, in.blockID+"/"+in.actionID)
	}
	for b, acts := range values {
		for a := range acts {
			if !known[b+"\x00"+a] {
				return nil, fmt.Errorf("view %s has no input block_id %q with action_id %q; its inputs (block_id/action_id): %s", v.id, b, a, strings.Join(list, ", "))
			}
		}
	}
	state := map[string]map[string]any{}
	for _, in := range ins {
		val, set := values[in.blockID][in.actionID]
		var st map[string]any
		if !set {
			if prev, ok := v.state[in.blockID][in.actionID].(map[string]any); ok {
				st = prev
			}
		}
		if st == nil {
			st = s.stateForLocked(in.element, val, set)
		}
		if !in.optional && !hasValue(st) {
			return nil, fmt.Errorf("input %q (block_id %s, action_id %s) is required: Slack would not let the user submit without it", in.label, in.blockID, in.actionID)
		}
		if state[in.blockID] == nil {
			state[in.blockID] = map[string]any{}
		}
		state[in.blockID][in.actionID] = st
	}
	return state, nil
}

// inputBlockIDs lists a view's input block ids.
func (v *view) inputBlockIDs() []string {
	var out []string
	for _, in := range v.inputs() {
		out = append(out, in.blockID)
	}
	return slices.Compact(out)
}
