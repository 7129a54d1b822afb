package ask

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/journeyhq/journey/internal/journey"
)

// Intent kinds: what a question asks for.
const (
	KindHelp        = "help"
	KindTooLong     = "too_long"
	KindAct         = "act"         // "approve all my drafts": refused, buttons offered
	KindActions     = "actions"     // "show my drafts", "Jordan's actions"
	KindFirst       = "first_today" // "what should I do first today?"
	KindOverdue     = "overdue"     // "which reps have overdue follow-ups?"
	KindRenewals    = "renewals"    // "which of my accounts renew this quarter?"
	KindClosing     = "closing"     // "which deals close this month?"
	KindPipeline    = "pipeline"    // "what changed in my pipeline since Monday?"
	KindAtRisk      = "at_risk"     // "which of my deals are at risk?"
	KindList        = "list"        // "list my accounts"
	KindWhere       = "where"       // "where is Acme?"
	KindHealth      = "health"      // "how healthy is Acme?"
	KindNext        = "next"        // "what's next for Acme?"
	KindContacts    = "contacts"    // "who is the champion at Initech?"
	KindCommitments = "commitments" // "what did we promise Acme last week?"
	KindWaiting     = "waiting"     // "what is Globex waiting on from us?"
	KindChanges     = "changes"     // "what changed at Globex?"
	KindDeals       = "deals"       // "what deals does Hooli have?"
	KindOwner       = "owner"       // "who owns Acme?"
	KindRenewalOf   = "renewal_of"  // "when does Globex renew?"
	KindSearch      = "search"      // "what did Acme say about SOC 2?"
	KindWhy         = "why"         // "why?"
	KindUnknown     = "unknown"
)

// accountKinds need an account.
var accountKinds = map[string]bool{
	KindWhere: true, KindHealth: true, KindNext: true, KindContacts: true, KindCommitments: true,
	KindWaiting: true, KindChanges: true, KindDeals: true, KindOwner: true, KindSearch: true, KindRenewalOf: true,
}

// Intent is what the offline parser understood.
type Intent struct {
	Kind     string
	Account  journey.NamedRef // found in the question, when one was
	Accounts int              // how many accounts the question names
	// Candidate is what looks like an account name that matched none
	// (or several), for "did you mean".
	Candidate string
	Person    string // a teammate named ("Jordan's drafts")
	Role      string // a contact role ("champion")
	Side      string // "us" or "customer"
	Term      string // words to search the timeline for
	Period    string // the time words, e.g. "last week"
	FollowUp  bool   // "and Globex?", "what about Hooli?"
}

// MaxQuestion is the longest question Journey reads, in characters.
const MaxQuestion = 1000

