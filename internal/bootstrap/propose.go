package bootstrap

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Source is the Source of a definition proposed from Slack history.
const Source = "bootstrap"

// Proposal builds the proposal from everything read so far. It can be
// called more than once.
func (s *Suggester) Proposal() Proposal {
	discussed := s.discussed()
	tmpl := s.nearest(discussed)
	order := s.arrange(discussed, tmpl)

	p := Proposal{Template: tmpl.Key, Messages: s.messages, People: len(s.people), Channels: slices.Clone(s.channels)}
	d := journey.Definition{Key: tmpl.Key, Name: tmpl.Name, Segments: slices.Clone(tmpl.Segments), WonStages: slices.Clone(tmpl.WonStages),
		LostStages: slices.Clone(tmpl.LostStages), Source: Source}
	d.Description = fmt.Sprintf("Proposed from %d messages by %d people in %s, mapped onto the %s template.",
		s.messages, len(s.people), channelList(s.channels), tmpl.Name)

	inProposal := map[string]bool{}
	for _, k := range order {
		inProposal[k] = true
	}
	usedCRM := map[string]bool{}
	usedMilestones := map[string]bool{}
	usedKeys := map[string]bool{}
	reentry := false
	for _, k := range order {
		c := s.concepts[k]
		isDiscussed := slices.Contains(discussed, k)
		st, ev := s.stage(k, c, isDiscussed, tmpl, inProposal)
		for usedKeys[st.Key] {
			st.Key += "_2"
		}
		usedKeys[st.Key] = true
		ev.Key = st.Key
		var crm []string
		for _, x := range st.CRMStages {
			id := x + fmt.Sprint(st.DealKinds)
			if !usedCRM[id] {
				usedCRM[id] = true
				crm = append(crm, x)
			}
		}
		st.CRMStages = crm
		if st.Reentry {
			if reentry {
				st.Reentry = false
			}
			reentry = true
		}
		var ms []journey.Milestone
		var mev []MilestoneEvidence
		for i, m := range st.Milestones {
			if usedMilestones[m.Key] {
				continue
			}
			usedMilestones[m.Key] = true
			ms = append(ms, m)
			mev = append(mev, ev.Milestones[i])
		}
		st.Milestones, ev.Milestones = ms, mev
		d.Stages = append(d.Stages, st)
		p.Stages = append(p.Stages, ev)
	}
	p.Definition = d
	p.Disagreements = s.disagreements(order)
	p.Notes = s.notes(discussed)
	return p
}

// discussed returns the stage concepts people wrote about: any in a stage
// list, and built-in stages named in process talk by two people or more.
func (s *Suggester) discussed() []string {
	var out []string
	for k, c := range s.concepts {
		switch {
		case c.known && (c.listed > 0 || len(s.mentions[k]) >= 2):
		case !c.known && c.listed > 0 && (c.strong || len(c.people) >= 2):
		default:
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// nearest picks the template sharing the most discussed stages, nudged by
// words typical of one motion; ties go to the default (saas-sales-led).
func (s *Suggester) nearest(discussed []string) journey.Definition {
	best, bestScore := -1, 0.0
	for i, t := range s.templates {
		score := 0.0
		for _, k := range discussed {
			if !s.concepts[k].known {
				continue
			}
			if t.StageIndex(k) >= 0 {
				score += 2
			} else {
				score--
			}
		}
		score += 0.5 * float64(min(s.cues[t.Key], 6))
		if t.Key == "saas-sales-led" {
			score += 0.1
		}
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return journey.Definition{Key: "journey", Name: "Journey"}
	}
	return s.templates[best]
}

func canonIndex(k string) int {
	if i := slices.Index(canonical, k); i >= 0 {
		return i
	}
	return -1
}

// arrange orders the discussed stages (built-in ones by the usual journey
// order, new ones after the stage people listed before them, then what the
// majority wrote), and puts the template's other stages in their places.
func (s *Suggester) arrange(discussed []string, tmpl journey.Definition) []string {
	var order []string
	var custom []string
	for _, k := range discussed {
		if s.concepts[k].known {
			order = append(order, k)
		} else {
			custom = append(custom, k)
		}
	}
	slices.SortFunc(order, func(a, b string) int { return cmp.Compare(canonIndex(a), canonIndex(b)) })
	slices.SortFunc(custom, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.concepts[b].listed, s.concepts[a].listed), strings.Compare(a, b))
	})
	for _, k := range custom {
		c := s.concepts[k]
		prev, best := "", 0
		for a, n := range c.after {
			if n > best || n == best && a < prev {
				prev, best = a, n
			}
		}
		if i := slices.Index(order, prev); i >= 0 {
			order = slices.Insert(order, i+1, k)
			continue
		}
		// no predecessor: by its mean place in the lists
		mean := c.posSum / float64(max(c.listed, 1))
		at := len(order)
		for i, o := range order {
			oc := s.concepts[o]
			if oc.posSum/float64(max(oc.listed, 1)) > mean {
				at = i
				break
			}
		}
		order = slices.Insert(order, at, k)
	}
	// the majority of lists decides between neighbours
	for pass := 0; pass < len(order); pass++ {
		swapped := false
		for i := 0; i+1 < len(order); i++ {
			a, b := order[i], order[i+1]
			if s.votes(b, a) > s.votes(a, b) {
				order[i], order[i+1] = b, a
				swapped = true
			}
		}
		if !swapped {
			break
		}
	}
	// the template's stages nobody discussed go where the template has them
	for _, st := range tmpl.Stages {
		if slices.Contains(order, st.Key) {
			continue
		}
		ci := canonIndex(st.Key)
		at := len(order)
		for i, o := range order {
			if oi := canonIndex(o); s.concepts[o] != nil && s.concepts[o].known && oi > ci {
				at = i
				break
			}
		}
		order = slices.Insert(order, at, st.Key)
	}
	return order
}

