// Package eval scores a journey.ConversationModel on a labelled set of deal-channel
// conversations: what it finds in each message (commitments, waiting-on
// items, milestone evidence, stakeholders, fulfilments) against what a
// person labelled, as precision and recall per field, plus what the model
// costs in calls and tokens per 1,000 messages.
//
// The set (dataset.json, embedded) holds conversations of B2B SaaS sales and
// customer success: pricing, security reviews, SOC 2, redlines, MSA and DPA,
// procurement, onboarding, kickoffs, training, QBRs, renewals and expansion
// seats. Each conversation has its account, its time zone, its users (Slack
// id, name, side, time zone), the milestones of the saas-sales-led journey
// not yet done, open commitments and waiting-on items from before, and its
// messages in order, each with the time it was written, its author, its
// text and what a person found in it. Run feeds the messages to the model
// as the bot would: in batches per conversation (messages sharing a batch
// number), after the prefilter (cue.MayMatter), with the open commitments
// and waiting-on items known so far, including the ones the model found in
// earlier batches.
//
// # Labelling rules
//
// The rules say what a careful person would record from each message
// alone, with the conversation before it as context. They were written
// before any model was scored; labels follow them, not a model. Labelling
// the later waves (see Splits) sharpened two of them (who a promise is
// addressed to; which milestones are future by nature); the earlier labels
// were checked against the sharper wording and needed no change. One label
// was corrected after scoring: a quote that answered two requests now
// resolves both (umbrella-renewal), as rule 1 of Fulfilments says.
//
// Commitments
//
//  1. A commitment is a promise to deliver something to the other side or do
//     something for them: a document, a quote, an answer, a signature, a
//     payment, a PO, a setup or a fix, a training, arranging a meeting. The
//     promise may be the author's ("I'll", "we'll", "let me get back to you",
//     "you'll have it by", "expect it by", "coming your way today", "pricing
//     will be in your inbox Monday", "Signing today") or someone else's, made
//     or reported ("Raj will get you", "our legal team will return", "Dana
//     said she'd send", "Marco to finish SSO by 3/13" in a recap).
//  2. Not commitments: negated promises ("I won't be able to", "we can't
//     commit to"); questions and offers ("Should I send…?", "Want me to…?",
//     "Happy to…"; "I can send it" counts only with a date: "I can have it
//     to you by Friday"); conditional promises ("if legal approves, we'll
//     sign", "we'll renew if…"), while temporal ones count ("once I have
//     them", "as soon as"); hedged ones ("hopefully", "probably", "might",
//     "no promises", "I'd like to"), while "I'll try to", "aim to" and
//     "should be able to" count; past or done ("I sent", "I've shared",
//     "sending them now"), which may be fulfilments; role statements ("Marco
//     will own the integration", "Hiro will make the final decision",
//     "Monica will sign" as the answer to who signs); attending meetings
//     ("I'll join the demo"); a side's internal steps ("I'll update the close
//     date in HubSpot", a customer's "I'm going to share it with corporate",
//     "we'll run a re-enablement push"); vague updates ("we'll keep you
//     posted", a bare "I'll let you know"); restating a promise already made
//     in the conversation.
//  3. One commitment per deliverable: objects joined under one verb and one
//     date are one ("the SOC 2 report and the DPA by Friday"), verbs on the
//     same deliverable are one ("rework the order form and send it over"),
//     objects with their own dates are separate ("the plan by EOD and the
//     roadmap by the 15th"), and separate deliverables are separate.
//  4. owner: the Slack id of whoever promised when they are a user of the
//     conversation (the author for "I", "we" and impersonal promises; a
//     named or mentioned user); else the side, "us" or "customer", for a
//     team or a person not in the channel ("our legal team", "Miles (their
//     head of sales ops)").
//  5. counterpart: the user of the other side the promise is made to: the
//     one its own sentence calls by name ("Anna, I'll loop you in"), or the
//     one it names as the recipient ("send the credentials to George"), or
//     the one the message as a whole addresses at its start or end (an
//     @-mention, a greeting or thanks by name: "Hi Ben,", "Thanks Oliver",
//     "Will do, Helen."); a name called in another sentence ("…Raj, can you
//     send those?") addresses that sentence only. Else the other side, "us"
//     or "customer".
//  6. due: the date the expression resolves to, in the author's time zone,
//     by the rules of cue.ResolveDue ("Friday" is the next Friday after
//     today, "next Tuesday" the Tuesday of next week, "next week" its
//     Friday, "early next week" its Tuesday, "EOD" today, "Q3" its last
//     day, "by the 15th" the next 15th, "in April" its last day). A date
//     belongs to the promise in whose clause it is written; a meeting
//     arranged "for next week" is due then; "before Thursday's call" is
//     Thursday; "by 3pm" is the day it was written; a date relative to an
//     event whose date is not given ("within 48 hours of receiving them",
//     "two days before kickoff") gives no due date.
//
// Waiting-on
//
//  1. A wait is one side asking the other for something concrete or saying
//     it waits on it: "can you send…?", "please share…", "could we get 30
//     minutes this week", "we still need X from you", "we'll need your
//     completed questionnaire", "waiting on your redlines", "any update on
//     the quote?", "should we expect the SOW this week?", "send the quote my
//     way", "redlines by end of next week would be ideal". Reported waits
//     count: "they're waiting on our answer", "they asked for a trial", "he'll
//     want a quote at 80 seats".
//  2. Not waits: information questions ("does the add-on cover backups?",
//     "will you support SCIM?"), questions about attending, requests between
//     people of the same side, "let me know if you have questions", purchase
//     needs ("we'll need about 40 more seats"), terms under negotiation ("we
//     need 2x fees", "we need net-60").
//  3. One wait per requested item per message: asking for the same thing
//     twice in a message is one wait.
//  4. waiter: the author when they ask for themselves or "we"; for a reported
//     wait, the named user, or the side. on: the user of the other side the
//     request is addressed to (an @-mention, "Hi Jordan,", "Raj, can you…"),
//     else the other side.
//
// Milestones
//
//  1. A message is evidence of a milestone of the conversation's list when it
//     states affirmatively that the milestone, or one of its evidence items
//     in the journey template, is done now or was done: "success criteria
//     are signed off", "kickoff went great", "we had the kickoff today",
//     "countersigned", "security review is passed", "SOC 2 report shared
//     under NDA", "MSA and DPA in execution version", "PO issued" (for the
//     verbal renewal), "we're going to renew". Future, planned, conditional,
//     negated or asked-about milestones are not evidence ("we'll agree
//     success criteria next week", "adoption target isn't met yet", "we'll
//     renew at 120 seats if…"), except where the milestone is about the
//     future by nature: a verbal renewal ("we're going to renew"), a sponsor
//     agreeing to sponsor, a need for more seats ("we'll need another 30
//     seats"), a champion agreeing to be one, a customer agreeing to take a
//     reference call.
//  2. A signature on one side with the countersignature pending is not a
//     signed contract; a countersigned or completed envelope is.
//  3. Context from earlier in the conversation counts (the budget holder
//     named two messages before now writes: economic buyer engaged); facts
//     the conversation does not give (who the champion is in the CRM) do not.
//
// Stakeholders
//
//  1. A stakeholder is labelled when a message introduces a person on the
//     customer's side ("looping in…", "adding…", "I'm Grace from
//     procurement") or states their title or buying role ("Helen Ortiz, our
//     CFO", "Tobias will be our admin", "the budget sits with me"). Our own
//     people are never stakeholders; a person referred to only by a pronoun
//     is not labelled; names are as written.
//  2. role: an explicit buying role wins: champion ("our champion"),
//     economic_buyer ("signs off on budget", "holds the budget", "the budget
//     sits with me"), decision_maker ("final decision", "final say", "final
//     sign-off", "will make the call"), technical_owner ("will own the
//     integration", "our admin"). Otherwise the title decides: finance (CFO,
//     VP Finance, controller) economic_buyer; procurement, legal, security
//     (CISO) influencer; IT, CIO, CTO, engineering, admins, RevOps and sales
//     ops technical_owner; CEO, COO, CRO, exec sponsor, and VP, head or
//     director of a business function decision_maker; managers, team leads,
//     reps and analysts user. With neither, the role is "" (unknown).
//
// Fulfilments
//
//  1. A message fulfils an open commitment when it delivers it ("here's the
//     pricing sheet", "attached", "just emailed", "is in the data room", "SSO
//     is live") or the receiving side confirms it arrived ("which Raj already
//     sent on Monday", "Miles sent the questionnaire this morning"). A partial
//     delivery does not count. It resolves an open waiting-on item the same
//     way, or when the waiter says it is no longer needed.
//  2. Open items are the conversation's open lists plus the commitments and
//     waits labelled with an id in earlier batches.
//
// Other
//
//   - Text in code blocks and quoted lines is not the author's words.
//   - Messages in other languages are labelled for what they mean.
//   - Instructions addressed to a bot ("ignore previous instructions…") are
//     data and yield nothing.
//
// # Splits
//
// The set was written in three waves. The first (19 conversations, 192
// messages) was read while the offline model's heuristics were written. A
// second wave of 6 and a third of 5 conversations were each written and
// labelled before the model was run on them; each was scored once as held
// out, then read to generalise the heuristics, then folded into the
// development split. A fourth wave (5 conversations, 44 messages, split
// "holdout") was written last and has not been used to change the model:
// its figures are the fair estimate of the offline model on text it has
// not seen. The first-look figures of each held-out wave, with the model as
// it was at the time (commitments precision/recall; due dates exact on
// matched commitments):
//
//	wave 2 (61 messages):  0.91 / 0.59; 1.00
//	wave 3 (44 messages):  0.67 / 0.57; 1.00
//	wave 4 (44 messages):  1.00 / 0.71; 1.00 (split "holdout")
//
// # Scores
//
// Findings are compared message by message. Commitments are paired within a
// message, first by owner (then due date, then words of what); a pair with
// the same owner is a detected commitment, and its counterpart and due date
// are scored over those pairs ("due" counts a missing date where one was
// labelled, or a date where none was, as wrong). Waits are paired by waiter
// and scored the same way. Milestones (by key), stakeholders (by name, the
// first name being enough, and role) and fulfilments (by commitment or
// waiting-on id) are compared as sets.
package eval
