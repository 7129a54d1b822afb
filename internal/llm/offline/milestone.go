package offline

import (
	"regexp"
	"strings"
	"sync"

	"github.com/journeyhq/journey/internal/journey"
)

// milestoneRule says how a milestone shows in words.
type milestoneRule struct {
	re       *regexp.Regexp
	future   bool // said as a promise all the same ("we're going to renew")
	customer bool // only the customer can say it
	us       bool // only we can say it ("the proposal is attached")
}

func rule(re string) milestoneRule { return milestoneRule{re: regexp.MustCompile(re)} }

// milestoneRules are the usual wordings of the built-in journeys'
// milestones, by key. Others are matched by their name.
var milestoneRules = map[string][]milestoneRule{
	"success_criteria_agreed": {rule(`\b(confirmed|agreed|signed off)\b[^.]*\bsuccess\s*(=|\bis\b|\bmeans\b|\blooks like\b)|\bsuccess (criteria|metrics|plan)\b.*\b(agreed|signed off|confirmed|approved|final|finalized|finalised|locked|nailed down|aligned|settled|in writing)\b|\b(agreed|aligned|signed off|settled|confirmed|locked in|nailed down)\b.*\bsuccess (criteria|metrics)\b`)},
	"kickoff_held":            {rule(`\bkick-?\s?off\b.*\b(held|went|done|happened|complete|completed|wrapped|was great)\b|\b(great|productive|good|successful|solid) kick-?\s?off\b|\b(had|held|did|ran|wrapped) (the |our )?kick-?\s?off\b|\bthanks? (you )?for (running |hosting |leading )?(the |a |today's )?(great |productive )?kick-?\s?off\b`)},
	"demo_held":               {rule(`\b(loved|liked|enjoyed) the demo\b|\bdemo\b.*\b(done|held|went|happened|complete|completed)\b|\b(great|productive|good|solid) demo\b|\b(had|held|did|ran|gave|delivered) (the |our |a )?demo\b|\bthanks? (you )?for (the |a |today's )?(great )?demo\b`)},
	"proposal_sent": {
		{re: regexp.MustCompile(`\b(proposal|order form)\b.*\b(sent|went out|is out|are out|in docusign|delivered|attached|shared|on its way|in your inbox)\b|\b(sent|attached|shared|attaching)\b.*\b(proposal|order form)\b`), us: true},
		{re: regexp.MustCompile(`\b(received|got|have) (the |your )?(proposal|order form)\b|\b(proposal|order form)\b.*\b(received|arrived|came through)\b`), customer: true},
	},
	"security_review_passed":  {rule(`\b(security|infosec)( team)? (accepted|approved|signed off|cleared)\b|\bsecurity (review|questionnaire|assessment)\b.*\b(passed|approved|complete|completed|done|cleared|signed off|accepted)\b|\b(passed|cleared) (the )?security\b|\bsecurity (team )?(is |are )?(satisfied|happy)\b|\b(soc ?2|dpa)\b.*\b(shared|attached|is in the data room)\b|\bhere is (the |our )?(soc ?2|dpa)\b|\b(infosec|security) (has |have )?(signed off|approved)\b`)},
	"legal_redlines_resolved": {rule(`\b(that is|that's) legal done\b|\blegal is done\b|\bredlines (are )?(done|closed)\b|\bredlines?\b.*\b(agreed|resolved|final|settled|closed|accepted|done|signed off)\b|\bno (more |further )?(redlines|comments|changes)\b|\b(legal|counsel) (is|are) (fine|happy|ok|okay|good) with\b|\bexecution (version|versions|copy|copies)\b|\b(legal|counsel) (has |have )?(signed off|approved)\b`)},
	"contract_signed":         {rule(`\bcountersigned\b|\bfully executed\b|\b(envelope|docusign)\b.*\bcomplete(d)?\b|\b(contract|order form|msa|agreement|paperwork)\b.*\b(is |are |has been |was )(signed|executed)\b|\bclosed won\b`)},
	"economic_buyer_engaged":  {rule(`\b(cfo|budget holder|economic buyer|vp finance|finance)\b.*\b(joined|attended|was on|replied|approved|signed off|asked for (pricing|a quote|payment terms|the price))\b|\bbudget (is |has been |was )?(approved|confirmed|signed off)\b|\bapproved the budget\b`)},
	"pain_identified":         {rule(`\b(lose|losing|lost|waste|wasting|spend|spending|spent)\s+(about |around |~|over |almost |nearly )?\d+\s+(hours|days)\b|\bcosting (us|them)\b|\bmissed (the |our |their )?(q\d )?(forecast|target|number|quota)\b|\brevenue at risk\b|\b(off|wrong|miss(ed)?) by (about |around |~)?\d+`)},
	"why_now_established":     {rule(`\bwhy now\b|\b(contract|license|subscription)\b.*\b(ends|expires|is up|runs out)\b|\bnew (cro|ceo|cfo|vp|leader|head)\b|\bfunding round\b|\braised (a |our )?series\b|\bbefore (the |their |our )?(new )?(fiscal year|fy|financial year|board meeting)\b|\blive (by|before) (q\d|the end|end of|january|february|march|april|may|june|july|august|september|october|november|december)\b`)},
	"champion_identified": {
		rule(`\b(agreed|offered|volunteered) to (run|lead|champion|drive|own) (the )?(evaluation|eval|this|it|project)\b|\bis (our|the|their) champion\b`),
		{re: regexp.MustCompile(`\b(is|'s|will be|is going to be|'s going to be) (our|the) (internal )?champion\b`), future: true},
	},
	"handoff_meeting_held": {rule(`\bhand-?\s?off (meeting|call)?\b.*\b(held|done|happened|went|complete|completed)\b|\b(had|held|did) (the |our )?hand-?\s?off\b`)},
	"handoff_doc_complete": {rule(`\bhand-?\s?off (doc|document)\b.*\b(complete|completed|done|filled|finished)\b`)},
	"admin_configured":     {rule(`\b(sso|scim|saml|okta|provisioning|integration|connector|sync)\b[^.]{0,40}\b(is|are|was|has been|now)?\s*(live|working|works|worked|configured|set up|enabled|connected|syncing|synced)\b|\b(accounts|users|seats|admins?) (are |were |have been )?(all )?(provisioned|synced)\b|\badmin (accounts|setup) (are |is )?(created|done|complete)\b`)},
	"users_trained":        {rule(`\btraining\b.*\b(done|complete|completed|held|went|wrapped|finished|delivered)\b|\b\d+ of \d+ .*\b(attended|trained|completed)\b|\bcompletion (rate )?(is )?(at )?\d+%|\b(are|were|have been|all) trained\b`)},
	"first_value":          {rule(`\binstead of (the |our )?(old )?(spreadsheets?|excel|sheets|manual process)\b|\bcame (straight )?out of (the |our )?(dashboard|app|tool|product|platform)\b|\b(ran|run|came|built|pulled) (entirely |straight |right |directly )?(off|out of|from) (the |our )?(dashboard|app|tool|platform|product)\b|\bfirst time (we|i) (did not|do not|no longer)\b|\bfirst (forecast|report|pipeline review)\b.*\b(ran|built|came|out of|from)\b|\b(saved|saving) (us|me) (\d+ )?(hours|days|time)\b|\b(huge|big|real) time ?saver\b`)},
	"onboarding_survey":    {rule(`\b(survey|nps)\b.*\b(filled|returned|submitted|completed|done)\b|\b(filled out|filled in|completed|submitted|returned|did) (the |your |our )?(onboarding )?(survey|nps)\b|\bgave (you|us|it) an? (\d+|nine|ten|eight)\b`)},
	"first_qbr_held":       {rule(`\bqbr\b.*\b(held|done|went|happened|complete|completed)\b|\b(great|productive|good|useful) qbr\b|\b(had|held|did|ran) (the |our |a )?(first |q\d )?qbr\b|\bthanks? (you )?for (the |a |today's )?(great |productive |useful )?qbr\b`)},
	"adoption_target_met":  {rule(`\badoption (is |rate is |rate )?(at |above |over )?\d+%|\b(hit|reached|met|exceeded|beat) (the |our )?(adoption )?target\b|\bactive users (are )?(at|above) \d+%`)},
	"expansion_need_identified": {
		{re: regexp.MustCompile(`\b(need|want|looking to add|add|adding)\b.*\b(more|another|extra|additional) (\d+ )?(seats|licenses|users)\b|\b(team|org|department|group) (wants|want|needs|need) (in|access)\b|\b\d+ of \d+ seats\b|\banother \d+ seats\b|\bexpansion to\b|\bmore seats\b`), future: true, customer: true},
	},
	"expansion_sponsor_confirmed": {
		{re: regexp.MustCompile(`\b(i|we) (will|am|are) (\w+ )?sponsor(ing)?\b|\bsponsoring (the )?(expansion|rollout)\b|\b(agreed|agrees) to sponsor\b|\bwill sponsor\b`), future: true, customer: true},
	},
	"ebr_held": {rule(`\b(ebr|executive business review)\b.*\b(held|today|went|done|happened|useful|great|productive)\b|\b(great|useful|productive|good) (ebr|executive business review)\b|\bthanks? (you )?for (the |a |today's )?(great |useful )?(ebr|executive business review)\b`)},
	"renewal_verbal": {
		{re: regexp.MustCompile(`\b(we are|we will|we have decided to) (going to )?renew\b|\bwe are going to renew\b|\bverbal (yes|commitment)\b|\bcommitment to renew\b|\bcount on us for (another|\d+|one|two|three)\b|\b(renew|sign|in) for another (\d+|one|two|three|year)\b`), future: true, customer: true},
		{re: regexp.MustCompile(`\b(po|purchase order)\b.{0,24}\b(issued|raised|cut|approved)\b|\b(issued|raised|cut) (the |a |our )?(po|purchase order)\b|\brenewal quote (is )?(accepted|approved)\b|\bbudget (is )?confirmed for the renewal\b`), customer: true},
	},
	"reference_given":        {{re: regexp.MustCompile(`\b(happy|glad|agreed|willing|agree) to (be|act as) (a )?reference\b|\b(happy|glad|agreed|willing|agree) to (take|do|join|hop on) (a )?reference call\b|\breference call\b.*\b(took|did|done|held|went)\b|\b(posted|left|wrote) (a |our )?review\b|\breview on (g2|capterra)\b`), customer: true}},
	"case_study_published":   {rule(`\bcase study\b.*\b(published|is live|went live|is out|is up)\b`)},
	"procurement_approved":   {rule(`\bprocurement\b.*\b(approved|signed off|cleared)\b|\b(po|purchase order)\b.*\b(is |was |has been )(issued|raised|cut|approved)\b`)},
	"payment_confirmed":      {rule(`\b(invoice|payment)\b.*\b(paid|received|processed|went through|cleared)\b`)},
	"renewal_confirmed":      {rule(`\brenewal\b.*\b(signed|confirmed|closed|done)\b|\brenewed\b`)},
	"mutual_action_plan":     {rule(`\b(mutual action plan|close plan)\b.*\b(agreed|signed off|confirmed|finalized|finalised)\b`)},
	"business_case_approved": {rule(`\bbusiness case\b.*\b(approved|signed off|accepted)\b`)},
	"technical_win":          {rule(`\b(technical win|poc|proof of concept|pilot|technical evaluation)\b.*\b(passed|succeeded|successful|approved|won|complete|completed)\b`)},
	"onboarding_plan_agreed": {rule(`\bonboarding (plan|timeline)\b.*\b(agreed|signed off|confirmed|approved)\b`)},
	"welcome_sent":           {rule(`\bwelcome (email|pack|kit)\b.*\b(sent|out)\b`)},
}

