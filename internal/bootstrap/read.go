package bootstrap

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// item is one entry of a list or arrow chain: its head (the stage's name as
// written) and what follows it (criteria, milestones).
type item struct {
	head    string
	details []string
}

// list is a sequence of items found in one message, with the line before it.
type list struct {
	kind  string // "arrow", "numbered", "bullets", "stages"
	lead  string // the line just before the list ("Onboarding exit criteria:")
	items []item
}

var (
	arrowSplit  = regexp.MustCompile(`\s*(?:→|⟶|➡️?|➔|->|=>|-->|»|\s>\s)\s*`)
	numbered    = regexp.MustCompile(`^\s*(\d{1,2})\s*[.)]\s+(.+)$`)
	bulleted    = regexp.MustCompile(`^(\s*)(?:[-*•◦▪‣]|\d{1,2}[a-z]\))\s+(.+)$`)
	stageNumber = regexp.MustCompile(`(?i)^\s*(?:stage|phase|step|etapa|fase|phase|schritt|étape)\s*(\d{1,2})\s*[:.\-–—)]\s*(.+)$`)
	headCut     = regexp.MustCompile(`\s*(?::|–|—|\s-\s|\(|=|;|\.\s)\s*`)
	stageSuffix = regexp.MustCompile(`(?i)\s+(?:stage|phase|step)$`)
	stagePrefix = regexp.MustCompile(`(?i)^(?:stage|phase|step|etapa|fase|schritt|étape)\s*\d*\s*[:.\-–—]?\s*`)
)

// lists finds the lists and arrow chains in a message's text.
func lists(text string) []list {
	var out []list
	lines := strings.Split(plainKeepMarks(text), "\n")
	var cur *list
	flush := func() {
		if cur != nil && len(cur.items) > 0 {
			out = append(out, *cur)
		}
		cur = nil
	}
	lead := ""
	for _, line := range lines {
		start := strings.TrimLeft(line, " \t")
		if start == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(start)
		// cheap checks first: most lines are no list at all
		if strings.ContainsRune("sSpPeEfFéÉ", first) && strings.ContainsAny(start, "0123456789") {
			if m := stageNumber.FindStringSubmatch(line); m != nil {
				if cur == nil || cur.kind != "stages" {
					flush()
					cur = &list{kind: "stages", lead: lead}
				}
				cur.items = append(cur.items, splitItem(m[2]))
				continue
			}
		}
		if first >= '0' && first <= '9' || strings.ContainsRune("-*•◦▪‣", first) {
			if m := numbered.FindStringSubmatch(line); m != nil {
				if cur == nil || cur.kind != "numbered" {
					flush()
					cur = &list{kind: "numbered", lead: lead}
				}
				cur.items = append(cur.items, splitItem(m[2]))
				continue
			}
			if m := bulleted.FindStringSubmatch(line); m != nil {
				indent := utf8.RuneCountInString(strings.ReplaceAll(m[1], "\t", "    "))
				if indent >= 2 && cur != nil && len(cur.items) > 0 {
					// a sub-bullet: details of the item above
					last := &cur.items[len(cur.items)-1]
					last.details = append(last.details, strings.TrimSpace(m[2]))
					continue
				}
				if cur == nil || cur.kind != "bullets" {
					flush()
					cur = &list{kind: "bullets", lead: lead}
				}
				cur.items = append(cur.items, splitItem(m[2]))
				continue
			}
		}
		flush()
		if hasArrow(line) {
			if l, ok := arrowList(line, lead); ok {
				out = append(out, l)
			}
		}
		lead = line
	}
	flush()
	return out
}

// arrowList reads "Discovery → Demo → Proposal", possibly after "Our stages:".
func arrowList(line, lead string) (list, bool) {
	parts := arrowSplit.Split(strings.TrimSpace(line), -1)
	if len(parts) < 2 {
		return list{}, false
	}
	if i := strings.LastIndex(parts[0], ":"); i >= 0 && i < len(parts[0])-1 {
		parts[0] = parts[0][i+1:]
	}
	l := list{kind: "arrow", lead: lead}
	for _, p := range parts {
		if it := splitItem(p); it.head != "" {
			l.items = append(l.items, it)
		}
	}
	return l, len(l.items) >= 2
}

// hasArrow reports whether a line may hold an arrow chain.
func hasArrow(line string) bool {
	return strings.Contains(line, "→") || strings.Contains(line, "->") || strings.Contains(line, "=>") || strings.Contains(line, " > ") ||
		strings.Contains(line, "»") || strings.Contains(line, "⟶") || strings.Contains(line, "➡") || strings.Contains(line, "➔") ||
		strings.Contains(line, "&gt;")
}

// plainKeepMarks is plain() for list reading: bullets and arrows stay.
func plainKeepMarks(s string) string {
	s = slackLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackLink.FindStringSubmatch(m)
		if sub[2] != "" {
			return sub[2]
		}
		return strings.TrimLeft(sub[1], "@#!")
	})
	return marksReplacer.Replace(s)
}

var marksReplacer = strings.NewReplacer("&gt;", ">", "&lt;", "<", "&amp;", "&", "*", "", "~", "", "`", "")

// splitItem cuts "Discovery: pain + champion confirmed" into its head and details.
func splitItem(s string) item {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "_"))
	s = strings.TrimRight(s, ".,;")
	var it item
	if loc := headCut.FindStringIndex(s); loc != nil && loc[0] > 0 {
		it.head = strings.TrimSpace(s[:loc[0]])
		rest := strings.Trim(strings.TrimSpace(s[loc[1]:]), ")")
		if rest != "" {
			it.details = append(it.details, rest)
		}
	} else {
		it.head = s
	}
	it.head = strings.TrimSpace(stagePrefix.ReplaceAllString(it.head, ""))
	it.head = strings.TrimSpace(stageSuffix.ReplaceAllString(it.head, ""))
	return it
}

// sentences splits text into sentences and lines.
func sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(plain(text), "\n") {
		start := 0
		for i := 0; i < len(line); i++ {
			c := line[i]
			if (c == '.' || c == '!' || c == '?' || c == ';') && (i+1 == len(line) || line[i+1] == ' ') {
				if s := strings.TrimSpace(line[start : i+1]); s != "" {
					out = append(out, s)
				}
				start = i + 1
			}
		}
		if s := strings.TrimSpace(line[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// concept names what an item's head refers to: a built-in stage key (from a
// stage word, or a milestone word whose stage it is) or, failing that, a
// new stage keyed by its slug. known is false for a new one.
func concept(head string, milestoneStage map[string]string) (key string, known bool) {
	n := norm(head)
	if k := stageLex.first(n); k != "" {
		return k, true
	}
	if k := milestoneLex.first(n); k != "" {
		if s, ok := milestoneStage[k]; ok {
			return s, true
		}
	}
	words := strings.Fields(n)
	if len(words) == 0 || len(words) > 4 || utf8.RuneCountInString(head) > 40 {
		return "", false
	}
	return slug(head), false
}

// niceName turns a head into a stage or milestone name: first letter upper.
func niceName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}
