package bootstrap

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Limits that keep a Suggester's memory bounded whatever it reads.
const (
	maxRefs     = 5   // citations kept per stage, milestone or claim
	maxConcepts = 300 // distinct stage candidates tracked
	maxCriteria = 6   // exit criteria kept per stage
	maxNew      = 8   // new milestones kept per stage
)

// Proposal is a suggested journey definition with where each part came from.
type Proposal struct {
	// Definition is ready to publish: Validate finds nothing wrong with it.
	Definition journey.Definition `json:"definition"`
	// Template is the key of the built-in template it was mapped onto.
	Template string          `json:"template"`
	Stages   []StageEvidence `json:"stages"`
	// Disagreements are the points people in the threads disagree on.
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	Messages      int            `json:"messages"` // messages read
	People        int            `json:"people"`   // distinct authors
	Channels      []string       `json:"channels"` // channel names (or ids) read
	// Notes say what else was seen (terms mentioned but not placed).
	Notes []string `json:"notes,omitempty"`
}

// StageEvidence says where one stage of the proposal came from.
type StageEvidence struct {
	Key        string              `json:"key"`
	Discussed  bool                `json:"discussed"`          // false: kept from the template, nobody wrote about it
	Template   string              `json:"template,omitempty"` // the built-in stage's name it maps to, if any
	Names      []string            `json:"names,omitempty"`    // what people called it
	Personas   []string            `json:"personas,omitempty"`
	Refs       []Ref               `json:"refs,omitempty"`
	Milestones []MilestoneEvidence `json:"milestones,omitempty"`
}

// MilestoneEvidence says where one milestone came from.
type MilestoneEvidence struct {
	Key       string `json:"key"`
	Discussed bool   `json:"discussed"`
	New       bool   `json:"new,omitempty"` // not in any template: written in Slack
	Refs      []Ref  `json:"refs,omitempty"`
}

// Disagreement is one question people answered differently.
type Disagreement struct {
	Stage     string     `json:"stage"` // stage key
	Topic     string     `json:"topic"` // "where handoff happens", "who owns onboarding", "order"
	Positions []Position `json:"positions"`
}

// Position is one answer and who gave it.
type Position struct {
	Claim  string   `json:"claim"`  // "at contract signed", "cs", "before onboarding"
	People []string `json:"people"` // "Dana (#sales-leadership)"
	Refs   []Ref    `json:"refs"`
}

// Summary says a disagreement in one line: `handoff: Dana (#sales) says at
// contract signed; Priya (#cs) says at kickoff held`.
func (d Disagreement) Summary() string {
	var parts []string
	for _, p := range d.Positions {
		parts = append(parts, fmt.Sprintf("%s says %s", strings.Join(p.People, ", "), p.Claim))
	}
	return d.Topic + ": " + strings.Join(parts, "; ")
}

// Suggester reads messages one at a time and proposes a definition.
type Suggester struct {
	templates      []journey.Definition
	milestoneStage map[string]string // milestone key -> built-in stage key
	stageOf        map[string]journey.Stage
	milestoneOf    map[string]journey.Milestone

	messages int
	people   map[string]bool
	channels []string

	concepts map[string]*conceptStats
	order    map[[2]string]*votes       // before[a,b]: a listed before b
	claims   map[string]*claimSet       // "boundary:handoff" / "owner:onboarding" -> claims
	cues     map[string]int             // template key -> cue words seen
	mentions map[string]map[string]bool // stage-word concept -> people who named it outside lists
}

type conceptStats struct {
	key      string
	known    bool
	strong   bool            // listed with two built-in stages or more: plainly a journey list
	names    map[string]int  // head as written -> times
	people   map[string]bool // who listed it
	listed   int             // times in a stage list
	posSum   float64
	after    map[string]int // concept listed just before it -> times
	refs     []Ref
	criteria []string
	personas map[string]bool
	mstones  map[string]*mstoneStats // milestone key -> stats
	newOrder []string                // new milestone keys in order of first sight
}

type mstoneStats struct {
	name     string
	refs     []Ref
	personas map[string]bool
	isNew    bool
}