var (
	reHelp      = regexp.MustCompile(`^(help|hi|hello|hey|hi there|\?|what can you (do|answer|tell me)|what do you know|how do i use (you|this)|what can i ask( you)?|commands)\b`)
	reAct       = regexp.MustCompile(`^(ok |okay |now |then |also )?(please |pls )?((can|could|would|will) you (please )?|go ahead and |i want you to |you should |you must )?(approve|send|dismiss|snooze|delete|remove|update|change|mark|set|move|close|reassign|email|edit|cancel|reject|accept|log|write|assign|book|schedule|reply)\b`)
	reActAny    = regexp.MustCompile(`\b(approve|dismiss|snooze|delete|unsubscribe|reassign)\b|\b(send|email|reply to) (it|them|the|all|every|this|that|my|those|these)\b|\bmark (it|them|all|every|as|the)\b|\bclose (it|the deal|them)\b`)
	reFirst     = regexp.MustCompile(`what should i (do|work on|focus on|tackle|start with|prioriti[sz]e)|where (should|do) i start|what('s| is) (first|most important|most urgent|my (top )?priority|on my plate)|my (top|first|most important) (priority|priorities|thing|task)|what (do|should) i do (first|next|today|now)|priorit(y|ies) (for )?today|what('s| is) next for me|what needs my attention|what matters (most )?today|(first|most important) thing (to do )?today`)
	reActions   = regexp.MustCompile(`\b(drafts?|actions?|to-?dos?|tasks?|follow-?up emails?)\b`)
	reOverdue   = regexp.MustCompile(`\b(overdue|late|behind on|past due|missed)\b`)
	reWhy       = regexp.MustCompile(`^(and |but |ok |okay |so )?(why|why\?|how come|why is that|why so|explain|explain that|explain why|why not|what's the reason|what is the reason|reasons?)\W*$`)
	reFollow    = regexp.MustCompile(`^(and|what about|how about|and what about|same for|same question for|what of|ok and|and for|now)\s+(.+)$`)
	reRenew     = regexp.MustCompile(`\brenew(s|al|als|ing|ed)?\b|\bup for renewal\b`)
	reClosing   = regexp.MustCompile(`\b(clos(e|es|ing)|land(s|ing)?)\b`)
	reChanged   = regexp.MustCompile(`\b(chang(e|ed|es)|moved?|happened|new|updates?|progress(ed)?|shifted|slipped)\b`)
	rePipeline  = regexp.MustCompile(`\b(pipeline|my (deals|accounts|book|customers|team)|book|our deals|the team|my team|across)\b`)
	reAtRisk    = regexp.MustCompile(`\b(at risk|at-risk|risky|in trouble|slipping|in danger|unhealthy|red flags?|worr(y|ied)|struggling|need(s)? (attention|help|saving)|churn)\b`)
	reList      = regexp.MustCompile(`\b(my|our|list|show)\b.*\b(accounts|deals|book|customers|pipeline)\b|\bwhat (accounts|deals) do i (have|own)\b`)
	reContacts  = regexp.MustCompile(`\b(champion|economic buyer|decision maker|technical owner|tech owner|influencer|cfo|cs lead|customer success lead|exec(utive)?( sponsor)?|sponsor|contacts?|stakeholders?|who do we (talk|speak) to|who('s| is) our contact|people at|legal contact|procurement|budget holder|who signs)\b`)
	rePromise   = regexp.MustCompile(`\b(promis(e|ed|es)|commit(ted|ments?)?|owe|agreed to|said (we|they|i) would|we'd send)\b`)
	reWait      = regexp.MustCompile(`\b(wait(s|ing)?|blocked|blocking|stuck on|need(s)? from)\b`)
	reHealth    = regexp.MustCompile(`\b(health|healthy|score)\b`)
	reNext      = regexp.MustCompile(`\bnext steps?\b|\bwhat('s| is)? next\b|\bwhat (should|do|can) (i|we) do (about|with|for|on|at)\b|\bhow (do|can|should) (i|we) (move|unblock|save|advance|push)\b`)
	reDeals     = regexp.MustCompile(`\b(deals?|amount|worth|how much|close date|arr|seats|contract value|opportunit(y|ies))\b`)
	reOwner     = regexp.MustCompile(`\b(who owns|owner|who('s| is) the (rep|ae|csm|account manager)|csm|account manager|who (handles|covers|manages|runs)|assigned to)\b`)
	reSearch    = regexp.MustCompile(`\b(say|said|says|ask(ed)?( for)?|mention(ed)?|talk(ed)? about|discuss(ed)?|wr(ote|ite)|request(ed)?|email(ed)?|tell us|told us|complain(ed)?|raise(d)?|feedback)\b`)
	reWhere     = regexp.MustCompile(`\b(where|stage|status|how('s| is| are) (it|things|they|we) going|how('s| is)|what('s| is) (up|going on|happening|the latest|the story) (with|at)|update on|tell me about|summary|summari[sz]e|overview|position|latest on|brief me)\b`)
	reAbout     = regexp.MustCompile(`\b(?:about|regarding|re|on the subject of)\s+(.+)$`)
	reUsSide    = regexp.MustCompile(`\b(we|us|our|i)\b`)
	reSubjWe    = regexp.MustCompile(`\b(are|am|were|do|did|have) (we|i) (been )?(wait|waiting|blocked)\b|\bwe('re| are) (waiting|blocked)\b|\b(from|on) them\b|\bwe (wait|need)\b`)
	reEveryone  = regexp.MustCompile(`\b(every(one|body)|all|other|each|the team|my team|team|reps?|people)('s|s'|')?\b.*\b(drafts?|actions?|emails?)\b`)
	reWePromise = regexp.MustCompile(`\b(did|have|had|do) (we|i) (\w+ )?(promise|commit|owe)|\b(we|i)('ve| have| had)? (promised|committed)\b|\bour (promises|commitments)\b|\bwe owe\b`)
	reTheyProm  = regexp.MustCompile(`\b(they|customer|client)\b.*\bpromis|\bdid [a-z0-9 ]+ promise\b|\bpromised (us|me)\b|\b(their|customer's) (promises|commitments)\b`)
)

