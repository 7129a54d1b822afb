package ask

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
)

// Answerer answers a question with a live model that may call the tools.
// *Live implements it.
type Answerer interface {
	Name() string
	Answer(ctx context.Context, t *Tools, question string, th Thread) (Answer, error)
}

// Service answers questions for the people of a workspace.
type Service struct {
	Store Store
	// Model is a live model; nil means the offline intent parser answers.
	Model Answerer
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Log; default slog.Default().
	Log *slog.Logger
}

// Ask answers question for asker in workspace ws, continuing th (the
// thread's context; zero for a new conversation). The Answer carries the
// thread context to keep for a follow-up. A live model that fails falls
// back to the offline answer.
func (s *Service) Ask(ctx context.Context, ws string, asker Asker, question string, th Thread) (Answer, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	question = strings.TrimSpace(question)
	if len([]rune(question)) > MaxQuestion {
		return tooLong(question, th), nil
	}
	t := NewTools(s.Store, ws, asker, now())
	if s.Model != nil {
		a, err := s.Model.Answer(ctx, t, question, th)
		if err == nil {
			a.Thread.remember(question, a.Text)
			return a, nil
		}
		log.Warn("ask: the live model failed; answering offline", "model", s.Model.Name(), "err", err)
		t = NewTools(s.Store, ws, asker, now())
		a, oerr := Offline(ctx, t, question, th)
		if oerr != nil {
			return Answer{}, oerr
		}
		a.ModelCalls = modelCalls(err)
		a.Thread.remember(question, a.Text)
		return a, nil
	}
	a, err := Offline(ctx, t, question, th)
	if err != nil {
		return Answer{}, err
	}
	a.Thread.remember(question, a.Text)
	return a, nil
}

func tooLong(q string, th Thread) Answer {
	return Answer{Intent: KindTooLong, Thread: th, Text: fmt.Sprintf(
		"That question is %d characters long; I read questions of up to %d. Ask it in a sentence or two, e.g. “where is Acme?” or “which of my deals are at risk?”.",
		len([]rune(q)), MaxQuestion)}
}

// HelpText says what Journey can answer.
const HelpText = "I answer questions about your customers' journeys from Journey's records, and cite them. Try:\n" +
	"• where is Acme? · how healthy is Globex? · what's next for Initech?\n" +
	"• which of my deals are at risk? · which of my accounts renew this quarter? · which deals close this month?\n" +
	"• what is Globex waiting on from us? · what did we promise Acme last week? · who is the champion at Initech?\n" +
	"• what changed in my pipeline since Monday? · what did Acme say about SOC 2?\n" +
	"• what should I do first today? · show my drafts · which reps have overdue follow-ups? (managers)\n" +
	"In a thread, follow up with “and Globex?” or “why?”. I only read: sending, approving and changing stay with you, through the buttons."

// Offline answers with the intent parser and the tools, no model: it reads
// the question in the thread's context and answers it with the function
// offlineAnswers holds for its intent.
func Offline(ctx context.Context, t *Tools, question string, th Thread) (Answer, error) {
	names, err := t.Names(ctx)
	if err != nil {
		return Answer{}, err
	}
	people, err := t.People(ctx)
	if err != nil {
		return Answer{}, err
	}
	in := Parse(question, names, people)
	switch {
	case in.Kind == KindTooLong:
		return tooLong(question, th), nil
	case in.Kind == KindWhy && th.Intent == "":
		return Answer{Intent: KindWhy, Thread: th, Text: "Why what? Ask me something first, e.g. “where is Acme?”, then “why?” in the same thread."}, nil
	}
	q := newQuery(ctx, t, question, in, th)
	answer, ok := offlineAnswers[q.in.Kind]
	if !ok {
		// an intent of the thread the table does not know, such as a live
		// model's ("model"): a question about the thread's account
		answer = aboutAccount(nothingToLookUp)
	}
	return answer(q)
}

// answerFunc answers one intent of the offline parser.
type answerFunc func(q *query) (Answer, error)

