package sample

// Text the background timeline is written from. Placeholders: {first} the
// contact's first name, {company} the account, {me} our person's first name,
// {n} a seat count, {pct} a percentage, {day} a weekday.

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

var salesInboundMessages = []string{
	"Thanks {me} — I shared the recording with the rest of the team.",
	"Quick question: does the HubSpot sync handle custom deal stages?",
	"Can you send over pricing for {n} seats? Finance asked this morning.",
	"Our VP wants to understand how the health score is calculated before the next call.",
	"Sorry for the slow reply, it's been a quarter-end scramble here.",
	"Is there a sandbox we could try before {day}?",
	"Looping in our IT lead for the SSO questions.",
	"We talked about this in our pipeline review — people liked the Slack digest a lot.",
	"Could we move {day}'s call by 30 minutes?",
	"Do you have a customer in our space we could speak with?",
	"Our legal team asks whether you sign a DPA with SCCs.",
	"Got it, thanks. I'll take it to our leadership sync on {day}.",
	"How long does a typical rollout take for a team our size?",
	"We're comparing a couple of options; the per-persona view is what stands out.",
	"Can the morning DM go to managers as well as reps?",
	"Does the bot need access to private channels, or only the ones we invite it to?",
}

var salesOutboundMessages = []string{
	"Hi {first}, recording and slides from today's session are here — shout with any questions.",
	"Following up on pricing: I'll have the {n}-seat quote to you by {day}.",
	"Hi {first}, checking in — anything I can help with ahead of your internal review?",
	"Sharing a short write-up of how other RevOps teams rolled this out in under a month.",
	"Happy to set up a sandbox — which email should I use for the invite?",
	"Hi {first}, our solutions engineer can join {day} to cover the SSO questions.",
	"Quick recap of where we are: demo done, pricing shared, next step is the security review.",
	"Would {day} at 11 work for a 30-minute call with your CFO?",
	"The reference customer contact is on its way — they run a similar team size.",
	"Here's the mutual action plan draft; edit anything that looks off.",
	"Hi {first}, just bumping this in case it got buried.",
}

var customerInboundMessages = []string{
	"Dashboards are a little slow this morning — is anything going on?",
	"The team loves the Monday digest, thanks for setting it up.",
	"Can we add {n} more seats for the new hires starting next month?",
	"Who should I talk to about connecting our second HubSpot portal?",
	"Quick one: how do I change who gets the renewal alerts?",
	"We had a great pipeline review using the account cards yesterday.",
	"A couple of users can't see the App Home tab — could you take a look?",
	"Is there a way to export the health scores to a spreadsheet?",
	"Our new VP starts {day}; would be great to give her a walkthrough.",
	"Thanks for the quick fix on the sync issue!",
	"Can we get the QBR on the calendar for next month?",
	"Reminder that we're on a change freeze until the end of the month.",
	"Usage dipped this week because half the team was at our kickoff, nothing to worry about.",
	"Do you have release notes for the new forecasting view?",
	"The snooze button on the morning DM is a hit with the reps.",
}

var customerOutboundMessages = []string{
	"Hi {first}, adoption update: {pct}% of licensed users were active last week.",
	"Office hours for admins are on {day} at 11am ET — drop in anytime.",
	"Hi {first}, the fix for the sync delay is live; let me know if you still see it.",
	"Sharing a few tips on setting up the manager digest for your team leads.",
	"Checking in ahead of the QBR — anything you'd like us to cover?",
	"Hi {first}, I've added your new hires to the training session on {day}.",
	"New release: per-persona progress is now on every account card.",
	"Hi {first}, here's the usage report you asked for.",
	"Just confirming {day}'s session is still on.",
}

var salesInboundEmails = []string{
	"Re: Pricing for {n} seats — finance has a few questions on the annual terms.",
	"Re: Security questionnaire — attached the sections we have completed so far.",
	"Re: Next steps — can we push the review to {day}?",
	"Re: Proposal — looks good overall, one question on the onboarding fee.",
	"Re: Recap — adding our RevOps analyst to the thread.",
	"Re: Demo follow-up — can you share the recording with our VP?",
}

var salesOutboundEmails = []string{
	"Proposal follow-up: updated quote for {n} seats attached.",
	"Recap of today's call and next steps.",
	"Security documentation: architecture overview and data-flow diagram.",
	"Intro: our solutions engineer for the technical deep dive.",
	"Customer story: how a team like yours cut forecast prep in half.",
	"Following up on {day}'s conversation.",
}

var customerInboundEmails = []string{
	"Re: Invoice — please update our billing contact.",
	"Re: Renewal — can you confirm our current seat count?",
	"Re: Training — can we record the session for the EMEA team?",
	"Feature request: filter the manager digest by region.",
	"Re: Support ticket — the fix worked, thank you.",
	"Re: Usage report — can we break it down by team?",
}

var customerOutboundEmails = []string{
	"Your monthly adoption report ({pct}% weekly active).",
	"Invitation: quarterly business review.",
	"Release notes: what's new this month.",
	"Follow-up on your support ticket.",
	"Admin tips: setting up digests for team leads.",
}

