package sample

import "time"

// Milestone paths of the templates, in journey order, for accounts whose
// history predates the timeline window.
var (
	saasSales  = []string{"pain_identified", "champion_identified", "why_now_established", "demo_held", "success_criteria_agreed", "economic_buyer_engaged", "proposal_sent", "security_review_passed", "legal_redlines_resolved"}
	saasHand   = []string{"contract_signed", "handoff_meeting_held", "handoff_doc_complete"}
	saasOnb    = []string{"kickoff_held", "admin_configured", "users_trained", "first_value"}
	entSales   = []string{"pain_identified", "champion_identified", "why_now_established", "success_criteria_agreed", "economic_buyer_engaged", "technical_win", "mutual_action_plan", "business_case_approved", "exec_sponsor_met", "security_review_passed", "legal_redlines_resolved", "procurement_approved"}
	entHand    = []string{"csm_joined_late_calls", "contract_signed", "handoff_meeting_held", "handoff_doc_complete"}
	entOnb     = []string{"kickoff_held", "onboarding_plan_agreed", "admin_configured", "users_trained", "first_value"}
	smbToFirst = []string{"signup", "activation_moment", "plan_selected", "payment_confirmed", "contract_signed", "handoff_doc_complete", "welcome_sent", "users_trained", "first_value"}
)

// long is a date as people write it in messages: "Friday, Mar 13", or just
// "Mar 14" on a weekend.
func (b *builder) long(offset int) string {
	d := b.today.AddDate(0, 0, offset)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return d.Format("Jan 2")
	}
	return d.Format("Monday, Jan 2")
}

// book writes the scripted part of every account; background() adds the
// everyday traffic afterwards.
func (b *builder) book() {
	b.acme()
	b.globex()
	b.initech()
	b.umbrella()
	b.hooli()
	b.stark()
	b.soylent()
	b.wayne()
	b.quillfeather()
	b.vandelay()
	b.cyberdyne()
	b.massiveDynamic()
	b.piedPiper()
	b.northwind()
	b.brightline()
	b.kestrel()
	b.tidewater()
	b.ridgeback()
	b.bluefin()
	b.oakridge()
	b.halcyon()
	b.lumen()
	b.parcelwise()
	b.ferngrove()
	b.copperleaf()
}

// Scenario 1: at-risk deal at contractsent, economic buyer silent, overdue
// SOC 2 promise, close date pushed without a reason.
func (b *builder) acme() {
	a := b.account(acctSpec{name: "Acme Corp", key: "acme", segment: "mid_market", owner: maya, created: 92, rate: 5})
	tom := a.contact("Tom Becker", "Director of Revenue Operations", "revops", "champion", 0, 0)
	helen := a.contact("Helen Ortiz", "Chief Financial Officer", "finance", "economic_buyer", 70, 23)
	sam := a.contact("Sam Okafor", "VP Customer Success", "cs_lead", "influencer", 0, 30)
	grace := a.contact("Grace Liu", "Sales Operations Analyst", "revops", "user", 0, 40)
	victor := a.contact("Victor Hale", "IT Security Manager", "it", "technical_owner", 30, 0)
	olivia := a.contact("Olivia Grant", "Corporate Counsel", "legal", "influencer", 14, 0)

	closeIn := b.thisMonth(9)
	d := a.deal("Acme Corp — Platform (60 seats)", "new", 48000, "contractsent", 88, closeIn, 0)
	a.ms("pain_identified", 80, "")
	a.move(d, 80, "appointmentscheduled", "qualifiedtobuy", "Discovery call confirmed the pain in pipeline reviews")
	a.msBy(tom, "champion_identified", 78, "")
	a.ms("why_now_established", 72, "")
	a.move(d, 63, "qualifiedtobuy", "presentationscheduled", "")
	a.ms("demo_held", 62, "")
	a.say("message", true, grace, 50, 15, "I've mapped our HubSpot deal stages to your template — looks clean on our side.")
	a.event("meeting", "inbound", sam, maya, 45, 16, 0, "CS workflow session with Sam: renewal alerts and health scores for the CSM team.")
	a.msBy(helen, "economic_buyer_engaged", 35, "")
	a.move(d, 34, "presentationscheduled", "decisionmakerboughtin", "CFO joined the pricing call and asked for an order form")
	a.change(d, 20, 18, "amount", "42000", "48000", "Added 10 seats for the CS team", maya)
	a.change(d, 20, 18, "seats", "50", "60", "Added 10 seats for the CS team", maya)
	a.push(d, 14, closeIn-21, closeIn, "")
	vic := a.say("message", true, victor, 10, 14, "Before legal signs, our security team needs your SOC 2 Type II report and the latest pen test summary.")
	reply := a.say("message", false, victor, 10, 15, "Thanks Victor — I'll get you the SOC 2 Type II report by "+b.long(-3)+".")
	a.promise(d, "us", maya.email, victor.rec.Name, "Send the SOC 2 Type II report", b.date(-3), 10, 0, reply)
	a.wait(d, "customer", "SOC 2 Type II report", 10, 0, vic)
	a.move(d, 8, "decisionmakerboughtin", "contractsent", "Order form sent for signature")
	proposal := a.msBy(tom, "proposal_sent", 8, "")
	a.promise(d, "us", maya.email, tom.rec.Name, "Send the updated order form for 60 seats", b.date(-7), 9, 8, proposal)
	legal := a.say("email", true, olivia, 6, 17, "We're reviewing the MSA now; you'll have our redlines by the end of next week.")
	a.promise(d, "customer", olivia.rec.Name, maya.name, "Return the MSA redlines", b.date(4), 6, 0, legal)
	a.wait(d, "us", "MSA redlines from Acme legal", 6, 0, legal)
	a.say("message", true, tom, 1, 16, "Legal is close on the MSA. The one thing still blocking signature is the SOC 2 report Victor asked for — any update?")
}

