package offline

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// Model is the model Journey uses when no language model is configured:
// deterministic heuristics over English text and templates for drafts. It
// makes no network calls and costs nothing (its Usage is always zero).
//
// What it reads, message by message:
//
//   - Commitments: first-person promises ("I'll send…", "we'll get you…",
//     "let me get back to you by…", "I can have it to you by…", "you'll
//     have it by…", "expect the redlines by…", "pricing will be in your
//     inbox Monday", "W-9 coming your way today"), promises made for a
//     colleague or a team ("Raj will get you…", "our legal team will
//     return…"), recap action items ("Marco to finish SSO by 3/13") and
//     reported promises ("Dana said she'd send…", "I told Miles we'd get
//     back to him"), and lines under a heading such as "My action items:".
//     A promise already open, repeated without a new date, is not a new one.
//     Several promises in one message or sentence are split at sentences,
//     "and", "but" and semicolons; objects of one verb stay one promise
//     unless each has its own date. Skipped: negations ("I won't
//     be able to"), questions and offers ("can you send…?", "want me to…?",
//     "happy to…"), "I can…" without a date, conditionals ("if legal
//     approves, I'll…"; temporal "once"/"as soon as" are kept), hedges
//     ("hopefully", "probably", "might"), past tense ("I sent…", which may be
//     a fulfilment), role statements ("Marco will own the integration"),
//     attending meetings, internal housekeeping ("update the close date in
//     HubSpot", "share it with corporate") and vague updates ("we'll keep
//     you posted"). The owner is the promiser's Slack id when they are a
//     known speaker, else their side ("us"/"customer"): a team, or a person
//     not in the channel (a named person not in the channel is on the
//     customer's side unless "our" says otherwise). The counterpart is the
//     one user of the other side the message addresses or names as the
//     recipient, else the other side. The due date comes from cue.FindDue
//     on the promise's clause, in the author's time zone (Speakers[u].TZ,
//     else in.TZ, else UTC); a date relative to an unknown event ("within
//     48 hours of receiving them") is no date.
//   - Waiting-on: requests to the other side ("can you send…?", "could we
//     get…", "please share…", "send the quote my way", "we still need X from
//     you", "waiting on your redlines", "any update on the quote?", "should
//     we expect the SOW this week?", "redlines by Friday would be ideal") and
//     reported ones ("they're waiting on our answer", "he'll want a quote").
//     The waiter is the author (or the reported person or side); it waits
//     on the addressed user of the other side, else the other side. One
//     wait per requested thing (a request asked twice in a message is one).
//     Requests between people of one side and information questions are
//     not waits.
//   - Milestones: affirmative, done-now-or-before statements matching a
//     milestone of in.Milestones: for the built-in journeys' keys by their
//     usual wordings, drawn from the templates' names and evidence ("success
//     criteria are signed off", "kickoff went great", "countersigned", "PO
//     issued", "SOC 2 report shared"); for any other key by its name ("Mutual
//     action plan agreed"). Future, negated, conditional or asked ones are
//     not evidence, except where the milestone is about the future by nature
//     (a verbal renewal, a sponsor agreeing, a need for more seats, a
//     champion agreeing to be one). A message by someone found to
//     be the economic buyer earlier in the batch is evidence that the
//     economic buyer is engaged.
//   - Stakeholders: customer-side people introduced ("looping in…",
//     "adding…", "I'm Grace from procurement") or given a title or role
//     ("Helen Ortiz, our CFO", "Tobias will be our admin"), with the role an
//     explicit statement gives, else the one their title implies, else
//     unknown. Our own people are never stakeholders.
//   - Fulfilments: a message that delivers an open commitment or resolves an
//     open waiting-on item ("here's the pricing sheet", "attached", "just
//     emailed", "SSO is live", or the receiving side confirming it arrived,
//     or the waiter saying it is no longer needed), naming it (its head
//     noun, or telling words of its What; every part of "the W-9 and COI")
//     or saying "as promised". Each open item is fulfilled once per batch.
//
// Text is data: sentences addressed to a model ("ignore previous
// instructions…", "you are now…") are not deal content and are skipped; the
// rest of such a message is read like any other.
type Model struct {
	_ struct{} // no configuration
}

// New returns the offline model.
func New() *Model { return &Model{} }

var _ journey.ConversationModel = (*Model)(nil)

// Name returns "offline".
func (*Model) Name() string { return "offline" }

// epoch is a reference time for questions that only ask whether a text
// has a date at all.
var epoch = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

// message is one message being read.
type message struct {
	msg       journey.Message
	author    journey.Speaker
	side      journey.Side // "" when unknown
	loc       *time.Location
	written   time.Time
	text      string   // the author's own words, mentions as names
	mentions  []string // user ids mentioned
	addressee string   // the one user the message speaks to, "" when none or several
	sentences []sentence
}

// batch is what the model keeps while reading one batch.
type batch struct {
	in      journey.AnalysisInput
	people  people
	account []string // lowered words of the account's name
	eb      map[string]bool
	waits   []journey.FoundWait // found so far, newest last
	done    map[string]bool     // open items already fulfilled in this batch ("c:id", "w:id")
	out     journey.Analysis
}

