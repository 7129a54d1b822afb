package offline

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/cue"
)

// Commitments and waiting-on items: who promises what to whom by when, and
// who asks whom for what.

// deliverVerbs are the verbs of things one side does for the other (base
// forms). Attending, discussing, knowing and owning are not among them.
var deliverVerbs = map[string]bool{}

func init() {
	for _, v := range strings.Fields(`send resend share forward email get provide deliver return submit sign
		countersign execute issue raise cut process pay approve set configure enable provision create build put
		prepare draft write circle follow revert reply respond answer fill complete finish finalize finalise wrap
		turn review look dig investigate confirm let update fix resolve schedule book arrange organize organise
		introduce loop connect walk upload post publish ship deploy run pull compile collect gather sort handle
		chase escalate decide come have hand transfer migrate import grant add invite give
		extend clarify document rework redo adapt map test train make take circulate distribute prep produce
		reach move reschedule release install activate whitelist allowlist revise amend remove drop waive
		generate export patch unblock refund credit invoice resubmit re-send reissue countersign line file docusign`) {
		deliverVerbs[v] = true
	}
}

// requestVerbs are what one side asks the other to do (base forms).
var requestVerbs = map[string]bool{}

func init() {
	for _, v := range strings.Fields(`send resend share forward email get provide deliver return submit sign
		countersign issue raise process pay approve set configure enable provision create prepare fill complete
		finish finalize review confirm update fix resolve include take check nominate extend give add invite
		grant clarify let walk put look dig investigate provide help resend upload post book schedule arrange
		introduce loop connect pull export turn drop remove waive change amend move push reschedule shift
		cancel remind ping forward circulate approve expedite prioritize prioritise escalate`) {
		requestVerbs[v] = true
	}
}

// verbBase returns the base form of a deliverable verb ("sending" →
// "send", "shares" → "share"), or "" when word is none. Past forms are none.
func verbBase(word string) string {
	w := strings.Trim(word, ",.!?;:")
	if w == "docusign" {
		return "sign"
	}
	if deliverVerbs[w] {
		return w
	}
	if strings.HasSuffix(w, "ing") && len(w) > 4 {
		stem := w[:len(w)-3]
		for _, c := range []string{stem, stem + "e"} {
			if deliverVerbs[c] {
				return c
			}
		}
		if n := len(stem); n > 2 && stem[n-1] == stem[n-2] && deliverVerbs[stem[:n-1]] {
			return stem[:n-1] // getting, setting, putting
		}
	}
	if strings.HasSuffix(w, "es") && deliverVerbs[w[:len(w)-2]] {
		return w[:len(w)-2]
	}
	if strings.HasSuffix(w, "s") && deliverVerbs[w[:len(w)-1]] {
		return w[:len(w)-1]
	}
	return ""
}

// handoverVerbs hand something to the other side.
var handoverVerbs = map[string]bool{"send": true, "share": true, "sign": true, "countersign": true, "deliver": true,
	"return": true, "submit": true, "pay": true, "issue": true, "forward": true, "email": true, "resend": true}

var adverbs = map[string]bool{
	"also": true, "then": true, "just": true, "definitely": true, "certainly": true, "really": true,
	"totally": true, "happily": true, "personally": true, "still": true, "both": true, "all": true,
	"actually": true, "absolutely": true, "quickly": true, "def": true, "gladly": true, "surely": true,
	"first": true, "finally": true, "immediately": true, "promptly": true, "directly": true, "now": true,
}

// promise is a promise read in a clause.
type promise struct {
	party    string       // owner: a user id or a side
	side     journey.Side // the owner's side
	verb     int          // index of the main verb in words
	needDate bool         // "I can send it" counts only with a date
	object   string       // for impersonal promises ("the sandbox will be ready"): the thing
	plain    bool         // the verb needs no particle ("you'll have the SOW by Friday")
}

var (
	condRe       = regexp.MustCompile(`\b(if|unless|assuming|provided that|provided|as long as|in case|whether)\b`)
	politeCondRe = regexp.MustCompile(`\bif (that|it) (works|helps|is ok|is okay|is easier|is useful|is helpful)\b|\bif (helpful|useful|you like|you would like|you want|you prefer)\b`)
	hedgeRe      = regexp.MustCompile(`\b(hopefully|probably|maybe|perhaps|possibly|might|no promises|not sure|i doubt|likely|ideally)\b`)
	tagRe        = regexp.MustCompile(`,?\s*\b(ok|okay|right|yeah|sound good|sounds good|does that work|works for you|cool)\s*\?+\s*$`)
	internalRe   = regexp.MustCompile(`\b(hubspot|crm|close date|the opp|opportunity|internally|with corporate|to corporate|with (my|our) (team|boss|manager|leadership)|with leadership)\b`)
	relDueRe     = regexp.MustCompile(`^\s*(of|after)\s+(receiving|getting|receipt|we|you|the|it|them|that|signature|kickoff)`)
	sameDayRe    = regexp.MustCompile(`\b(the day (it|that|they) (is|are|goes|go|ships|ship|launches) (out|live)?|the same day|that day)\b`)
	immediateRe  = regexp.MustCompile(`\b(right now|now|right away|as we speak|in a sec|in a second|in a minute)\b`)
	teamRe       = regexp.MustCompile(`^(?:(our|my|their|the customer's|your)\s+)?(legal team|legal|counsel|security team|security|infosec|procurement team|procurement|finance team|finance|accounting|ap team|it team|it|data team|engineering team|engineering|product team|support team|support|success team|cs team|ops team|team|cfo|ceo|cto|cio|vp|admin|lawyers?|attorneys?)$`)
)

// auxStart words make a clause a question when they come before its
// subject ("can you…", "should we…", "will you…").
var auxStart = map[string]bool{
	"can": true, "could": true, "would": true, "will": true, "should": true, "shall": true, "do": true,
	"does": true, "did": true, "is": true, "are": true, "am": true, "may": true, "want": true, "have": true, "has": true,
}