// Scenario 2: expansion closed won two weeks ago loops the journey back to
// onboarding; the CSM was reassigned without a reason.
func (b *builder) globex() {
	a := b.account(acctSpec{name: "Globex", key: "globex", segment: "enterprise", owner: jordan, csm: &priya,
		arr: 195000, renewal: 215, created: 230, rate: 4})
	a.prevCSM, a.csmSince = marcus, 9
	rebecca := a.contact("Rebecca Holt", "VP Sales Operations", "revops", "champion", 0, 0)
	martin := a.contact("Martin Kessler", "Chief Revenue Officer", "exec", "economic_buyer", 0, 0)
	a.contact("Anika Shah", "Director of Customer Success", "cs_lead", "decision_maker", 0, 0)
	a.people("it:technical_owner", "end_user:user", "procurement:influencer")

	d := a.deal("Globex — Enterprise platform (250 seats)", "new", 150000, "closedwon", 215, 0, 150)
	a.path(212, 155, entSales...)
	a.path(152, 146, entHand...)
	a.won(d, "Order form signed")
	a.path(145, 105, entOnb...)
	a.msBy(rebecca, "expansion_need_identified", 66, "")
	a.msBy(martin, "first_qbr_held", 62, "")
	x := a.deal("Globex — EMEA rollout (+70 seats)", "expansion", 45000, "closedwon", 60, 0, 14)
	a.move(x, 52, "qualifiedtobuy", "presentationscheduled", "")
	a.ms("adoption_target_met", 45, "")
	a.msBy(martin, "expansion_sponsor_confirmed", 40, "")
	a.move(x, 38, "presentationscheduled", "decisionmakerboughtin", "Martin approved the EMEA budget")
	a.change(x, 30, 17, "amount", "40000", "45000", "EMEA team grew to 70 seats", jordan)
	a.change(x, 30, 17, "seats", "60", "70", "EMEA team grew to 70 seats", jordan)
	a.move(x, 25, "decisionmakerboughtin", "contractsent", "")
	form := a.say("email", false, rebecca, 16, 15, "EMEA expansion order form attached for signature.")
	a.promise(x, "us", jordan.email, rebecca.rec.Name, "Send the EMEA expansion order form", b.date(-15), 22, 16, form)
	a.won(x, "EMEA order form signed")
	admin := a.say("message", true, rebecca, 13, 14, "Could someone give our EMEA admins access to the new workspace?")
	a.wait(x, "customer", "Admin access for the EMEA workspace", 13, 11, admin)
	a.change(nil, 9, 15, "csm", marcus.email, priya.email, "", dana)
	kick := a.say("message", true, rebecca, 8, 15, "The EMEA team is licensed now — when can we kick off their onboarding?")
	a.promise(x, "us", priya.email, rebecca.rec.Name, "Schedule the onboarding kickoff for the EMEA team", b.date(4), 8, 0, kick)
	a.wait(x, "customer", "Onboarding kickoff for the EMEA team", 8, 0, kick)
}

// Scenario 3: closedlost → closedwon without a reason.
func (b *builder) initech() {
	a := b.account(acctSpec{name: "Initech", key: "initech", segment: "mid_market", owner: sofia, csm: &marcus,
		arr: 36000, renewal: 360, created: 85, rate: 3.5})
	joanna := a.contact("Joanna Reyes", "RevOps Manager", "revops", "champion", 0, 0)
	eb := a.generated("exec", "economic_buyer", 0, 0)
	a.people("it:technical_owner", "end_user:user", "finance:influencer")

	d := a.deal("Initech — Platform (40 seats)", "new", 36000, "closedwon", 78, 0, 5)
	a.ms("pain_identified", 74, "")
	a.move(d, 70, "appointmentscheduled", "qualifiedtobuy", "Budget confirmed for this half")
	a.ms("champion_identified", 72, "")
	a.ms("why_now_established", 66, "")
	a.ms("demo_held", 58, "")
	a.move(d, 58, "qualifiedtobuy", "presentationscheduled", "")
	a.ms("success_criteria_agreed", 50, "")
	a.ms("economic_buyer_engaged", 44, "")
	a.move(d, 44, "presentationscheduled", "decisionmakerboughtin", "")
	a.ms("proposal_sent", 31, "")
	a.move(d, 31, "decisionmakerboughtin", "contractsent", "Proposal accepted in principle")
	a.ms("security_review_passed", 26, "")
	a.ms("legal_redlines_resolved", 23, "")
	a.say("email", true, eb, 20, 14, "We have to pause: budget is frozen until the next fiscal year. Sorry about the timing.")
	a.move(d, 20, "contractsent", "closedlost", "Budget frozen until next fiscal year")
	a.say("message", true, joanna, 9, 15, "Good news — our CFO found budget after all. Can we revive the order form?")
	form := a.say("email", false, joanna, 7, 16, "Order form re-issued with the original terms.")
	a.promise(d, "us", sofia.email, joanna.rec.Name, "Re-issue the order form with the original terms", b.date(-7), 9, 7, form)
	a.ms("contract_signed", 5, "")
	a.move(d, 5, "closedlost", "closedwon", "")
}

