package offline

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/cue"
)

// Reading Slack text for the offline model: what the author wrote, without
// code, quotes, links or emoji, split into sentences and clauses.

var (
	codeRe      = regexp.MustCompile("(?s)```.*?(?:```|$)")
	inlineRe    = regexp.MustCompile("`([^`]*)`")
	linkLabelRe = regexp.MustCompile(`<(?:https?://|mailto:)[^>|]*\|([^>]*)>`)
	linkRe      = regexp.MustCompile(`<(?:https?://|mailto:)[^>]*>`)
	mentionRe   = regexp.MustCompile(`<@([A-Z0-9_]+)(?:\|[^>]*)?>`)
	channelRe   = regexp.MustCompile(`<#[A-Z0-9_]+(?:\|([^>]*))?>`)
	specialRe   = regexp.MustCompile(`<![^>]*>`)
	emojiRe     = regexp.MustCompile(`:[a-z0-9][a-z0-9_+\-']*:`)
	bulletRe    = regexp.MustCompile(`^\s*(?:[-•*▪◦]|\d{1,2}[.)])\s+`)
	spaceRe     = regexp.MustCompile(`[ \t]+`)
)

// clean returns the author's own words of a Slack message (mentions
// written as the person's name) and the ids of the users it mentions, in
// order.
func clean(text string, speakers map[string]journey.Speaker) (string, []string) {
	t := strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(text)
	t = codeRe.ReplaceAllString(t, "\n")
	var lines []string
	for _, l := range strings.Split(t, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "&gt;") || strings.HasPrefix(strings.TrimSpace(l), ">") {
			continue // quoted: someone else's words
		}
		lines = append(lines, l)
	}
	t = strings.Join(lines, "\n")
	t = inlineRe.ReplaceAllString(t, "$1")
	t = linkLabelRe.ReplaceAllString(t, "$1")
	t = linkRe.ReplaceAllString(t, "link")
	var mentions []string
	t = mentionRe.ReplaceAllStringFunc(t, func(m string) string {
		id := mentionRe.FindStringSubmatch(m)[1]
		mentions = append(mentions, id)
		if s, ok := speakers[id]; ok && s.Name != "" {
			return s.Name
		}
		return "someone"
	})
	t = channelRe.ReplaceAllString(t, "#$1")
	t = specialRe.ReplaceAllString(t, "")
	t = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "*", "", "~", "").Replace(t)
	t = emojiRe.ReplaceAllString(t, " ")
	t = spaceRe.ReplaceAllString(t, " ")
	return strings.TrimSpace(t), mentions
}

// sentence is one sentence of a message.
type sentence struct {
	text     string // as written, trimmed
	question bool
}

var abbrev = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "inc": true, "approx": true, "mr": true, "ms": true,
	"mrs": true, "dr": true, "no": true, "st": true, "co": true, "ltd": true, "corp": true, "jr": true, "sr": true,
}

// sentences splits cleaned text into sentences: at line breaks, bullets
// and sentence-ending punctuation.
func sentences(text string) []sentence {
	var out []sentence
	add := func(s string) {
		s = strings.TrimSpace(s)
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			return
		}
		trimmed := strings.TrimRightFunc(s, func(r rune) bool {
			return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '?' || r == '.' || r == '!' || r == ')' || r == '"' || r == '\'')
		})
		out = append(out, sentence{text: s, question: strings.HasSuffix(strings.TrimRight(trimmed, `)"'`), "?")})
	}
	for _, line := range strings.Split(text, "\n") {
		line = bulletRe.ReplaceAllString(line, "")
		rs := []rune(line)
		start := 0
		for i := 0; i < len(rs); i++ {
			r := rs[i]
			if r != '.' && r != '!' && r != '?' {
				continue
			}
			j := i
			for j+1 < len(rs) && strings.ContainsRune(".!?)\"'", rs[j+1]) {
				j++
			}
			if j+1 < len(rs) && !unicode.IsSpace(rs[j+1]) {
				continue // "3.5", "ap@x.example", "e.g."
			}
			if r == '.' {
				word := strings.ToLower(string(rs[start:i]))
				if k := strings.LastIndexFunc(word, unicode.IsSpace); k >= 0 {
					word = word[k+1:]
				}
				if abbrev[strings.Trim(word, "(")] || (len([]rune(word)) == 1 && unicode.IsUpper(rs[i-1])) {
					continue
				}
			}
			add(string(rs[start : j+1]))
			start = j + 1
			i = j
		}
		add(string(rs[start:]))
	}
	return out
}

