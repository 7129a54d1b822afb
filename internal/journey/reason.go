package journey

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Answers to "was the customer told about the new CSM?".
const (
	ToldNotYet = "not_yet"
	ToldYes    = "yes"
)

// ReasonAsk is a change that arrived without a reason and deserves one: what
// happened, in a sentence, and the reasons people usually give for it.
type ReasonAsk struct {
	Kind     string   // won_from_lost, stage_backwards, stage_skipped, reopened, owner, csm, amount, seats, close_date_pushed
	What     string   // "moved Closed Lost → Closed Won"
	Question string   // "Acme Corp moved Closed Lost → Closed Won. Why?"
	Choices  []string // the common reasons, as buttons; "Other…" is added by the surface
}

// reasonChoices are the common reasons for each kind of change.
var reasonChoices = map[string][]string{
	"won_from_lost":     {"Customer came back", "Budget approved after all", "Lost by mistake in the CRM", "Competitor fell through"},
	"reopened":          {"Customer came back", "Closed by mistake in the CRM", "New budget cycle"},
	"stage_backwards":   {"Customer paused the project", "New stakeholder reopened evaluation", "Moved too early before", "Scope changed"},
	"stage_skipped":     {"Customer moved faster than usual", "Steps done outside the CRM", "Updated the CRM late"},
	"owner":             {"Territory change", "Rep left the team", "Rebalanced book", "Customer asked for it"},
	"csm":               {"CSM left the team", "Rebalanced book", "Segment changed", "Customer asked for it"},
	"amount":            {"Seats changed", "Discount agreed", "Scope changed", "Pricing corrected"},
	"seats":             {"Team grew", "Team shrank", "Scope changed", "Pricing corrected"},
	"close_date_pushed": {"Customer's legal or procurement is slow", "Decision maker unavailable", "Budget moved to next quarter", "Priorities changed on their side"},
}

// NeedsReason reports whether a change without a reason deserves one, and how
// to ask for it: a deal moving Closed Lost → Closed Won or reopened, a stage
// skipped or moved backwards, an owner or CSM reassigned, the amount or seats
// changed, a close date pushed. account is the account's name. A change with
// a reason, or whose old value is empty (a record being created), needs none.
func NeedsReason(def Definition, c Change, account string) (ReasonAsk, bool) {
	if c.Reason != "" || c.Old == "" || c.Old == c.New {
		return ReasonAsk{}, false
	}
	ask := func(kind, what string) (ReasonAsk, bool) {
		return ReasonAsk{Kind: kind, What: what, Question: fmt.Sprintf("%s %s. Why?", account, what), Choices: reasonChoices[kind]}, true
	}
	switch c.Field {
	case "stage":
		from, to := StageLabel(c.Old), StageLabel(c.New)
		moved := fmt.Sprintf("moved %s → %s", from, to)
		switch {
		case def.IsLost(c.Old) && def.IsWon(c.New):
			return ask("won_from_lost", moved)
		case (def.IsLost(c.Old) || def.IsWon(c.Old)) && !def.IsLost(c.New) && !def.IsWon(c.New):
			return ask("reopened", moved)
		case def.IsLost(c.New) || def.IsWon(c.Old) && def.IsWon(c.New):
			return ReasonAsk{}, false // a loss has its own reason field in the CRM; won → won is a rename
		}
		oi, ni := def.crmStageOrder(c.Old), def.crmStageOrder(c.New)
		switch {
		case oi < 0 || ni < 0:
			return ReasonAsk{}, false
		case ni < oi:
			return ask("stage_backwards", moved+" (backwards)")
		case ni > oi+1 && !def.IsWon(c.New):
			return ask("stage_skipped", fmt.Sprintf("%s, skipping %s", moved, strings.Join(def.crmStagesBetween(oi, ni), ", ")))
		}
	case "owner":
		return ask("owner", fmt.Sprintf("changed owner from %s to %s", orDash(c.Old), orDash(c.New)))
	case "csm":
		return ask("csm", fmt.Sprintf("changed CSM from %s to %s", orDash(c.Old), orDash(c.New)))
	case "amount":
		return ask("amount", fmt.Sprintf("changed amount from %s to %s", c.Old, c.New))
	case "seats":
		return ask("seats", fmt.Sprintf("changed seats from %s to %s", c.Old, c.New))
	case "close_date":
		o, err1 := time.Parse("2006-01-02", c.Old)
		n, err2 := time.Parse("2006-01-02", c.New)
		if err1 == nil && err2 == nil && n.After(o) {
			return ask("close_date_pushed", fmt.Sprintf("pushed the close date from %s to %s", FormatDate(o), FormatDate(n)))
		}
	}
	return ReasonAsk{}, false
}

// crmStageOrder returns where a CRM stage id sits in the sales path of the
// definition: the order of the stages' CRM stages, won last. -1 when unknown.
func (d Definition) crmStageOrder(stage string) int {
	i := 0
	for _, s := range d.Stages {
		for _, c := range s.CRMStages {
			if c == stage {
				return i
			}
			i++
		}
	}
	return -1
}