// Scenario 4: healthy-looking customer in adoption whose CS lead lags.
func (b *builder) umbrella() {
	a := b.account(acctSpec{name: "Umbrella Health", key: "umbrella", segment: "mid_market", owner: maya, csm: &priya,
		arr: 64000, renewal: 165, created: 240, rate: 4})
	erin := a.contact("Erin Walsh", "VP Clinical Operations", "exec", "economic_buyer", 0, 0)
	noah := a.contact("Noah Fischer", "Director of Revenue Operations", "revops", "champion", 0, 0)
	carla := a.contact("Carla Mendes", "Head of Customer Success", "cs_lead", "user", 0, 0)
	a.contact("Ben Adler", "Account Manager", "end_user", "user", 0, 0)
	a.contact("Ivy Tran", "IT Systems Lead", "it", "technical_owner", 0, 0)

	d := a.deal("Umbrella Health — Platform (80 seats)", "new", 64000, "closedwon", 225, 0, 200)
	a.path(222, 201, saasSales...)
	a.path(200, 197, saasHand...)
	a.won(d, "Order form signed")
	a.ms("kickoff_held", 192, "")
	a.ms("admin_configured", 180, "")
	a.ms("users_trained", 150, "end_user")
	a.ms("first_value", 120, "end_user")
	a.ms("first_value", 110, "exec")
	a.ms("onboarding_survey", 100, "")
	qbr := a.msBy(erin, "first_qbr_held", 35, "exec")
	a.promise(nil, "us", priya.email, erin.rec.Name, "Send the QBR summary and next-quarter goals", b.date(-32), 35, 33, qbr)
	sync := a.say("message", true, noah, 28, 15, "The HubSpot sync looks about a day behind — can you check?")
	a.wait(nil, "customer", "Fix for the HubSpot sync delay", 28, 26, sync)
	a.say("message", true, carla, 6, 14, "My CSMs still aren't using the renewal alerts — we never had a training session of our own.")
	reply := a.say("message", false, carla, 5, 10, "Hi Carla, let's fix that — I'll run a session for your CSMs next week.")
	a.promise(nil, "us", priya.email, carla.rec.Name, "Run a training session for the CS team", b.date(6), 5, 0, reply)
	a.say("message", true, noah, 2, 16, "Pipeline review went great with the account cards — the team is hooked.")
}

// Growth: the busiest timeline, an open expansion deal, sponsor confirmed.
func (b *builder) hooli() {
	a := b.account(acctSpec{name: "Hooli", key: "hooli", segment: "enterprise", owner: jordan, csm: &priya,
		arr: 240000, renewal: 250, created: 150, rate: 9})
	a.contact("Denise Carver", "VP Sales", "exec", "economic_buyer", 0, 0)
	raj := a.contact("Raj Malhotra", "Director of Sales Operations", "revops", "champion", 0, 0)
	lucy := a.contact("Lucy Brandt", "VP Customer Support", "exec", "decision_maker", 0, 0)
	a.people("cs_lead:influencer", "it:technical_owner", "end_user:user", "end_user:user")

	d := a.deal("Hooli — Enterprise platform (300 seats)", "new", 200000, "closedwon", 145, 0, 115)
	a.path(142, 119, entSales...)
	a.path(120, 114, entHand...)
	a.won(d, "Signed ahead of their sales kickoff")
	a.path(110, 84, entOnb...)
	a.ms("first_qbr_held", 60, "")
	a.ms("adoption_target_met", 48, "")
	a.change(nil, 45, 16, "seats", "300", "340", "True-up for the new SDR class", jordan)
	scim := a.say("message", true, raj, 40, 15, "SCIM isn't provisioning the new SDRs — can you take a look?")
	a.wait(nil, "customer", "SCIM provisioning for the new SDRs", 40, 37, scim)
	a.ms("champions_every_level", 30, "")
	a.msBy(lucy, "expansion_need_identified", 28, "")
	x := a.deal("Hooli — Support org expansion (+200 seats)", "expansion", 90000, "presentationscheduled", 24, 35, 0)
	a.move(x, 20, "appointmentscheduled", "qualifiedtobuy", "Lucy confirmed budget for the support team")
	plan := a.say("email", false, lucy, 10, 15, "Rollout plan for the support team attached: pilot, training and go-live dates.")
	a.promise(x, "us", priya.email, lucy.rec.Name, "Share the rollout plan for the support team", b.date(-9), 14, 10, plan)
	a.msBy(lucy, "expansion_sponsor_confirmed", 12, "")
	a.move(x, 12, "qualifiedtobuy", "presentationscheduled", "Sponsor confirmed; proposal meeting booked")
	a.change(x, 9, 17, "amount", "75000", "90000", "Support headcount grew to 200", jordan)
	ask := a.say("message", true, raj, 3, 15, "Lucy would like the expansion proposal before her staff meeting — can you send it this week?")
	a.promise(x, "us", jordan.email, raj.rec.Name, "Send the expansion proposal for the support org", b.date(4), 3, 0, ask)
	a.wait(x, "customer", "Expansion proposal for the support org", 3, 0, ask)
}