// stopwords are never an account name on their own.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or of at in on for to from with by about is are was were be been do does did done
	have has had i me my mine we us our you your they them their it its this that these those there here what which who whom whose
	where when why how whats wheres whos hows can could would should will shall may might must not no yes please pls ok okay
	tell show list give find get any anything all every some much many most more less up down out over under between since
	week weeks month months quarter year today yesterday tomorrow last next this past recent recently lately soon first day days
	deal deals account accounts customer customers client pipeline book team rep reps champion buyer economic decision maker
	owner owns csm status stage health healthy score risk at-risk risky trouble waiting wait waits blocked promise promised promises
	commitment commitments owe say said ask asked for mention mentioned change changed changes moved happened renew renews
	renewal renewals close closes closing next step steps contact contacts stakeholder stakeholders people person drafts draft
	actions action follow follow-up follow-ups up overdue late going on latest summary overview update updates position new
	thing things do doing going cfo lead cs exec executive sponsor influencer technical tech legal procurement know knows
	again about regarding again just now then also really right still yet ever hi hey hello thanks thank sure
	monday tuesday wednesday thursday friday saturday sunday quarterly annual number value worth amount seats arr right
	journey bot ignore rules instructions previous system prompt pretend act as admin manager`) {
		stopwords[w] = true
	}
}

// words splits a question into lower-case words: possessives dropped,
// punctuation trimmed, mentions removed.
func words(q string) []string {
	var out []string
	for _, f := range strings.Fields(q) {
		if strings.HasPrefix(f, "<@") {
			continue
		}
		w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&' }))
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// normalize is the question in lower case with single spaces and straight
// apostrophes.
func normalize(q string) string {
	s := strings.ToLower(strings.ReplaceAll(q, "’", "'"))
	return strings.Join(strings.Fields(s), " ")
}

// findAccounts returns the accounts named in ws (longest spans first): a
// span of words whose normalised name is an account's, or a single word that
// is the first word of exactly one account's name ("umbrella", "stark").
func findAccounts(ws []string, ix *journey.NameIndex) []journey.NamedRef {
	if ix == nil {
		return nil
	}
	byKey := map[string][]journey.NamedRef{}
	byFirst := map[string][]journey.NamedRef{}
	for _, r := range ix.Refs() {
		k := journey.NameKey(r.Name)
		byKey[k] = append(byKey[k], r)
		if f := strings.Fields(k); len(f) > 1 {
			byFirst[f[0]] = append(byFirst[f[0]], r)
		}
	}
	used := make([]bool, len(ws))
	var out []journey.NamedRef
	seen := map[string]bool{}
	for n := min(5, len(ws)); n >= 1; n-- {
		for i := 0; i+n <= len(ws); i++ {
			if anyUsed(used[i : i+n]) {
				continue
			}
			span := strings.Join(ws[i:i+n], " ")
			var hit []journey.NamedRef
			if rs := byKey[journey.NameKey(span)]; len(rs) > 0 && !(n == 1 && stopwords[span]) {
				hit = rs
			} else if n == 1 && !stopwords[span] && len(span) >= 3 && len(byFirst[span]) == 1 {
				hit = byFirst[span]
			}
			if len(hit) == 0 {
				continue
			}
			for j := i; j < i+n; j++ {
				used[j] = true
			}
			for _, r := range hit {
				if !seen[r.ID] {
					seen[r.ID] = true
					out = append(out, r)
				}
			}
		}
	}
	return out
}

func anyUsed(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

// candidate is what is left of a question once question and intent words
// are gone: the name of an account Journey did not recognise, if anything.
func candidate(ws []string, people []journey.Person) string {
	names := map[string]bool{}
	for _, p := range people {
		for _, f := range strings.Fields(strings.ToLower(p.Name)) {
			names[f] = true
		}
	}
	var out []string
	for _, w := range ws {
		if stopwords[w] || names[w] || len(w) < 2 || isNumber(w) {
			continue
		}
		out = append(out, w)
	}
	if len(out) > 4 {
		return ""
	}
	return strings.Join(out, " ")
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// findPerson returns the teammate a question names ("Jordan's drafts"), or "".
func findPerson(ws []string, people []journey.Person) string {
	for _, p := range people {
		full := strings.Fields(strings.ToLower(p.Name))
		for i, w := range ws {
			if len(full) > 0 && w == full[0] {
				if len(full) > 1 && i+1 < len(ws) && ws[i+1] == full[1] {
					return p.Name
				}
				return p.Name
			}
		}
	}
	return ""
}

// Parse reads a question. names are the workspace's accounts and people
// its team, so that "acme" and "Jordan" are recognised. It never fails:
// what it cannot place is KindUnknown.
func Parse(q string, names *journey.NameIndex, people []journey.Person) Intent {
	if len([]rune(q)) > MaxQuestion {
		return Intent{Kind: KindTooLong}
	}
	s := normalize(mentionRe.ReplaceAllString(q, " "))
	s = strings.TrimSpace(strings.TrimRight(s, "?!. "))
	ws := words(s)
	in := Intent{Period: periodWords(s)}
	accts := findAccounts(ws, names)
	in.Accounts = len(accts)
	if len(accts) > 0 {
		in.Account = accts[0]
	}
	in.Person = findPerson(ws, people)
	// the account's own words say nothing about the intent: "tell me
	// about Umbrella Health" is not a health question
	for _, a := range accts {
		for _, w := range strings.Fields(journey.NameKey(a.Name)) {
			s = regexp.MustCompile(`\b`+regexp.QuoteMeta(w)+`('s)?\b`).ReplaceAllString(s, "acct")
		}
	}
	if m := reFollow.FindStringSubmatch(s); m != nil && !reHelp.MatchString(s) {
		rest := m[2]
		if len(accts) > 0 || len(words(rest)) <= 4 {
			in.FollowUp = true
		}
	}
	switch {
	case s == "" || reHelp.MatchString(s):
		in.Kind = KindHelp
	case reAct.MatchString(s) || reActAny.MatchString(s):
		in.Kind = KindAct
	case reWhy.MatchString(s):
		in.Kind = KindWhy
	case reFirst.MatchString(s):
		in.Kind = KindFirst
	case reActions.MatchString(s) && !rePromise.MatchString(s):
		in.Kind = KindActions
	case reOverdue.MatchString(s) && len(accts) == 0:
		in.Kind = KindOverdue
	case reRenew.MatchString(s) && len(accts) == 0:
		in.Kind = KindRenewals
	case reClosing.MatchString(s) && len(accts) == 0 && !reChanged.MatchString(s):
		in.Kind = KindClosing
	case reChanged.MatchString(s) && len(accts) == 0 && (rePipeline.MatchString(s) || in.Period != ""):
		in.Kind = KindPipeline
	case reAtRisk.MatchString(s) && len(accts) == 0:
		in.Kind = KindAtRisk
	case rePromise.MatchString(s):
		in.Kind = KindCommitments
		in.Side = "us"
		if reWePromise.MatchString(s) {
			in.Side = "us"
		} else if reTheyProm.MatchString(s) {
			in.Side = "customer"
		} else if !reUsSide.MatchString(s) {
			in.Side = ""
		}
	case reWait.MatchString(s):
		in.Kind = KindWaiting
		in.Side = "customer"
		if reSubjWe.MatchString(s) {
			in.Side = "us"
		}
	case reContacts.MatchString(s):
		in.Kind = KindContacts
		in.Role = roleOf(s)
	case reHealth.MatchString(s) || reAtRisk.MatchString(s):
		in.Kind = KindHealth
		if reAtRisk.MatchString(s) {
			in.Kind = KindWhere
		}
	case reNext.MatchString(s):
		in.Kind = KindNext
	case reChanged.MatchString(s) && len(accts) > 0:
		in.Kind = KindChanges
	case reOwner.MatchString(s):
		in.Kind = KindOwner
	case reSearch.MatchString(s) && (len(accts) > 0 || in.FollowUp):
		in.Kind = KindSearch
		if m := reAbout.FindStringSubmatch(s); m != nil {
			in.Term = stripPeriod(m[1])
		}
	case reRenew.MatchString(s) && len(accts) > 0:
		in.Kind = KindRenewalOf
	case reDeals.MatchString(s) && len(accts) > 0 || reClosing.MatchString(s) && len(accts) > 0:
		in.Kind = KindDeals
	case reWhere.MatchString(s) && len(accts) > 0:
		in.Kind = KindWhere
	case reList.MatchString(s):
		in.Kind = KindList
	case len(accts) > 0 && (in.FollowUp || onlyName(ws)):
		in.Kind = KindWhere
		if in.FollowUp {
			in.Kind = ""
		}
	case in.FollowUp:
		in.Kind = ""
	case reWhere.MatchString(s):
		in.Kind = KindWhere
	default:
		in.Kind = KindUnknown
	}
	if in.Kind == KindWhy {
		in.FollowUp = false // "and why?" asks about the last answer itself
	}
	if in.Kind == KindContacts && in.Role == "" {
		in.Role = roleOf(s)
	}
	if len(accts) == 0 && (accountKinds[in.Kind] || in.Kind == KindUnknown || in.FollowUp) {
		in.Candidate = candidate(ws, people)
	}
	return in
}

var mentionRe = regexp.MustCompile(`<@[A-Z0-9]+(\|[^>]*)?>`)

// onlyName reports whether the question is little more than a name.
func onlyName(ws []string) bool {
	n := 0
	for _, w := range ws {
		if !stopwords[w] {
			n++
		}
	}
	return len(ws) <= 5 && n <= 4
}

func stripPeriod(s string) string {
	if p := periodWords(s); p != "" {
		s = strings.Replace(s, p, "", 1)
	}
	for _, w := range []string{" from us", " from them", " with us", " with them"} {
		s = strings.TrimSuffix(s, w)
	}
	return strings.TrimSpace(s)
}

// roleOf returns the contact role a question asks about, or "".
func roleOf(s string) string {
	for _, rw := range roleWords {
		for _, w := range rw.words {
			if len(w) <= 3 {
				if regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(s) {
					return w
				}
				continue
			}
			if strings.Contains(s, w) {
				return w
			}
		}
	}
	return ""
}