type votes struct {
	n      int
	people map[string]bool
	refs   []Ref
}

type claimSet struct {
	stage string
	topic string
	by    map[string]*claim // claim -> who said it
	order []string
}

type claim struct {
	people map[string]bool
	names  []string
	refs   []Ref
}

// NewSuggester prepares a suggester that maps what it reads onto templates
// (the built-in ones, template.Builtin()).
func NewSuggester(templates []journey.Definition) *Suggester {
	s := &Suggester{templates: templates, milestoneStage: map[string]string{}, stageOf: map[string]journey.Stage{},
		milestoneOf: map[string]journey.Milestone{}, people: map[string]bool{}, concepts: map[string]*conceptStats{},
		order: map[[2]string]*votes{}, claims: map[string]*claimSet{}, cues: map[string]int{}, mentions: map[string]map[string]bool{}}
	for _, t := range templates {
		for _, st := range t.Stages {
			if _, ok := s.stageOf[st.Key]; !ok {
				s.stageOf[st.Key] = st
			}
			for _, m := range st.Milestones {
				if _, ok := s.milestoneStage[m.Key]; !ok {
					s.milestoneStage[m.Key] = st.Key
					s.milestoneOf[m.Key] = m
				}
			}
		}
	}
	return s
}

// templateCues are words that point at one template over the others.
var templateCues = map[string][]string{
	"enterprise":     {"enterprise", "procurement", "security review", "rfp", "business case", "poc", "proof of concept", "technical validation", "mutual action plan", "legal review", "exec sponsor"},
	"smb-self-serve": {"self serve", "self-serve", "trial", "plg", "product led", "product-led", "credit card", "freemium", "signup", "sign up", "smb"},
	"saas-sales-led": {"mid market", "mid-market", "demo", "proposal", "sales led", "sales-led", "ae"},
}

var cueLex = func() map[string]lexicon {
	m := map[string]lexicon{}
	for t, ws := range templateCues {
		m[t] = words(ws)
	}
	return m
}()

func (s *Suggester) person(m Message) string {
	who := m.UserName
	if who == "" {
		who = m.User
	}
	if who == "" {
		who = "someone"
	}
	if m.ChannelName != "" {
		return who + " (#" + m.ChannelName + ")"
	}
	return who
}

// Add reads one message. Channel joins, bot posts and other system
// messages are counted but not read.
func (s *Suggester) Add(m Message) {
	if m.ChannelName != "" && !slices.Contains(s.channels, m.ChannelName) || m.ChannelName == "" && m.Channel != "" && !slices.Contains(s.channels, m.Channel) {
		s.channels = append(s.channels, cmp.Or(m.ChannelName, m.Channel))
	}
	switch m.Subtype {
	case "", "thread_broadcast", "file_share", "me_message":
	default:
		return
	}
	if strings.TrimSpace(m.Text) == "" {
		return
	}
	s.messages++
	if m.User != "" && !s.people[m.User] && len(s.people) < 10000 {
		s.people[m.User] = true
	}
	n := norm(plain(m.Text))
	for t, cues := range cueLex {
		if cues.has(n) {
			s.cues[t]++
		}
	}
	if !stageLex.has(n) && !milestoneLex.has(n) {
		return // names no stage or milestone: nothing to read
	}
	who := s.person(m)
	ref := refOf(m)
	structural := structureLex.has(n)
	for _, l := range lists(m.Text) {
		s.readList(l, structural, who, ref)
	}
	for _, sent := range sentences(m.Text) {
		s.readSentence(sent, structural, who, ref)
	}
}