// reportVerbs introduce reported speech: "Dana said she'd send…".
var reportVerbs = map[string]bool{
	"said": true, "says": true, "mentioned": true, "told": true, "promised": true, "confirmed": true,
	"agreed": true, "committed": true, "wrote": true, "noted": true,
}

// promises finds the commitments and waiting-on items of a message.
func (b *batch) promises(m *message) {
	var commits []journey.FoundCommitment
	var commitSentence []int
	var waits []wait
	lastPerson := "" // the last person named, for "he" and "she"
	myItems := false // under "My action items:", a line starting with a verb is the author's promise
	for si, s := range m.sentences {
		if si > 0 && myItemsRe.MatchString(lower(m.sentences[si-1].text)) {
			myItems = true
		}
		sentLow := lower(s.text)
		cond := condRe.MatchString(politeCondRe.ReplaceAllString(sentLow, ""))
		hedged := hedgeRe.MatchString(sentLow)
		clauses := clauses(s.text)
		var prev *promise // the promise of the clause before, for "…and send it"
		first := len(commits)
		for ci, c := range clauses {
			low := strings.TrimSpace(tagRe.ReplaceAllString(lower(c.text), ""))
			w := splitWords(low)
			if len(w) == 0 {
				continue
			}
			question := strings.HasSuffix(low, "?") || (ci == len(clauses)-1 && s.question && !declarative(w)) || auxStart[w[0]] && len(w) > 1 && subjectWord(w[1]) && w[1] != "it" && w[1] != "there"
			if name := b.lastPerson(c.text); name != "" {
				lastPerson = name
			}
			// Requests first: "can you send…?" is a wait, never a promise.
			if wt, ok := b.parseWait(m, c.text, low, w, question); ok {
				if pronounObject(wt.what) {
					// "Can someone take a look?", "Did they go out?": about
					// what was just said.
					switch {
					case len(commits) > 0:
						wt.what = commits[len(commits)-1].What
					case si > 0:
						wt.what = subjectNP(m.sentences[si-1].text)
					}
				}
				waits = append(waits, wt)
				prev = nil
				continue
			}
			if question || cond || hedged {
				prev = nil
				continue
			}
			var p promise
			ok := false
			switch {
			case c.elliptical && prev != nil:
				p, ok = *prev, true
				p.verb, p.object = -1, ""
			default:
				p, ok = b.parsePromise(m, c.text, low, w, lastPerson)
				if !ok && myItems && ci == 0 && verbBase(w[0]) != "" && !strings.HasSuffix(w[0], "ing") && !strings.HasSuffix(w[0], "ed") {
					p, ok = promise{party: m.msg.User, side: m.side, verb: 0}, true
				}
				if !ok && prev != nil && verbBase(w[0]) != "" {
					p, ok = *prev, true // "…and send Nina the doc by Thursday"
					p.verb, p.needDate, p.object, p.plain = 0, false, "", false
				}
			}
			if !ok {
				prev = nil
				continue
			}
			fc, keep := b.commitment(m, c.text, low, w, p)
			if !keep {
				prev = nil
				continue
			}
			if fc.Due.IsZero() && sameDayRe.MatchString(low) && len(commits) > first {
				fc.Due = commits[len(commits)-1].Due
			}
			commits = append(commits, fc)
			commitSentence = append(commitSentence, si)
			pp := p
			prev = &pp
		}
		// Verbs on one deliverable are one promise: "rework the order form
		// and send it over by tomorrow", "review it with Cal and get back to
		// you with feedback by Monday", "review and come back to you".
		for i := first + 1; i < len(commits); i++ {
			a, c := &commits[i-1], commits[i]
			if a.Owner != c.Owner {
				continue
			}
			switch {
			case pronounObject(c.What):
				if a.Due.IsZero() {
					a.Due = c.Due
				}
			case pronounObject(a.What) || a.What == "" || strings.HasPrefix(a.What, "\x00"):
				if c.Due.IsZero() {
					c.Due = a.Due
				}
				*a = c
			default:
				continue
			}
			commits = append(commits[:i], commits[i+1:]...)
			commitSentence = append(commitSentence[:i], commitSentence[i+1:]...)
			i--
		}
	}
	// A date alone in the next sentence ("ETA Thursday.") belongs to the
	// promise before it.
	for i := range commits {
		si := commitSentence[i]
		if !commits[i].Due.IsZero() || si+1 >= len(m.sentences) || countSentence(commitSentence, si+1) > 0 {
			continue
		}
		next := m.sentences[si+1].text
		if len(strings.Fields(next)) <= 5 {
			if d, _, ok := cue.FindDue(next, m.written, m.loc); ok {
				commits[i].Due = d
			}
		}
	}
	for i := range commits {
		what := commits[i].What
		if strings.HasPrefix(what, "\x00") {
			what = objectName(what)
		}
		if what == "" || what == "an answer" || what == "a reply" || pronounObject(what) || vagueWhat(what) {
			// "I told Miles we'd get back to him by Thursday" after "they're
			// waiting on our answer about on-prem": the answer to that.
			found := false
			for k := len(waits) - 1; k >= 0; k-- {
				if waits[k].what != "" && !pronounObject(waits[k].what) {
					what, found = waits[k].what, true
					break
				}
			}
			// "you'll have both versions by Wednesday": what the other side
			// asked for last in the batch.
			for k := len(b.waits) - 1; k >= 0 && !found && m.side != ""; k-- {
				wt := b.waits[k]
				if b.sideOf(wt.Waiter) != other(m.side) || pronounObject(wt.What) {
					continue
				}
				if wt.On != string(m.side) && wt.On != commits[i].Owner && wt.On != "" {
					continue // asked of someone else ("Hey Maya…" is not for Raj)
				}
				what, found = wt.What, true
			}
		}
		if what == "" {
			what = "a reply"
		}
		commits[i].What = what
	}
	// "Will do, both by tomorrow morning": an acceptance with a date, when
	// nothing else in the message promises.
	if len(commits) == 0 && len(waits) == 0 {
		if fc, ok := b.acceptance(m); ok {
			commits = append(commits, fc)
		}
	}
	// A promise already made ("EUR quote to follow Friday" after "I'll get
	// you the EUR quote by end of week") is not a new one.
	kept := commits[:0]
	for _, c := range commits {
		if !b.restates(c) {
			kept = append(kept, c)
		}
	}
	b.out.Commitments = append(b.out.Commitments, kept...)
	b.addWaits(m, waits)
}

