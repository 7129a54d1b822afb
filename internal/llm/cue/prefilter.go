package cue

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// MayMatter is a cheap, high-recall test of whether a message might hold a
// commitment, something one side waits on, milestone evidence or a new
// stakeholder, so that a paid model only reads the messages that may. It
// says no to what cannot matter: empty and emoji-only messages, reactions
// and acknowledgements ("thanks!", "+1", "sounds good"), greetings, channel
// joins, and messages that are only code blocks, links or mentions. When in
// doubt it says yes.
func MayMatter(text string) bool {
	t := pfClean(text)
	words := strings.Fields(t)
	if len(words) == 0 {
		return false
	}
	if pfJoinRe.MatchString(t) {
		return false
	}
	if pfSmallTalk(words) {
		return false
	}
	for _, w := range words {
		if pfSignal[w] || strings.HasSuffix(w, "?") {
			return true
		}
	}
	if _, _, ok := FindDue(t, time.Time{}, nil); ok {
		return true
	}
	// Anything of some length may say something; short messages without a
	// signal word ("haha nice", "see you then") do not.
	return len(words) >= 5
}

var (
	pfCodeBlockRe = regexp.MustCompile("(?s)```.*?(```|$)")
	pfInlineRe    = regexp.MustCompile("`[^`]*`")
	pfLinkRe      = regexp.MustCompile(`<(?:https?://|mailto:)[^>|]*(?:\|([^>]*))?>`)
	pfMentionRe   = regexp.MustCompile(`<[@#!][^>]*>`)
	pfEmojiRe     = regexp.MustCompile(`:[a-z0-9][a-z0-9_+\-']*:`)
	pfURLRe       = regexp.MustCompile(`https?://\S+`)
	pfJoinRe      = regexp.MustCompile(`^(has|have) (joined|left) the (channel|conversation)$`)
)

// pfClean lowers the text and keeps only words: no code, links, mentions,
// emoji or punctuation other than apostrophes, question marks and the
// characters inside dates and numbers.
func pfClean(text string) string {
	t := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "’", "'", "‘", "'").Replace(text)
	t = pfCodeBlockRe.ReplaceAllString(t, " ")
	t = pfInlineRe.ReplaceAllString(t, " ")
	t = pfLinkRe.ReplaceAllString(t, " $1 ")
	t = pfMentionRe.ReplaceAllString(t, " ")
	t = pfURLRe.ReplaceAllString(t, " ")
	t = strings.ToLower(t)
	t = pfEmojiRe.ReplaceAllString(t, " ")
	var b strings.Builder
	for _, r := range t {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '\'' || r == '?' || r == '/' || r == '-' || r == '%' || r == '$' || r == '#':
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	// Dashes and slashes alone are not words.
	out := strings.Fields(b.String())
	kept := out[:0]
	for _, w := range out {
		if strings.Trim(w, "-/?'%$#") != "" || w == "?" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// pfSmallTalk reports whether words are only greetings, thanks or
// acknowledgements, perhaps addressed to someone ("thanks Priya, really
// appreciate it!"): at most two words that are none of those, and no signal.
func pfSmallTalk(words []string) bool {
	matched, other := false, 0
	for i := 0; i < len(words); {
		if n := pfPhraseAt(words[i:]); n > 0 {
			i += n
			matched = true
			continue
		}
		w := words[i]
		if pfSignal[w] || strings.HasSuffix(w, "?") {
			return false
		}
		if other++; other > 2 {
			return false
		}
		i++
	}
	return matched
}

// pfPhraseAt returns how many words of a small-talk phrase start words.
func pfPhraseAt(words []string) int {
	best := 0
	for _, p := range pfPhrases {
		if len(p) > len(words) || len(p) <= best {
			continue
		}
		ok := true
		for i, w := range p {
			if strings.TrimRight(words[i], "?") != w {
				ok = false
				break
			}
		}
		if ok {
			best = len(p)
		}
	}
	if best == 0 && pfFiller[words[0]] {
		return 1
	}
	return best
}

var pfPhrases = func() [][]string {
	var out [][]string
	for _, p := range []string{
		"thanks", "thank you", "thx", "ty", "tysm", "thanks so much", "thank you so much", "many thanks", "thanks a lot",
		"much appreciated", "appreciate it", "really appreciate it", "cheers", "ok", "okay", "k", "kk", "cool", "great",
		"awesome", "perfect", "nice", "sounds good", "sounds great", "sgtm", "lgtm", "got it", "noted", "ack", "yes", "yep",
		"yup", "no worries", "np", "no problem", "lol", "haha", "hahaha", "+1", "congrats", "congratulations", "yay",
		"woohoo", "wow", "amazing", "love it", "hi", "hello", "hey", "hiya", "morning", "good morning", "good afternoon",
		"good evening", "gm", "happy friday", "happy monday", "welcome", "welcome aboard", "bye", "see you", "talk soon",
		"have a good weekend", "have a great weekend", "sure", "of course", "definitely", "indeed", "agreed", "exactly",
		"same", "me too", "makes sense", "fair enough", "great stuff", "nice one", "well done", "good job", "great job",
		"brilliant", "fantastic", "excellent", "super", "danke", "gracias", "merci", "bis bald", "hola",
		"appreciate", "appreciated", "really", "glad", "happy to help",
	} {
		out = append(out, strings.Fields(p))
	}
	return out
}()

// pfFiller are words that may pad small talk without changing it.
var pfFiller = map[string]bool{
	"all": true, "team": true, "everyone": true, "folks": true, "guys": true, "y'all": true, "again": true, "so": true,
	"much": true, "very": true, "!": true, "for": true, "that": true, "this": true, "it": true, "you": true,
	"both": true, "too": true, "and": true, "a": true, "the": true, "lot": true, "really": true, "there": true, "oh": true,
	"ah": true, "omg": true,
}

// pfSignal are words that often carry a commitment, a request, milestone
// evidence or a person.
var pfSignal = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		will i'll we'll you'll he'll she'll they'll it'll won't shall going gonna can can't cannot could would should
		let let's me us plan promise commit expect expecting eta asap by due deadline before until till
		send sending sent share sharing shared attach attached attaching here here's forward forwarded email emailed
		get getting got give provide deliver return returned submit sign signed signing signature countersigned
		docusign envelope executed issue issued raise raised po invoice paid payment pay need needs needed waiting wait
		still update updates status news chase follow following circle back revert reply respond answer confirm
		confirmed review reviewed approve approved agreed agree sorted set setup configured live syncing provisioned
		schedule scheduled book booked invite kickoff kick-off demo training trained qbr ebr survey nps renew renewal
		seats licenses expansion upgrade quote pricing price proposal order contract msa dpa nda sow soc soc2 redline
		redlines questionnaire security legal procurement finance budget cfo ceo cto cio coo cro ciso vp head director
		champion sponsor owner admin intro introduce introducing meet looping loop adding cc'ing cc welcome joining
		team today tonight tomorrow eod cob eow eom monday tuesday wednesday thursday friday week month quarter q1 q2 q3 q4
		criteria success value adoption onboarding rollout go-live reference case study done complete completed
		finished ready deck report doc docs document form w-9 w9 coi sso saml credentials access sandbox trial please pls
		asked asking request requested required require missing received
	`) {
		m[w] = true
	}
	return m
}()
