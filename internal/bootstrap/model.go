package bootstrap

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// ProposalModel proposes a definition with a language model. It sees the offline
// proposal and the messages it cites, and may only cite those messages.
// internal/llm implements it for OpenAI-compatible endpoints.
type ProposalModel interface {
	SuggestJourney(ctx context.Context, in ModelInput) (Proposal, journey.Usage, error)
}

// maxModelMessages bounds the messages a model is shown.
const maxModelMessages = 80

// ModelInput is what a model gets: the offline proposal as a draft, the
// templates it may map stages onto, and the messages worth reading, each
// with an id ("m1") that its answer cites.
type ModelInput struct {
	Draft     Proposal
	Templates []journey.Definition
	Messages  []ModelMessage
}

// ModelMessage is one message shown to a model.
type ModelMessage struct {
	ID  string
	Ref Ref
}

// ModelInput prepares what a model needs to propose: the offline proposal
// and up to 80 of the messages it cites, the disagreements' first.
func (s *Suggester) ModelInput() ModelInput {
	p := s.Proposal()
	in := ModelInput{Draft: p, Templates: s.templates}
	seen := map[string]bool{}
	add := func(r Ref) {
		k := r.Channel + "/" + r.TS
		if seen[k] || len(in.Messages) >= maxModelMessages {
			return
		}
		seen[k] = true
		in.Messages = append(in.Messages, ModelMessage{ID: fmt.Sprintf("m%d", len(in.Messages)+1), Ref: r})
	}
	for _, d := range p.Disagreements {
		for _, pos := range d.Positions {
			for _, r := range pos.Refs {
				add(r)
			}
		}
	}
	for _, st := range p.Stages {
		for _, r := range st.Refs {
			add(r)
		}
		for _, m := range st.Milestones {
			for _, r := range m.Refs {
				add(r)
			}
		}
	}
	return in
}

// ModelAnswer is a model's proposal as it answers it: stages in order,
// citing messages by id.
type ModelAnswer struct {
	Stages        []ModelStage        `json:"stages"`
	Disagreements []ModelDisagreement `json:"disagreements"`
}

// ModelStage is one stage of a model's answer.
type ModelStage struct {
	Key          string           `json:"key"`
	Name         string           `json:"name"`
	OwnerTeam    string           `json:"owner_team"`
	ExitCriteria []string         `json:"exit_criteria"`
	Milestones   []ModelMilestone `json:"milestones"`
	Evidence     []string         `json:"evidence"`
}

// ModelMilestone is one milestone of a model's answer.
type ModelMilestone struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Required bool     `json:"required"`
	Personas []string `json:"personas"`
	Evidence []string `json:"evidence"`
}

// ModelDisagreement is one disagreement of a model's answer.
type ModelDisagreement struct {
	Stage     string          `json:"stage"`
	Topic     string          `json:"topic"`
	Positions []ModelPosition `json:"positions"`
}

// ModelPosition is one side of a disagreement.
type ModelPosition struct {
	Claim    string   `json:"claim"`
	Evidence []string `json:"evidence"`
}

