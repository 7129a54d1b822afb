package offline

import (
	"regexp"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// wait is a request read in a clause.
type wait struct {
	waiter string // a party; "" for the author
	side   journey.Side
	what   string
	prio   int    // lower is a clearer request
	to     string // a user the clause itself addresses ("Raj, can you…")
}

var (
	askYouRe   = regexp.MustCompile(`^(?:(?:hi|hey|hello|so|also|and|ok|okay|great|sure|yes|quick one|quick q|one more thing|sorry|btw|oh|bonjour|hola|hallo|ciao|g'day)[,!:]?\s+)*(?:[a-z]+,\s+)?(?:can|could|would|will)\s+(?:you|someone|somebody|anyone|your team)(?:\s+guys)?(?:\s+please)?(?:\s+also)?(?:\s+(?:be able to|kindly))?(?:\s+be)?\s+(\S+)\s*(.*)$`)
	askWeRe    = regexp.MustCompile(`\b(?:can|could|may)\s+(?:we|i)\s+(?:please\s+)?(?:also\s+)?(get|have|see|receive|book|grab|schedule|push|move|reschedule|shift)\s+(.+)$`)
	pleaseRe   = regexp.MustCompile(`(?:^|[,;]\s*|\s)(?:please|pls|plz|kindly)\s+([a-z]+)\s*(.*)$`)
	myWayRe    = regexp.MustCompile(`^(?:so\s+|and\s+)?(?:send|share|forward|email)\s+(?:me\s+|us\s+)?(.+?)\s+(?:my|our)\s+way\b`)
	sendMeRe   = regexp.MustCompile(`^(?:so\s+|and\s+)?(?:send|share|forward|email)\s+(?:me|us)\s+(.+)$`)
	blockedRe  = regexp.MustCompile(`\b(?:we are|i am|we have been|we're|team is|review is)\s+(?:still\s+)?(?:blocked|stuck|on hold)\b.*\buntil (?:we|i) (?:get|receive|have|see)\s+(.+)$`)
	needRe     = regexp.MustCompile(`^(?:(?:for|on|re|regarding|about|to)\s+[^,]{1,30}?,?\s+)?(?:(?:we|i)\s+(?:will\s+|would\s+|do\s+|am going to\s+|are going to\s+)?(?:also\s+|still\s+)*|(?:also\s+|still\s+)+)(?:need|require)\s+(.+)$`)
	waitingRe  = regexp.MustCompile(`^(?:also,?\s+)?(?:we|i)\s+(?:am|are)\s+(?:still\s+)?(?:waiting|awaiting)\s+(?:on|for)?\s*(.+)$|^(?:still\s+)?waiting\s+(?:on|for)\s+(.+)$`)
	notGotRe   = regexp.MustCompile(`\b(?:we|i)\s+(?:have|has)\s+not\s+(?:yet\s+)?(?:received|seen|gotten|got)\s+(.+)$`)
	softAskRe  = regexp.MustCompile(`^(.+?)\s+would be\s+(?:ideal|great|appreciated|helpful|amazing|perfect|much appreciated)\b`)
	theyWantRe = regexp.MustCompile(`^(?:also,?\s+)?(they|the customer|the client|[a-z]+)\s+(?:are|is|were)?\s*(?:still\s+)?(waiting on|waiting for|asking for|asked for|asked us for|requested|want|wants|need|needs|would like)\s+(.+)$`)
	whoAskedRe = regexp.MustCompile(`\b(?:who|they|and)\s+(?:asked|asked us|is asking|are asking|requested|wants|want)\s+(?:for\s+)?(.+)$`)
	heWantsRe  = regexp.MustCompile(`^(?:and\s+)?(he|she)\s+(?:will|would)\s+(?:want|need|ask for)\s+(.+)$`)
	statusRes  = []*regexp.Regexp{
		regexp.MustCompile(`\bany\s+(?:updates?|news|progress|eta|word)\s*(?:on|about|re|regarding|for|with)?\s*(.*)$`),
		regexp.MustCompile(`\bwhere (?:are we|do we stand|are things)\s+(?:on|with)\s+(.+)$`),
		regexp.MustCompile(`\bwhat is the status (?:of|on)\s+(.+)$`),
		regexp.MustCompile(`\beta (?:on|for)\s+(.+)$`),
		regexp.MustCompile(`\bwhen (?:can|will|should|do|might) (?:we|i) (?:expect|get|see|receive|have)\s+(.+)$`),
		regexp.MustCompile(`\bshould (?:we|i) expect\s+(.+)$`),
		regexp.MustCompile(`\b(?:following up|circling back|checking in|bumping this|gentle nudge|nudge|reminder)\s+(?:on|about|re)\s+(.+)$`),
		regexp.MustCompile(`\bhow is (.+?) coming(?: along)?\b`),
		regexp.MustCompile(`^did (?:it|they|those|these) (?:go out|get sent)()`),
	}
)

// deliverables are things one side hands the other.
var deliverables = regexp.MustCompile(`\b(report|summary|questionnaire|form|forms|w-?9|certificate|coi|letter|details|redlines?|markup|comments|feedback|po|purchase order|quote|quotes|pricing|price|proposal|contract|msa|dpa|nda|sow|list|credentials|creds|access|metadata|diagram|guide|deck|export|data|admin|answer|answers|decision|signature|invoice|plan|roadmap|doc|docs|document|documents|policy|sandbox|trial|environment|workspace|numbers|info|information|update|approval|sign-?off|review|slot|time|minutes|logs|file|files|sheet|spreadsheet|case study|references?|template|timeline|recap|version|copy|keys|token|link|invite|soc ?2|caiq|sig|letterhead|contact)\b`)

// parseWait reads a request in a clause.
func (b *batch) parseWait(m *message, orig, low string, w []string, question bool) (wait, bool) {
	text := strings.TrimRight(low, "?!. ")
	to := ""
	if v := vocStartRe.FindStringSubmatch(strings.TrimSpace(orig)); v != nil {
		if id, ok := b.people.find(v[1]); ok {
			to = id
		}
	}
	mk := func(what string, prio int) (wait, bool) {
		what = waitWhat(what, orig)
		return wait{what: what, prio: prio, to: to}, true
	}
	if mt := askYouRe.FindStringSubmatch(text); mt != nil {
		verb, rest := mt[1], mt[2]
		base := verbBase(verb)
		if base == "" && requestVerbs[verb] {
			base = verb
		}
		if base == "" {
			if strings.HasSuffix(verb, "ing") && requestVerbs[strings.TrimSuffix(verb, "ing")] {
				base = strings.TrimSuffix(verb, "ing")
			}
		}
		switch {
		case base == "":
		case base == "let":
			if regexp.MustCompile(`^(?:me|us)\s+know\s+(?:if|whether|when|what|who|by|your)\b`).MatchString(rest) && !strings.Contains(rest, "questions") {
				return mk("an answer", 1)
			}
		case base == "take":
			if strings.HasPrefix(rest, "a look") {
				return mk(strings.TrimPrefix(strings.TrimPrefix(rest, "a look"), " at"), 1)
			}
		default:
			return mk(rest, 1)
		}
	}
	if mt := askWeRe.FindStringSubmatch(text); mt != nil {
		return mk(mt[2], 1)
	}
	if mt := pleaseRe.FindStringSubmatch(text); mt != nil && (requestVerbs[mt[1]] || verbBase(mt[1]) != "") {
		return mk(mt[2], 1)
	}
	if mt := myWayRe.FindStringSubmatch(text); mt != nil {
		return mk(mt[1], 1)
	}
	if mt := sendMeRe.FindStringSubmatch(text); mt != nil {
		return mk(mt[1], 1)
	}
	if mt := needRe.FindStringSubmatch(text); mt != nil {
		if strings.Contains(mt[1], "your") || strings.Contains(mt[1], "from you") || deliverables.MatchString(mt[1]) {
			if !strings.Contains(mt[1], "seats") && !strings.Contains(mt[1], "licen") {
				return mk(mt[1], 2)
			}
		}
	}
	if mt := blockedRe.FindStringSubmatch(text); mt != nil {
		return mk(mt[1], 2)
	}
	if mt := waitingRe.FindStringSubmatch(text); mt != nil {
		return mk(mt[1]+mt[2], 2)
	}
	if mt := notGotRe.FindStringSubmatch(text); mt != nil {
		return mk(mt[1], 2)
	}
	for k, re := range statusRes {
		if mt := re.FindStringSubmatch(text); mt != nil {
			what := strings.TrimSpace(mt[1])
			switch {
			case k == 0 && what == "":
				what = "an update"
			case k == 0:
				what = "an update on " + what
			case k == 8:
				what = "it"
			}
			return mk(what, 3)
		}
	}
	if mt := softAskRe.FindStringSubmatch(text); mt != nil && deliverables.MatchString(mt[1]) {
		obj := mt[1]
		if i := strings.Index(obj, " by "); i > 0 {
			obj = obj[:i]
		}
		return mk(obj, 3)
	}
	// Reported: "they're waiting on our answer", "he'll want a quote".
	if mt := theyWantRe.FindStringSubmatch(text); mt != nil && m.side == journey.SideUs {
		subj := mt[1]
		if subj == "they" || subj == "the customer" || subj == "the client" || b.isAccount(subj) {
			if strings.HasPrefix(mt[2], "want") || strings.HasPrefix(mt[2], "need") || mt[2] == "would like" {
				if !deliverables.MatchString(mt[3]) {
					return wait{}, false
				}
			}
			wt, _ := mk(mt[3], 2)
			wt.waiter, wt.side = string(journey.SideCustomer), journey.SideCustomer
			return wt, true
		}
	}
	if mt := whoAskedRe.FindStringSubmatch(text); mt != nil && m.side == journey.SideUs && deliverables.MatchString(mt[1]) {
		// "…Lena, their VP Finance, who asked for pricing for 150 users"
		wt, _ := mk(mt[1], 2)
		wt.waiter, wt.side = string(journey.SideCustomer), journey.SideCustomer
		return wt, true
	}
	if mt := heWantsRe.FindStringSubmatch(text); mt != nil && deliverables.MatchString(mt[2]) {
		party, side := b.personParty(m, b.lastNamed(m, orig), orig)
		if party != "" {
			wt, _ := mk(mt[2], 2)
			wt.waiter, wt.side = party, side
			return wt, true
		}
	}
	return wait{}, false
}

// lastNamed is the last person named in the message up to the clause.
func (b *batch) lastNamed(m *message, clause string) string {
	upto := m.text
	if i := strings.Index(m.text, clause); i >= 0 {
		upto = m.text[:i]
	}
	return b.lastPerson(upto)
}

// waitWhat cleans what a request asks for.
func waitWhat(what, orig string) string {
	what = strings.TrimSpace(strings.TrimRight(what, "?!. "))
	for _, p := range []string{"over ", "me ", "us ", "across ", "along "} {
		what = strings.TrimPrefix(what, p)
	}
	words := strings.Fields(what)
	var out []string
	for i, w := range words {
		t := strings.Trim(w, ",.!?:;")
		if i > 0 && (t == "by" || t == "before" || t == "so" || t == "because" || t == "too" || t == "please" || t == "asap" || t == "if" || t == "when" || t == "as" || t == "ahead") {
			break
		}
		if i > 0 && t == "from" && i+1 < len(words) && words[i+1] == "you" {
			break
		}
		out = append(out, t)
		if len(out) >= 10 {
			break
		}
	}
	what = strings.Join(out, " ")
	if what == "" {
		return "it"
	}
	return asWritten(what, orig)
}

// addWaits records a message's requests: one per waiter, addressed to the
// other side or to the user the message speaks to.
func (b *batch) addWaits(m *message, waits []wait) {
	seen := map[string]int{}
	var out []journey.FoundWait
	var prio []int
	for _, wt := range waits {
		waiter, side := wt.waiter, wt.side
		if waiter == "" {
			waiter, side = m.msg.User, m.side
		}
		on := ""
		addressed := wt.to
		if addressed == "" {
			addressed = m.addressee
		}
		if addressed != "" {
			as := b.in.Speakers[addressed].Side
			switch {
			case side != "" && as == side && waiter == m.msg.User:
				continue // a request between colleagues
			case side == "" || as == other(side):
				on = addressed
			}
		}
		if on == "" {
			on = string(other(side))
		}
		fw := journey.FoundWait{MessageTS: m.msg.TS, Waiter: waiter, On: on, What: wt.what}
		// One wait per item: a request restated, or one for "someone" or
		// "it", is the same request.
		dup := -1
		for i, o := range out {
			if o.Waiter == waiter && (vagueWait(o.What) || vagueWait(fw.What) || covers(o.What, fw.What) || covers(fw.What, o.What)) {
				dup = i
				break
			}
		}
		if dup >= 0 {
			if wt.prio < prio[dup] {
				out[dup], prio[dup] = fw, wt.prio
			}
			continue
		}
		seen[waiter] = len(out)
		out = append(out, fw)
		prio = append(prio, wt.prio)
	}
	// "Following up on training: can you share the list…": the status
	// question is the request's preamble.
	kept, keptPrio := out[:0], prio[:0]
	for i, fw := range out {
		drop := false
		for j, o := range out {
			if i != j && o.Waiter == fw.Waiter && prio[i] == 3 && prio[j] < 3 {
				drop = true
			}
		}
		if !drop {
			kept, keptPrio = append(kept, fw), append(keptPrio, prio[i])
		}
	}
	out = kept
	b.waits = append(b.waits, out...)
	b.out.WaitingOn = append(b.out.WaitingOn, out...)
}

// vagueWait reports whether a request names no thing of its own ("it",
// "someone", "an update").
func vagueWait(what string) bool {
	w := strings.ToLower(strings.TrimSpace(what))
	return pronounObject(w) || strings.HasPrefix(w, "someone") || strings.HasPrefix(w, "somebody") || w == "an update" || w == "an answer"
}