// restates reports whether c repeats an open commitment or one found earlier
// in the batch, of the same side, about the same thing.
func (b *batch) restates(c journey.FoundCommitment) bool {
	side := b.sideOf(c.Owner)
	// Same thing, and no new date: a promise that now gets a deadline says
	// something new.
	same := func(what string, due time.Time) bool {
		if !c.Due.IsZero() && !c.Due.Equal(due) {
			return false
		}
		return !genericReply[strings.ToLower(c.What)] && covers(what, c.What) && covers(c.What, what)
	}
	for _, o := range b.in.Open {
		if o.Side == side && (o.Status == "" || o.Status == journey.CommitmentOpen) && !b.done["c:"+o.ID] && same(o.What, o.DueAt) {
			return true
		}
	}
	for _, o := range b.out.Commitments {
		if b.sideOf(o.Owner) == side && same(o.What, o.Due) {
			return true
		}
	}
	return false
}

func countSentence(ss []int, s int) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

// subjectWord reports whether w can be a clause's subject.
func subjectWord(w string) bool {
	switch w {
	case "i", "we", "you", "he", "she", "they", "it", "someone", "somebody", "anyone", "your", "our", "there":
		return true
	}
	return false
}

// declarative reports whether a clause starts like a statement.
func declarative(w []string) bool {
	switch w[0] {
	case "i", "we", "you", "he", "she", "they", "our", "my", "their", "let", "expect":
		return len(w) < 2 || !auxStart[w[0]]
	}
	return false
}

var pronouns = map[string]bool{"it": true, "them": true, "that": true, "this": true, "those": true, "these": true, "both": true, "one": true, "that one": true}

// pronounObject reports whether what is only a pronoun, perhaps with a
// phrase after it ("it with Cal", "that one").
func pronounObject(what string) bool {
	w := strings.Fields(strings.ToLower(strings.TrimSpace(what)))
	if len(w) == 0 {
		return false
	}
	if !pronouns[w[0]] {
		return false
	}
	return len(w) == 1 || whatStops[w[1]] || w[1] == "with" || w[1] == "one" || w[1] == "all"
}

// lastPerson returns the last person named in text, as a user id, or
// "name:<Name>" for someone not in the channel, or "" when none. "he" and
// "she" later in the message refer to them.
func (b *batch) lastPerson(clause string) string {
	last := ""
	for _, n := range names(clause) {
		if id, ok := b.people.find(n); ok {
			last = id
		} else if !b.isAccount(n) {
			last = "name:" + n
		}
	}
	return last
}

var nameRe = regexp.MustCompile(`\b\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?\b`)

// notNames are capitalised words that are not people.
var notNames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`I We You He She They It Our My Their Your The A An This That These Those Hi Hey Hello
		Thanks Thank Sorry Yes No Yep Sure Great Perfect Nice Good Morning Also And But So Then Just Quick Please Pls
		Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
		September October November December Q1 Q2 Q3 Q4 Looping Adding Welcome Meet Here Heads Call Recap Next
		Steps Demo Discovery Why Now Not Deal Done Got Received Signed Countersigned Updated Vendor Security Pen
		Activity Checklist Alerts Pipeline Pricing Revised Redlines Tax Kickoff Legal Procurement Finance Support
		Manager Training New Feedback Adoption Being Love Totally Understood Told Miles's Reminder Will Can Could
		Would Should Any Did Does Is Are Was Were Let Expect Execution Sounds Really Honestly Fantastic Happy
		Following Hola Danke Ignore FYI Still Then Once If When What Where How Who Before After Okay Ok Absolutely
		Quote Proposal Order Contract Budget Legal's Sandbox Trial SSO Salesforce Okta Slack DocuSign Clari
		Snowflake HubSpot Frankfurt EMEA APAC AWS Azure Google Microsoft Zoom Gmail Outlook Jira Confluence
		Drive Notion Teams Excel Spreadsheet England Wales Hooli Globex Acme Initech Umbrella Stark Wayne Soylent
		Massive Dynamic Piper Pied Cyberdyne Vandelay Oscorp Tyrell Nakatomi Bluth Wonka Dunder Mifflin Prestige
		Worldwide Staples Corp Inc Ltd LLC GmbH First Second Third Last Main Quick Week Day Month Quarter Year
		Head Sales Ops Director Chief Officer President Founder Marketing Engineering Operations Data Product
		Customer Success Team Account Executive Solutions Engineer Lead Admin Sponsor Exec Executive Senior
		Regional Global Vice Manager Partner Counsel General Hub Spot Thursday's Friday's Monday's`) {
		notNames[w] = true
	}
}

// names returns the capitalised names of people in text, in order.
func names(text string) []string {
	var out []string
	for _, n := range nameRe.FindAllString(text, -1) {
		parts := strings.FieldsFunc(n, func(r rune) bool { return r == ' ' || r == '-' })
		if notNames[parts[0]] {
			if len(parts) > 1 && !notNames[parts[1]] {
				out = append(out, parts[1])
			}
			continue
		}
		if len(parts) > 1 && notNames[parts[1]] {
			n = parts[0]
		}
		out = append(out, n)
	}
	return out
}

func (b *batch) isAccount(name string) bool {
	for _, w := range strings.Fields(strings.ToLower(name)) {
		for _, a := range b.account {
			if w == a {
				return true
			}
		}
	}
	return false
}