// FromModel checks a model's answer and turns it into a proposal. Stages
// and milestones with a template's key keep that template's CRM stages,
// criteria and evidence; citations of ids that were not shown are dropped;
// personas must be known ones. An answer that still does not make a valid
// definition is an EINVALID error naming the problems.
func FromModel(in ModelInput, a ModelAnswer) (Proposal, error) {
	p := in.Draft
	p.Stages, p.Disagreements = nil, nil
	p.Definition.Stages = nil
	refs := map[string]Ref{}
	for _, m := range in.Messages {
		refs[m.ID] = m.Ref
	}
	cite := func(ids []string) []Ref {
		var out []Ref
		for _, id := range ids {
			if r, ok := refs[strings.TrimSpace(id)]; ok && len(out) < maxRefs {
				out = append(out, r)
			}
		}
		return out
	}
	known := map[string]journey.Stage{}
	knownMs := map[string]journey.Milestone{}
	for _, t := range in.Templates {
		for _, st := range t.Stages {
			if _, ok := known[st.Key]; !ok {
				known[st.Key] = st
			}
			for _, m := range st.Milestones {
				if _, ok := knownMs[m.Key]; !ok {
					knownMs[m.Key] = m
				}
			}
		}
	}
	if len(a.Stages) == 0 {
		return p, journey.Errorf(journey.EINVALID, "the model proposed no stages")
	}
	usedCRM, usedMs, usedStage := map[string]bool{}, map[string]bool{}, map[string]bool{}
	reentry := false
	for _, ms := range a.Stages {
		key := slug(cmpOr(ms.Key, ms.Name))
		var st journey.Stage
		ev := StageEvidence{Discussed: true, Refs: cite(ms.Evidence)}
		if b, ok := known[key]; ok {
			st = b.Clone()
			ev.Template = b.Name
		} else {
			st = journey.Stage{Key: key}
		}
		if usedStage[st.Key] {
			return p, journey.Errorf(journey.EINVALID, "the model listed stage %q twice", st.Key)
		}
		usedStage[st.Key] = true
		ev.Key = st.Key
		st.Name = strings.TrimSpace(cmpOr(ms.Name, st.Name))
		ev.Names = []string{st.Name}
		if t := strings.TrimSpace(ms.OwnerTeam); t != "" {
			st.OwnerTeam = t
		}
		if len(ms.ExitCriteria) > 0 {
			st.ExitCriteria = capStrings(ms.ExitCriteria, maxCriteria)
		}
		var crm []string
		for _, c := range st.CRMStages {
			id := c + fmt.Sprint(st.DealKinds)
			if !usedCRM[id] {
				usedCRM[id] = true
				crm = append(crm, c)
			}
		}
		st.CRMStages = crm
		if st.Reentry {
			st.Reentry = !reentry
			reentry = true
		}
		st.Milestones = nil
		for _, mm := range ms.Milestones {
			mkey := slug(cmpOr(mm.Key, mm.Name))
			if usedMs[mkey] {
				continue
			}
			usedMs[mkey] = true
			m, isKnown := knownMs[mkey]
			if isKnown {
				m = m.Clone()
			} else {
				m = journey.Milestone{Key: mkey}
			}
			m.Name = strings.TrimSpace(cmpOr(mm.Name, m.Name))
			m.Required = mm.Required
			for _, pe := range mm.Personas {
				if _, ok := personaWords[pe]; ok && !slices.Contains(m.Personas, pe) {
					m.Personas = append(m.Personas, pe)
				}
			}
			mrefs := cite(mm.Evidence)
			if !isKnown && len(mrefs) > 0 {
				m.Evidence = []string{mrefs[0].Excerpt}
			}
			st.Milestones = append(st.Milestones, m)
			ev.Milestones = append(ev.Milestones, MilestoneEvidence{Key: mkey, Discussed: len(mrefs) > 0, New: !isKnown, Refs: mrefs})
		}
		p.Definition.Stages = append(p.Definition.Stages, st)
		p.Stages = append(p.Stages, ev)
	}
	for _, d := range a.Disagreements {
		var dis Disagreement
		dis.Stage, dis.Topic = slug(d.Stage), strings.TrimSpace(d.Topic)
		for _, pos := range d.Positions {
			rs := cite(pos.Evidence)
			var people []string
			for _, r := range rs {
				w := r.Who() + " (" + r.Where() + ")"
				if !slices.Contains(people, w) {
					people = append(people, w)
				}
			}
			if len(rs) == 0 {
				continue // an uncited position is not shown
			}
			dis.Positions = append(dis.Positions, Position{Claim: strings.TrimSpace(pos.Claim), People: people, Refs: rs})
		}
		if len(dis.Positions) >= 2 && dis.Topic != "" {
			p.Disagreements = append(p.Disagreements, dis)
		}
	}
	if probs := p.Definition.Validate(); len(probs) > 0 {
		var ss []string
		for _, pr := range probs {
			ss = append(ss, pr.String())
		}
		return p, journey.Errorf(journey.EINVALID, "the model's proposal is not a valid journey: %s", strings.Join(ss, "; "))
	}
	return p, nil
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func capStrings(ss []string, n int) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && len(out) < n {
			out = append(out, excerpt(s, 300))
		}
	}
	return out
}