// Renewal in 45 days without an EBR; champion silent 18 days.
func (b *builder) stark() {
	a := b.account(acctSpec{name: "Stark Industries", key: "stark", segment: "enterprise", owner: sofia, csm: &marcus,
		arr: 310000, renewal: 45, created: 360, rate: 3.5})
	harold := a.contact("Harold Vance", "Chief Financial Officer", "finance", "economic_buyer", 0, 0)
	tessa := a.contact("Tessa Morgan", "Director of Sales Operations", "revops", "champion", 0, 18)
	a.people("exec:decision_maker", "cs_lead:influencer", "it:technical_owner", "procurement:influencer")

	d := a.deal("Stark Industries — Enterprise platform (400 seats)", "new", 280000, "closedwon", 350, 0, 320)
	a.path(348, 322, entSales...)
	a.path(322, 318, entHand...)
	a.won(d, "Order form signed")
	a.path(315, 270, entOnb...)
	a.path(230, 200, "first_qbr_held", "adoption_target_met")
	r := a.deal("Stark Industries — FY renewal", "renewal", 310000, "presentationscheduled", 50, 45, 0)
	a.move(r, 35, "appointmentscheduled", "qualifiedtobuy", "")
	confirm := a.say("message", true, tessa, 20, 15, "I'll confirm who from our exec team can join the EBR by next week.")
	a.promise(r, "customer", tessa.rec.Name, sofia.name, "Confirm the EBR attendees", b.date(-6), 20, 0, confirm)
	a.wait(r, "us", "EBR attendees from Stark", 20, 0, confirm)
	a.ms("renewal_risk_review", 20, "")
	a.move(r, 22, "qualifiedtobuy", "presentationscheduled", "Renewal quote requested by procurement")
	deck := a.say("email", false, harold, 12, 16, "Ahead of the renewal we'd like to walk you through this year's results; deck and proposal to follow.")
	a.promise(r, "us", sofia.email, harold.rec.Name, "Send the EBR deck and renewal proposal", b.date(7), 12, 0, deck)
	a.say("message", false, tessa, 10, 15, "Hi Tessa, we'd love to get the EBR on the calendar before the renewal — what does your exec team's week look like?")
	a.say("email", false, tessa, 4, 14, "Following up on the EBR invite — happy to work around your exec team's calendar.")
}

// Clear risk: silent for 33 days, promises overdue on both sides, renewal in
// 55 days without an EBR.
func (b *builder) soylent() {
	a := b.account(acctSpec{name: "Soylent Systems", key: "soylent", segment: "mid_market", owner: jordan, csm: &marcus,
		arr: 42000, renewal: 55, created: 340, rate: 3, quiet: 33})
	dan := a.contact("Dan Whitley", "Head of Sales Operations", "revops", "champion", 0, 0)
	eb := a.generated("exec", "economic_buyer", 0, 0)
	it := a.generated("it", "technical_owner", 0, 0)
	a.people("cs_lead:user", "end_user:user")

	d := a.deal("Soylent Systems — Platform (50 seats)", "new", 42000, "closedwon", 335, 0, 310)
	a.path(333, 311, saasSales...)
	a.path(310, 306, saasHand...)
	a.won(d, "Order form signed")
	a.path(300, 240, saasOnb...)
	a.ms("onboarding_survey", 230, "")
	sso := a.say("email", true, it, 48, 14, "SSO provisioning is failing for new hires again — third time this quarter. This is becoming a problem for us.")
	a.wait(nil, "customer", "Fix for the SSO provisioning errors", 48, 0, sso)
	fix := a.say("email", false, it, 47, 15, "Sorry about this — engineering is on it. I'll have a fix or a workaround to you by "+b.long(-24)+".")
	a.promise(nil, "us", marcus.email, it.rec.Name, "Ship a fix or workaround for the SSO provisioning errors", b.date(-24), 47, 0, fix)
	call := a.event("call", "outbound", eb, jordan, 40, 16, 0, "Renewal pre-read with "+eb.first+": they want a usage report and the SSO fix before talking renewal.")
	a.promise(nil, "us", jordan.email, eb.rec.Name, "Send the usage report for the renewal review", b.date(-30), 40, 0, call)
	a.promise(nil, "customer", dan.rec.Name, marcus.name, "Share the list of active admins for the SSO clean-up", b.date(-35), 40, 0, call)
	a.say("message", true, dan, 35, 15, "Still seeing provisioning failures. Any news from engineering?")
}