var (
	futureRe    = regexp.MustCompile(`\b(will|going to|planning|plan to|scheduled|booked for|let us|should|would|need to|hope|hoping|about to|tomorrow|once|when we|before we|next time)\b`)
	msNegRe     = regexp.MustCompile(`\b(not|never|no|yet|except|without|nobody|nothing)\b`)
	msNegOKRe   = regexp.MustCompile(`\bno (more |further )?(redlines|comments|changes)( from us)?\b|\bfirst time (we|i) (did not|do not|no longer)\b|\bno action needed\b`)
	pendingSign = regexp.MustCompile(`\b(on our side|for (the |your )?countersignature|for signature|to sign|waiting for|back with you|over to you|your turn)\b`)
	doneWords   = `held|done|complete|completed|agreed|signed|sent|passed|resolved|approved|confirmed|returned|given|published|reached|met|trained|identified|engaged|established|selected|configured|finished|accepted`
	genericRe   = regexp.MustCompile(`\b(` + doneWords + `|went|happened|finalized|finalised|live|in place)\b`)
)

// milestones finds the milestones a message shows done.
func (b *batch) milestones(m *message) {
	if len(b.in.Milestones) == 0 {
		return
	}
	seen := map[string]bool{}
	add := func(key string) {
		if !seen[key] {
			seen[key] = true
			b.out.Milestones = append(b.out.Milestones, journey.FoundMilestone{MessageTS: m.msg.TS, Milestone: key})
		}
	}
	for _, ref := range b.in.Milestones {
		if ref.Key == "economic_buyer_engaged" && b.eb[m.msg.User] {
			add(ref.Key) // the economic buyer speaks
		}
	}
	for _, s := range m.sentences {
		if s.question {
			continue
		}
		low := lower(s.text)
		if condRe.MatchString(politeCondRe.ReplaceAllString(low, "")) {
			continue
		}
		// Negation and tense are read in the clause that says it: "We won't
		// need the SOC 2 after all, our security team accepted your cert."
		var parts []string
		for _, c := range clauses(s.text) {
			for _, p := range msPartRe.Split(c.text, -1) {
				parts = append(parts, lower(p))
			}
		}
		for _, ref := range b.in.Milestones {
			rules, ok := milestoneRules[ref.Key]
			if !ok {
				rules = []milestoneRule{genericRule(ref)}
			}
			for _, rule := range rules {
				if rule.re == nil || !rule.re.MatchString(low) {
					continue
				}
				text := low
				for _, p := range parts {
					if rule.re.MatchString(p) {
						text = p
						break
					}
				}
				negated := msNegRe.MatchString(msNegOKRe.ReplaceAllString(text, " "))
				future := futureRe.MatchString(text)
				if negated || (future && !rule.future) || (rule.customer && m.side == journey.SideUs) || (rule.us && m.side == journey.SideCustomer) {
					continue
				}
				if ref.Key == "contract_signed" && pendingSign.MatchString(low) {
					continue
				}
				if ref.Key == "users_trained" && strings.Contains(low, "admin training") {
					continue // admins are not the users to train
				}
				add(ref.Key)
			}
		}
	}
}

var msPartRe = regexp.MustCompile(`,\s+|;\s+|\s+but\s+`)

var genericCache sync.Map // key|name → milestoneRule

// genericRule matches a milestone the rules do not know by its name: the
// words of its subject and a word saying it is done ("Mutual action plan
// agreed": "the mutual action plan is agreed").
func genericRule(ref journey.MilestoneRef) milestoneRule {
	if r, ok := genericCache.Load(ref.Key + "|" + ref.Name); ok {
		return r.(milestoneRule)
	}
	var subject []string
	for _, w := range strings.Fields(strings.ToLower(ref.Name)) {
		w = strings.Trim(w, ",.()")
		if regexp.MustCompile(`^(` + doneWords + `)$`).MatchString(w) {
			continue
		}
		switch w {
		case "", "first", "the", "a", "an", "of", "and", "at", "every", "all":
			continue
		}
		subject = append(subject, regexp.QuoteMeta(w))
	}
	var r milestoneRule
	if len(subject) > 0 {
		r.re = regexp.MustCompile(`\b` + strings.Join(subject, `\b.*\b`) + `\b.*` + genericRe.String())
	}
	genericCache.Store(ref.Key+"|"+ref.Name, r)
	return r
}