// clause is a part of a sentence that can hold one promise or request.
type clause struct {
	text       string // as written
	elliptical bool   // a bare object with its own date after a promise: "the roadmap by the 15th"
}

var (
	hardSplitRe = regexp.MustCompile(`\s*(?:;|—|–|\s--?\s|:\s)\s*`)
	softSplitRe = regexp.MustCompile(`(?i),?\s+(?:and then|and also|and|but|plus|while|whereas)\s+|,\s+(?:so|but|then)\s+`)
	pronounRe   = regexp.MustCompile(`(?i),\s+(?:i|we|you|he|she|they|it|let me|let's)\b|,\s+(?:our|my|their)\s+(?:\w+\s+){0,2}(?:will|would|can|is going|are going|'ll)\b`)
	nameSubjRe  = regexp.MustCompile(`,\s+\p{Lu}\p{Ll}+\s+(?:to|will|is going to|said|says|promised)\s`)
)

// clauses splits a sentence where a new promise or request may start:
// at semicolons, dashes and colons, at "and", "but", "so" and "then", and
// at a comma before a new subject. Pieces that only continue a list ("the
// SOC 2 report and the DPA") are joined back, unless they carry their own
// date after a part that has one ("the plan by EOD and the roadmap by the
// 15th"), which makes them elliptical promises of their own.
func clauses(s string) []clause {
	var pieces []string
	var soft []bool // whether the piece was split from the one before by a soft split
	for _, hard := range splitKeep(s, hardSplitRe) {
		for k, p := range splitKeep(hard, softSplitRe) {
			for m, q := range splitAt(p, pronounRe) {
				for n, r := range splitAt(q, nameSubjRe) {
					pieces = append(pieces, r)
					soft = append(soft, k > 0 || m > 0 || n > 0)
				}
			}
		}
	}
	var out []clause
	for i, p := range pieces {
		p = strings.TrimSpace(strings.Trim(p, ", "))
		if p == "" {
			continue
		}
		if len(out) > 0 && !startsClause(p) {
			prev := &out[len(out)-1]
			_, _, pd := cue.FindDue(prev.text, epoch, nil)
			_, _, d := cue.FindDue(p, epoch, nil)
			switch {
			case d && pd && startsObject(p):
				out = append(out, clause{text: p, elliptical: true})
				continue
			case !soft[i] && d && startsObject(p):
				out = append(out, clause{text: p, elliptical: true})
				continue
			case soft[i]:
				prev.text += " and " + p
				continue
			}
		}
		out = append(out, clause{text: p})
	}
	return out
}

// splitKeep splits s at the matches of re, dropping the separators.
func splitKeep(s string, re *regexp.Regexp) []string {
	var out []string
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		out = append(out, s[last:m[0]])
		last = m[1]
	}
	return append(out, s[last:])
}

// splitAt splits s before what follows the comma of each match of re
// (the match's first comma and space are dropped).
func splitAt(s string, re *regexp.Regexp) []string {
	var out []string
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		out = append(out, s[last:m[0]])
		last = m[0] + 1
	}
	return append(out, s[last:])
}

var npVerbRe = regexp.MustCompile(`^(?:the|our|your|a|an)\s+[\w\s'-]{1,40}?\s+(?:will|is|are|goes|go|was|were|has|have|can|should|comes|ships|needs|looks)\b`)

var subjectStarts = []string{
	"i ", "i'", "we ", "we'", "you ", "you'", "he ", "he'", "she ", "she'", "they ", "they'", "it ", "it'",
	"our ", "my ", "their ", "let me ", "let's ", "let us ", "please ", "pls ", "can ", "could ", "would ",
	"will ", "should ", "any ", "where ", "when ", "what ", "how ", "is ", "are ", "do ", "does ", "did ",
	"expect ", "still ", "thanks", "thank ", "here", "if ", "once ", "as soon as ",
}