// parsePromise reads who promises in a clause and where the promised verb
// is. lastPerson is whom "he" or "she" would mean.
func (b *batch) parsePromise(m *message, orig, low string, w []string, lastPerson string) (promise, bool) {
	author := promise{party: m.msg.User, side: m.side}
	// "expect the usage export early next week"
	if w[0] == "expect" {
		author.verb = 0
		return author, true
	}
	// "Will send the invoice Friday morning." (no subject, no question)
	if (w[0] == "will" || w[0] == "shall") && len(w) > 1 && !subjectWord(w[1]) {
		if v, need, ok := chain(w, 0, false); ok {
			author.verb, author.needDate = v, need
			return author, true
		}
	}
	// "Signing today." "Sending the deck over tomorrow."
	if strings.HasSuffix(w[0], "ing") && handoverVerbs[verbBase(w[0])] {
		if _, _, ok := cue.FindDue(orig, m.written, m.loc); ok && !immediateRe.MatchString(low) {
			author.verb = 0
			return author, true
		}
	}
	for i := 0; i < len(w); i++ {
		if i > 0 && auxStart[w[i-1]] && (i < 2 || !reportVerbs[w[i-2]]) && w[i-1] != "will" && w[i-1] != "would" {
			// "should we…", "can you…": a question, not a promise
			if subjectWord(w[i]) {
				return promise{}, false
			}
		}
		switch w[i] {
		case "i", "we":
			if i > 0 && w[i-1] == "let" {
				continue
			}
			reported := i > 0 && reportedBefore(w[:i])
			if v, need, ok := chain(w, i+1, reported); ok {
				author.verb, author.needDate = v, need
				return author, true
			}
		case "let":
			if i+1 < len(w) && (w[i+1] == "me" || w[i+1] == "us") && i+2 < len(w) && w[i+2] != "know" {
				if i+2 < len(w) && verbBase(w[i+2]) != "" {
					author.verb = i + 2
					return author, true
				}
			}
		case "you":
			// "you will have the SOW by Friday", "you can expect…"
			if i+2 < len(w) {
				pair := w[i+1] + " " + w[i+2]
				switch pair {
				case "will have", "will get", "will receive", "will see", "should have", "should get", "should receive", "can expect", "will hear":
					if (i == 0 || !auxStart[w[i-1]]) && !immediateRe.MatchString(low) {
						author.verb, author.plain = i+2, true
						return author, true
					}
				}
			}
		case "he", "she", "they":
			reported := i > 0 && reportedBefore(w[:i])
			v, need, ok := chain(w, i+1, reported)
			if !ok && i+3 < len(w) && (w[i+1] == "promised" || w[i+1] == "agreed" || w[i+1] == "committed") && w[i+2] == "to" && verbBase(w[i+3]) != "" {
				// "they promised to send sandbox credentials by Wednesday"
				v, need, ok = i+3, false, true
			}
			if !ok {
				continue
			}
			p := promise{verb: v, needDate: need}
			switch {
			case w[i] == "they" && i > 0 && reportedBefore(w[:i]):
				p.party, p.side = b.reportedParty(m, orig, lastPerson)
			case w[i] == "they":
				if m.side != journey.SideUs {
					return promise{}, false
				}
				p.party, p.side = string(journey.SideCustomer), journey.SideCustomer
			default:
				p.party, p.side = b.personParty(m, lastPerson, orig)
			}
			if p.party == "" {
				return promise{}, false
			}
			return p, true
		}
	}
	// Someone named, or a team: "Raj will get you…", "our legal team will
	// return…", "Marco to finish SSO by 3/13", "Miles (their head of sales
	// ops) will send…".
	if p, ok := b.thirdParty(m, orig, low, w); ok {
		return p, true
	}
	// Impersonal: "the sandbox will be ready Monday", "W-9 and COI are coming
	// your way today", "SSO enforcement ships on April 14".
	if p, ok := b.impersonal(m, orig, low, w); ok {
		return p, true
	}
	return promise{}, false
}

// reportedBefore reports whether the words before a subject report
// speech: "I told Miles we…", "Dana said she…".
func reportedBefore(w []string) bool {
	for k := len(w) - 1; k >= 0 && k >= len(w)-4; k-- {
		if reportVerbs[w[k]] {
			return true
		}
	}
	return false
}

// chain reads the modal chain after a subject at w[j] and returns the
// index of the promised verb.
func chain(w []string, j int, reported bool) (verb int, needDate bool, ok bool) {
	skip := func() {
		for j < len(w) && adverbs[w[j]] {
			j++
		}
	}
	at := func(k int, s string) bool { return k < len(w) && w[k] == s }
	skip()
	if j >= len(w) {
		return 0, false, false
	}
	switch w[j] {
	case "will", "shall":
		j++
	case "would":
		if !reported {
			return 0, false, false
		}
		j++
	case "am", "are", "is", "was":
		if w[j] == "was" && !reported {
			return 0, false, false
		}
		j++
		skip()
		switch {
		case at(j, "going") && at(j+1, "to"):
			j += 2
		case (at(j, "planning") || at(j, "aiming") || at(j, "committed")) && at(j+1, "to"):
			j += 2
		case j < len(w) && strings.HasSuffix(w[j], "ing") && verbBase(w[j]) != "":
			return j, true, true // "I'm sending it over tonight"
		default:
			return 0, false, false
		}
	case "plan", "intend", "promise", "commit", "aim":
		if !at(j+1, "to") {
			return 0, false, false
		}
		j += 2
	case "can":
		j++
		needDate = true
	case "should":
		j++
		skip()
		if at(j, "be") && at(j+1, "able") && at(j+2, "to") {
			j += 3
		} else if !(at(j, "have") || at(j, "get")) {
			return 0, false, false
		}
	default:
		return 0, false, false
	}
	skip()
	if at(j, "not") || at(j, "never") {
		return 0, false, false
	}
	switch {
	case at(j, "be") && at(j+1, "able") && at(j+2, "to"):
		j += 3
	case at(j, "be") && j+1 < len(w) && strings.HasSuffix(w[j+1], "ing"):
		switch verbBase(w[j+1]) {
		case "handle", "run", "take", "lead", "make", "look":
			return 0, false, false // "I'll be handling the vendor onboarding": a role
		}
		j++ // "will be sending"
	case at(j, "try") && at(j+1, "to"), at(j, "aim") && at(j+1, "to"):
		j += 2
	case at(j, "make") && at(j+1, "sure") && at(j+2, "to"):
		j += 3
	}
	skip()
	if j >= len(w) || verbBase(w[j]) == "" {
		return 0, false, false
	}
	if v := w[j]; strings.HasSuffix(v, "ed") && !deliverVerbs[v] {
		return 0, false, false
	}
	return j, needDate, true
}