// offlineAnswers is what the offline parser does with each intent, as
// slackapp's routes are what the Slack app does with each command and
// action. The intents about one account go through aboutAccount, which
// finds the account first.
var offlineAnswers = map[string]answerFunc{
	KindHelp:     answerHelp,
	KindUnknown:  answerUnknown,
	KindAct:      answerAct,
	KindActions:  answerActions,
	KindFirst:    answerFirst,
	KindOverdue:  answerOverdue,
	KindRenewals: answerRenewals,
	KindClosing:  answerClosing,
	KindAtRisk:   answerAtRisk,
	KindList:     answerList,
	KindPipeline: answerPipeline,

	KindWhere:       aboutAccount(accountWhere),
	KindHealth:      aboutAccount(accountHealth),
	KindNext:        aboutAccount(accountNext),
	KindContacts:    aboutAccount(accountContacts),
	KindCommitments: aboutAccount(accountCommitments),
	KindWaiting:     aboutAccount(accountWaiting),
	KindChanges:     aboutAccount(accountChanges),
	KindDeals:       aboutAccount(accountDeals),
	KindOwner:       aboutAccount(accountOwner),
	KindRenewalOf:   aboutAccount(accountRenewal),
	KindSearch:      aboutAccount(accountSearch),
}

// query is a question being answered offline: the intent read in the
// thread's context, its period, and the context a follow-up will continue
// from.
type query struct {
	ctx      context.Context
	t        *Tools
	question string
	in       Intent
	th       Thread // the thread the question continues
	why      bool   // "why?": the reasons behind the thread's last answer
	loc      *time.Location
	// period is what the question's time words mean (hasPeriod: it has some).
	period    Period
	hasPeriod bool
	next      Thread
}

func newQuery(ctx context.Context, t *Tools, question string, in Intent, th Thread) *query {
	in, why := inContext(in, th)
	loc := time.UTC
	if l, err := time.LoadLocation(t.asker.Person.TimeZone); err == nil && t.asker.Person.TimeZone != "" {
		loc = l
	}
	period, hasPeriod := ParsePeriod(in.Period, t.now, loc)
	return &query{ctx: ctx, t: t, question: question, in: in, th: th, why: why, loc: loc,
		period: period, hasPeriod: hasPeriod,
		next: Thread{Intent: in.Kind, Range: in.Period, Role: in.Role, Side: in.Side, Term: in.Term, Turns: th.Turns}}
}

// inContext reads in in the thread's context. "Why?" asks the thread's last
// question again, for its reasons (why is true). A follow-up ("and
// Globex?") or a question of no kind keeps from the thread what it does not
// say. A question about an account that names none is about the thread's.
func inContext(in Intent, th Thread) (_ Intent, why bool) {
	switch {
	case in.Kind == KindWhy:
		why = true
		in = Intent{Kind: th.Intent, Role: th.Role, Side: th.Side, Term: th.Term, Period: th.Range}
		if th.AccountID != "" {
			in.Account = journey.NamedRef{ID: th.AccountID, Name: th.Account}
		}
	case in.FollowUp || in.Kind == "":
		if in.Kind == "" {
			in.Kind = th.Intent
		}
		if in.Kind == "" || !accountKinds[in.Kind] && in.Account.ID != "" {
			in.Kind = KindWhere
		}
		in.Role = cmp.Or(in.Role, th.Role)
		in.Side = cmp.Or(in.Side, th.Side)
		in.Period = cmp.Or(in.Period, th.Range)
		in.Term = cmp.Or(in.Term, th.Term)
	}
	// "who is the champion there?": the thread's account
	if accountKinds[in.Kind] && in.Account.ID == "" && in.Candidate == "" && th.AccountID != "" {
		in.Account = journey.NamedRef{ID: th.AccountID, Name: th.Account}
	}
	return in, why
}

// periodOr is the question's period, or def's when it names none (and the
// thread remembers def).
func (q *query) periodOr(def string) Period {
	if q.hasPeriod {
		return q.period
	}
	p, _ := ParsePeriod(def, q.t.now, q.loc)
	q.next.Range = def
	return p
}

