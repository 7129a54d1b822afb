// Package journey is Journey's domain: the model of a customer's journey and
// the pure functions that derive from it what every surface shows. It imports
// only the standard library (deps_test.go keeps it so); the store, Slack, the
// jobs, the models and the CLI import it, never the other way round.
//
// Journey tracks customers on a journey of stages rather than by CRM stages.
// Every figure it derives (stage, health, priority) explains itself in one
// sentence and points at the records behind it.
//
// # Accounts, people and deals
//
// A [Workspace] is one installation; every stored row carries its id. A
// [Person] is someone on our side, with a [Role] (admin, manager, rep, CSM).
// An [Account] is a customer company with an owner (the rep), a CSM, a
// segment, its ARR and its renewal date. A [Contact] is a person at the
// customer, with a persona (their function: exec, revops, cs_lead, it,
// end_user, finance, legal, procurement) and a [BuyingRole] (champion,
// economic buyer, decision maker, influencer, user, technical owner).
//
// Every [Deal] of an account (new business, an expansion, a renewal; see
// [DealKind]) sits on one timeline with the account's [Event] entries:
// messages, emails, calls, meetings, notes, CRM changes and the bot's own
// actions, append-only. [AccountData] is everything the derivations read for
// one account, loaded by the store in a fixed number of queries.
//
// # Journey definitions
//
// A [Definition] is one version of a journey, and a workspace can hold one per
// segment ([ForSegment] picks it). It orders [Stage] values, each with an owner
// team, entry and exit criteria, typical touchpoints, the CRM stages that place
// a deal in it, and [Milestone] values: outcomes that show the customer really
// got through the stage, required or not, for some personas or the account as
// a whole, with the evidence that marks them done. A [Completion] records a
// milestone done, with that evidence. The handoff stage carries the sales → CS
// handoff checklist ([BuildHandoff]).
//
// # Derived, never stored
//
// [Derive] computes the account's [Position]: the furthest stage that any
// signal puts it in (a deal's CRM stage, a milestone done, the renewal
// window), with the sentence and the record that put it there. A required
// milestone of an earlier stage still missing makes the account at risk
// ([Position.AtRisk]), naming the milestone. Each persona has its own stage,
// the first one where a required milestone is not done for it, so the CS lead
// can be stuck in onboarding while the deal looks healthy ([PersonaProgress]).
// An expansion won loops the journey back to the re-entry stage (onboarding)
// and starts a new [Cycle]: from then on, onboarding and later milestones
// count only when done again.
//
// [ScoreHealth] gives [Health], a score from 0 to 100 that is exactly the sum
// of eight named [Factor] values, each with its weight and the evidence behind
// it: engagement recency (20), champion engagement (15), economic-buyer
// engagement (10), milestone progress (20), items the customer waits on from
// us (10), overdue commitments (10), close-date slips (10) and engaged
// stakeholders (5). [Health.Explain] is the score in one sentence.
//
// [Prioritize] gives [Priority]: likelihood to close (pipeline position
// tempered by health), the customer's decision timeline, value and urgency,
// again as named factors; deals closing this month come first
// ([RankAccounts]). Customers are classed Maintain, Risk or Grow ([CSClass]),
// with the reason.
//
// [BuildCard] puts it all together as the [Card] that the CLI and Slack
// render, with its next steps; [BuildDigest] is a manager's morning view of a
// team. Each of these reads only its arguments and the time it is given.
//
// # Changes and commitments
//
// A [Change] keeps a property's old value, new value, reason, actor, source
// and time; one without a reason shows as "reason unknown", and [NeedsReason]
// says when it deserves a question to the person responsible. A
// [Commitment] is a promise someone made (who, to whom, what, by when), and a
// [WaitItem] is something one side waits on from the other. A
// [ConversationModel] finds both, with milestone evidence and new
// stakeholders, in what people write ([Analysis]); its findings are data to
// be validated and stored, never instructions.
//
// # Actions
//
// An [Action] is a suggested next step for one person ([SuggestActions]),
// optionally with a drafted email. Its [ActionState] moves through
// proposed → approved → sending → sent, or to snoozed, dismissed, done or
// failed, only by the moves [Next] allows; a verb applied twice returns
// [ErrSameState], and each action's idempotency key makes an approval count
// once.
//
// # Errors
//
// Failures a person can act on are an [*Error] with a code: [ENOTFOUND],
// [EINVALID], [ECONFLICT], [EFORBIDDEN], or [EINTERNAL]. The store turns its
// driver's errors into them at its boundary, and each surface turns them into
// words with [ErrorCode] and [ErrorMessage]; anything else shows as
// "internal error".
package journey