var salesCalls = []string{
	"Call with {first}: walked through the forecasting workflow; they want to see the manager digest next.",
	"Call with {first}: budget sits with finance; timeline is end of quarter.",
	"Call with {first}: reviewed pricing, asked about a multi-year option.",
	"Call with {first}: mapped their buying process — security, legal, then procurement.",
	"Left a voicemail for {first} about next steps.",
	"Call with {first}: they are also talking to a competitor; we lead on the Slack workflow.",
}

var customerCalls = []string{
	"Check-in call with {first}: adoption steady, asked about custom objects in the HubSpot sync.",
	"Call with {first}: walked through the renewal timeline.",
	"Support call with {first}: fixed the SSO group mapping.",
	"Call with {first}: new team leads need a short training.",
	"Call with {first}: reviewed open tickets and the roadmap.",
}

var salesMeetings = []string{
	"Technical deep dive with {first} and their IT team.",
	"Working session with {first} on the rollout plan.",
	"Pricing review with {first}.",
	"Use-case workshop with {first}'s sales managers.",
}

var customerMeetings = []string{
	"Monthly sync with {first}: usage, open tickets and roadmap.",
	"Admin training refresher with {first}.",
	"Roadmap preview for {first}'s team.",
	"Working session with {first} on manager digests.",
}

var salesNotes = []string{
	"Internal: {company} is also looking at a competitor; our Slack workflow is the differentiator.",
	"Internal: procurement at {company} usually takes 3–4 weeks.",
	"Internal: the champion at {company} is our best path to the CFO.",
	"Internal: {company} wants to go live before their sales kickoff.",
	"Internal: updated the deal notes for {company} after the last call.",
}

var customerNotes = []string{
	"Internal: {company} usage flat for two weeks; plan a check-in.",
	"Internal: {company} mentioned a reorg in their sales team.",
	"Internal: renewal owner at {company} is finance.",
	"Internal: {company} asked for a second admin seat.",
	"Internal: {company} support tickets are all closed.",
}

// textPool picks the background texts for a phase, kind and direction.
func textPool(customer bool, kind, dir string) []string {
	in := dir == "inbound"
	switch kind {
	case "message":
		switch {
		case customer && in:
			return customerInboundMessages
		case customer:
			return customerOutboundMessages
		case in:
			return salesInboundMessages
		}
		return salesOutboundMessages
	case "email":
		switch {
		case customer && in:
			return customerInboundEmails
		case customer:
			return customerOutboundEmails
		case in:
			return salesInboundEmails
		}
		return salesOutboundEmails
	case "call":
		if customer {
			return customerCalls
		}
		return salesCalls
	case "meeting":
		if customer {
			return customerMeetings
		}
		return salesMeetings
	}
	if customer {
		return customerNotes
	}
	return salesNotes
}

// msText is the event that shows a milestone done. prefer is the buying role
// or persona of the contact it involves.
type msText struct {
	kind, dir, prefer, text string
}

