package offline

import (
	"regexp"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Fulfilments: a message that delivers an open commitment or resolves an
// open waiting-on item.

var (
	deliveredRe = regexp.MustCompile(`\b(here is|here are|here you go|attached|attaching|see attached|please find|enclosed|sent|emailed|shared|uploaded|forwarded|returned|delivered|posted|dropped|told|signed off|signed|countersigned|is in (the|your)|are in (the|your)|in the data room|in docusign|out for signature|in your inbox|on (its|their) way|as promised|(i|we) (have )?confirmed|raised|issued|is complete|are complete|completed|wrapped|is live|are live|is ready|are ready|is set up|is configured|is syncing|is issued|provisioned|now runs|is done|are done|done|is back|are back|went out|fixed|is out|are out|mapped)\b|^[a-z][a-z ]{2,30}:|(^|, )confirmed\b`)
	receivedRe  = regexp.MustCompile(`\b(signed and back|back with you|over to you|got it|got them|received|thanks for (the|sending|your)|got the|arrived|came through|came in|all set|is in the shared|are back|is back)\b`)
	replyDoneRe = regexp.MustCompile(`\b(sent|told|replied|answered|confirmed|shared|emailed|got back|updated|fixed|resolved|thanks for the)\b`)
	mootRe      = regexp.MustCompile(`\b(no action needed|no longer needed|never mind|nevermind|not needed any ?more|all sorted|(will not|won't|do not|don't|no longer) need)\b`)
	thirdSentRe = regexp.MustCompile(`\b(\p{Ll}+)\s+(already\s+)?(sent|shared|emailed|returned|delivered|uploaded)\b`)
	notDoneRe   = regexp.MustCompile(`\b(will|going to|not|never|yet|except|tomorrow|once|when|if|did (it|they|you)|to follow|later|pending|outstanding)\b`)
)

// tokenSyn folds the words of deliverables to one spelling.
var tokenSyn = map[string]string{
	"redline": "redline", "redlines": "redline", "markup": "redline", "comments": "comment",
	"soc2": "soc2", "w-9": "w9", "w9": "w9", "coi": "coi", "quotation": "quote", "quotes": "quote",
	"po": "po", "prices": "pricing", "price": "pricing", "slides": "deck", "invites": "invite",
	"docs": "doc", "documents": "doc", "document": "doc", "questionnaires": "questionnaire",
	"creds": "credential", "credentials": "credential", "signature": "sign", "signed": "sign", "signing": "sign", "countersigned": "sign", "sign-off": "sign",
}

// weakWords are words too common to say which deliverable is meant alone.
var weakWords = map[string]bool{
	"report": true, "doc": true, "list": true, "form": true, "detail": true, "info": true, "information": true,
	"file": true, "plan": true, "sheet": true, "update": true, "answer": true, "reply": true, "summary": true,
	"version": true, "copy": true, "draft": true, "new": true, "full": true, "sign": true, "app": true,
	"tool": true, "access": true, "material": true, "review": true,
}

var stopWords = map[string]bool{
	"the": true, "a": true, "an": true, "our": true, "your": true, "their": true, "my": true, "of": true,
	"for": true, "to": true, "and": true, "on": true, "in": true, "with": true, "by": true, "from": true,
	"this": true, "that": true, "is": true, "are": true, "be": true, "we": true, "you": true, "i": true,
	"latest": true, "updated": true, "revised": true, "some": true, "all": true, "them": true, "its": true,
	"as": true, "at": true, "or": true, "us": true, "me": true, "now": true, "over": true, "here": true,
	"attached": true, "sent": true, "just": true, "too": true, "also": true, "thanks": true, "look": true,
	"it": true, "they": true, "those": true, "both": true,
}

var foldReplacer = strings.NewReplacer("soc 2", "soc2", "purchase order", "po", "certificate of insurance", "coi", "statement of work", "sow", "w-9", "w9")

// tokens returns the content words of a text, folded.
func tokens(s string) map[string]bool {
	low := foldReplacer.Replace(strings.ToLower(s))
	out := map[string]bool{}
	for _, w := range splitWords(low) {
		w = strings.Trim(w, "'.-/#$%")
		if w == "" || stopWords[w] {
			continue
		}
		if i := strings.IndexByte(w, '-'); i > 0 && w != "w-9" && w != "sign-off" && w != "on-prem" {
			// "80-seat" is "80" and "seat"
			for _, p := range strings.Split(w, "-") {
				if p != "" && !stopWords[p] {
					out[strings.TrimSuffix(p, "s")] = true
				}
			}
			continue
		}
		if s, ok := tokenSyn[w]; ok {
			w = s
		} else if len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		out[w] = true
	}
	return out
}

// headNoun returns the head noun of a description: the last content word
// before the first preposition ("the list of the 30 new hires" → "list").
func headNoun(what string) string {
	low := foldReplacer.Replace(strings.ToLower(what))
	for _, p := range []string{" of ", " with ", " for ", " from ", " in ", " on ", " to ", " by ", " about ", " ahead ", " at ", " assuming "} {
		if i := strings.Index(low, p); i > 0 {
			low = low[:i]
		}
	}
	ws := splitWords(low)
	for i := len(ws) - 1; i >= 0; i-- {
		parts := strings.Split(ws[i], "-")
		last := parts[len(parts)-1]
		if ws[i] == "w-9" || ws[i] == "sign-off" || ws[i] == "on-prem" {
			last = ws[i]
		}
		for k := range tokens(last) {
			return k // one word, one token
		}
	}
	return ""
}

// covers reports whether text names what: every part of it ("the W-9
// and COI") has its head noun in text, or two telling words, or a telling
// word and a common head ("the SSO docs").
func covers(what, text string) bool {
	have := tokens(text)
	parts := regexp.MustCompile(`\s+and\s+|,\s*`).Split(what, -1)
	any := false
	for _, p := range parts {
		want := tokens(p)
		if len(want) == 0 {
			continue
		}
		any = true
		head := headNoun(p)
		strong, strongWant := 0, 0
		for w := range want {
			if !weakWords[w] {
				strongWant++
				if have[w] {
					strong++
				}
			}
		}
		switch {
		case head != "" && have[head]:
		case strong >= 2:
		case strong >= 1 && (weakWords[head] || strongWant <= 3):
		default:
			return false
		}
	}
	return any
}

// fulfilments finds the open commitments and waits a message delivers.
func (b *batch) fulfilments(m *message) {
	if len(b.in.Open) == 0 && len(b.in.OpenWaiting) == 0 {
		return
	}
	if b.done == nil {
		b.done = map[string]bool{}
	}
	for _, s := range m.sentences {
		// Questions inside a sentence ("…this morning: 212 questions. Raj,
		// can you take the infra section?") are not deliveries.
		var keep []string
		for _, piece := range splitKeep(s.text, hardSplitRe) {
			if !strings.HasSuffix(strings.TrimSpace(piece), "?") {
				keep = append(keep, piece)
			}
		}
		b.fulfilPiece(m, strings.Join(keep, ": "))
	}
}

// genericReply are the whats of promises to reply.
var genericReply = map[string]bool{"a reply": true, "an answer": true, "an update": true, "a follow-up": true}

// fulfilPiece reads one part of a sentence for deliveries.
func (b *batch) fulfilPiece(m *message, piece string) {
	low := lower(strings.TrimSpace(piece))
	if low == "" || m.side == "" {
		return
	}
	delivered := deliveredRe.MatchString(low) && !notDoneRe.MatchString(deliveredRe.ReplaceAllString(low, " "))
	received := receivedRe.MatchString(low) || thirdSent(low, b)
	moot := mootRe.MatchString(low)
	if !delivered && !received && !moot {
		return
	}
	asPromised := strings.Contains(low, "as promised")
	var cands []journey.FoundFulfilment
	var loose []journey.FoundFulfilment // the head noun alone
	// match files f, the delivery of what, among cands when the piece covers
	// what or meant says it is meant all the same, else among loose when
	// the piece names what's head noun or may says it may be meant.
	match := func(f journey.FoundFulfilment, what string, meant, may bool) {
		switch {
		case covers(what, piece) || meant:
			cands = append(cands, f)
		case may || headNoun(what) != "" && tokens(piece)[headNoun(what)]:
			loose = append(loose, f)
		}
	}
	for _, c := range b.in.Open {
		if b.done["c:"+c.ID] || !c.Open() {
			continue
		}
		ours := c.Side == m.side && delivered
		theirs := c.Side != m.side && received
		if !ours && !theirs {
			continue
		}
		match(journey.FoundFulfilment{MessageTS: m.msg.TS, CommitmentID: c.ID}, c.What,
			ours && asPromised && b.onlyOpenOf(m.side) == c.ID,
			// "our counsel sent comments to you this morning" after "our
			// counsel will come back to you"
			genericReply[strings.ToLower(c.What)] && b.onlyReplyOf(c.Side) == c.ID && replyDoneRe.MatchString(low))
	}
	for _, w := range b.in.OpenWaiting {
		if b.done["w:"+w.ID] || !w.Open() {
			continue
		}
		ours := w.Waiter == other(m.side) && delivered
		theirs := w.Waiter == m.side && (received || moot)
		if !ours && !theirs {
			continue
		}
		match(journey.FoundFulfilment{MessageTS: m.msg.TS, WaitID: w.ID}, w.What, false, false)
	}
	// The head noun alone ("The list is in the shared sheet") is enough
	// when it can only mean one open item.
	if len(cands) == 0 && len(loose) == 1 {
		cands = loose
	}
	for _, f := range cands {
		key := "c:" + f.CommitmentID
		if f.WaitID != "" {
			key = "w:" + f.WaitID
		}
		b.done[key] = true
		b.out.Fulfilled = append(b.out.Fulfilled, f)
	}
}

// thirdSent reports whether a sentence says someone sent something:
// "which Raj already sent on Monday".
func thirdSent(low string, b *batch) bool {
	for _, mt := range thirdSentRe.FindAllStringSubmatch(low, -1) {
		if mt[1] == "he" || mt[1] == "she" || mt[1] == "they" || b.isSpeakerWord(mt[1]) {
			return true
		}
		if len(mt[1]) > 2 && !stopWords[mt[1]] && !adverbs[mt[1]] {
			return true // a name of someone not in the channel: "Miles sent…"
		}
	}
	return false
}

// onlyOpenOf returns the id of the only open commitment of a side, or "".
func (b *batch) onlyOpenOf(side journey.Side) string {
	id := ""
	for _, c := range b.in.Open {
		if c.Side == side && c.Open() {
			if id != "" {
				return ""
			}
			id = c.ID
		}
	}
	return id
}

// onlyReplyOf returns the id of the only open promise of a side to reply
// (its what "a reply", "an answer", "an update"), or "".
func (b *batch) onlyReplyOf(side journey.Side) string {
	id := ""
	for _, c := range b.in.Open {
		if c.Side == side && c.Open() && genericReply[strings.ToLower(c.What)] && !b.done["c:"+c.ID] {
			if id != "" {
				return ""
			}
			id = c.ID
		}
	}
	return id
}
