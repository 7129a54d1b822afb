package journey

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Definition is one version of a journey: ordered stages, each with the
// milestones that show a customer really got through it. A workspace can hold
// several definitions, one per segment (enterprise, self-serve, ...).
type Definition struct {
	ID          string
	Key         string // stable name across versions, e.g. "saas-sales-led"
	Name        string
	Version     int
	Segments    []string // account segments it applies to; empty: the default
	Description string
	Stages      []Stage
	// WonStages and LostStages are CRM stage ids that close a deal. Empty
	// means HubSpot's "closedwon" and "closedlost".
	WonStages  []string
	LostStages []string
	Source     string // "template", "yaml", "bootstrap"
	CreatedAt  time.Time
}

// Stage is one step of the journey.
type Stage struct {
	Key           string
	Name          string
	OwnerTeam     string // sales, cs, marketing, ...
	Description   string
	EntryCriteria []string
	ExitCriteria  []string
	Touchpoints   []string
	// CRMStages are deal stage ids that place the account in this stage.
	CRMStages []string
	// DealKinds limits CRMStages to deals of these kinds; empty means all.
	DealKinds []DealKind
	// RenewalWindowDays, when set, puts the account in this stage once its
	// renewal date is that many days away or closer.
	RenewalWindowDays int
	// Reentry marks the stage an account loops back to when an expansion
	// deal closes won (onboarding, usually).
	Reentry    bool
	Milestones []Milestone
	// Checklist is the handoff checklist carried by this stage, if any.
	Checklist []ChecklistItem
}

// Milestone is an outcome inside a stage, with the evidence that marks it done.
type Milestone struct {
	Key         string
	Name        string
	Required    bool
	Personas    []string // the personas it applies to; empty: the account as a whole
	Evidence    []string // what shows it done: phrases, documents, CRM facts
	Description string
}

// Clone returns a copy of d that shares no slice with it, so that changing
// the copy leaves d as it was.
func (d Definition) Clone() Definition {
	d.Segments = slices.Clone(d.Segments)
	d.WonStages = slices.Clone(d.WonStages)
	d.LostStages = slices.Clone(d.LostStages)
	d.Stages = cloneEach(d.Stages)
	return d
}

// Clone returns a copy of s that shares no slice with it.
func (s Stage) Clone() Stage {
	s.EntryCriteria = slices.Clone(s.EntryCriteria)
	s.ExitCriteria = slices.Clone(s.ExitCriteria)
	s.Touchpoints = slices.Clone(s.Touchpoints)
	s.CRMStages = slices.Clone(s.CRMStages)
	s.DealKinds = slices.Clone(s.DealKinds)
	s.Checklist = slices.Clone(s.Checklist)
	s.Milestones = cloneEach(s.Milestones)
	return s
}

// Clone returns a copy of m that shares no slice with it.
func (m Milestone) Clone() Milestone {
	m.Personas = slices.Clone(m.Personas)
	m.Evidence = slices.Clone(m.Evidence)
	return m
}

// cloneEach copies xs and each of its items.
func cloneEach[T interface{ Clone() T }](xs []T) []T {
	xs = slices.Clone(xs)
	for i := range xs {
		xs[i] = xs[i].Clone()
	}
	return xs
}

// ChecklistItem is one question of a handoff checklist.
type ChecklistItem struct {
	Key      string
	Section  string
	Question string
}

// Problem is one thing wrong with a definition or an import, located by a
// field path such as "stages[2].milestones[0].key".
type Problem struct {
	Path    string
	Message string
	Line    int // filled in by readers that know lines; 0 when unknown
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Path, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Message)
}

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