// milestoneEvents is only looked up, never iterated.
var milestoneEvents = map[string]msText{
	"pain_identified":             {"call", "outbound", "champion", "Discovery call with {first}: pipeline reviews eat two days a week and nobody can say which renewals are at risk."},
	"champion_identified":         {"message", "inbound", "champion", "I'm going to own this on our side — let's get our CFO on the next call."},
	"why_now_established":         {"call", "outbound", "champion", "Call with {first}: the board wants forecast accuracy fixed before next quarter's planning cycle; that sets the timeline."},
	"demo_held":                   {"meeting", "inbound", "champion", "Demo for {company}: account cards, per-persona progress and the manager digest. Good questions on the HubSpot sync."},
	"success_criteria_agreed":     {"email", "inbound", "champion", "Agreed success criteria: forecast call prep under 30 minutes, every renewal risk flagged 60 days out, 80% weekly active reps."},
	"economic_buyer_engaged":      {"meeting", "inbound", "economic_buyer", "Pricing and ROI review with {first}; they want annual billing and a 60-day onboarding plan."},
	"technical_win":               {"email", "inbound", "technical_owner", "IT has signed off on the technical evaluation — SSO, SCIM and the HubSpot sync all passed."},
	"mutual_action_plan":          {"email", "outbound", "champion", "Mutual action plan shared with {first}: security review, legal, procurement and a target go-live date."},
	"business_case_approved":      {"email", "inbound", "economic_buyer", "The business case was approved by our finance committee."},
	"exec_sponsor_met":            {"meeting", "inbound", "exec", "Exec sponsor meeting: Dana met {first} to align on rollout goals."},
	"proposal_sent":               {"email", "outbound", "champion", "Proposal and order form sent to {first}."},
	"security_review_passed":      {"email", "inbound", "it", "Security review is complete and approved."},
	"legal_redlines_resolved":     {"email", "inbound", "legal", "MSA redlines are agreed; legal is good to sign."},
	"procurement_approved":        {"email", "inbound", "procurement", "Procurement has approved Sample Co as a vendor."},
	"contract_signed":             {"note", "", "", "Order form countersigned by {company} via DocuSign."},
	"csm_joined_late_calls":       {"meeting", "inbound", "champion", "CSM joined the late-stage call with {first} to preview onboarding."},
	"handoff_meeting_held":        {"meeting", "inbound", "champion", "Sales-to-CS handoff call with {first}: goals, stakeholders and the first 30 days."},
	"handoff_doc_complete":        {"note", "", "", "Handoff doc complete for {company}: goals, stakeholders, success criteria, risks."},
	"kickoff_held":                {"meeting", "inbound", "champion", "Onboarding kickoff with {company}: timeline, admins and training plan."},
	"onboarding_plan_agreed":      {"email", "inbound", "champion", "The onboarding plan looks good; we're aligned on the dates."},
	"admin_configured":            {"message", "inbound", "it", "SSO and the HubSpot sync are configured on our side."},
	"users_trained":               {"meeting", "inbound", "end_user", "Training session with {first}'s {persona} team: account cards, the morning DM and snoozing actions."},
	"first_value":                 {"message", "inbound", "champion", "We ran our first forecast call entirely from the account cards — saved us an hour."},
	"onboarding_survey":           {"email", "inbound", "champion", "Onboarding survey: 9/10, would like more admin docs."},
	"first_qbr_held":              {"meeting", "inbound", "exec", "First QBR with {first}: usage, wins and goals for next quarter."},
	"adoption_target_met":         {"note", "", "", "{company} hit the adoption target: over 80% of licensed users active weekly."},
	"champions_every_level":       {"note", "", "", "{company} now has champions at rep, manager and VP level."},
	"expansion_need_identified":   {"message", "inbound", "champion", "Another team wants in — can we talk about adding seats?"},
	"expansion_sponsor_confirmed": {"meeting", "inbound", "exec", "{first} confirmed they will sponsor the expansion and own its budget."},
	"renewal_risk_review":         {"note", "", "", "Internal renewal risk review for {company}: exec coverage thin, no EBR booked yet."},
	"ebr_held":                    {"meeting", "inbound", "exec", "Executive business review with {first}: outcomes this year, roadmap and the renewal plan."},
	"renewal_verbal":              {"call", "inbound", "economic_buyer", "{first} confirmed verbally that {company} will renew."},
	"reference_given":             {"call", "inbound", "champion", "{first} took a reference call with a prospect for us."},
	"case_study_published":        {"note", "", "", "Case study with {company} published."},
	"signup":                      {"note", "", "", "{company} signed up for a trial ({first})."},
	"activation_moment":           {"note", "", "", "{company} trial activated: first Slack digest delivered and opened by {first}."},
	"plan_selected":               {"email", "inbound", "champion", "We'll go with the Team plan."},
	"payment_confirmed":           {"note", "", "", "Payment received from {company} via Stripe."},
	"welcome_sent":                {"email", "outbound", "champion", "Welcome email and setup guide sent to {first}."},
	"renewal_confirmed":           {"note", "", "", "{company} renewed for another year."},
}

var firstNames = []string{
	"Aisha", "Ben", "Carmen", "Daniel", "Elena", "Farid", "Gabriela", "Hannah", "Isaac", "Julia",
	"Kenji", "Laura", "Mateo", "Nadia", "Owen", "Paula", "Quentin", "Rosa", "Samuel", "Tara",
	"Umar", "Vera", "William", "Xin", "Yusuf", "Zoe", "Andre", "Beatriz", "Caleb", "Diana",
	"Emeka", "Fiona", "George", "Hana", "Ivan", "Jasmine", "Kofi", "Lena", "Miguel", "Nora",
}

var lastNames = []string{
	"Anderson", "Brennan", "Castillo", "Dubois", "Eriksen", "Fitzgerald", "Gupta", "Hartmann", "Ibrahim", "Jensen",
	"Kowalski", "Lindqvist", "Moreau", "Nakamura", "Oyelaran", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
	"Underwood", "Varga", "Whitaker", "Yamamoto", "Zielinski", "Abbott", "Barros", "Coleman", "Delgado", "Evans",
}

func titlesByPersona(persona string) []string {
	switch persona {
	case "exec":
		return []string{"Chief Revenue Officer", "VP Sales", "Chief Operating Officer", "SVP Go-to-Market", "CEO"}
	case "revops":
		return []string{"Director of Revenue Operations", "RevOps Manager", "Sales Operations Lead"}
	case "cs_lead":
		return []string{"VP Customer Success", "Head of Customer Success", "Director of Customer Experience"}
	case "it":
		return []string{"IT Director", "Security Engineer", "Head of IT", "Systems Administrator"}
	case "finance":
		return []string{"CFO", "VP Finance", "Finance Director", "FP&A Manager"}
	case "legal":
		return []string{"General Counsel", "Corporate Counsel", "Legal Operations Manager"}
	case "procurement":
		return []string{"Procurement Manager", "Head of Procurement", "Vendor Management Lead"}
	}
	return []string{"Account Executive", "Senior Account Manager", "Sales Development Lead", "Customer Success Manager"}
}
