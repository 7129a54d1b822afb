package slacksim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Plain-text renderings of messages and views for people in a terminal.

var (
	userRefRE    = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|([^>]*))?>`)
	channelRefRE = regexp.MustCompile(`<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>`)
	linkRefRE    = regexp.MustCompile(`<(https?://[^|>]+)\|([^>]*)>`)
)

// humanizeLocked replaces <@U…>, <#C…> and <url|label> with readable text.
func (s *Server) humanizeLocked(t string) string {
	t = userRefRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := userRefRE.FindStringSubmatch(m)
		if u, ok := s.users[sub[1]]; ok {
			return "@" + u.Name
		}
		if sub[2] != "" {
			return "@" + sub[2]
		}
		return "@" + sub[1]
	})
	t = channelRefRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := channelRefRE.FindStringSubmatch(m)
		if c, ok := s.chans[sub[1]]; ok && !c.IsIM {
			return "#" + c.Name
		}
		if sub[2] != "" {
			return "#" + sub[2]
		}
		return "#" + sub[1]
	})
	return linkRefRE.ReplaceAllString(t, "$2 ($1)")
}

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if t, ok := x["text"].(string); ok {
			return t
		}
	}
	return ""
}

// renderBlocksLocked renders blocks as text; with no blocks, the text.
func (s *Server) renderBlocksLocked(blocks json.RawMessage, fallback string) string {
	v, _ := decodeAny(blocks)
	list, _ := v.([]any)
	if len(list) == 0 {
		return s.humanizeLocked(fallback)
	}
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
	for _, b := range list {
		obj, _ := b.(map[string]any)
		if obj == nil {
			continue
		}
		switch obj["type"] {
		case "header":
			add("## %s", textOf(obj["text"]))
		case "section":
			if t := textOf(obj["text"]); t != "" {
				add("%s", t)
			}
			if fs, ok := obj["fields"].([]any); ok {
				for _, f := range fs {
					add("  • %s", strings.ReplaceAll(textOf(f), "\n", " "))
				}
			}
			if acc, ok := obj["accessory"].(map[string]any); ok {
				if r := renderElement(acc); r != "" {
					add("  %s", r)
				}
			}
		case "divider":
			add("%s", strings.Repeat("─", 40))
		case "context":
			var parts []string
			if els, ok := obj["elements"].([]any); ok {
				for _, e := range els {
					em, _ := e.(map[string]any)
					if em["type"] == "image" {
						parts = append(parts, "[img: "+fmt.Sprint(em["alt_text"])+"]")
					} else {
						parts = append(parts, textOf(em))
					}
				}
			}
			add("  %s", strings.Join(parts, " · "))
		case "actions":
			var parts []string
			if els, ok := obj["elements"].([]any); ok {
				for _, e := range els {
					if em, ok := e.(map[string]any); ok {
						parts = append(parts, renderElement(em))
					}
				}
			}
			add("%s", strings.Join(parts, "  "))
		case "input":
			label := textOf(obj["label"])
			el, _ := obj["element"].(map[string]any)
			opt := ""
			if o, _ := obj["optional"].(bool); o {
				opt = " (optional)"
			}
			add("%s%s: %s  [block_id=%v]", label, opt, renderElement(el), obj["block_id"])
		case "image":
			add("[image: %v]", obj["alt_text"])
		case "markdown":
			add("%s", textOf(obj["text"]))
		case "rich_text":
			add("%s", richTextString(obj))
		case "table":
			if rows, ok := obj["rows"].([]any); ok {
				for _, r := range rows {
					cells, _ := r.([]any)
					var parts []string
					for _, c := range cells {
						if cm, ok := c.(map[string]any); ok {
							if t := textOf(cm); t != "" {
								parts = append(parts, t)
							} else {
								parts = append(parts, richTextString(cm))
							}
						}
					}
					add("| %s |", strings.Join(parts, " | "))
				}
			}
		default:
			add("[%v block]", obj["type"])
		}
	}
	return s.humanizeLocked(strings.Join(lines, "\n"))
}

