package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// AnalyzeRequest is a conversation to read as the bot reads a deal
// channel: `bot analyze` checks the extraction on anyone's own messages.
type AnalyzeRequest struct {
	Messages []journey.Message
	// Speakers are the authors by Slack user id; an author not among them
	// is read as an unknown person of either side.
	Speakers map[string]journey.Speaker
	// Template is the built-in journey whose milestones to look for.
	Template string
	Now      time.Time
	TZ       *time.Location // for due dates, unless a speaker has a zone
}

// Analyze runs the configured conversation model over req and returns what
// it found, what it cost and the model's name.
func Analyze(ctx context.Context, cfg Config, req AnalyzeRequest, log *slog.Logger) (journey.Analysis, journey.Usage, string, error) {
	def, ok := template.BuiltinByKey(req.Template)
	if !ok {
		return journey.Analysis{}, journey.Usage{}, "", journey.Errorf(journey.EINVALID, "no built-in template %q (bot journey list shows them)", req.Template)
	}
	speakers := map[string]journey.Speaker{}
	for id, s := range req.Speakers {
		speakers[id] = s
	}
	for _, m := range req.Messages {
		if _, ok := speakers[m.User]; !ok && m.User != "" {
			speakers[m.User] = journey.Speaker{ID: m.User, Name: m.User}
		}
	}
	in := journey.AnalysisInput{Account: "this account", Speakers: speakers, Now: req.Now, TZ: req.TZ, Messages: req.Messages}
	for _, s := range def.Stages {
		for _, m := range s.Milestones {
			in.Milestones = append(in.Milestones, journey.MilestoneRef{Key: m.Key, Name: m.Name, Evidence: m.Evidence})
		}
	}
	model, err := NewModel(cfg, log)
	if err != nil {
		return journey.Analysis{}, journey.Usage{}, "", err
	}
	found, usage, err := model.Analyze(ctx, in)
	return found, usage, model.Name(), err
}

// conversationMessage is one Slack message of a conversation to analyse.
type conversationMessage struct {
	TS       string `json:"ts"`
	User     string `json:"user"`
	Text     string `json:"text"`
	Channel  string `json:"channel"`
	ThreadTS string `json:"thread_ts"`
}

// conversationUser is one entry of --users.
type conversationUser struct {
	Name string `json:"name"`
	Side string `json:"side"`
	TZ   string `json:"tz"`
}

// AnalysisOutput is what `bot analyze` prints: the findings as JSON.
type AnalysisOutput struct {
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

// ReadConversation reads a conversation to analyse: messages, a JSON array
// of Slack messages ({"ts", "user", "text", "channel", "thread_ts"}), and
// users (optional), a JSON object mapping Slack user ids to {"name", "side":
// "us"|"customer", "tz"}. A message's ts that is not one is read as now.
func ReadConversation(messages, users []byte, now time.Time) (AnalyzeRequest, error) {
	req := AnalyzeRequest{Speakers: map[string]journey.Speaker{}}
	if len(users) > 0 {
		var us map[string]conversationUser
		if err := json.Unmarshal(users, &us); err != nil {
			return req, journey.Errorf(journey.EINVALID, "--users: %v (expected {\"U123\": {\"name\": \"Maya\", \"side\": \"us\"}})", err)
		}
		for id, u := range us {
			side := journey.Side(strings.ToLower(u.Side))
			if side != journey.SideUs && side != journey.SideCustomer {
				return req, journey.Errorf(journey.EINVALID, "--users: user %s has side %q; use \"us\" or \"customer\"", id, u.Side)
			}
			req.Speakers[id] = journey.Speaker{ID: id, Name: u.Name, Side: side, TZ: u.TZ}
		}
	}
	var msgs []conversationMessage
	if err := json.Unmarshal(messages, &msgs); err != nil {
		return req, journey.Errorf(journey.EINVALID, "stdin must be a JSON array of Slack messages ({\"ts\", \"user\", \"text\", \"channel\"}): %v", err)
	}
	for i, m := range msgs {
		if m.TS == "" || strings.TrimSpace(m.Text) == "" {
			return req, journey.Errorf(journey.EINVALID, "message %d needs \"ts\" and \"text\"", i)
		}
		req.Messages = append(req.Messages, journey.Message{TS: m.TS, User: m.User, Text: m.Text, Channel: m.Channel, ThreadTS: m.ThreadTS, At: tsToTime(m.TS, now)})
	}
	return req, nil
}

// AnalysisJSON is found in the shape `bot analyze` prints.
func AnalysisJSON(found journey.Analysis) AnalysisOutput {
	out := AnalysisOutput{Commitments: []outCommitment{}, WaitingOn: []outWait{}, Milestones: []outMilestone{}, Stakeholders: []outStakeholder{}}
	for _, c := range found.Commitments {
		oc := outCommitment{MessageTS: c.MessageTS, Owner: c.Owner, Counterpart: c.Counterpart, What: c.What}
		if !c.Due.IsZero() {
			d := c.Due.Format(time.DateOnly)
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
	return out
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
