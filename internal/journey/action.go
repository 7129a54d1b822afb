package journey

import (
	"fmt"
	"strings"
	"time"
)

// ActionState is where a suggested next step is in its life.
//
//	proposed → approved → sending → sent
//	proposed → snoozed → proposed (when the snooze ends)
//	proposed → dismissed | done
//	sending  → failed → approved (retry)
type ActionState string

// The action states.
const (
	ActionProposed  ActionState = "proposed"
	ActionApproved  ActionState = "approved"
	ActionSending   ActionState = "sending"
	ActionSent      ActionState = "sent"
	ActionSnoozed   ActionState = "snoozed"
	ActionDismissed ActionState = "dismissed"
	ActionDone      ActionState = "done"
	ActionFailed    ActionState = "failed"
)

// Action is a suggested next step for one person, optionally with a draft.
type Action struct {
	ID             string
	AccountID      string
	DealID         string
	OwnerID        string
	Kind           string // the rule that produced it, e.g. "commitment_due"
	Title          string
	Reason         string // why it matters
	DraftSubject   string
	DraftBody      string
	State          ActionState
	IdempotencyKey string
	SnoozedUntil   time.Time
	DueAt          time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// NudgedAt is when a DM last put the action in front of its owner
	// (zero: never), so a morning DM repeats nothing unchanged.
	NudgedAt time.Time
}

// ActionVerb is what a person (or the sender) does to an action.
type ActionVerb string

// The verbs that move an action.
const (
	VerbApprove ActionVerb = "approve" // the owner pressed Send
	VerbSending ActionVerb = "sending" // the outbox picked it up
	VerbSent    ActionVerb = "sent"
	VerbFail    ActionVerb = "fail"
	VerbSnooze  ActionVerb = "snooze"
	VerbWake    ActionVerb = "wake"
	VerbDismiss ActionVerb = "dismiss"
	VerbDone    ActionVerb = "done"
	VerbRetry   ActionVerb = "retry"
	// VerbMarkSent records that the owner sent the approved draft themselves
	// (no email server configured).
	VerbMarkSent ActionVerb = "mark_sent"
)

var actionMoves = map[ActionState]map[ActionVerb]ActionState{
	ActionProposed: {VerbApprove: ActionApproved, VerbSnooze: ActionSnoozed, VerbDismiss: ActionDismissed, VerbDone: ActionDone},
	ActionSnoozed:  {VerbWake: ActionProposed, VerbApprove: ActionApproved, VerbDismiss: ActionDismissed, VerbDone: ActionDone, VerbSnooze: ActionSnoozed},
	ActionApproved: {VerbSending: ActionSending, VerbDone: ActionDone, VerbMarkSent: ActionSent},
	ActionSending:  {VerbSent: ActionSent, VerbFail: ActionFailed},
	ActionFailed:   {VerbRetry: ActionApproved, VerbDismiss: ActionDismissed, VerbDone: ActionDone},
}

// ErrSameState is returned by Next when the verb was already applied: the
// second click of a double click. Callers treat it as success that changes
// nothing.
var ErrSameState = fmt.Errorf("action already in that state")

// Next returns the state an action moves to when verb is applied in state
// from. It returns ErrSameState when the action already reached what verb
// leads to (a repeated click), and an *Error with code EINVALID when the move
// is not allowed.
func Next(from ActionState, verb ActionVerb) (ActionState, error) {
	if to, ok := actionMoves[from][verb]; ok {
		return to, nil
	}
	if verbResult(verb) == from || (verb == VerbApprove && (from == ActionSending || from == ActionSent)) {
		return from, ErrSameState
	}
	return from, Errorf(EINVALID, "cannot %s an action that is %s", verb, from)
}

func verbResult(v ActionVerb) ActionState {
	switch v {
	case VerbApprove, VerbRetry:
		return ActionApproved
	case VerbSending:
		return ActionSending
	case VerbSent, VerbMarkSent:
		return ActionSent
	case VerbFail:
		return ActionFailed
	case VerbSnooze:
		return ActionSnoozed
	case VerbWake:
		return ActionProposed
	case VerbDismiss:
		return ActionDismissed
	case VerbDone:
		return ActionDone
	}
	return ""
}

// Open reports whether the action still asks for someone's attention. An
// approved action does until it is sent.
func (a Action) Open(now time.Time) bool {
	switch a.State {
	case ActionProposed, ActionFailed, ActionApproved:
		return true
	case ActionSnoozed:
		return !now.Before(a.SnoozedUntil)
	}
	return false
}

// CommitmentID returns the commitment an action is about (a promise due or
// overdue), or "".
func (a Action) CommitmentID() string {
	if a.Kind != "commitment_overdue" && a.Kind != "commitment_due" {
		return ""
	}
	i := strings.LastIndex(a.IdempotencyKey, ":")
	if i < 0 {
		return ""
	}
	return a.IdempotencyKey[i+1:]
}