// personParty resolves "he"/"she"/a name to a party.
func (b *batch) personParty(m *message, person, orig string) (string, journey.Side) {
	switch {
	case person == "":
		return "", ""
	case strings.HasPrefix(person, "name:"):
		name := strings.TrimPrefix(person, "name:")
		if m.side == journey.SideUs && regexp.MustCompile(`(?i)\bour\s+(\w+\s+)?`+regexp.QuoteMeta(name)).MatchString(orig) {
			return string(journey.SideUs), journey.SideUs
		}
		return string(journey.SideCustomer), journey.SideCustomer
	}
	return person, b.in.Speakers[person].Side
}

// reportedParty is the owner of "X said they'd…".
func (b *batch) reportedParty(m *message, orig, lastPerson string) (string, journey.Side) {
	low := strings.ToLower(orig)
	if mt := teamRe.FindStringSubmatch(strings.TrimSpace(strings.SplitN(low, " said", 2)[0])); mt != nil {
		return b.teamParty(m, mt[1])
	}
	return b.personParty(m, lastPerson, orig)
}

// teamParty is the side of "our legal team" (possessive "our") as said by
// the author.
func (b *batch) teamParty(m *message, possessive string) (string, journey.Side) {
	s := m.side
	if possessive == "their" || possessive == "your" || possessive == "the customer's" {
		s = other(m.side)
	}
	if s == "" {
		return "", ""
	}
	return string(s), s
}

var recapRe = regexp.MustCompile(`^(\p{Lu}\p{Ll}+)\s+to\s+(\w+)`)

// thirdParty reads promises of a named person or a team.
func (b *batch) thirdParty(m *message, orig, low string, w []string) (promise, bool) {
	// Recap action items: "Marco to finish SSO by 3/13".
	if mt := recapRe.FindStringSubmatch(strings.TrimSpace(orig)); mt != nil && b.isSpeakerWord(strings.ToLower(mt[1])) && verbBase(strings.ToLower(mt[2])) != "" {
		party, side := b.nameParty(m, mt[1], orig)
		if party != "" {
			return promise{party: party, side: side, verb: 2}, true
		}
	}
	// Drop parentheses and appositives so the subject meets its verb.
	stripped := regexp.MustCompile(`\s*\([^)]*\)`).ReplaceAllString(orig, "")
	stripped = regexp.MustCompile(`,\s*(?:our|their|your|the)\s+[^,]{1,40},`).ReplaceAllString(stripped, "")
	sl := lower(stripped)
	sw := splitWords(sl)
	for i := 0; i < len(sw) && i < 8; i++ {
		// Team subjects: "our legal team will…", "legal said they'd…".
		for n := 4; n >= 1; n-- {
			if i+n > len(sw) {
				continue
			}
			cand := strings.Join(sw[i:i+n], " ")
			mt := teamRe.FindStringSubmatch(cand)
			if mt == nil || (mt[1] == "" && (mt[2] == "team" || mt[2] == "it" || mt[2] == "vp" || mt[2] == "admin")) {
				continue
			}
			if i > 0 && !reportVerbs[sw[i-1]] && sw[i-1] != "and" && sw[i-1] != "also" && sw[i-1] != "then" {
				continue
			}
			if v, need, ok := chain(sw, i+n, false); ok {
				party, side := b.teamParty(m, mt[1])
				if party == "" {
					return promise{}, false
				}
				return promise{party: party, side: side, verb: v, needDate: need, object: rebase(sw, v)}, true
			}
		}
	}
	// Named people: the first capitalised name followed by a promise.
	origWords := strings.Fields(stripped)
	for i, ow := range origWords {
		name := strings.Trim(ow, ",.!?:;'\"")
		if name == "" || !unicode.IsUpper([]rune(name)[0]) || notNames[name] || b.isAccount(name) {
			continue
		}
		k := indexWord(sw, strings.ToLower(name))
		if k < 0 {
			continue
		}
		next := k + 1
		if next < len(sw) && len(origWords) > i+1 {
			// A surname: "Sarah Connor will…"
			if nw := strings.Trim(origWords[i+1], ",.!?"); nw != "" && unicode.IsUpper([]rune(nw)[0]) && !notNames[nw] && sw[next] == strings.ToLower(nw) {
				name += " " + nw
				next++
			}
		}
		for next < len(sw) && (reportVerbs[sw[next]] || sw[next] == "that" || sw[next] == "us" || sw[next] == "me" || sw[next] == "she" || sw[next] == "he" || sw[next] == "they" || b.isSpeakerWord(sw[next])) {
			if sw[next] == "promised" || sw[next] == "agreed" || sw[next] == "committed" {
				if next+1 < len(sw) && sw[next+1] == "to" && next+2 < len(sw) && verbBase(sw[next+2]) != "" {
					party, side := b.nameParty(m, name, orig)
					return promise{party: party, side: side, verb: next + 2, object: rebase(sw, next+2)}, party != ""
				}
			}
			next++
		}
		if next > k+1 && !reportedBefore(sw[:next]) && sw[k+1] != "will" {
			continue
		}
		reported := reportedBefore(sw[:next])
		if v, need, ok := chain(sw, next, reported); ok {
			party, side := b.nameParty(m, name, orig)
			if party == "" {
				return promise{}, false
			}
			return promise{party: party, side: side, verb: v, needDate: need, object: rebase(sw, v)}, true
		}
		break
	}
	return promise{}, false
}

// rebase returns the object words after verb v of sw as text, for
// promises read on a clause whose words differ from the clause's own.
func rebase(sw []string, v int) string {
	return "@" + strings.Join(sw[v:], " ")
}

func indexWord(w []string, s string) int {
	for i, x := range w {
		if strings.Trim(x, ",.!?:;'\"") == s {
			return i
		}
	}
	return -1
}