// say answers text and keeps the thread's context as it was.
func (q *query) say(text string) Answer {
	return Answer{Intent: q.in.Kind, Text: text, Thread: q.th}
}

// show answers with what a tool found: its problem; or head and its facts,
// each with its references, and the actions it offers; or what it says
// when it found nothing. A head with a %s (waiting for the account's name)
// is left out.
func (q *query) show(r Result, head string) Answer {
	a := Answer{Intent: q.in.Kind}
	if r.Problem != "" {
		a.Text = r.Problem
		a.Suggest = r.Suggest
		a.Thread = q.th
		if r.Account.ID != "" {
			a.Accounts = []journey.NamedRef{r.Account}
		}
		return a
	}
	var b strings.Builder
	if len(r.Facts) == 0 && len(r.Actions) == 0 {
		b.WriteString(r.None)
		if r.Account.ID != "" {
			fmt.Fprintf(&b, " [%d]", q.t.citeIx["account:"+r.Account.ID])
		}
	} else {
		if head != "" && !strings.Contains(head, "%s") {
			b.WriteString(head)
			b.WriteString("\n")
		}
		for i, f := range r.Facts {
			if head == "" && i == 0 {
				b.WriteString(f.Text + refs(f.Refs) + "\n")
				continue
			}
			b.WriteString("• " + f.Text + refs(f.Refs) + "\n")
		}
	}
	a.Text, a.Citations = finalize(b.String(), q.t.cites)
	a.Actions = r.Actions
	if r.Account.ID != "" {
		a.Accounts = []journey.NamedRef{r.Account}
	} else {
		a.Accounts = first(r.Accounts, 5)
	}
	a.Thread = q.next
	return a
}

func answerHelp(q *query) (Answer, error) { return q.say(HelpText), nil }

// answerUnknown says what Journey can answer, after "did you mean" when the
// question looks like a misspelt account's name.
func answerUnknown(q *query) (Answer, error) {
	if q.in.Candidate != "" && len(strings.Fields(q.in.Candidate)) <= 3 {
		if _, res, err := q.t.FindAccount(q.ctx, q.in.Candidate); err == nil && len(res.Suggest) > 0 {
			a := q.say(res.Problem + "\n\n" + HelpText)
			a.Suggest = res.Suggest
			return a, nil
		}
	}
	return q.say("I don't know how to answer that from the journey. " + HelpText), nil
}

// answerAct refuses to act, and offers the buttons of the asker's actions.
func answerAct(q *query) (Answer, error) {
	r, err := q.t.Actions(q.ctx, "")
	if err != nil {
		return Answer{}, err
	}
	head := "I can't send, approve, change or dismiss anything — only you can, with the buttons. "
	switch {
	case r.Problem != "":
		return q.say(head + r.Problem), nil
	case len(r.Actions) > 0:
		top := ""
		if len(r.Actions) > 5 {
			top = ", the top 5 here"
			r.Actions = r.Actions[:5]
		}
		head += fmt.Sprintf("You have %d open actions%s; press Send, Edit, Snooze, Dismiss or Done on each:", len(r.Facts), top)
		r.Facts = nil // the buttons show them
	default:
		r.None = head + "You have no open actions right now."
	}
	q.next = q.th
	return q.show(r, head), nil
}

// answerActions lists the open actions of the asker, of a teammate or of
// the team.
func answerActions(q *query) (Answer, error) {
	if q.in.Person == "" && reEveryone.MatchString(normalize(q.question)) {
		r, err := q.t.TeamActions(q.ctx)
		if err != nil {
			return Answer{}, err
		}
		return q.show(r, "Open actions in your team, most important first per person:"), nil
	}
	r, err := q.t.Actions(q.ctx, q.in.Person)
	if err != nil {
		return Answer{}, err
	}
	who := "Your"
	if q.in.Person != "" && (!q.t.asker.Known || q.in.Person != q.t.asker.Person.Name) {
		who = q.in.Person + "'s"
	}
	if len(r.Actions) > 5 {
		r.Actions = r.Actions[:5]
	}
	return q.show(r, fmt.Sprintf("%s open actions, most important first:", who)), nil
}