// renderElement renders an interactive element with its action_id, so a
// reader knows what to click.
func renderElement(el map[string]any) string {
	if el == nil {
		return ""
	}
	id := el["action_id"]
	switch t, _ := el["type"].(string); t {
	case "button":
		v := ""
		if val, ok := el["value"].(string); ok && val != "" {
			v = " value=" + truncate(val, 40)
		}
		return fmt.Sprintf("[%s](action_id=%v%s)", textOf(el["text"]), id, v)
	case "static_select", "radio_buttons", "checkboxes", "overflow", "multi_static_select":
		return fmt.Sprintf("<%s %s: %s>(action_id=%v)", t, textOf(el["placeholder"]), strings.Join(optionValues(el), " | "), id)
	case "image":
		return fmt.Sprintf("[img: %v]", el["alt_text"])
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		init := ""
		if v, ok := el["initial_value"].(string); ok {
			init = " = " + truncate(v, 60)
		}
		return fmt.Sprintf("<%s action_id=%v%s>", t, id, init)
	case "":
		return ""
	default:
		return fmt.Sprintf("<%s action_id=%v>", t, id)
	}
}

func richTextString(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch n := x.(type) {
		case []any:
			for _, e := range n {
				walk(e)
			}
		case map[string]any:
			switch n["type"] {
			case "text":
				b.WriteString(textOf(n))
			case "user":
				fmt.Fprintf(&b, "<@%v>", n["user_id"])
			case "channel":
				fmt.Fprintf(&b, "<#%v>", n["channel_id"])
			case "link":
				if t := textOf(n); t != "" {
					b.WriteString(t)
				} else {
					fmt.Fprint(&b, n["url"])
				}
			case "emoji":
				fmt.Fprintf(&b, ":%v:", n["name"])
			default:
				walk(n["elements"])
			}
		}
	}
	walk(v)
	return b.String()
}

// renderMsgLocked is a message as the driver shows it.
func (s *Server) renderMsgLocked(m *msg) map[string]any {
	out := map[string]any{
		"channel":   m.Channel,
		"ts":        m.TS,
		"user":      m.User,
		"text":      m.Text,
		"text_view": s.renderBlocksLocked(m.Blocks, m.Text),
	}
	if c, ok := s.chans[m.Channel]; ok {
		if c.IsIM {
			out["channel_name"] = "@" + s.nameLocked(s.imUserLocked(c))
		} else {
			out["channel_name"] = "#" + c.Name
		}
	}
	out["user_name"] = s.nameLocked(m.User)
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.ReplyCount > 0 {
		out["reply_count"] = m.ReplyCount
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if m.Ephemeral {
		out["ephemeral"] = true
		out["to"] = m.To
		out["to_name"] = s.nameLocked(m.To)
	}
	if m.ResponseType != "" {
		out["response_type"] = m.ResponseType
	}
	if m.Via != "" {
		out["via"] = m.Via
	}
	if m.EditedTS != "" {
		out["edited"] = true
	}
	if m.Deleted {
		out["deleted"] = true
	}
	return out
}

func (s *Server) nameLocked(id string) string {
	if u, ok := s.users[id]; ok {
		return u.Name
	}
	return id
}

// renderViewLocked is a view as the driver shows it.
func (s *Server) renderViewLocked(v *view) map[string]any {
	var tv strings.Builder
	if v.typ == "home" {
		tv.WriteString("[Home tab]\n")
	} else {
		fmt.Fprintf(&tv, "[Modal: %s]\n", textOf(decodeObj(v.title)))
	}
	tv.WriteString(s.renderBlocksLocked(v.blocks, ""))
	for b, e := range v.errors {
		fmt.Fprintf(&tv, "\n! %s: %s", b, e)
	}
	if v.typ == "modal" {
		var btns []string
		if t := textOf(decodeObj(v.submit)); t != "" {
			btns = append(btns, "["+t+"](submit)")
		}
		c := textOf(decodeObj(v.closeText))
		if c == "" {
			c = "Cancel"
		}
		btns = append(btns, "["+c+"](close)")
		tv.WriteString("\n" + strings.Join(btns, "  "))
	}
	out := map[string]any{
		"view_id":          v.id,
		"type":             v.typ,
		"user":             v.user,
		"user_name":        s.nameLocked(v.user),
		"callback_id":      v.callbackID,
		"private_metadata": v.privateMetadata,
		"hash":             v.hash,
		"root_view_id":     v.rootID,
		"closed":           v.closed,
		"blocks":           v.blocks,
		"text_view":        tv.String(),
	}
	if t := textOf(decodeObj(v.title)); t != "" {
		out["title"] = t
	}
	if len(v.errors) > 0 {
		out["errors"] = v.errors
	}
	if len(v.state) > 0 {
		out["state"] = v.state
	}
	return out
}

func decodeObj(r json.RawMessage) any {
	if len(r) == 0 {
		return nil
	}
	v, _ := decodeAny(r)
	return v
}