// Renewal in 70 days, EBR held and a verbal yes.
func (b *builder) wayne() {
	a := b.account(acctSpec{name: "Wayne Logistics", key: "wayne", segment: "mid_market", owner: sofia, csm: &priya,
		arr: 52000, renewal: 70, created: 320, rate: 3})
	a.people("revops:champion")
	eb := a.generated("exec", "economic_buyer", 0, 0)
	a.people("cs_lead:user", "it:technical_owner", "finance:influencer")

	d := a.deal("Wayne Logistics — Platform (65 seats)", "new", 50000, "closedwon", 318, 0, 295)
	a.path(316, 296, saasSales...)
	a.path(295, 292, saasHand...)
	a.won(d, "Order form signed")
	a.path(288, 240, saasOnb...)
	a.path(230, 150, "onboarding_survey", "first_qbr_held", "adoption_target_met")
	r := a.deal("Wayne Logistics — Renewal (+5 seats)", "renewal", 54000, "contractsent", 45, 60, 0)
	a.move(r, 40, "appointmentscheduled", "qualifiedtobuy", "")
	a.move(r, 28, "qualifiedtobuy", "presentationscheduled", "EBR booked")
	ebr := a.msBy(eb, "ebr_held", 25, "")
	a.promise(r, "us", priya.email, eb.rec.Name, "Send the EBR recap", b.date(-22), 25, 23, ebr)
	a.msBy(eb, "renewal_verbal", 10, "")
	a.change(r, 12, 15, "amount", "52000", "54000", "5 extra seats for the new warehouse team", sofia)
	a.move(r, 10, "presentationscheduled", "contractsent", "Verbal yes; renewal order form sent")
}

// Renewal in 28 days without an EBR; champion silent 25 days.
func (b *builder) quillfeather() {
	a := b.account(acctSpec{name: "Quillfeather Learning", key: "quillfeather", segment: "mid_market", owner: maya, csm: &marcus,
		arr: 30000, renewal: 28, created: 360, rate: 2})
	champ := a.generated("revops", "champion", 0, 25)
	a.people("exec:economic_buyer", "cs_lead:user", "end_user:user")

	d := a.deal("Quillfeather Learning — Platform (35 seats)", "new", 30000, "closedwon", 355, 0, 337)
	a.path(353, 338, saasSales...)
	a.path(337, 334, saasHand...)
	a.won(d, "Order form signed")
	a.path(330, 280, saasOnb...)
	a.path(250, 160, "onboarding_survey", "first_qbr_held")
	r := a.deal("Quillfeather Learning — Renewal", "renewal", 30000, "qualifiedtobuy", 30, 28, 0)
	a.move(r, 21, "appointmentscheduled", "qualifiedtobuy", "")
	ask := a.say("email", false, champ, 21, 15, "Your renewal is coming up on "+b.long(28)+" — could you confirm the seat count for next year?")
	a.wait(r, "us", "Renewal seat count from Quillfeather", 21, 0, ask)
	a.say("message", false, champ, 9, 16, "Hi "+champ.first+", just bumping the renewal seat count question.")
}

func (b *builder) vandelay() {
	a := b.account(acctSpec{name: "Vandelay Imports", key: "vandelay", segment: "smb", owner: sofia, csm: &marcus,
		arr: 9600, renewal: 120, created: 260, rate: 1.5})
	a.people("exec:economic_buyer", "revops:champion", "end_user:user")
	d := a.deal("Vandelay Imports — Team plan (20 seats)", "new", 9600, "closedwon", 252, 0, 245)
	a.path(258, 225, smbToFirst...)
	a.won(d, "Self-serve upgrade")
	a.ms("adoption_target_met", 30, "")
}

// Handoff with a missing handoff doc; onboarding in progress.
func (b *builder) cyberdyne() {
	a := b.account(acctSpec{name: "Cyberdyne Analytics", key: "cyberdyne", segment: "enterprise", owner: jordan, csm: &priya,
		arr: 130000, renewal: 325, created: 120, rate: 4})
	a.people("exec:economic_buyer", "revops:champion", "it:technical_owner", "cs_lead:influencer", "legal:influencer", "procurement:influencer")
	it := a.byRole("technical_owner")

	d := a.deal("Cyberdyne Analytics — Enterprise platform (180 seats)", "new", 130000, "closedwon", 115, 0, 40)
	a.move(d, 105, "appointmentscheduled", "qualifiedtobuy", "")
	a.path(110, 44, entSales...)
	a.move(d, 96, "qualifiedtobuy", "presentationscheduled", "")
	a.move(d, 70, "presentationscheduled", "decisionmakerboughtin", "Business case approved")
	a.push(d, 60, -55, -40, "Procurement needed two more weeks")
	a.move(d, 52, "decisionmakerboughtin", "contractsent", "")
	a.ms("csm_joined_late_calls", 48, "")
	a.ms("contract_signed", 40, "")
	a.won(d, "Signed at quarter end")
	a.ms("handoff_meeting_held", 38, "")
	a.ms("kickoff_held", 30, "")
	plan := a.ms("onboarding_plan_agreed", 27, "")
	a.promise(nil, "us", priya.email, a.byRole("champion").rec.Name, "Send the onboarding plan", b.date(-28), 30, 28, plan)
	a.ms("admin_configured", 15, "")
	scim := a.say("message", false, it, 15, 17, "Hi "+it.first+", SSO is live; I'll finish the SCIM setup with you this week.")
	a.promise(nil, "us", priya.email, it.rec.Name, "Finish the SCIM setup with Cyberdyne IT", b.date(5), 15, 0, scim)
}