// crmStagesBetween lists the CRM stages strictly between two positions.
func (d Definition) crmStagesBetween(from, to int) []string {
	var out []string
	i := 0
	for _, s := range d.Stages {
		for _, c := range s.CRMStages {
			if i > from && i < to {
				out = append(out, StageLabel(c))
			}
			i++
		}
	}
	return out
}

// crmLabels are HubSpot's default pipeline stage ids as people read them.
var crmLabels = map[string]string{
	"appointmentscheduled": "Appointment Scheduled", "qualifiedtobuy": "Qualified To Buy",
	"presentationscheduled": "Presentation Scheduled", "decisionmakerboughtin": "Decision Maker Bought-In",
	"contractsent": "Contract Sent", CRMClosedWon: "Closed Won", CRMClosedLost: "Closed Lost",
}

// StageLabel writes a CRM stage id as people read it: "closedwon" → "Closed Won".
func StageLabel(id string) string {
	if l, ok := crmLabels[id]; ok {
		return l
	}
	return id
}

// CSMChangeSentence writes a CSM reassignment as the card shows it:
// "CSM changed from Priya Raman to Marcus Lee on Nov 20 — customer told: not yet".
func CSMChangeSentence(c Change) string {
	s := fmt.Sprintf("CSM changed from %s to %s on %s", orDash(c.Old), orDash(c.New), FormatDate(c.At))
	if c.Source != "" {
		s += " (" + c.Source + ")"
	}
	switch c.Told {
	case ToldYes:
		s += " — customer told: yes"
		if c.ToldBy != "" {
			s += ", by " + c.ToldBy
		}
	default:
		s += " — customer told: not yet"
	}
	if c.Reason != "" {
		s += " — " + c.Reason
	}
	return s
}

// Unanswered is a change still waiting for its reason, for the manager digest.
type Unanswered struct {
	Account string
	Change  Change
	Asked   string // who was asked
	Since   time.Time
}

// UnansweredLine writes one unanswered change for the digest:
// "Acme Corp: stage: closedlost → closedwon (asked Maya Patel on Nov 23)".
func UnansweredLine(u Unanswered) string {
	return fmt.Sprintf("%s: %s (asked %s on %s)", u.Account, ChangeWhat(u.Change), orDash(u.Asked), FormatDate(u.Since))
}

// ChangeWhat writes what changed, without who or why: "stage Closed Lost → Closed Won".
func ChangeWhat(c Change) string {
	if c.Field == "stage" {
		return fmt.Sprintf("stage %s → %s", StageLabel(c.Old), StageLabel(c.New))
	}
	return fmt.Sprintf("%s %s → %s", strings.ReplaceAll(c.Field, "_", " "), orDash(c.Old), orDash(c.New))
}

// Money parses an amount as a CRM writes it ("48000", "48000.50") into cents.
func Money(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return int64(f*100 + 0.5), true
}

// Prompt kinds: what the bot asks a person about a change.
const (
	PromptReason    = "reason"     // why did it change?
	PromptTold      = "told"       // was the customer told about the new CSM?
	PromptHandoffAE = "handoff_ae" // fill the gaps of the handoff
	PromptHandoffCS = "handoff_cs" // the handoff card for the CSM
)

// Prompt is a question the bot asks a person by DM about a change, and
// where it was posted.
type Prompt struct {
	ID          string
	Kind        string
	State       string // pending, sent, answered
	Change      Change
	AccountName string
	Person      Person // who is asked
	Channel, TS string
	CreatedAt   time.Time
}

// Question is one thing to ask one person about a change.
type Question struct {
	Kind     string // a Prompt kind
	PersonID string
}

// QuestionWindow is how recent a change must be for anyone to be asked about
// it: a first sync or import brings years of history, and nobody should be
// asked about last year's stage moves.
const QuestionWindow = 14 * 24 * time.Hour

// QuestionsFor decides whom to ask what about a change just recorded: its
// reason (the deal's owner, else the account's; see NeedsReason), whether
// the customer was told of a new CSM (the new CSM, newCSMID), and the
// handoff of a deal won (its owner fills the gaps, the account's CSM gets
// the card). Changes older than QuestionWindow ask nothing.
func QuestionsFor(def Definition, acc Account, dealOwnerID string, c Change, newCSMID string, now time.Time) []Question {
	if now.Sub(c.At) > QuestionWindow {
		return nil
	}
	owner := firstNonEmpty(dealOwnerID, acc.OwnerID, c.ActorID)
	var qs []Question
	add := func(kind, person string) {
		if person != "" {
			qs = append(qs, Question{Kind: kind, PersonID: person})
		}
	}
	if _, ok := NeedsReason(def, c, acc.Name); ok {
		add(PromptReason, owner)
	}
	if c.Field == "csm" && c.Told != ToldYes {
		add(PromptTold, newCSMID)
	}
	if c.Field == "stage" && c.DealID != "" && def.IsWon(c.New) && !def.IsWon(c.Old) {
		add(PromptHandoffAE, owner)
		add(PromptHandoffCS, acc.CSMID)
	}
	return qs
}