// startsClause reports whether a piece starts something new (a subject,
// a question, a verb) rather than continuing a list of objects.
func startsClause(p string) bool {
	low := strings.ToLower(p) + " "
	for _, s := range subjectStarts {
		if strings.HasPrefix(low, s) {
			return true
		}
	}
	first := strings.Fields(low)
	if len(first) == 0 {
		return false
	}
	// A subject with its own verb: "the order form goes out once…".
	if npVerbRe.MatchString(low) {
		return true
	}
	w := strings.Trim(first[0], ",.!?")
	if verbBase(w) != "" || requestVerbs[w] {
		return true
	}
	// A capitalised name: "Raj will…", "Sam to map…", "Sarah Connor, their
	// CISO, has to…".
	if w := []rune(strings.Trim(strings.Fields(p)[0], ",.!?'")); len(w) > 1 && unicode.IsUpper(w[0]) && unicode.IsLower(w[1]) && !notNames[string(w)] {
		return true // Titlecase, not an acronym ("DPA for signature")
	}
	return false
}

// startsObject reports whether a piece starts like a noun phrase: a
// determiner, or a lowercase word that is no verb ("pricing by Monday").
func startsObject(p string) bool {
	f := strings.Fields(strings.ToLower(p))
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "the", "a", "an", "our", "your", "their", "this", "that", "these", "those", "both", "all":
		return true
	}
	return !unicode.IsUpper([]rune(p)[0]) && verbBase(f[0]) == "" && !modalWords[f[0]]
}

var modalWords = map[string]bool{"will": true, "would": true, "can": true, "could": true, "should": true, "shall": true, "may": true, "might": true, "must": true}

var contractions = []struct {
	re  *regexp.Regexp
	rep string
}{
	{regexp.MustCompile(`\bwon't\b`), "will not"},
	{regexp.MustCompile(`\bcan't\b|\bcannot\b`), "can not"},
	{regexp.MustCompile(`\bshan't\b`), "shall not"},
	{regexp.MustCompile(`\b([a-z]+)n't\b`), "$1 not"},
	{regexp.MustCompile(`\bi'm\b`), "i am"},
	{regexp.MustCompile(`\b(we|you|they)'re\b`), "$1 are"},
	{regexp.MustCompile(`\b(he|she|it|that|there|here|what|who|where|how)'s\b`), "$1 is"},
	{regexp.MustCompile(`\b(i|we|you|they)'ve\b`), "$1 have"},
	{regexp.MustCompile(`\b(i|we|you|he|she|they|that|it|there)'d\b`), "$1 would"},
	{regexp.MustCompile(`\blet's\b`), "let us"},
	{regexp.MustCompile(`\bgonna\b`), "going to"},
	{regexp.MustCompile(`\bwanna\b`), "want to"},
	{regexp.MustCompile(`\b([a-z]+)'ll\b`), "$1 will"},
	{regexp.MustCompile(`^ill\b`), "i will"},
	{regexp.MustCompile(`\bim\b`), "i am"},
}

// lower lowers a clause and expands contractions: "I'll" → "i will",
// "won't" → "will not".
func lower(s string) string {
	t := strings.ToLower(s)
	for _, c := range contractions {
		t = c.re.ReplaceAllString(t, c.rep)
	}
	return t
}

// splitWords splits lowered text into words, keeping the characters of
// "w-9", "3/14", "$540" and "4.2" inside a word.
func splitWords(s string) []string {
	ws := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("'-/$%#@.", r))
	})
	out := ws[:0]
	for _, w := range ws {
		if w = strings.TrimRight(w, ".'-"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// people finds users by name.
type people struct {
	byFirst map[string][]string // lowered first name → user ids, sorted
	byFull  map[string]string
}

func newPeople(speakers map[string]journey.Speaker) people {
	p := people{byFirst: map[string][]string{}, byFull: map[string]string{}}
	ids := make([]string, 0, len(speakers))
	for id := range speakers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		name := strings.ToLower(strings.TrimSpace(speakers[id].Name))
		if name == "" {
			continue
		}
		p.byFull[name] = id
		first := strings.Fields(name)[0]
		p.byFirst[first] = append(p.byFirst[first], id)
	}
	return p
}

// find returns the user a name ("Raj", "Helen Ortiz") refers to.
func (p people) find(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if id, ok := p.byFull[n]; ok {
		return id, true
	}
	f := strings.Fields(n)
	if len(f) == 0 {
		return "", false
	}
	if ids := p.byFirst[f[0]]; len(ids) > 0 {
		return ids[0], true
	}
	return "", false
}