// readList takes a list as a stage list (its items become stages, in order)
// or as the details of one stage (its items become criteria and milestones).
func (s *Suggester) readList(l list, structural bool, who string, ref Ref) {
	type found struct {
		key   string
		known bool
		it    item
	}
	var fs []found
	distinct := map[string]bool{}
	knownN := 0
	for _, it := range l.items {
		k, known := concept(it.head, s.milestoneStage)
		if k == "" {
			fs = append(fs, found{it: it})
			continue
		}
		fs = append(fs, found{key: k, known: known, it: it})
		distinct[k] = true
		if known {
			knownN++
		}
	}
	leadStage := stageLex.first(norm(l.lead))
	leadStructural := structureLex.has(norm(l.lead)) || structural
	stageList := len(distinct) >= 2 && (knownN >= 1 || leadStructural) && (l.kind == "arrow" || l.kind == "stages" ||
		knownN*2 >= len(l.items) && (leadStage == "" || len(distinct) >= 3) || leadStructural && knownN >= 1 && leadStage == "")
	if !stageList {
		if leadStage != "" {
			s.readDetails(leadStage, l, who, ref)
		}
		return
	}
	var seq []string
	for _, f := range fs {
		if f.key == "" || slices.Contains(seq, f.key) {
			continue
		}
		if !f.known && !(leadStructural || l.kind == "arrow" || l.kind == "stages") {
			continue // a new stage only from a list that is plainly about stages
		}
		c := s.concept(f.key, f.known)
		if c == nil {
			continue
		}
		seq = append(seq, f.key)
		if knownN >= 2 {
			c.strong = true
		}
		c.names[strings.TrimSpace(f.it.head)]++
		c.people[who] = true
		c.listed++
		c.refs = addRef(c.refs, ref)
		for _, d := range f.it.details {
			s.readDetail(c, d, "", who, ref)
		}
	}
	for i, k := range seq {
		c := s.concepts[k]
		if len(seq) > 1 {
			c.posSum += float64(i) / float64(len(seq)-1)
		}
		if i > 0 {
			c.after[seq[i-1]]++
		}
		for _, later := range seq[i+1:] {
			v := s.order[[2]string{k, later}]
			if v == nil {
				v = &votes{people: map[string]bool{}}
				s.order[[2]string{k, later}] = v
			}
			v.n++
			v.people[who] = true
			v.refs = addRef(v.refs, ref)
		}
	}
}

func (s *Suggester) concept(key string, known bool) *conceptStats {
	if c, ok := s.concepts[key]; ok {
		return c
	}
	if len(s.concepts) >= maxConcepts {
		return nil
	}
	c := &conceptStats{key: key, known: known, names: map[string]int{}, people: map[string]bool{}, after: map[string]int{},
		personas: map[string]bool{}, mstones: map[string]*mstoneStats{}}
	s.concepts[key] = c
	return c
}

// readDetails reads a list under a line that names one stage ("Onboarding
// is done when:"): each item is a milestone or an exit criterion.
func (s *Suggester) readDetails(stage string, l list, who string, ref Ref) {
	c := s.concept(stage, true)
	if c == nil {
		return
	}
	c.refs = addRef(c.refs, ref)
	asMilestones := milestoneCue.has(norm(l.lead))
	for _, it := range l.items {
		text := it.head
		if len(it.details) > 0 {
			text += ": " + strings.Join(it.details, "; ")
		}
		kind := "criterion"
		if asMilestones {
			kind = "milestone"
		}
		s.readDetail(c, text, kind, who, ref)
	}
}

// readDetail files one piece of text about a stage: a known milestone it
// names, else a new milestone or an exit criterion (kind "" decides by the
// words: a short noun phrase is a milestone).
func (s *Suggester) readDetail(c *conceptStats, text, kind, who string, ref Ref) {
	n := norm(text)
	personas := personaLex.find(n)
	if h := milestoneLex.find(n); len(h) > 0 {
		for _, x := range h {
			s.noteMilestone(c, x.key, "", personas, ref)
		}
		if kind != "criterion" {
			return
		}
	}
	text = strings.TrimSpace(strings.TrimRight(text, ".;,"))
	if text == "" {
		return
	}
	if kind == "milestone" {
		s.noteMilestone(c, slug(text), niceName(text), personas, ref)
		return
	}
	if len(c.criteria) < maxCriteria && !slices.Contains(c.criteria, niceName(text)) {
		c.criteria = append(c.criteria, niceName(text))
	}
}