func (s *Suggester) votes(a, b string) int {
	if v := s.order[[2]string{a, b}]; v != nil {
		return v.n
	}
	return 0
}

// stage builds one stage of the proposal and its evidence.
func (s *Suggester) stage(k string, c *conceptStats, isDiscussed bool, tmpl journey.Definition, inProposal map[string]bool) (journey.Stage, StageEvidence) {
	var st journey.Stage
	ev := StageEvidence{Discussed: isDiscussed}
	if i := tmpl.StageIndex(k); i >= 0 {
		st = tmpl.Stages[i].Clone()
		ev.Template = st.Name
	} else if b, ok := s.stageOf[k]; ok {
		st = b.Clone()
		ev.Template = st.Name
	} else {
		st = journey.Stage{Key: k}
	}
	for i := range st.Milestones {
		ev.Milestones = append(ev.Milestones, MilestoneEvidence{Key: st.Milestones[i].Key})
	}
	if c == nil {
		if st.Name == "" {
			st.Name = niceName(strings.ReplaceAll(k, "_", " "))
		}
		return st, ev
	}
	// what people called it
	type nameCount struct {
		name string
		n    int
	}
	var names []nameCount
	for n, cnt := range c.names {
		names = append(names, nameCount{n, cnt})
	}
	slices.SortFunc(names, func(a, b nameCount) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.name, b.name)) })
	for _, n := range names {
		ev.Names = append(ev.Names, n.name)
	}
	if isDiscussed && len(names) > 0 {
		st.Name = niceName(names[0].name)
	}
	if st.Name == "" {
		st.Name = niceName(strings.ReplaceAll(k, "_", " "))
	}
	if owner := s.majority("owner:" + k); owner != "" {
		st.OwnerTeam = owner
	}
	if len(c.criteria) > 0 {
		st.ExitCriteria = slices.Clone(c.criteria)
	}
	ev.Refs = slices.Clone(c.refs)
	for p := range c.personas {
		ev.Personas = append(ev.Personas, p)
	}
	slices.Sort(ev.Personas)
	// known milestones: mark discussed, add personas
	for i := range st.Milestones {
		m := &st.Milestones[i]
		if ms, ok := c.mstones[m.Key]; ok {
			ev.Milestones[i].Discussed = true
			ev.Milestones[i].Refs = slices.Clone(ms.refs)
			m.Personas = addPersonas(m.Personas, ms.personas)
		}
	}
	// milestones of other built-in stages that are not in the proposal, and new ones
	var extra []string
	for key, ms := range c.mstones {
		if ms.isNew || slices.ContainsFunc(st.Milestones, func(m journey.Milestone) bool { return m.Key == key }) {
			continue
		}
		if inProposal[s.milestoneStage[key]] {
			continue // its own stage has it
		}
		extra = append(extra, key)
	}
	slices.Sort(extra)
	for _, key := range extra {
		ms := c.mstones[key]
		m := s.milestoneOf[key]
		m.Personas = addPersonas(slices.Clone(m.Personas), ms.personas)
		m.Evidence = slices.Clone(m.Evidence)
		st.Milestones = append(st.Milestones, m)
		ev.Milestones = append(ev.Milestones, MilestoneEvidence{Key: key, Discussed: true, Refs: slices.Clone(ms.refs)})
	}
	for _, key := range c.newOrder {
		ms := c.mstones[key]
		if slices.ContainsFunc(st.Milestones, func(m journey.Milestone) bool { return m.Key == key }) {
			continue
		}
		m := journey.Milestone{Key: key, Name: excerpt(ms.name, 80), Personas: addPersonas(nil, ms.personas)}
		if len(ms.refs) > 0 {
			m.Evidence = []string{ms.refs[0].Excerpt}
		}
		st.Milestones = append(st.Milestones, m)
		ev.Milestones = append(ev.Milestones, MilestoneEvidence{Key: key, Discussed: true, New: true, Refs: slices.Clone(ms.refs)})
	}
	return st, ev
}