// answerFirst offers the asker's most important action.
func answerFirst(q *query) (Answer, error) {
	r, err := q.t.Actions(q.ctx, "")
	if err != nil {
		return Answer{}, err
	}
	head := ""
	if len(r.Facts) > 0 {
		head = "Do this first:"
		if len(r.Facts) > 1 {
			r.Facts = append(r.Facts[:1], Fact{Text: fmt.Sprintf("Then %d more; say “show my drafts” for all of them.", len(r.Actions)-1)})
		}
		if len(r.Actions) > 1 {
			r.Actions = r.Actions[:1]
		}
	}
	return q.show(r, head), nil
}

func answerOverdue(q *query) (Answer, error) {
	r, err := q.t.OverdueFollowUps(q.ctx)
	if err != nil {
		return Answer{}, err
	}
	sc, _ := q.t.scope(q.ctx)
	head := fmt.Sprintf("Reps with overdue follow-ups in %s book:", sc.Label)
	if q.t.asker.Known && q.t.asker.Person.Role != journey.RoleManager && q.t.asker.Person.Role != journey.RoleAdmin {
		head = fmt.Sprintf("You see your own follow-ups (a manager sees the team's). Overdue in %s book:", sc.Label)
	}
	return q.show(r, head), nil
}

func answerRenewals(q *query) (Answer, error) {
	period := q.periodOr("next 90 days")
	r, err := q.t.ListAccounts(q.ctx, FilterRenewing, period)
	if err != nil {
		return Answer{}, err
	}
	return q.show(r, fmt.Sprintf("Accounts in your book that renew %s:", period.Label)), nil
}

func answerClosing(q *query) (Answer, error) {
	period := q.periodOr("this month")
	r, err := q.t.ListAccounts(q.ctx, FilterClosing, period)
	if err != nil {
		return Answer{}, err
	}
	return q.show(r, fmt.Sprintf("Open deals closing %s:", period.Label)), nil
}

func answerAtRisk(q *query) (Answer, error) {
	r, err := q.t.ListAccounts(q.ctx, FilterAtRisk, Period{})
	if err != nil {
		return Answer{}, err
	}
	head := fmt.Sprintf("%d of your accounts are at risk:", len(r.Facts))
	if q.why {
		r.Facts = r.Why
		head = "Why they are at risk:"
	}
	return q.show(r, head), nil
}

func answerList(q *query) (Answer, error) {
	r, err := q.t.ListAccounts(q.ctx, FilterAll, Period{})
	if err != nil {
		return Answer{}, err
	}
	return q.show(r, "Your accounts, by priority:"), nil
}

func answerPipeline(q *query) (Answer, error) {
	period := q.periodOr("last 7 days")
	r, err := q.t.PipelineChanges(q.ctx, period)
	if err != nil {
		return Answer{}, err
	}
	return q.show(r, fmt.Sprintf("What changed in your pipeline %s, with reasons:", period.Label)), nil
}

// lookUp finds what a question asks about one account, named as the
// person wrote it, and the head of the answer: a %s in it stands for the
// account's name.
type lookUp func(q *query, name string) (r Result, head string, err error)

// aboutAccount answers a question about one account with look: the
// question's account, the thread's, or a name that may match one. The
// account found is the thread's from then on; "why?" gets the reasons
// behind the facts.
func aboutAccount(look lookUp) answerFunc {
	return func(q *query) (Answer, error) {
		var name string
		switch {
		case q.in.Account.ID != "":
			name = q.in.Account.Name
		case q.in.Candidate != "":
			name = q.in.Candidate
		default:
			return q.say("Which account do you mean? Name it, e.g. “where is Acme?”."), nil
		}
		r, head, err := look(q, name)
		if err != nil {
			return Answer{}, err
		}
		if r.Account.ID != "" {
			q.next.AccountID, q.next.Account = r.Account.ID, r.Account.Name
			if strings.Contains(head, "%s") {
				head = fmt.Sprintf(head, r.Account.Name)
			}
		}
		if q.why && r.Problem == "" {
			if len(r.Why) > 0 {
				r.Facts = r.Why
			}
			head = "Why:"
			if r.Account.Name != "" {
				head = "Why, for " + r.Account.Name + ":"
			}
		}
		return q.show(r, head), nil
	}
}