func (b *builder) massiveDynamic() {
	a := b.account(acctSpec{name: "Massive Dynamic", key: "massivedynamic", segment: "mid_market", owner: maya, csm: &priya,
		arr: 48000, renewal: 185, created: 210, rate: 3})
	a.people("revops:champion", "exec:economic_buyer", "cs_lead:decision_maker", "end_user:user", "it:technical_owner")
	d := a.deal("Massive Dynamic — Platform (60 seats)", "new", 48000, "closedwon", 205, 0, 180)
	a.path(203, 181, saasSales...)
	a.path(180, 177, saasHand...)
	a.won(d, "Order form signed")
	a.path(175, 120, saasOnb...)
	a.ms("onboarding_survey", 85, "")
	a.ms("first_qbr_held", 50, "")
	a.ms("expansion_need_identified", 15, "")
	x := a.deal("Massive Dynamic — Analytics add-on", "expansion", 18000, "qualifiedtobuy", 12, 50, 0)
	a.move(x, 8, "appointmentscheduled", "qualifiedtobuy", "Champion confirmed the need with her VP")
}

func (b *builder) piedPiper() {
	a := b.account(acctSpec{name: "Pied Piper", key: "piedpiper", segment: "smb", owner: maya, csm: &marcus,
		arr: 7200, renewal: 350, created: 410, rate: 1.5})
	a.people("exec:economic_buyer", "revops:champion", "end_user:user")
	d := a.deal("Pied Piper — Team plan (20 seats)", "new", 6000, "closedwon", 400, 0, 380)
	a.path(405, 360, smbToFirst...)
	a.won(d, "Self-serve upgrade")
	a.ms("adoption_target_met", 300, "")
	r := a.deal("Pied Piper — Renewal (24 seats)", "renewal", 7200, "closedwon", 45, 0, 15)
	a.move(r, 30, "qualifiedtobuy", "contractsent", "Renewal quote accepted")
	a.ms("renewal_confirmed", 15, "")
	a.move(r, 15, "contractsent", "closedwon", "Renewed with 4 more seats")
	a.ms("reference_given", 5, "")
}

func (b *builder) northwind() {
	a := b.account(acctSpec{name: "Northwind Traders", key: "northwind", segment: "smb", owner: jordan, csm: &marcus,
		arr: 12000, renewal: 85, created: 290, rate: 2})
	a.people("exec:economic_buyer", "revops:champion", "end_user:user", "finance:influencer")
	d := a.deal("Northwind Traders — Team plan (25 seats)", "new", 12000, "closedwon", 285, 0, 280)
	a.path(288, 262, smbToFirst...)
	a.won(d, "Self-serve upgrade")
	a.ms("adoption_target_met", 200, "")
	a.ms("expansion_need_identified", 10, "")
	a.deal("Northwind Traders — 10 more seats", "expansion", 3000, "appointmentscheduled", 8, 30, 0)
}

// Quiet for 36 days, stuck before training.
func (b *builder) brightline() {
	a := b.account(acctSpec{name: "Brightline Dental", key: "brightline", segment: "smb", owner: sofia, csm: &marcus,
		arr: 4800, renewal: 225, created: 150, rate: 1.5, quiet: 36})
	champ := a.generated("exec", "champion", 0, 0)
	a.people("finance:economic_buyer", "end_user:user")
	d := a.deal("Brightline Dental — Starter plan (10 seats)", "new", 4800, "closedwon", 145, 0, 140)
	a.path(148, 139, "signup", "activation_moment", "plan_selected", "payment_confirmed", "contract_signed", "welcome_sent", "handoff_doc_complete")
	a.won(d, "Self-serve upgrade")
	book := a.say("email", true, champ, 45, 15, "We'll pick a date for the team training once the new hygienists start.")
	a.promise(nil, "customer", champ.rec.Name, marcus.name, "Book the team training session", b.date(-38), 45, 0, book)
}

