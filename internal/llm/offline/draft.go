package offline

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Draft writes a follow-up email for an action from templates, one per
// action kind (commitment_overdue, customer_waiting, milestone_missing,
// stakeholder_silent, persona_stuck, close_date_passed, and a generic one
// for any other), in the owner's voice and signed with their first name. It
// uses only the action's own fields and in.Facts (up to three, as a short
// recap); it never invents dates, prices or promises. Usage is zero.
func (o *Model) Draft(ctx context.Context, in journey.DraftInput) (journey.Draft, journey.Usage, error) {
	if err := ctx.Err(); err != nil {
		return journey.Draft{}, journey.Usage{}, err
	}
	a := in.Action
	to := first(in.To)
	if to == "" {
		to = "there"
	}
	sign := "Best,"
	if f := first(in.Owner.Name); f != "" {
		sign += "\n" + f
	}
	account := strings.TrimSpace(in.Account)
	thing := actionThing(a, account)
	recap := recap(in.Facts)
	var subject string
	var body []string
	switch a.Kind {
	case "commitment_overdue":
		subject = upper(thing)
		when := ""
		if !a.DueAt.IsZero() {
			when = " by " + a.DueAt.Format("Monday, January 2")
		}
		body = []string{
			fmt.Sprintf("I promised you %s%s, and it is late. I'm sorry about that.", or(thing, "an update"), when),
			"It is at the top of my list and I'll send it over as soon as it is ready. If part of it would help you sooner, tell me which and I'll send that part first.",
		}
	case "customer_waiting":
		subject = "Re: " + upper(or(thing, "your request"))
		body = []string{
			fmt.Sprintf("Thank you for your patience on %s. I haven't forgotten it, and I'm on it.", or(thing, "your request")),
			"If it would help to talk it through in the meantime, I'm happy to find 15 minutes.",
		}
	case "milestone_missing":
		ms := quoted(a.Title)
		subject = join(account, "one open point before we go further")
		body = []string{
			fmt.Sprintf("Before we take the next step, I'd like us to settle one open point: %s.", lowerFirst(or(ms, "where we stand"))),
			recap,
			"Could we take 20 minutes this week to go through it?",
		}
	case "stakeholder_silent":
		subject = join("Quick check-in", account)
		body = []string{
			"It has been a little while since we spoke. Where do things stand on your side, and is there anything you need from us to keep moving?",
			recap,
			"Happy to find 15 minutes whenever suits you.",
		}
	case "persona_stuck":
		ms := quoted(a.Title)
		subject = "A short session for your team"
		body = []string{
			"I'd like to make sure your team gets full value from the rollout.",
			fmt.Sprintf("Could we set up a short session this week to cover %s together?", lowerFirst(or(ms, "the next step"))),
			recap,
		}
	case "close_date_passed":
		subject = join("Timing", account)
		body = []string{
			"I wanted to check in on timing. The date we had been working towards has passed, and I'd like to make sure our plan still matches yours.",
			recap,
			"Is there a new date you are aiming for, or anything on your side we should plan around?",
		}
	default:
		subject = or(upper(thing), "Following up")
		body = []string{
			fmt.Sprintf("I wanted to follow up on %s.", lowerFirst(or(thing, "where things stand"))),
			recap,
			"Let me know what would be most useful as a next step.",
		}
	}
	var parts []string
	parts = append(parts, "Hi "+to+",")
	for _, p := range body {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	parts = append(parts, sign)
	return journey.Draft{Subject: subject, Body: strings.Join(parts, "\n\n")}, journey.Usage{}, nil
}

var quotedRe = regexp.MustCompile(`["“]([^"”]+)["”]`)

// actionThing is what an action is about, read from its title:
// "Acme: SOC 2 report" → "SOC 2 report", "Acme waits on the DPA" → "the DPA".
func actionThing(a journey.Action, account string) string {
	t := strings.TrimSpace(a.Title)
	if account != "" {
		t = strings.TrimPrefix(t, account+": ")
		t = strings.TrimPrefix(t, account+" waits on ")
	}
	if i := strings.Index(t, " waits on "); i >= 0 {
		t = t[i+len(" waits on "):]
	}
	for _, v := range []string{"Send ", "send ", "Share ", "share ", "Deliver ", "deliver ", "Provide ", "provide "} {
		t = strings.TrimPrefix(t, v)
	}
	return strings.TrimSpace(t)
}

func quoted(s string) string {
	if m := quotedRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// recap lists up to three short facts.
func recap(facts []string) string {
	var keep []string
	for _, f := range facts {
		f = strings.Join(strings.Fields(f), " ")
		if f == "" || len(f) > 200 {
			continue
		}
		keep = append(keep, "- "+strings.TrimSuffix(f, "."))
		if len(keep) == 3 {
			break
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return "Where things stand:\n" + strings.Join(keep, "\n")
}

func first(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

func join(a, b string) string {
	switch {
	case a == "":
		return upper(b)
	case b == "":
		return a
	}
	return a + ": " + b
}

func upper(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// lowerFirst lowers the first letter unless the word is an acronym.
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 || (len(r) > 1 && strings.ToUpper(string(r[:2])) == string(r[:2])) {
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