func (b *batch) isSpeakerWord(w string) bool {
	_, ok := b.people.byFirst[w]
	return ok
}

// nameParty resolves a person named in a clause to a party.
func (b *batch) nameParty(m *message, name, orig string) (string, journey.Side) {
	if id, ok := b.people.find(name); ok {
		return id, b.in.Speakers[id].Side
	}
	return b.personParty(m, "name:"+name, orig)
}

var impersonalRe = regexp.MustCompile(`^(?:and\s+)?(?:the\s+|our\s+|your\s+)?(.{2,60}?)\s+(?:(?:will be|is going to be|should be)\s+(?:ready|in your inbox|in the\s+[\w\s]{1,30}?(?:email|folder|portal|drive|data room)|over|sent|shared|done|live|signed|issued|out|back|with you|available|on (?:its|their) way)|(?:are|is)\s+coming your way)\b`)
var comingRe = regexp.MustCompile(`^(?:the\s+|our\s+|your\s+)?(.{2,60}?)\s+(?:(?:is|are)\s+)?(?:coming (?:your way|over|to you|by|on|early|next|this|tomorrow|today|monday|tuesday|wednesday|thursday|friday|end)|ships|will ship|goes live|will go live|launches|lands|will land)\b`)

// followRe reads "the questionnaire will follow by Thursday", "the order
// form goes out once Peter confirms": promises even without a date.
var followRe = regexp.MustCompile(`^(?:and\s+)?(?:the\s+|our\s+|your\s+)?(.{2,60}?)\s+(?:will follow|to follow|follows|goes out|will go out|will be sent|will be shared|will be on (?:its|their) way)\b`)

// impersonal reads promises without a person: "pricing will be in your
// inbox Monday", "W-9 and COI are coming your way today".
func (b *batch) impersonal(m *message, orig, low string, w []string) (promise, bool) {
	var obj string
	if mt := followRe.FindStringSubmatch(low); mt != nil && !immediateRe.MatchString(low) {
		if f := strings.Fields(mt[1]); len(f) > 0 && !subjectWord(f[0]) {
			return promise{party: m.msg.User, side: m.side, verb: -1, object: mt[1]}, true
		}
	}
	if _, _, ok := cue.FindDue(orig, m.written, m.loc); !ok {
		return promise{}, false
	}
	if mt := impersonalRe.FindStringSubmatch(low); mt != nil {
		obj = mt[1]
	} else if mt := comingRe.FindStringSubmatch(low); mt != nil {
		obj = mt[1]
	}
	if obj == "" || immediateRe.MatchString(low) {
		return promise{}, false
	}
	if f := strings.Fields(obj)[0]; subjectWord(f) && f != "it" && f != "they" {
		return promise{}, false
	}
	return promise{party: m.msg.User, side: m.side, verb: -1, object: obj}, true
}

// commitment builds the commitment of a promise read in a clause, or
// reports that it does not count.
func (b *batch) commitment(m *message, orig, low string, w []string, p promise) (journey.FoundCommitment, bool) {
	// The words after the verb: from the clause, or from the stripped
	// clause a third-party promise was read on.
	var rest []string
	var verb string
	switch {
	case strings.HasPrefix(p.object, "@"):
		ow := strings.Fields(strings.TrimPrefix(p.object, "@"))
		verb, rest = ow[0], ow[1:]
	case p.object != "":
		rest = strings.Fields(p.object)
	case p.verb < 0:
		rest = w
	default:
		verb, rest = w[p.verb], w[p.verb+1:]
	}
	base := verbBase(verb)
	if verb != "" && base == "" && verb != "expect" && verb != "receive" && verb != "see" && verb != "hear" {
		return journey.FoundCommitment{}, false
	}
	restText := strings.Join(rest, " ")
	if !p.plain && !particleOK(base, rest) {
		return journey.FoundCommitment{}, false
	}
	if roleObjRe.MatchString(restText) && (base == "handle" || base == "run" || base == "take") {
		return journey.FoundCommitment{}, false // "he'll handle user provisioning": a role
	}
	if internalRe.MatchString(restText) || internalRe.MatchString(low) {
		return journey.FoundCommitment{}, false
	}
	due, phrase, hasDue := cue.FindDue(orig, m.written, m.loc)
	if hasDue {
		if i := strings.Index(orig, phrase); i >= 0 && relDueRe.MatchString(strings.ToLower(orig[i+len(phrase):])) {
			hasDue, due = false, time.Time{}
		}
	}
	if hasDue && immediateRe.MatchString(low) && !strings.Contains(strings.ToLower(phrase), "now") {
		// "sending it over now" is a delivery, not a promise
		if !strings.Contains(low, "will") {
			return journey.FoundCommitment{}, false
		}
	}
	if !hasDue && immediateRe.MatchString(low) && p.verb == 0 {
		return journey.FoundCommitment{}, false
	}
	if p.needDate && !hasDue {
		return journey.FoundCommitment{}, false
	}
	if !hasDue && (base == "sign" || base == "approve" || base == "decide") && len(rest) == 0 {
		return journey.FoundCommitment{}, false // "Monica will sign.": who signs, not a promise
	}
	fc := journey.FoundCommitment{MessageTS: m.msg.TS, Owner: p.party, Due: due}
	recipient := b.recipient(m, rest, p.side, base)
	switch {
	case recipient == "-":
		return journey.FoundCommitment{}, false // promised to one's own side
	case recipient != "":
		fc.Counterpart = recipient
	case m.addressee != "" && p.side != "" && b.sideOf(m.addressee) == other(p.side):
		fc.Counterpart = m.addressee
	default:
		fc.Counterpart = string(other(p.side))
	}
	fc.What = what(base, rest, phrase, orig)
	if p.object != "" && !strings.HasPrefix(p.object, "@") {
		fc.What = asWritten(strings.TrimSpace(p.object), orig)
	}
	if fc.What == "" {
		// Named after the promise itself once the sentence is read:
		// "Signing today" is the signature.
		fc.What = objectless(base)
	}
	if base == "sign" && pronounObject(fc.What) && len(strings.Fields(fc.What)) == 1 {
		fc.What = "the signature" // "I'll DocuSign it this arvo"
	}
	return fc, true
}