// Champion silent 16 days; customer's promise overdue.
func (b *builder) kestrel() {
	a := b.account(acctSpec{name: "Kestrel Robotics", key: "kestrel", segment: "enterprise", owner: jordan, created: 85, rate: 4})
	ingrid := a.contact("Ingrid Solberg", "Director of Revenue Operations", "revops", "champion", 0, 16)
	a.people("exec:economic_buyer", "it:technical_owner", "finance:influencer", "procurement:influencer", "cs_lead:user")

	closeIn := 40
	d := a.deal("Kestrel Robotics — Enterprise platform (150 seats)", "new", 120000, "decisionmakerboughtin", 80, closeIn, 0)
	a.ms("pain_identified", 76, "")
	a.ms("champion_identified", 74, "")
	a.move(d, 72, "appointmentscheduled", "qualifiedtobuy", "")
	a.ms("why_now_established", 70, "")
	a.move(d, 60, "qualifiedtobuy", "presentationscheduled", "Technical validation kicked off")
	a.ms("success_criteria_agreed", 55, "")
	a.ms("economic_buyer_engaged", 48, "")
	a.ms("technical_win", 35, "")
	a.ms("business_case_approved", 22, "")
	a.move(d, 22, "presentationscheduled", "decisionmakerboughtin", "Business case approved by finance")
	q := a.say("message", true, ingrid, 19, 15, "We'll get the security questionnaire back to you by "+b.long(-5)+".")
	a.promise(d, "customer", ingrid.rec.Name, jordan.name, "Return the completed security questionnaire", b.date(-5), 19, 0, q)
	a.wait(d, "us", "Completed security questionnaire", 19, 0, q)
	a.push(d, 10, 12, closeIn, "Security review moved to next month")
	a.say("email", false, ingrid, 8, 15, "Hi Ingrid, checking on the security questionnaire — anything I can help fill in?")
}

// Enterprise deal at contractsent closing this month.
func (b *builder) tidewater() {
	a := b.account(acctSpec{name: "Tidewater Insurance", key: "tidewater", segment: "enterprise", owner: sofia, created: 95, rate: 4.5})
	a.contact("Graham Pierce", "SVP Distribution", "exec", "economic_buyer", 0, 0)
	a.contact("Lauren Mitchell", "Director of Sales Operations", "revops", "champion", 0, 0)
	a.people("procurement:influencer", "legal:influencer", "it:technical_owner", "finance:decision_maker")
	proc := a.byPersona("procurement")
	legal := a.byPersona("legal")

	closeIn := b.thisMonth(5)
	d := a.deal("Tidewater Insurance — Enterprise platform (200 seats)", "new", 140000, "contractsent", 90, closeIn, 0)
	a.path(86, 80, "pain_identified", "champion_identified", "why_now_established")
	a.move(d, 84, "appointmentscheduled", "qualifiedtobuy", "")
	a.move(d, 70, "qualifiedtobuy", "presentationscheduled", "")
	a.path(68, 48, "success_criteria_agreed", "economic_buyer_engaged", "technical_win", "mutual_action_plan")
	a.path(35, 30, "business_case_approved", "exec_sponsor_met")
	a.move(d, 35, "presentationscheduled", "decisionmakerboughtin", "Business case approved")
	a.change(d, 15, 16, "amount", "120000", "140000", "Added 40 seats for the claims team", sofia)
	a.change(d, 15, 16, "seats", "160", "200", "Added 40 seats for the claims team", sofia)
	a.ms("security_review_passed", 14, "")
	msa := a.say("email", false, legal, 9, 15, "MSA attached for your review; happy to walk through any redlines.")
	a.wait(d, "us", "MSA redlines from Tidewater legal", 9, 0, msa)
	form := a.say("email", true, proc, 5, 14, "Please complete our vendor onboarding form; procurement sign-off follows once it's in.")
	a.wait(d, "customer", "Completed vendor onboarding form", 5, 0, form)
	a.promise(d, "us", sofia.email, proc.rec.Name, "Return Tidewater's vendor onboarding form", b.date(2), 5, 0, form)
	a.promise(d, "customer", proc.rec.Name, sofia.name, "Procurement sign-off", b.date(6), 5, 0, form)
	a.move(d, 1, "decisionmakerboughtin", "contractsent", "Order form sent after the procurement call")
}

// Owner changed with a reason; closing this month.
func (b *builder) ridgeback() {
	a := b.account(acctSpec{name: "Ridgeback Security", key: "ridgeback", segment: "mid_market", owner: sofia, created: 70, rate: 3.5})
	a.prevOwner, a.ownerSince = jordan, 30
	a.people("revops:champion", "exec:economic_buyer", "it:technical_owner", "end_user:user")
	d := a.deal("Ridgeback Security — Platform (30 seats)", "new", 26000, "decisionmakerboughtin", 65, b.thisMonth(12), 0)
	a.ms("pain_identified", 62, "")
	a.ms("champion_identified", 60, "")
	a.move(d, 58, "appointmentscheduled", "qualifiedtobuy", "")
	a.ms("why_now_established", 55, "")
	a.move(d, 45, "qualifiedtobuy", "presentationscheduled", "")
	a.ms("demo_held", 45, "")
	a.ms("success_criteria_agreed", 38, "")
	const why = "Territory realignment: the West region moves to Sofia"
	a.change(nil, 30, 14, "owner", jordan.email, sofia.email, why, dana)
	a.change(d, 30, 14, "owner", jordan.email, sofia.email, why, dana)
	a.ms("economic_buyer_engaged", 20, "")
	a.move(d, 20, "presentationscheduled", "decisionmakerboughtin", "Economic buyer approved the budget")
}

