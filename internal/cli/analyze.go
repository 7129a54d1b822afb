package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/journey"
)

// analyzeMessage is one Slack message on bot analyze's input.
type analyzeMessage struct {
	TS       string `json:"ts"`
	User     string `json:"user"`
	Text     string `json:"text"`
	Channel  string `json:"channel"`
	ThreadTS string `json:"thread_ts"`
}

// analyzeUser is one entry of --users.
type analyzeUser struct {
	Name string `json:"name"`
	Side string `json:"side"`
	TZ   string `json:"tz"`
}

type analyzeOutput struct {
	Commitments  []outCommitment  `json:"commitments"`
	WaitingOn    []outWait        `json:"waiting_on"`
	Milestones   []outMilestone   `json:"milestones"`
	Stakeholders []outStakeholder `json:"stakeholders"`
}

type outCommitment struct {
	MessageTS   string  `json:"message_ts"`
	Owner       string  `json:"owner"`
	Counterpart string  `json:"counterpart"`
	What        string  `json:"what"`
	Due         *string `json:"due"`
}

type outWait struct {
	MessageTS string `json:"message_ts"`
	Waiter    string `json:"waiter"`
	On        string `json:"on"`
	What      string `json:"what"`
}

type outMilestone struct {
	MessageTS string `json:"message_ts"`
	Milestone string `json:"milestone"`
}

type outStakeholder struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// cmdAnalyze runs the conversation model over messages on stdin and prints
// what it found, so anyone can check the extraction on their own messages.
func cmdAnalyze(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	nowFlag := fs.String("now", "", "the time the messages are read at (RFC 3339); default now")
	tzFlag := fs.String("tz", "UTC", "time zone for due dates, unless --users gives an author's own")
	usersFile := fs.String("users", "", `JSON file mapping user id to {"name", "side": "us"|"customer", "tz"}`)
	tmpl := fs.String("template", "saas-sales-led", "journey template whose milestones to look for")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	now := env.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return journey.Errorf(journey.EINVALID, "--now %q is not an RFC 3339 time such as 2026-11-23T09:00:00Z", *nowFlag)
		}
		now = t
	}
	loc, err := time.LoadLocation(*tzFlag)
	if err != nil {
		return journey.Errorf(journey.EINVALID, "--tz %q is not a time zone such as America/New_York", *tzFlag)
	}
	speakers := map[string]journey.Speaker{}
	if *usersFile != "" {
		raw, err := os.ReadFile(*usersFile)
		if err != nil {
			return journey.Errorf(journey.EINVALID, "cannot read --users %s: %v", *usersFile, err)
		}
		var users map[string]analyzeUser
		if err := json.Unmarshal(raw, &users); err != nil {
			return journey.Errorf(journey.EINVALID, "--users %s: %v (expected {\"U123\": {\"name\": \"Maya\", \"side\": \"us\"}})", *usersFile, err)
		}
		for id, u := range users {
			side := journey.Side(strings.ToLower(u.Side))
			if side != journey.SideUs && side != journey.SideCustomer {
				return journey.Errorf(journey.EINVALID, "--users %s: user %s has side %q; use \"us\" or \"customer\"", *usersFile, id, u.Side)
			}
			speakers[id] = journey.Speaker{ID: id, Name: u.Name, Side: side, TZ: u.TZ}
		}
	}
	raw, err := io.ReadAll(env.Stdin)
	if err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	var msgs []analyzeMessage
	if err := json.Unmarshal(raw, &msgs); err != nil {
		return journey.Errorf(journey.EINVALID, "stdin must be a JSON array of Slack messages ({\"ts\", \"user\", \"text\", \"channel\"}): %v", err)
	}
	var in []journey.Message
	for i, m := range msgs {
		if m.TS == "" || strings.TrimSpace(m.Text) == "" {
			return journey.Errorf(journey.EINVALID, "message %d needs \"ts\" and \"text\"", i)
		}
		in = append(in, journey.Message{TS: m.TS, User: m.User, Text: m.Text, Channel: m.Channel, ThreadTS: m.ThreadTS, At: tsToTime(m.TS, now)})
	}
	cfg, err := config(env)
	if err != nil {
		return err
	}
	found, usage, modelName, err := app.Analyze(ctx, cfg, app.AnalyzeRequest{Messages: in, Speakers: speakers, Template: *tmpl, Now: now, TZ: loc}, logger(env))
	if err != nil {
		return err
	}
	out := analyzeOutput{Commitments: []outCommitment{}, WaitingOn: []outWait{}, Milestones: []outMilestone{}, Stakeholders: []outStakeholder{}}
	for _, c := range found.Commitments {
		oc := outCommitment{MessageTS: c.MessageTS, Owner: c.Owner, Counterpart: c.Counterpart, What: c.What}
		if !c.Due.IsZero() {
			d := c.Due.Format("2006-01-02")
			oc.Due = &d
		}
		out.Commitments = append(out.Commitments, oc)
	}
	for _, w := range found.WaitingOn {
		out.WaitingOn = append(out.WaitingOn, outWait{MessageTS: w.MessageTS, Waiter: w.Waiter, On: w.On, What: w.What})
	}
	for _, m := range found.Milestones {
		out.Milestones = append(out.Milestones, outMilestone{MessageTS: m.MessageTS, Milestone: m.Milestone})
	}
	for _, s := range found.Stakeholders {
		out.Stakeholders = append(out.Stakeholders, outStakeholder{Name: s.Name, Role: string(s.Role)})
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	if usage.Calls > 0 {
		fmt.Fprintf(env.Stderr, "model %s: %d calls, %d prompt + %d completion tokens\n", modelName, usage.Calls, usage.PromptTokens, usage.CompletionTokens)
	}
	return nil
}

// tsToTime reads a Slack ts; a ts that is not one falls back to fallback.
func tsToTime(ts string, fallback time.Time) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	var s, us int64
	if _, err := fmt.Sscan(sec, &s); err != nil || s <= 0 {
		return fallback
	}
	if frac != "" {
		// base 10: Sscan would read "000100" as octal
		us, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(s, us*1000).UTC()
}
