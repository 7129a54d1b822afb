package slackapp

// Every slash command, action_id, callback_id and event type Journey answers,
// in one place. Handlers are methods of *App in the file of their surface.
// Every id the router dispatches on is declared here and is distinct from all
// the others, whatever its kind (routes_test.go checks both), so that a log
// line or a payload naming an id names one route.

// Slash commands.
const CommandJourney = "/journey"

// Action ids of buttons and menus. Values carry an account or action id.
const (
	ActionPickAccount = "journey_pick"     // "did you mean" and account lists: show this account's card
	ActionShare       = "journey_share"    // post the card in the channel for everyone
	ActionMore        = "journey_more"     // open the full card (timeline, milestones) in a modal
	ActionSend        = "action_send"      // approve sending the draft
	ActionEdit        = "action_edit"      // open the draft in a modal
	ActionSnooze      = "action_snooze"    // overflow menu: 1 day, 3 days, next week
	ActionDismiss     = "action_dismiss"   // not worth doing
	ActionDone        = "action_done"      // done by hand
	ActionMarkSent    = "action_mark_sent" // the owner sent the approved draft from their own mailbox
	ActionCopyDraft   = "action_copy"      // show the draft in a window to copy
	ActionNudgeRep    = "digest_nudge"     // from the digest: send a rep their actions now; repeated as digest_nudge:N
	ActionRefreshHome = "home_refresh"     // re-derive My day
	ActionOpenHome    = "journey_home"     // a link-like button to App Home (no-op ack)
	ActionSetupReview = "setup_review"     // open the review modal of a set-up proposal (value: run id)
)

// Action ids of the questions about changes, posted to the person
// responsible. Values carry the prompt id.
const (
	ActionReasonPick  = "reason_pick"  // a common reason; repeated as reason_pick:N, value "PROMPT|reason"
	ActionReasonOther = "reason_other" // "Other…": a modal to write the reason
	ActionCSMTold     = "csm_told"     // was the customer told of the new CSM; csm_told:N, value "PROMPT|who"
	ActionHandoffFill = "handoff_fill" // open the handoff's missing fields in a modal
)

// Callback ids of modals.
const (
	CallbackEditDraft = "edit_draft"
	CallbackMore      = "card_more"
	CallbackReason    = "change_reason"   // the reason written after "Other…"
	CallbackHandoff   = "handoff_answers" // the answers to the handoff's missing fields
)

// Callback ids of the set-up modals.
const (
	CallbackSetupStart  = "setup_start"   // /journey setup: template or history
	CallbackSetupReview = "setup_publish" // the editable outline; submit publishes
)

// Block ids and action ids of the set-up modals' inputs.
const (
	BlockSetupSource   = "setup_source"
	BlockSetupChannels = "setup_channels"
	BlockSetupWindow   = "setup_window"
	BlockSetupOutline  = "setup_outline"
	InputSetupSource   = "source"
	InputSetupChannels = "channels"
	InputSetupWindow   = "window"
	InputSetupOutline  = "outline"
)

// Block ids and action ids of the edit modal's inputs.
const (
	BlockSubject = "draft_subject"
	BlockBody    = "draft_body"
	InputSubject = "subject"
	InputBody    = "body"
)

// Block id and action id of the reason modal's input; the handoff modal's
// inputs use inputReason in blocks "hf_" + the checklist item's key.
const (
	blockReason = "reason"
	inputReason = "text"
)

// Snooze choices, the values of ActionSnooze's options.
const (
	Snooze1Day     = "1d"
	Snooze3Days    = "3d"
	SnoozeNextWeek = "next_week"
)

// Event types handled (the app subscribes to these in manifest.yaml).
const (
	EventAppMention    = "app_mention"
	EventMessage       = "message"
	EventAppHomeOpened = "app_home_opened"
	EventMemberJoined  = "member_joined_channel"
	// someone opened Journey in Slack's assistant pane
	EventAssistantThreadStarted = "assistant_thread_started"
)

// routes maps each interaction to its handler; the router looks handlers up
// here and nowhere else.
func (a *App) routes() {
	a.commands = map[string]commandHandler{
		CommandJourney: a.handleJourney,
	}
	a.actions = map[string]actionHandler{
		ActionPickAccount: a.handlePick,
		ActionShare:       a.handleShare,
		ActionMore:        a.handleMore,
		ActionSend:        a.handleActionVerb,
		ActionSnooze:      a.handleActionVerb,
		ActionDismiss:     a.handleActionVerb,
		ActionDone:        a.handleActionVerb,
		ActionMarkSent:    a.handleActionVerb,
		ActionCopyDraft:   a.handleCopyDraft,
		ActionNudgeRep:    a.handleNudgeRep,
		ActionEdit:        a.handleEdit,
		ActionRefreshHome: a.handleRefreshHome,
		ActionOpenHome:    a.handleNothing,
		ActionSetupReview: a.handleSetupReview,
		ActionReasonPick:  a.handleReasonPick,
		ActionReasonOther: a.handleReasonOther,
		ActionCSMTold:     a.handleCSMTold,
		ActionHandoffFill: a.handleHandoffFill,
	}
	a.submissions = map[string]submissionHandler{
		CallbackEditDraft: a.handleEditSubmit,
		CallbackReason:    a.handleReasonSubmit,
		CallbackHandoff:   a.handleHandoffSubmit,

		CallbackSetupStart:  a.handleSetupStart,
		CallbackSetupReview: a.handleSetupPublish,
	}
	a.events = map[string]eventHandler{
		EventAppMention:    a.handleMention,
		EventMessage:       a.handleMessage,
		EventAppHomeOpened: a.handleHomeOpened,
		EventMemberJoined:  a.handleMemberJoined,
		// Slack's assistant pane: someone opened Journey there
		EventAssistantThreadStarted: a.handleAssistantThreadStarted,
	}
}