func (b *builder) bluefin() {
	a := b.account(acctSpec{name: "Bluefin Payroll", key: "bluefin", segment: "mid_market", owner: maya, created: 50, rate: 3})
	a.people("revops:champion", "exec:economic_buyer", "finance:influencer", "it:technical_owner")
	d := a.deal("Bluefin Payroll — Platform (35 seats)", "new", 30000, "presentationscheduled", 45, 45, 0)
	a.path(40, 30, "pain_identified", "champion_identified", "why_now_established")
	a.move(d, 35, "appointmentscheduled", "qualifiedtobuy", "Discovery done; pain confirmed")
	a.move(d, 1, "qualifiedtobuy", "presentationscheduled", "")
}

// Close date passed while the deal is still open; our promise overdue.
func (b *builder) oakridge() {
	a := b.account(acctSpec{name: "Oakridge Credit Union", key: "oakridge", segment: "enterprise", owner: sofia, created: 100, rate: 2})
	a.people("exec:economic_buyer", "revops:champion", "it:technical_owner", "procurement:influencer", "legal:influencer")
	champ := a.byRole("champion")
	d := a.deal("Oakridge Credit Union — Enterprise platform (120 seats)", "new", 95000, "presentationscheduled", 95, -8, 0)
	a.ms("pain_identified", 88, "")
	a.ms("champion_identified", 85, "")
	a.move(d, 80, "appointmentscheduled", "qualifiedtobuy", "")
	a.move(d, 60, "qualifiedtobuy", "presentationscheduled", "")
	a.push(d, 40, -25, -8, "Board meeting moved to later in the month")
	ask := a.say("message", true, champ, 9, 15, "Could you send revised pricing with a three-year option? Our board wants to compare.")
	a.promise(d, "us", sofia.email, champ.rec.Name, "Send revised pricing with a three-year option", b.date(-2), 9, 0, ask)
	a.wait(d, "customer", "Revised pricing with a three-year option", 9, 0, ask)
}

func (b *builder) halcyon() {
	a := b.account(acctSpec{name: "Halcyon Media", key: "halcyon", segment: "mid_market", owner: jordan, created: 35, rate: 2.5})
	a.people("exec:economic_buyer", "revops:champion", "end_user:user")
	d := a.deal("Halcyon Media — Platform (25 seats)", "new", 24000, "qualifiedtobuy", 30, 55, 0)
	a.ms("pain_identified", 20, "")
	a.move(d, 18, "appointmentscheduled", "qualifiedtobuy", "")
}

func (b *builder) lumen() {
	a := b.account(acctSpec{name: "Lumen Freight", key: "lumen", segment: "mid_market", owner: maya, created: 14, rate: 3})
	a.people("revops:champion", "exec:decision_maker", "end_user:user")
	a.deal("Lumen Freight — Platform (30 seats)", "new", 28000, "appointmentscheduled", 12, 70, 0)
}

func (b *builder) parcelwise() {
	a := b.account(acctSpec{name: "Parcelwise", key: "parcelwise", segment: "smb", owner: jordan, created: 22, rate: 2.5})
	a.people("exec:economic_buyer", "revops:champion", "end_user:user")
	a.deal("Parcelwise — Team plan (12 seats)", "new", 6000, "appointmentscheduled", 18, b.thisMonth(14), 0)
	a.ms("signup", 20, "")
	a.ms("activation_moment", 14, "")
}

func (b *builder) ferngrove() {
	a := b.account(acctSpec{name: "Ferngrove Foods", key: "ferngrove", segment: "smb", owner: sofia, created: 95, rate: 2, quiet: 46})
	a.people("exec:economic_buyer", "revops:champion", "end_user:user")
	d := a.deal("Ferngrove Foods — Team plan (10 seats)", "new", 4800, "closedlost", 88, 0, 45)
	a.ms("signup", 86, "")
	a.ms("activation_moment", 80, "")
	a.move(d, 70, "appointmentscheduled", "presentationscheduled", "")
	a.say("email", true, a.byRole("economic_buyer"), 47, 15, "Thanks for your time — we've decided to go with a cheaper tool for now.")
	a.move(d, 45, "presentationscheduled", "closedlost", "Chose a cheaper tool")
}

func (b *builder) copperleaf() {
	a := b.account(acctSpec{name: "Copperleaf Energy", key: "copperleaf", segment: "mid_market", owner: maya, created: 90, rate: 3, quiet: 19})
	a.people("revops:champion", "exec:economic_buyer", "it:technical_owner", "cs_lead:user")
	d := a.deal("Copperleaf Energy — Platform (40 seats)", "new", 32000, "closedlost", 85, 0, 20)
	a.ms("pain_identified", 80, "")
	a.ms("champion_identified", 78, "")
	a.move(d, 78, "appointmentscheduled", "qualifiedtobuy", "")
	a.ms("demo_held", 60, "")
	a.move(d, 60, "qualifiedtobuy", "presentationscheduled", "")
	a.say("message", true, a.byRole("economic_buyer"), 21, 15, "We've decided to build this in-house for now. Thanks for all the help.")
	a.move(d, 20, "presentationscheduled", "closedlost", "Decided to build it in-house")
}
