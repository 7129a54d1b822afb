package eval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/llm/cue"
	"github.com/journeyhq/journey/internal/template"
)

// Run runs m over every conversation of ds as the bot would (batches in
// order, messages the prefilter lets through, the open commitments and
// waiting-on items known so far) and scores what it finds against the
// labels. It stops at the first error of the model.
func Run(ctx context.Context, m journey.ConversationModel, ds Dataset) (Report, error) {
	r := newReport(m.Name())
	def, ok := template.BuiltinByKey(ds.Template)
	if !ok {
		return r, fmt.Errorf("eval: no journey template %q", ds.Template)
	}
	for _, c := range ds.Conversations {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		if err := runConversation(ctx, m, ds, def, c, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// found is what the model found in one message.
type found struct {
	commitments  []journey.FoundCommitment
	waits        []journey.FoundWait
	milestones   []journey.FoundMilestone
	stakeholders []journey.FoundStakeholder
	fulfilled    []journey.FoundFulfilment
}

// fileFindings gives each finding of one kind (what slot holds of a
// message's findings) to the message of the batch it cites, found through
// at; a finding that cites no message of the batch counts as predicted in
// kind's score.
func fileFindings[T any](r *Report, kind string, xs []T, at func(ts string) *found, messageTS func(T) string, slot func(*found) *[]T) {
	for _, x := range xs {
		if f := at(messageTS(x)); f != nil {
			*slot(f) = append(*slot(f), x)
		} else {
			r.score(kind).Predicted++
		}
	}
}

func runConversation(ctx context.Context, m journey.ConversationModel, ds Dataset, def journey.Definition, c Conversation, r *Report) error {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return fmt.Errorf("eval: %s: %w", c.ID, err)
	}
	users := ds.users(c)
	speakers := map[string]journey.Speaker{}
	for id, u := range users {
		speakers[id] = journey.Speaker{ID: id, Name: u.Name, Side: journey.Side(u.Side), TZ: u.TZ}
	}
	var refs []journey.MilestoneRef
	for _, k := range c.Milestones {
		ms, _, ok := def.Milestone(k)
		if !ok {
			return fmt.Errorf("eval: %s: milestone %q is not in journey %s", c.ID, k, ds.Template)
		}
		refs = append(refs, journey.MilestoneRef{Key: ms.Key, Name: ms.Name, Evidence: append([]string(nil), ms.Evidence...)})
	}
	var open []journey.Commitment
	for _, o := range c.Open {
		cm := journey.Commitment{ID: o.ID, Side: journey.Side(o.Side), OwnerID: o.Owner, OwnerName: users[o.Owner].Name,
			Counterpart: o.Counterpart, What: o.What, Status: journey.CommitmentOpen}
		if o.Due != "" {
			cm.DueAt = parseDate(o.Due)
		}
		open = append(open, cm)
	}
	var openW []journey.WaitItem
	for _, o := range c.OpenWaiting {
		openW = append(openW, journey.WaitItem{ID: o.ID, Waiter: journey.Side(o.Waiter), What: o.What, Since: parseDate(o.Since)})
	}
	msgs := make([]journey.Message, len(c.Messages))
	index := map[string]int{}
	for i, em := range c.Messages {
		at, err := parseAt(em.At, loc)
		if err != nil {
			return fmt.Errorf("eval: %s#%d: %w", c.ID, i, err)
		}
		ts := fmt.Sprintf("%d.%06d", at.Unix(), i+1)
		msgs[i] = journey.Message{TS: ts, User: em.User, Text: em.Text, Channel: c.Channel, At: at}
		index[ts] = i
	}
	r.Conversations++
	r.Messages += len(c.Messages)
	sideOf := func(p string) journey.Side {
		if p == "us" || p == "customer" {
			return journey.Side(p)
		}
		return journey.Side(users[p].Side)
	}
	newID := 0
	for start := 0; start < len(c.Messages); {
		end := start
		for end < len(c.Messages) && c.Messages[end].Batch == c.Messages[start].Batch {
			end++
		}
		got := make([]found, end-start)
		var send []journey.Message
		for i := start; i < end; i++ {
			if cue.MayMatter(msgs[i].Text) {
				send = append(send, msgs[i])
			}
		}
		r.Sent += len(send)
		if len(send) > 0 {
			in := journey.AnalysisInput{
				Account: c.Account, Messages: send, Speakers: speakers, Now: send[len(send)-1].At.Add(time.Minute),
				TZ: loc, Milestones: refs, Open: append([]journey.Commitment(nil), open...),
				OpenWaiting: append([]journey.WaitItem(nil), openW...),
			}
			an, u, err := m.Analyze(ctx, in)
			if err != nil {
				return fmt.Errorf("eval: %s batch %d: %w", c.ID, c.Messages[start].Batch, err)
			}
			r.Usage = r.Usage.Add(u)
			at := func(ts string) *found {
				if i, ok := index[ts]; ok && i >= start && i < end {
					return &got[i-start]
				}
				r.stray++
				r.Mistakes = append(r.Mistakes, fmt.Sprintf("%s: finding for a message not in the batch (%q)", c.ID, ts))
				return nil
			}
			fileFindings(r, "commitments", an.Commitments, at, func(x journey.FoundCommitment) string { return x.MessageTS },
				func(f *found) *[]journey.FoundCommitment { return &f.commitments })
			fileFindings(r, "waiting-on", an.WaitingOn, at, func(x journey.FoundWait) string { return x.MessageTS },
				func(f *found) *[]journey.FoundWait { return &f.waits })
			fileFindings(r, "milestones", an.Milestones, at, func(x journey.FoundMilestone) string { return x.MessageTS },
				func(f *found) *[]journey.FoundMilestone { return &f.milestones })
			fileFindings(r, "stakeholders", an.Stakeholders, at, func(x journey.FoundStakeholder) string { return x.MessageTS },
				func(f *found) *[]journey.FoundStakeholder { return &f.stakeholders })
			fileFindings(r, "fulfilments", an.Fulfilled, at, func(x journey.FoundFulfilment) string { return x.MessageTS },
				func(f *found) *[]journey.FoundFulfilment { return &f.fulfilled })
		}
		// Score, then carry what the model found into the next batches as
		// the bot would store it: fulfilled items close, new ones open
		// (with the label's id when they match a labelled item).
		for i := start; i < end; i++ {
			f := got[i-start]
			where := fmt.Sprintf("%s#%d", c.ID, i)
			cids, wids := r.scoreMessage(where, c.Messages[i], f)
			for _, x := range f.fulfilled {
				open = without(open, x.CommitmentID, func(c journey.Commitment) string { return c.ID })
				openW = without(openW, x.WaitID, func(w journey.WaitItem) string { return w.ID })
			}
			for k, x := range f.commitments {
				id := cids[k]
				if id == "" {
					newID++
					id = fmt.Sprintf("%s-found-%d", c.ID, newID)
				}
				open = append(open, journey.Commitment{ID: id, Side: sideOf(x.Owner), OwnerID: x.Owner, OwnerName: users[x.Owner].Name,
					Counterpart: x.Counterpart, What: x.What, DueAt: x.Due, Status: journey.CommitmentOpen, CreatedAt: msgs[i].At})
			}
			for k, x := range f.waits {
				id := wids[k]
				if id == "" {
					newID++
					id = fmt.Sprintf("%s-found-%d", c.ID, newID)
				}
				openW = append(openW, journey.WaitItem{ID: id, Waiter: sideOf(x.Waiter), What: x.What, Since: msgs[i].At})
			}
		}
		start = end
	}
	return nil
}

// without returns xs less the items whose id (as id reads it) is drop, in a
// new slice; an empty drop leaves xs as it is.
func without[T any](xs []T, drop string, id func(T) string) []T {
	if drop == "" {
		return xs
	}
	out := xs[:0:0]
	for _, x := range xs {
		if id(x) != drop {
			out = append(out, x)
		}
	}
	return out
}

// scoreField scores in s one field of a labelled item paired with a found
// one: right when the two agree, else a mistake under name.
func (r *Report) scoreField(s *Score, where, name, what, labelled, found string) {
	s.Predicted++
	s.Expected++
	if labelled == found {
		s.Correct++
	} else {
		r.mistake(where, name, fmt.Sprintf("%q: labelled %q, found %q", what, labelled, found))
	}
}

// scoreMessage compares what the model found in one message with the
// labels. It returns, for each found commitment and wait, the id of the
// labelled item it matched ("" when none or when the label has no id).
func (r *Report) scoreMessage(where string, em Message, f found) (cids, wids []string) {
	// Commitments.
	cids = make([]string, len(f.commitments))
	same, cross := pairCommitments(em.Commitments, f.commitments)
	det, owner, cp, due, dated := r.score("commitments"), r.score("commitment owner"), r.score("commitment counterpart"), r.score("commitment due"), r.score("commitment due (dated)")
	det.Predicted += len(f.commitments)
	det.Expected += len(em.Commitments)
	det.Correct += len(same)
	owner.Predicted += len(same) + len(cross)
	owner.Expected += len(same) + len(cross)
	owner.Correct += len(same)
	matchedE, matchedP := map[int]bool{}, map[int]bool{}
	for _, p := range same {
		e, x := em.Commitments[p.e], f.commitments[p.p]
		matchedE[p.e], matchedP[p.p] = true, true
		cids[p.p] = e.ID
		r.scoreField(cp, where, "commitment counterpart", e.What, e.Counterpart, x.Counterpart)
		due.Predicted++
		due.Expected++
		gotDue := ""
		if !x.Due.IsZero() {
			gotDue = x.Due.Format("2006-01-02")
			dated.Predicted++
		}
		if e.Due != "" {
			dated.Expected++
		}
		if gotDue == e.Due {
			due.Correct++
			if e.Due != "" {
				dated.Correct++
			}
		} else {
			r.mistake(where, "commitment due", fmt.Sprintf("%q: labelled %q, found %q", e.What, e.Due, gotDue))
		}
	}
	for _, p := range cross {
		e, x := em.Commitments[p.e], f.commitments[p.p]
		matchedE[p.e], matchedP[p.p] = true, true
		r.mistake(where, "commitment owner", fmt.Sprintf("%q: labelled %q, found %q (%q)", e.What, e.Owner, x.Owner, x.What))
	}
	for i, e := range em.Commitments {
		if !matchedE[i] {
			r.mistake(where, "commitments", fmt.Sprintf("missed %s → %s %q due %q", e.Owner, e.Counterpart, e.What, e.Due))
		}
	}
	for i, x := range f.commitments {
		if !matchedP[i] {
			r.mistake(where, "commitments", fmt.Sprintf("extra %s → %s %q due %s", x.Owner, x.Counterpart, x.What, dateOrNone(x.Due)))
		}
	}

	// Waits.
	wids = make([]string, len(f.waits))
	wsame, wcross := pairWaits(em.WaitingOn, f.waits)
	wd, won := r.score("waiting-on"), r.score("waiting-on on")
	wd.Predicted += len(f.waits)
	wd.Expected += len(em.WaitingOn)
	wd.Correct += len(wsame)
	matchedE, matchedP = map[int]bool{}, map[int]bool{}
	for _, p := range wsame {
		e, x := em.WaitingOn[p.e], f.waits[p.p]
		matchedE[p.e], matchedP[p.p] = true, true
		wids[p.p] = e.ID
		r.scoreField(won, where, "waiting-on on", e.What, e.On, x.On)
	}
	for _, p := range wcross {
		e, x := em.WaitingOn[p.e], f.waits[p.p]
		matchedE[p.e], matchedP[p.p] = true, true
		r.mistake(where, "waiting-on", fmt.Sprintf("%q: labelled waiter %q, found %q", e.What, e.Waiter, x.Waiter))
	}
	for i, e := range em.WaitingOn {
		if !matchedE[i] {
			r.mistake(where, "waiting-on", fmt.Sprintf("missed %s waits on %s for %q", e.Waiter, e.On, e.What))
		}
	}
	for i, x := range f.waits {
		if !matchedP[i] {
			r.mistake(where, "waiting-on", fmt.Sprintf("extra %s waits on %s for %q", x.Waiter, x.On, x.What))
		}
	}

	// Milestones.
	var gotMs []string
	for _, x := range f.milestones {
		gotMs = append(gotMs, x.Milestone)
	}
	r.scoreSet(where, "milestones", em.Milestones, gotMs)

	// Stakeholders.
	sd, sn := r.score("stakeholders"), r.score("stakeholder names")
	sd.Predicted += len(f.stakeholders)
	sd.Expected += len(em.Stakeholders)
	sn.Predicted += len(f.stakeholders)
	sn.Expected += len(em.Stakeholders)
	usedP := map[int]bool{}
	for _, e := range em.Stakeholders {
		best := -1
		for j, x := range f.stakeholders {
			if usedP[j] || !sameName(e.Name, x.Name) {
				continue
			}
			if best < 0 || (string(x.Role) == e.Role && string(f.stakeholders[best].Role) != e.Role) {
				best = j
			}
		}
		if best < 0 {
			r.mistake(where, "stakeholders", fmt.Sprintf("missed %s (%s)", e.Name, roleLabel(e.Role)))
			continue
		}
		usedP[best] = true
		sn.Correct++
		if x := f.stakeholders[best]; string(x.Role) == e.Role {
			sd.Correct++
		} else {
			r.mistake(where, "stakeholders", fmt.Sprintf("%s: labelled %s, found %s", e.Name, roleLabel(e.Role), roleLabel(string(x.Role))))
		}
	}
	for j, x := range f.stakeholders {
		if !usedP[j] {
			r.mistake(where, "stakeholders", fmt.Sprintf("extra %s (%s)", x.Name, roleLabel(string(x.Role))))
		}
	}

	// Fulfilments.
	var want, gotF []string
	for _, id := range em.Fulfils {
		want = append(want, "commitment "+id)
	}
	for _, id := range em.Resolves {
		want = append(want, "wait "+id)
	}
	for _, x := range f.fulfilled {
		if x.CommitmentID != "" {
			gotF = append(gotF, "commitment "+x.CommitmentID)
		}
		if x.WaitID != "" {
			gotF = append(gotF, "wait "+x.WaitID)
		}
	}
	r.scoreSet(where, "fulfilments", want, gotF)
	return cids, wids
}

// scoreSet scores labelled and found keys of one message as sets.
func (r *Report) scoreSet(where, field string, want, got []string) {
	s := r.score(field)
	w, g := dedupe(want), dedupe(got)
	s.Expected += len(w)
	s.Predicted += len(g)
	for _, k := range g {
		if contains(w, k) {
			s.Correct++
		} else {
			r.mistake(where, field, "extra "+k)
		}
	}
	for _, k := range w {
		if !contains(g, k) {
			r.mistake(where, field, "missed "+k)
		}
	}
}

type pair struct{ e, p int }

// scored is a candidate pair and how well it matches.
type scored struct {
	pair
	score int
}

// pairCommitments pairs labelled and found commitments of one message:
// first those with the same owner (preferring the same due date, then
// shared words), then the rest regardless of owner.
func pairCommitments(exp []Commitment, got []journey.FoundCommitment) (same, cross []pair) {
	return pairItems(len(exp), len(got),
		func(i, j int) bool { return exp[i].Owner == got[j].Owner },
		func(i, j int) bool { return exp[i].Due == dateOrEmpty(got[j].Due) },
		func(i, j int) int { return overlap(exp[i].What, got[j].What) })
}

// pairWaits pairs labelled and found waits of one message, by waiter first.
func pairWaits(exp []Wait, got []journey.FoundWait) (same, cross []pair) {
	return pairItems(len(exp), len(got),
		func(i, j int) bool { return exp[i].Waiter == got[j].Waiter },
		func(i, j int) bool { return exp[i].On == got[j].On },
		func(i, j int) int { return overlap(exp[i].What, got[j].What) })
}

// pairItems pairs ne labelled items with np found ones: first those of the
// same party (scored by shared words, more when closer says they agree on
// more), then the rest by shared words alone.
func pairItems(ne, np int, sameParty, closer func(e, p int) bool, words func(e, p int) int) (same, cross []pair) {
	var cs []scored
	for i := range ne {
		for j := range np {
			if sameParty(i, j) {
				s := 100 + words(i, j)
				if closer(i, j) {
					s += 50
				}
				cs = append(cs, scored{pair{i, j}, s})
			}
		}
	}
	same = greedy(ne, np, cs, nil)
	cs = cs[:0]
	for i := range ne {
		for j := range np {
			cs = append(cs, scored{pair{i, j}, words(i, j)})
		}
	}
	return same, greedy(ne, np, cs, same)
}

// greedy picks pairs, best score first, each item used once and none of
// the items already paired in taken.
func greedy(ne, np int, cs []scored, taken []pair) []pair {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].score > cs[j].score })
	usedE, usedP := make([]bool, ne), make([]bool, np)
	for _, t := range taken {
		usedE[t.e], usedP[t.p] = true, true
	}
	var out []pair
	for _, c := range cs {
		if usedE[c.e] || usedP[c.p] {
			continue
		}
		usedE[c.e], usedP[c.p] = true, true
		out = append(out, c.pair)
	}
	return out
}

// overlap counts the words two descriptions share, ignoring small words.
func overlap(a, b string) int {
	wa := words(a)
	n := 0
	for w := range words(b) {
		if wa[w] {
			n++
		}
	}
	return n
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		switch w {
		case "the", "a", "an", "our", "your", "their", "of", "for", "and", "to", "on", "with", "in":
			continue
		}
		out[strings.TrimSuffix(w, "s")] = true
	}
	return out
}

// sameName reports whether a found name is the labelled person: equal, or
// the same first name.
func sameName(want, got string) bool {
	w, g := strings.Fields(norm(want)), strings.Fields(norm(got))
	return len(w) > 0 && len(g) > 0 && w[0] == g[0]
}

func roleLabel(r string) string {
	if r == "" {
		return "role unknown"
	}
	return r
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func dateOrNone(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.Format("2006-01-02")
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