func nothingToLookUp(*query, string) (Result, string, error) { return Result{}, "", nil }

func accountWhere(q *query, name string) (Result, string, error) {
	r, err := q.t.AccountSummary(q.ctx, name)
	return r, "", err
}

func accountHealth(q *query, name string) (Result, string, error) {
	r, err := q.t.AccountHealth(q.ctx, name)
	return r, "", err
}

func accountNext(q *query, name string) (Result, string, error) {
	r, err := q.t.NextSteps(q.ctx, name)
	return r, "Next steps for %s:", err
}

func accountContacts(q *query, name string) (Result, string, error) {
	r, err := q.t.Contacts(q.ctx, name, q.in.Role)
	if q.in.Role == "" {
		return r, "Contacts at %s:", err
	}
	return r, "", err
}

// accountCommitments lists the promises made in the question's period, or
// says none were and lists the ones still open.
func accountCommitments(q *query, name string) (Result, string, error) {
	r, err := q.t.Commitments(q.ctx, name, q.in.Side, q.period)
	head := "Promises on %s" + orEmpty(" "+q.period.Label) + ":"
	if err == nil && r.Problem == "" && len(r.Facts) == 0 && q.hasPeriod {
		// nothing made then: say so, and what is still open
		none := r.None
		if open, oerr := q.t.Commitments(q.ctx, name, q.in.Side, Period{}); oerr == nil && len(open.Facts) > 0 {
			r = open
			head = none + " Still open on %s:"
		}
	}
	return r, head, err
}

func accountWaiting(q *query, name string) (Result, string, error) {
	r, err := q.t.Waiting(q.ctx, name, q.in.Side)
	return r, map[string]string{"customer": "What %s waits on from us:", "us": "What we wait on from %s:"}[q.in.Side], err
}

func accountChanges(q *query, name string) (Result, string, error) {
	r, err := q.t.Changes(q.ctx, name, q.period)
	return r, "What changed on %s, with reasons:", err
}

func accountDeals(q *query, name string) (Result, string, error) {
	r, err := q.t.Deals(q.ctx, name)
	return r, "Deals of %s:", err
}

func accountOwner(q *query, name string) (Result, string, error) {
	return summaryLines(q, name, "People: ", func(account, rest string) string { return account + ": " + rest })
}

func accountRenewal(q *query, name string) (Result, string, error) {
	return summaryLines(q, name, "Renews ", func(account, rest string) string { return account + " renews " + rest })
}

// summaryLines keeps the facts of the account's summary that start with
// prefix, reworded.
func summaryLines(q *query, name, prefix string, reword func(account, rest string) string) (Result, string, error) {
	r, err := q.t.AccountSummary(q.ctx, name)
	var keep []Fact
	for _, f := range r.Facts {
		if strings.HasPrefix(f.Text, prefix) {
			keep = append(keep, Fact{Text: reword(r.Account.Name, strings.TrimPrefix(f.Text, prefix)), Refs: f.Refs})
		}
	}
	r.Facts = keep
	if len(keep) == 0 {
		r.None = fmt.Sprintf("I don't know: no renewal date is recorded for %s.", r.Account.Name)
	}
	return r, "", err
}

func accountSearch(q *query, name string) (Result, string, error) {
	r, err := q.t.SearchTimeline(q.ctx, name, q.in.Term, q.period)
	return r, "From %s's timeline" + orEmpty(" "+q.period.Label) + ":", err
}

func orEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

func refs(ns []int) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "[%d]", n)
	}
	if b.Len() == 0 {
		return ""
	}
	return " " + b.String()
}

// modelCalls is how many calls a failed live answer made, when it says.
func modelCalls(err error) int {
	var c interface{ Calls() int }
	if errors.As(err, &c) {
		return c.Calls()
	}
	return 0
}