func (s *Suggester) noteMilestone(c *conceptStats, key, name string, personas []hit, ref Ref) {
	ms, ok := c.mstones[key]
	if !ok {
		isNew := name != ""
		if isNew && len(c.newOrder) >= maxNew {
			return
		}
		ms = &mstoneStats{name: name, personas: map[string]bool{}, isNew: isNew}
		c.mstones[key] = ms
		if isNew {
			c.newOrder = append(c.newOrder, key)
		}
	}
	ms.refs = addRef(ms.refs, ref)
	for _, p := range personas {
		ms.personas[p.key] = true
	}
}

// readSentence finds owners, boundaries, exit criteria and milestones in a
// sentence that names a stage.
func (s *Suggester) readSentence(sent string, structural bool, who string, ref Ref) {
	n := norm(sent)
	stages := stageLex.find(n)
	if len(stages) == 0 {
		return
	}
	main := stages[0]
	if c, ok := s.concepts[main.key]; ok || structural || structureLex.has(n) {
		if !ok {
			c = s.concept(main.key, true)
		}
		if c == nil {
			return
		}
		if s.mentions[main.key] == nil {
			s.mentions[main.key] = map[string]bool{}
		}
		s.mentions[main.key][who] = true
		for _, p := range personaLex.find(n) {
			c.personas[p.key] = true
		}
		for _, m := range milestoneLex.find(n) {
			if s.milestoneStage[m.key] == main.key {
				s.noteMilestone(c, m.key, "", personaLex.find(n), ref)
			}
		}
		if exitLex.has(n) {
			crit := sent
			if len(c.criteria) < maxCriteria && !slices.Contains(c.criteria, niceName(crit)) {
				c.criteria = append(c.criteria, niceName(excerpt(crit, 200)))
			}
			c.refs = addRef(c.refs, ref)
		}
	}
	// ownership: "CS owns onboarding", "onboarding is owned by the CSM"
	if ownerLex.has(n) {
		if teams := teamLex.find(n); len(teams) == 1 {
			s.claim("owner:"+main.key, main.key, "who owns "+main.key, teams[0].key, who, ref)
		}
	}
	// boundary: "handoff at signature" / "handoff should happen at kickoff"
	for _, st := range stages {
		for _, m := range milestoneLex.findAll(n) {
			if m.start < st.end || s.milestoneStage[m.key] == "" {
				continue
			}
			between := strings.Fields(n[st.end:m.start])
			if len(between) > 6 || !joined(between) {
				break
			}
			name := m.key
			if ms, ok := s.milestoneOf[m.key]; ok {
				name = strings.ToLower(ms.Name)
			}
			s.claim("boundary:"+st.key, st.key, "where "+st.key+" happens", "at "+name, who, ref)
			break
		}
	}
}

// joined reports whether the words between a stage and a milestone join
// them as a moment ("happens at", "should be after the").
func joined(words []string) bool {
	for _, w := range words {
		for _, b := range boundaryWords {
			if !strings.Contains(b, " ") && w == b {
				return true
			}
		}
	}
	return false
}

func (s *Suggester) claim(id, stage, topic, what, who string, ref Ref) {
	cs, ok := s.claims[id]
	if !ok {
		if len(s.claims) > 2*maxConcepts {
			return
		}
		cs = &claimSet{stage: stage, topic: topic, by: map[string]*claim{}}
		s.claims[id] = cs
	}
	c, ok := cs.by[what]
	if !ok {
		if len(cs.by) >= 8 {
			return
		}
		c = &claim{people: map[string]bool{}}
		cs.by[what] = c
		cs.order = append(cs.order, what)
	}
	if !c.people[who] && len(c.names) < 10 {
		c.people[who] = true
		c.names = append(c.names, who)
	}
	c.refs = addRef(c.refs, ref)
}

// addRef keeps up to maxRefs citations, one per message, preferring new authors.
func addRef(refs []Ref, r Ref) []Ref {
	for _, x := range refs {
		if x.Channel == r.Channel && x.TS == r.TS {
			return refs
		}
	}
	if len(refs) < maxRefs {
		return append(refs, r)
	}
	for i, x := range refs {
		if x.User == r.User {
			continue
		}
		dup := false
		for _, y := range refs {
			if y.User == r.User {
				dup = true
			}
		}
		if !dup && i == len(refs)-1 {
			refs[i] = r
		}
	}
	return refs
}