// Analyze reads a batch of messages. It never fails except when ctx is
// done; what it cannot read it leaves out.
func (o *Model) Analyze(ctx context.Context, in journey.AnalysisInput) (journey.Analysis, journey.Usage, error) {
	b := &batch{in: in, people: newPeople(in.Speakers), eb: map[string]bool{}}
	for _, w := range strings.Fields(strings.ToLower(in.Account)) {
		if len(w) > 2 && w != "inc" && w != "corp" && w != "the" {
			b.account = append(b.account, w)
		}
	}
	for _, msg := range in.Messages {
		if err := ctx.Err(); err != nil {
			return journey.Analysis{}, journey.Usage{}, err
		}
		m := b.read(msg)
		if m == nil {
			continue
		}
		b.stakeholders(m)
		b.promises(m)
		b.milestones(m)
		b.fulfilments(m)
	}
	return b.out, journey.Usage{}, nil
}

var injectionRe = regexp.MustCompile(`(?i)\b(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+)?(previous|prior|above|earlier|preceding|system)\s+(instructions|prompts?|messages|rules)|\byou are now\b|\bsystem prompt\b|\bnew instructions\s*:|\bact as (an?|the) (ai|assistant|admin)`)

// read prepares a message, or returns nil when it holds nothing to read.
func (b *batch) read(msg journey.Message) *message {
	m := &message{msg: msg, author: b.in.Speakers[msg.User]}
	m.side = m.author.Side
	m.loc = b.in.TZ
	if m.author.TZ != "" {
		if l, err := time.LoadLocation(m.author.TZ); err == nil {
			m.loc = l
		}
	}
	if m.loc == nil {
		m.loc = time.UTC
	}
	m.written = msg.At
	if m.written.IsZero() {
		m.written = tsTime(msg.TS)
	}
	if m.written.IsZero() {
		m.written = b.in.Now
	}
	m.text, m.mentions = clean(msg.Text, b.in.Speakers)
	for _, s := range sentences(m.text) {
		if !injectionRe.MatchString(s.text) {
			m.sentences = append(m.sentences, s)
		}
	}
	if len(m.sentences) == 0 {
		return nil
	}
	m.addressee = b.addressee(m)
	return m
}

// tsTime reads a Slack ts ("1700000000.000100").
func tsTime(ts string) time.Time {
	sec, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

var (
	greetNameRe = regexp.MustCompile(`(?i)\b(?:hi|hey|hello|dear|thanks|thank you|thx|sorry|welcome|meet you|morning|ok|okay|bonjour|hola|hallo|ciao|g'day)\s*,?\s+(\p{L}+)`)
	vocStartRe  = regexp.MustCompile(`^(\p{Lu}\p{Ll}+),\s`)
	vocEndRe    = regexp.MustCompile(`,\s+(\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+)?)\s*[.!?]*$`)
)

// addressee returns the one user, other than the author, the message as a
// whole speaks to: leading @-mentions, a greeting or thanks by name, or a
// name set off by a comma, at the start or the end of the message. A name
// called inside the message ("…Raj, can you send those?") addresses that
// request, not the message.
func (b *batch) addressee(m *message) string {
	found := map[string]bool{}
	var order []string
	add := func(id string) {
		if id != "" && id != m.msg.User && !found[id] {
			found[id] = true
			order = append(order, id)
		}
	}
	raw := strings.TrimSpace(m.msg.Text)
	for {
		loc := mentionRe.FindStringSubmatchIndex(raw)
		if loc == nil || loc[0] != 0 {
			break
		}
		add(raw[loc[2]:loc[3]])
		raw = strings.TrimLeft(raw[loc[1]:], " ,")
	}
	edges := []sentence{m.sentences[0]}
	if len(m.sentences) > 1 {
		edges = append(edges, m.sentences[len(m.sentences)-1])
	}
	for k, s := range edges {
		if k == 0 {
			if g := greetNameRe.FindStringSubmatchIndex(s.text); g != nil && g[0] < 12 {
				if id, ok := b.people.find(s.text[g[2]:g[3]]); ok {
					add(id)
				}
			}
			if v := vocStartRe.FindStringSubmatch(s.text); v != nil {
				if id, ok := b.people.find(v[1]); ok {
					add(id)
				}
			}
		}
		if v := vocEndRe.FindStringSubmatch(s.text); v != nil {
			if id, ok := b.people.find(v[1]); ok {
				add(id)
			}
		}
	}
	if len(order) == 1 {
		return order[0]
	}
	return ""
}

// sideOf returns the side of a party: a user's side, or the party itself
// when it is a side.
func (b *batch) sideOf(party string) journey.Side {
	switch party {
	case string(journey.SideUs), string(journey.SideCustomer):
		return journey.Side(party)
	}
	return b.in.Speakers[party].Side
}

// other is the other side ("" when unknown).
func other(s journey.Side) journey.Side {
	switch s {
	case journey.SideUs:
		return journey.SideCustomer
	case journey.SideCustomer:
		return journey.SideUs
	}
	return ""
}
