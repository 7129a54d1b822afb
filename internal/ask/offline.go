package ask

import (
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

// Offline answers with the intent parser and the tools, no model.
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
	why := false
	switch {
	case in.Kind == KindTooLong:
		return tooLong(question, th), nil
	case in.Kind == KindWhy:
		if th.Intent == "" {
			return Answer{Intent: KindWhy, Thread: th, Text: "Why what? Ask me something first, e.g. “where is Acme?”, then “why?” in the same thread."}, nil
		}
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
		if in.Role == "" {
			in.Role = th.Role
		}
		if in.Side == "" {
			in.Side = th.Side
		}
		if in.Period == "" {
			in.Period = th.Range
		}
		if in.Term == "" {
			in.Term = th.Term
		}
	}
	// "who is the champion there?": the thread's account
	if accountKinds[in.Kind] && in.Account.ID == "" && in.Candidate == "" && th.AccountID != "" {
		in.Account = journey.NamedRef{ID: th.AccountID, Name: th.Account}
	}
	loc := time.UTC
	if l, err := time.LoadLocation(t.asker.Person.TimeZone); err == nil && t.asker.Person.TimeZone != "" {
		loc = l
	}
	period, hasPeriod := ParsePeriod(in.Period, t.now, loc)

	a := Answer{Intent: in.Kind}
	next := Thread{Intent: in.Kind, Range: in.Period, Role: in.Role, Side: in.Side, Term: in.Term, Turns: th.Turns}
	var r Result
	var head string
	account := func() (string, bool) {
		if in.Account.ID != "" {
			return in.Account.Name, true
		}
		if in.Candidate != "" {
			return in.Candidate, true
		}
		return "", false
	}
	switch in.Kind {
	case KindHelp:
		a.Text = HelpText
		a.Thread = th
		return a, nil
	case KindUnknown:
		if in.Candidate != "" && len(strings.Fields(in.Candidate)) <= 3 {
			if _, res, err := t.FindAccount(ctx, in.Candidate); err == nil && len(res.Suggest) > 0 {
				a.Text = res.Problem + "\n\n" + HelpText
				a.Suggest = res.Suggest
				a.Thread = th
				return a, nil
			}
		}
		a.Text = "I don't know how to answer that from the journey. " + HelpText
		a.Thread = th
		return a, nil
	case KindAct:
		r, err = t.Actions(ctx, "")
		if err != nil {
			return Answer{}, err
		}
		head = "I can't send, approve, change or dismiss anything — only you can, with the buttons. "
		switch {
		case r.Problem != "":
			a.Text = head + r.Problem
			a.Thread = th
			return a, nil
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
		next = th
	case KindActions:
		if in.Person == "" && reEveryone.MatchString(normalize(question)) {
			r, err = t.TeamActions(ctx)
			if err != nil {
				return Answer{}, err
			}
			head = "Open actions in your team, most important first per person:"
			break
		}
		r, err = t.Actions(ctx, in.Person)
		if err != nil {
			return Answer{}, err
		}
		who := "Your"
		if in.Person != "" && (!t.asker.Known || in.Person != t.asker.Person.Name) {
			who = in.Person + "'s"
		}
		head = fmt.Sprintf("%s open actions, most important first:", who)
		if len(r.Actions) > 5 {
			r.Actions = r.Actions[:5]
		}
	case KindFirst:
		r, err = t.Actions(ctx, "")
		if err != nil {
			return Answer{}, err
		}
		if len(r.Facts) > 0 {
			head = "Do this first:"
			if len(r.Facts) > 1 {
				r.Facts = append(r.Facts[:1], Fact{Text: fmt.Sprintf("Then %d more; say “show my drafts” for all of them.", len(r.Actions)-1)})
			}
			if len(r.Actions) > 1 {
				r.Actions = r.Actions[:1]
			}
		}
	case KindOverdue:
		r, err = t.OverdueFollowUps(ctx)
		if err != nil {
			return Answer{}, err
		}
		sc, _ := t.scope(ctx)
		if t.asker.Known && t.asker.Person.Role != journey.RoleManager && t.asker.Person.Role != journey.RoleAdmin {
			head = fmt.Sprintf("You see your own follow-ups (a manager sees the team's). Overdue in %s book:", sc.Label)
		} else {
			head = fmt.Sprintf("Reps with overdue follow-ups in %s book:", sc.Label)
		}
	case KindRenewals:
		if !hasPeriod {
			period, _ = ParsePeriod("next 90 days", t.now, loc)
			next.Range = "next 90 days"
		}
		r, err = t.ListAccounts(ctx, FilterRenewing, period)
		head = fmt.Sprintf("Accounts in your book that renew %s:", period.Label)
	case KindClosing:
		if !hasPeriod {
			period, _ = ParsePeriod("this month", t.now, loc)
			next.Range = "this month"
		}
		r, err = t.ListAccounts(ctx, FilterClosing, period)
		head = fmt.Sprintf("Open deals closing %s:", period.Label)
	case KindAtRisk:
		r, err = t.ListAccounts(ctx, FilterAtRisk, Period{})
		head = fmt.Sprintf("%d of your accounts are at risk:", len(r.Facts))
		if why {
			r.Facts = r.Why
			head = "Why they are at risk:"
		}
	case KindList:
		r, err = t.ListAccounts(ctx, FilterAll, Period{})
		head = "Your accounts, by priority:"
	case KindPipeline:
		if !hasPeriod {
			period, _ = ParsePeriod("last 7 days", t.now, loc)
			next.Range = "last 7 days"
		}
		r, err = t.PipelineChanges(ctx, period)
		head = fmt.Sprintf("What changed in your pipeline %s, with reasons:", period.Label)
	default:
		name, ok := account()
		if !ok {
			a.Text = "Which account do you mean? Name it, e.g. “where is Acme?”."
			a.Thread = th
			return a, nil
		}
		switch in.Kind {
		case KindWhere:
			r, err = t.AccountSummary(ctx, name)
		case KindHealth:
			r, err = t.AccountHealth(ctx, name)
		case KindNext:
			r, err = t.NextSteps(ctx, name)
			head = "Next steps for %s:"
		case KindContacts:
			r, err = t.Contacts(ctx, name, in.Role)
			if in.Role == "" {
				head = "Contacts at %s:"
			}
		case KindCommitments:
			r, err = t.Commitments(ctx, name, in.Side, period)
			head = "Promises on %s" + orEmpty(" "+period.Label) + ":"
			if err == nil && r.Problem == "" && len(r.Facts) == 0 && hasPeriod {
				// nothing made then: say so, and what is still open
				none := r.None
				if open, oerr := t.Commitments(ctx, name, in.Side, Period{}); oerr == nil && len(open.Facts) > 0 {
					r = open
					head = none + " Still open on %s:"
				}
			}
		case KindWaiting:
			r, err = t.Waiting(ctx, name, in.Side)
			head = map[string]string{"customer": "What %s waits on from us:", "us": "What we wait on from %s:"}[in.Side]
		case KindChanges:
			r, err = t.Changes(ctx, name, period)
			head = "What changed on %s, with reasons:"
		case KindDeals:
			r, err = t.Deals(ctx, name)
			head = "Deals of %s:"
		case KindOwner, KindRenewalOf:
			r, err = t.AccountSummary(ctx, name)
			prefix := map[string]string{KindOwner: "People: ", KindRenewalOf: "Renews "}[in.Kind]
			var keep []Fact
			for _, f := range r.Facts {
				if strings.HasPrefix(f.Text, prefix) {
					text := r.Account.Name + ": " + strings.TrimPrefix(f.Text, prefix)
					if in.Kind == KindRenewalOf {
						text = r.Account.Name + " renews " + strings.TrimPrefix(f.Text, prefix)
					}
					keep = append(keep, Fact{Text: text, Refs: f.Refs})
				}
			}
			r.Facts = keep
			if len(keep) == 0 {
				r.None = fmt.Sprintf("I don't know: no renewal date is recorded for %s.", r.Account.Name)
			}
		case KindSearch:
			r, err = t.SearchTimeline(ctx, name, in.Term, period)
			head = "From %s's timeline" + orEmpty(" "+period.Label) + ":"
		}
		if err == nil && r.Account.ID != "" {
			next.AccountID, next.Account = r.Account.ID, r.Account.Name
			if strings.Contains(head, "%s") {
				head = fmt.Sprintf(head, r.Account.Name)
			}
		}
		if why && r.Problem == "" {
			if len(r.Why) > 0 {
				r.Facts = r.Why
			}
			head = "Why:"
			if r.Account.Name != "" {
				head = "Why, for " + r.Account.Name + ":"
			}
		}
	}
	if err != nil {
		return Answer{}, err
	}
	if r.Problem != "" {
		a.Text = r.Problem
		a.Suggest = r.Suggest
		a.Thread = th
		if r.Account.ID != "" {
			a.Accounts = []journey.NamedRef{r.Account}
		}
		return a, nil
	}
	var b strings.Builder
	if len(r.Facts) == 0 && len(r.Actions) == 0 {
		b.WriteString(r.None)
		if r.Account.ID != "" {
			fmt.Fprintf(&b, " [%d]", t.citeIx["account:"+r.Account.ID])
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
	a.Text, a.Citations = finalize(b.String(), t.cites)
	a.Actions = r.Actions
	if r.Account.ID != "" {
		a.Accounts = []journey.NamedRef{r.Account}
	} else {
		a.Accounts = first(r.Accounts, 5)
	}
	a.Thread = next
	return a, nil
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
