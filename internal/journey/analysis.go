package journey

import (
	"context"
	"time"
)

// Conversation analysis: what people say in deal channels, DMs and logged
// notes becomes commitments, waiting-on items, milestone evidence and new
// stakeholders. A ConversationModel reads messages and proposes findings; the findings
// are data to be validated and stored, never instructions.

// Message is one message to analyse.
type Message struct {
	TS       string    // Slack ts ("1700000000.000100"), unique per channel
	User     string    // Slack user id of the author
	Text     string    // the text, as written (mentions as <@U…>)
	Channel  string    // Slack channel id
	ThreadTS string    // the thread's parent ts, if a reply
	At       time.Time // when it was written; from TS when zero
}

// Speaker says who a Slack user is: a name and which side they are on.
type Speaker struct {
	ID   string
	Name string
	Side Side // SideUs or SideCustomer; "" when unknown
	TZ   string
}

// MilestoneRef is a milestone the analysis may find evidence for.
type MilestoneRef struct {
	Key      string
	Name     string
	Evidence []string // what marks it done, in words
}

// AnalysisInput is one batch of messages of one account, with the context
// the model needs once per batch.
type AnalysisInput struct {
	Account     string // the account's name
	Messages    []Message
	Speakers    map[string]Speaker // by Slack user id
	Now         time.Time
	TZ          *time.Location // default zone for due dates (an author's own TZ wins)
	Milestones  []MilestoneRef // the account's journey milestones not yet done
	Open        []Commitment   // open commitments a message may fulfil
	OpenWaiting []WaitItem     // open waiting-on items a message may resolve
}

// Party names one side of a commitment or wait: a Slack user id, or "us" /
// "customer" when the side is known but not the person.
type Party = string

// FoundCommitment is a promise found in a message.
type FoundCommitment struct {
	MessageTS   string
	Owner       Party // who promised
	Counterpart Party // to whom; "" when unclear
	What        string
	Due         time.Time // a date (midnight UTC) or zero when none was given
}

// FoundWait is something one side waits on from the other.
type FoundWait struct {
	MessageTS string
	Waiter    Party
	On        Party
	What      string
}

// FoundMilestone is evidence that a milestone is done.
type FoundMilestone struct {
	MessageTS string
	Milestone string // key
}

// FoundStakeholder is a person on the customer's side and their buying role.
type FoundStakeholder struct {
	MessageTS string
	Name      string
	Role      BuyingRole
	Title     string
}

// FoundFulfilment says a message delivers an open commitment (or resolves an
// open waiting-on item).
type FoundFulfilment struct {
	MessageTS    string
	CommitmentID string
	WaitID       string
}

// Analysis is what a model found in a batch of messages.
type Analysis struct {
	Commitments  []FoundCommitment
	WaitingOn    []FoundWait
	Milestones   []FoundMilestone
	Stakeholders []FoundStakeholder
	Fulfilled    []FoundFulfilment
}

// Usage is what one model call cost.
type Usage struct {
	Calls            int
	PromptTokens     int
	CompletionTokens int
}

// Add sums usages.
func (u Usage) Add(v Usage) Usage {
	return Usage{Calls: u.Calls + v.Calls, PromptTokens: u.PromptTokens + v.PromptTokens, CompletionTokens: u.CompletionTokens + v.CompletionTokens}
}

// DraftInput is what a drafted follow-up may draw on: only the account's own
// facts.
type DraftInput struct {
	Action  Action
	Account string
	Owner   Person   // the rep or CSM who will send it; the draft is in their voice
	To      string   // the recipient's name
	Facts   []string // short facts from the account's context the draft may use
	Recent  []string // recent messages, newest first, for tone and context
	Now     time.Time
}

// Draft is a drafted email.
type Draft struct {
	Subject string
	Body    string
}

// ConversationModel reads conversations and drafts follow-ups. Implementations: an
// OpenAI-compatible endpoint, and an offline one made of heuristics and
// templates. Analyze returns an *Error with code EINVALID when the model's
// output fails validation (nothing of it is to be stored), and other errors
// when the model is unreachable (the caller retries later).
type ConversationModel interface {
	Name() string
	Analyze(ctx context.Context, in AnalysisInput) (Analysis, Usage, error)
	Draft(ctx context.Context, in DraftInput) (Draft, Usage, error)
}