// particleOK checks the words a verb needs: "set up", "come back",
// "let you know what…", "have it over by…".
func particleOK(base string, rest []string) bool {
	r := " " + strings.Join(rest, " ") + " "
	has := func(ss ...string) bool {
		for _, s := range ss {
			if strings.Contains(r, " "+s+" ") {
				return true
			}
		}
		return false
	}
	first := ""
	if len(rest) > 0 {
		first = rest[0]
	}
	switch base {
	case "set":
		return has("up")
	case "put":
		return has("together")
	case "turn":
		return has("around")
	case "come", "circle":
		return first == "back"
	case "follow":
		return first == "up"
	case "look":
		return first == "into" || first == "at" || first == "over" || first == "through"
	case "dig":
		return first == "into" || first == "in"
	case "wrap":
		return has("up")
	case "hand":
		return has("over")
	case "fill":
		return has("in", "out")
	case "sort":
		return has("out")
	case "walk":
		return has("through")
	case "loop":
		return has("in")
	case "take":
		return strings.HasPrefix(strings.TrimSpace(r), "a look") || first == "care"
	case "reach":
		return first == "out"
	case "line":
		return first == "up"
	case "file":
		return has("ticket", "request", "bug")
	case "make":
		return strings.HasPrefix(strings.TrimSpace(r), "a decision")
	case "let":
		if len(rest) < 3 || rest[1] != "know" {
			return false
		}
		return true
	case "get":
		switch first {
		case "started", "going", "there", "to", "into", "on", "through", "together":
			return false
		}
		return true
	case "have":
		if first == "to" {
			return false // "I'll have to check": an obligation
		}
		return has("to", "over", "back", "ready", "done", "signed", "finished", "out", "sent", "across", "for you", "in your inbox", "updated", "completed", "live", "in place", "set up")
	case "run":
		return first != "into" && first != "out"
	}
	return true
}

// recipient returns whom the words after the verb name as the recipient:
// a user id, "" when none, or "-" when it is someone of the promiser's own
// side.
func (b *batch) recipient(m *message, rest []string, side journey.Side, base string) string {
	for i, word := range rest {
		if i > 6 {
			break
		}
		if word == "you" && i <= 2 {
			return ""
		}
		prevWord := ""
		if i > 0 {
			prevWord = rest[i-1]
		}
		id, ok := b.people.byFirst[strings.Trim(word, ",.!?")]
		if !ok || len(id) == 0 {
			// "she's sharing it with Ron": someone of the customer's not in
			// the channel; a customer sharing with them is internal.
			if side == journey.SideCustomer && handoverVerbs[base] && (prevWord == "with" || prevWord == "to") && m.text != "" && isNameIn(word, m.text) {
				return "-"
			}
			continue
		}
		if i == 0 || prevWord == "to" || (prevWord == "with" && handoverVerbs[base]) {
			if side != "" && b.in.Speakers[id[0]].Side == side {
				return "-"
			}
			if b.in.Speakers[id[0]].Side == other(side) {
				return id[0]
			}
		}
	}
	return ""
}

var whatStops = map[string]bool{
	"by": true, "before": true, "until": true, "till": true, "tomorrow": true, "today": true, "tonight": true,
	"asap": true, "eod": true, "cob": true, "eow": true, "within": true, "once": true, "when": true, "if": true,
	"so": true, "because": true, "since": true, "after": true, "directly": true, "early": true, "next": true,
	"this": true, "later": true, "sometime": true, "as": true, "ahead": true, "for": true,
	"on": true, "in": true, "and": true, "but": true, "then": true, "to": true, "your": true, "my": true,
	"right": true, "now": true, "via": true, "over": true, "across": true, "too": true, "from": true,
	"ready": true, "done": true, "live": true, "sorted": true, "finished": true,
}

// objectless marks the what of a promise without an object, by its
// verb; promises() names it once it knows no other clause carries it.
func objectless(base string) string { return "\x00" + base }

// objectName names a promise without an object.
func objectName(what string) string {
	switch strings.TrimPrefix(what, "\x00") {
	case "sign", "countersign":
		return "the signature"
	case "pay":
		return "the payment"
	case "approve":
		return "the approval"
	case "review":
		return "the review"
	}
	return ""
}

var roleObjRe = regexp.MustCompile(`^(the\s+|all\s+|our\s+)?(user\s+)?(provisioning|onboarding|rollout|renewal|integration|implementation|administration|admin|account|relationship|support|vendor onboarding|day-to-day|evaluation|over)\b`)

// leadStops end a noun phrase even as its first word ("by Thursday").
var leadStops = map[string]bool{
	"by": true, "before": true, "until": true, "till": true, "tomorrow": true, "today": true, "tonight": true,
	"asap": true, "eod": true, "cob": true, "eow": true, "within": true, "once": true, "when": true, "if": true,
	"so": true, "because": true, "since": true, "after": true, "early": true, "later": true,
}