// Validate returns every problem of d; none means it can be published.
func (d Definition) Validate() []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if d.Key == "" {
		add("key", "is required (a short name such as saas-sales-led)")
	} else if !regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`).MatchString(d.Key) {
		add("key", "%q must be lower-case letters, digits, '-' or '_'", d.Key)
	}
	if d.Name == "" {
		add("name", "is required")
	}
	if len(d.Stages) == 0 {
		add("stages", "needs at least one stage")
	}
	// checkKey checks a stage's or milestone's key at path: present, of
	// keyPattern's form and not used before; used says where each key seen
	// so far is used, and where says it of this one.
	checkKey := func(path, key string, used map[string]string, where string) {
		switch {
		case key == "":
			add(path, "is required")
		case !keyPattern.MatchString(key):
			add(path, "%q must be lower-case letters, digits or '_'", key)
		default:
			if prev, dup := used[key]; dup {
				add(path, "%q is already used %s", key, prev)
			}
			used[key] = where
		}
	}
	stageKeys := map[string]string{}
	milestoneKeys := map[string]string{}
	crm := map[string]string{}
	reentries := 0
	for i, s := range d.Stages {
		p := fmt.Sprintf("stages[%d]", i)
		checkKey(p+".key", s.Key, stageKeys, "by "+p)
		if s.Name == "" {
			add(p+".name", "is required")
		}
		if s.RenewalWindowDays < 0 {
			add(p+".renewal_window_days", "must not be negative")
		}
		if s.Reentry {
			reentries++
			if reentries > 1 {
				add(p+".reentry", "only one stage can be the re-entry point for expansions")
			}
		}
		for _, k := range s.DealKinds {
			if k != DealNew && k != DealExpansion && k != DealRenewal {
				add(p+".deal_kinds", "%q is not a deal kind (new, expansion, renewal)", k)
			}
		}
		for _, c := range s.CRMStages {
			kindsKey := fmt.Sprint(s.DealKinds)
			if prev, dup := crm[c+kindsKey]; dup {
				add(p+".crm_stages", "CRM stage %q is already mapped to stage %q", c, prev)
			}
			crm[c+kindsKey] = s.Key
		}
		for j, m := range s.Milestones {
			mp := fmt.Sprintf("%s.milestones[%d]", p, j)
			checkKey(mp+".key", m.Key, milestoneKeys, fmt.Sprintf("in stage %q", s.Key))
			if m.Name == "" {
				add(mp+".name", "is required")
			}
		}
		seen := map[string]bool{}
		for j, c := range s.Checklist {
			cp := fmt.Sprintf("%s.checklist[%d]", p, j)
			if c.Key == "" || !keyPattern.MatchString(c.Key) {
				add(cp+".key", "%q must be lower-case letters, digits or '_'", c.Key)
			} else if seen[c.Key] {
				add(cp+".key", "%q is used twice", c.Key)
			}
			seen[c.Key] = true
			if c.Question == "" {
				add(cp+".question", "is required")
			}
		}
	}
	return ps
}

// StageIndex returns the position of the stage with the given key, or -1.
func (d Definition) StageIndex(key string) int {
	return slices.IndexFunc(d.Stages, func(s Stage) bool { return s.Key == key })
}

// Milestone returns the milestone with the given key and the index of its stage.
func (d Definition) Milestone(key string) (Milestone, int, bool) {
	for i, s := range d.Stages {
		for _, m := range s.Milestones {
			if m.Key == key {
				return m, i, true
			}
		}
	}
	return Milestone{}, -1, false
}

// IsWon reports whether a CRM stage id closes a deal as won.
func (d Definition) IsWon(stage string) bool {
	if len(d.WonStages) == 0 {
		return stage == CRMClosedWon
	}
	return slices.Contains(d.WonStages, stage)
}

// IsLost reports whether a CRM stage id closes a deal as lost.
func (d Definition) IsLost(stage string) bool {
	if len(d.LostStages) == 0 {
		return stage == CRMClosedLost
	}
	return slices.Contains(d.LostStages, stage)
}

// stageForDeal returns the index of the stage a deal's CRM stage maps to, or -1.
func (d Definition) stageForDeal(deal Deal) int {
	for i, s := range d.Stages {
		if len(s.DealKinds) > 0 && !slices.Contains(s.DealKinds, deal.Kind) {
			continue
		}
		if slices.Contains(s.CRMStages, deal.Stage) {
			return i
		}
	}
	return -1
}

// Personas lists every persona named by a milestone, in order of first use.
func (d Definition) Personas() []string {
	var out []string
	for _, s := range d.Stages {
		for _, m := range s.Milestones {
			for _, p := range m.Personas {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// ForSegment picks the newest definition that names segment, else the newest
// one that names no segment, else the newest of all. It returns false when
// defs is empty.
func ForSegment(defs []Definition, segment string) (Definition, bool) {
	var best, fallback, any Definition
	var okBest, okFallback, okAny bool
	newer := func(a Definition, ok bool, b Definition) bool { return !ok || b.Version > a.Version }
	for _, d := range defs {
		if slices.ContainsFunc(d.Segments, func(s string) bool { return normWord(s) == normWord(segment) }) && newer(best, okBest, d) {
			best, okBest = d, true
		}
		if len(d.Segments) == 0 && newer(fallback, okFallback, d) {
			fallback, okFallback = d, true
		}
		if newer(any, okAny, d) {
			any, okAny = d, true
		}
	}
	switch {
	case okBest:
		return best, true
	case okFallback:
		return fallback, true
	}
	return any, okAny
}