func addPersonas(list []string, set map[string]bool) []string {
	var add []string
	for p := range set {
		if !slices.Contains(list, p) {
			add = append(add, p)
		}
	}
	slices.Sort(add)
	return append(list, add...)
}

// majority returns the claim most people made, or "".
func (s *Suggester) majority(id string) string {
	cs := s.claims[id]
	if cs == nil {
		return ""
	}
	best, n := "", 0
	for _, w := range cs.order {
		if k := len(cs.by[w].people); k > n {
			best, n = w, k
		}
	}
	return best
}

// disagreements lists the questions with more than one answer given by
// different people, and stage pairs listed in both orders.
func (s *Suggester) disagreements(order []string) []Disagreement {
	var out []Disagreement
	name := func(k string) string { return strings.ReplaceAll(k, "_", " ") }
	for _, cs := range s.claims {
		if len(cs.by) < 2 {
			continue
		}
		var ps []Position
		people := map[string]bool{}
		for _, w := range cs.order {
			c := cs.by[w]
			ps = append(ps, Position{Claim: w, People: slices.Clone(c.names), Refs: slices.Clone(c.refs)})
			for p := range c.people {
				people[p] = true
			}
		}
		if len(people) < 2 {
			continue
		}
		topic := cs.topic
		topic = strings.Replace(topic, cs.stage, name(cs.stage), 1)
		out = append(out, Disagreement{Stage: cs.stage, Topic: topic, Positions: ps})
	}
	for pair, v := range s.order {
		a, b := pair[0], pair[1]
		if a > b {
			continue
		}
		w := s.order[[2]string{b, a}]
		if w == nil {
			continue
		}
		if len(mergePeople(v.people, w.people)) < 2 {
			continue
		}
		out = append(out, Disagreement{Stage: a, Topic: "order of " + name(a) + " and " + name(b), Positions: []Position{
			{Claim: name(a) + " before " + name(b), People: sortedKeys(v.people), Refs: slices.Clone(v.refs)},
			{Claim: name(b) + " before " + name(a), People: sortedKeys(w.people), Refs: slices.Clone(w.refs)},
		}})
	}
	slices.SortFunc(out, func(x, y Disagreement) int {
		return cmp.Or(cmp.Compare(indexOr(order, x.Stage), indexOr(order, y.Stage)), strings.Compare(x.Topic, y.Topic))
	})
	return out
}

func indexOr(list []string, k string) int {
	if i := slices.Index(list, k); i >= 0 {
		return i
	}
	return len(list)
}

func mergePeople(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// notes says what was seen but not placed.
func (s *Suggester) notes(discussed []string) []string {
	var out []string
	for k, people := range s.mentions {
		if !slices.Contains(discussed, k) && len(people) == 1 {
			out = append(out, fmt.Sprintf("%q was mentioned by one person only, so it was not placed", strings.ReplaceAll(k, "_", " ")))
		}
	}
	slices.Sort(out)
	if s.messages == 0 {
		out = append(out, "no messages with text were read: the proposal is the template as it is")
	} else if len(discussed) == 0 {
		out = append(out, fmt.Sprintf("none of the %d messages lists stages or talks about them: the proposal is the template as it is", s.messages))
	}
	return out
}

func channelList(chs []string) string {
	if len(chs) == 0 {
		return "no channels"
	}
	out := make([]string, len(chs))
	for i, c := range chs {
		if strings.HasPrefix(c, "C") && strings.ToUpper(c) == c {
			out[i] = c
		} else {
			out[i] = "#" + c
		}
	}
	return strings.Join(out, ", ")
}