// what makes a short noun phrase of what was promised.
func what(base string, rest []string, duePhrase, orig string) string {
	words := rest
	if duePhrase != "" {
		// Take the date out, and the word that leads to it: "get back to you
		// by Thursday on pricing" is about pricing.
		dp := splitWords(lower(duePhrase))
		for i := range words {
			if len(dp) > 0 && i+len(dp) <= len(words) && strings.Join(words[i:i+len(dp)], " ") == strings.Join(dp, " ") {
				start := i
				if start > 0 && leadStops[words[start-1]] || start > 0 && (words[start-1] == "on" || words[start-1] == "for") {
					start--
				}
				rest := words[i+len(dp):]
				if len(rest) > 0 && (rest[0] == "on" || rest[0] == "about" || rest[0] == "re" || rest[0] == "regarding") {
					words = append(append([]string{}, words[:start]...), rest...)
				} else {
					words = words[:start]
				}
				break
			}
		}
	}
	drop := map[string]bool{"you": true, "over": true, "across": true, "back": true, "along": true, "out": true, "up": true, "him": true, "her": true, "them": true, "us": true, "me": true, "together": true, "through": true, "around": true, "in": true, "into": true, "at": true, "off": true}
	prefix := ""
	switch base {
	case "get", "come", "circle", "revert", "reply", "respond":
		if len(words) > 0 && words[0] == "back" {
			prefix = "an answer"
		}
	case "follow":
		prefix = "a follow-up"
	case "let":
		prefix = "an answer"
		if len(words) >= 2 {
			words = words[2:]
		}
	case "update":
		if len(words) > 0 && words[0] == "you" {
			prefix = "an update"
		}
	case "take":
		if len(words) >= 2 && words[1] == "look" {
			words = words[2:]
		}
	case "make":
		return "a decision"
	case "confirm", "decide":
		prefix = "confirmation"
	}
	for len(words) > 0 && (drop[words[0]] || words[0] == "to" && len(words) > 1 && drop[words[1]]) {
		if words[0] == "to" {
			words = words[2:]
			continue
		}
		words = words[1:]
	}
	// "on pricing" after "get back to you"
	if prefix != "" && len(words) > 1 {
		switch words[0] {
		case "on", "about", "re", "regarding":
			return prefix + " " + words[0] + " " + asWritten(cut(words[1:], 8, true), orig)
		case "with":
			return asWritten(cut(words[1:], 8, true), orig) // "get back to you with feedback"
		}
	}
	obj := cut(words, 9, true)
	if obj == "" {
		return prefix
	}
	return asWritten(obj, orig)
}

// cut keeps the words of a noun phrase up to a stop word.
func cut(words []string, max int, stop bool) string {
	var out []string
	for i, w := range words {
		t := strings.Trim(w, ",.!?:;")
		if stop && (i > 0 || leadStops[t]) && whatStops[t] && !(t == "for" && i+1 < len(words) && looksNumber(words[i+1])) && !(t == "on" && i+1 < len(words) && words[i+1] == "letterhead") && !(t == "in" && i+1 < len(words) && (words[i+1] == "okta" || words[i+1] == "the")) {
			break
		}
		if t == "" {
			continue
		}
		out = append(out, t)
		if len(out) >= max || t != w && !strings.HasSuffix(w, "'") && strings.ContainsAny(w[len(w)-1:], ",.!?:;") {
			break
		}
	}
	return strings.Join(out, " ")
}

func looksNumber(w string) bool {
	return w != "" && w[0] >= '0' && w[0] <= '9'
}

// asWritten returns the words of lowered phrase as the original text writes
// them ("soc 2 report" → "SOC 2 report").
func asWritten(phrase, orig string) string {
	if phrase == "" {
		return ""
	}
	lo := strings.ToLower(orig)
	if i := strings.Index(lo, phrase); i >= 0 && len(lo) == len(orig) {
		return orig[i : i+len(phrase)]
	}
	return phrase
}

// acceptance reads "Will do, both by tomorrow morning": the author takes on
// the last thing the other side asked for, by a date.
func (b *batch) acceptance(m *message) (journey.FoundCommitment, bool) {
	first := lower(m.sentences[0].text)
	if !regexp.MustCompile(`^(will do|on it|sure thing|consider it done|can do)\b`).MatchString(first) {
		return journey.FoundCommitment{}, false
	}
	due, _, ok := cue.FindDue(m.text, m.written, m.loc)
	if !ok || immediateRe.MatchString(first) {
		return journey.FoundCommitment{}, false
	}
	fc := journey.FoundCommitment{MessageTS: m.msg.TS, Owner: m.msg.User, Due: due, What: "it"}
	for i := len(b.waits) - 1; i >= 0; i-- {
		if wt := b.waits[i]; b.sideOf(wt.Waiter) == other(m.side) && m.side != "" {
			fc.What = wt.What
			break
		}
	}
	fc.Counterpart = string(other(m.side))
	if m.addressee != "" && b.sideOf(m.addressee) == other(m.side) {
		fc.Counterpart = m.addressee
	}
	return fc, true
}

// myItemsRe is a heading of the author's own action items.
var myItemsRe = regexp.MustCompile(`\b(my (action items|next steps|to-?dos?|actions)|on me|on my (side|end)|from me|i will|i'll|action items for (me|us|our side)|our (action items|next steps)|on our (side|end))\b[^.!?]*:\s*$`)

var npEndRe = regexp.MustCompile(`\b(is|are|was|were|has|have|had|keeps?|stopped|started|broke|failed|does|do|did|can|will|won't|isn't|aren't|doesn't|don't|seems?|looks?|turned)\b`)

// subjectNP returns what a sentence is about: its words before the
// first verb, without a greeting ("Hey, the Slack alerts stopped firing…"
// → "the Slack alerts").
func subjectNP(s string) string {
	t := regexp.MustCompile(`(?i)^(hi|hey|hello|so|ok|okay|also|quick one|fyi)[,!:]?\s+`).ReplaceAllString(strings.TrimSpace(s), "")
	if loc := npEndRe.FindStringIndex(strings.ToLower(t)); loc != nil && loc[0] > 0 {
		t = t[:loc[0]]
	}
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(t), ",.;:!"))
}

// vagueWhat reports whether a what says only "both", "all of it" or
// "both versions": which things, the conversation says.
func vagueWhat(what string) bool {
	w := strings.Fields(strings.ToLower(what))
	if len(w) == 0 || len(w) > 3 {
		return false
	}
	switch w[0] {
	case "both", "all", "each", "either", "everything", "those", "these", "them":
	default:
		return false
	}
	for _, x := range w[1:] {
		switch x {
		case "of", "them", "versions", "options", "items", "things", "docs", "files", "parts":
		default:
			return false
		}
	}
	return true
}

// isNameIn reports whether a lowered word is written as a name in text.
func isNameIn(word, text string) bool {
	for _, n := range names(text) {
		if strings.EqualFold(strings.Fields(n)[0], strings.Trim(word, ",.!?")) {
			return true
		}
	}
	return false
}
