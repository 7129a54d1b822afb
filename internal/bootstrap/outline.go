package bootstrap

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/journeyhq/journey/internal/journey"
)

// Outline writes a definition's stages and milestones as plain text an
// admin can edit in one box: a stage a line ("Name | owner team | key"),
// its milestones under it ("- Name | key | required"). Keys tie a line to
// the stage or milestone it came from, so renaming keeps its CRM mapping
// and what was already done. When the text would be longer than maxLen
// runes (0: no limit), milestone keys that their names find anyway are
// left out.
func Outline(d journey.Definition, maxLen int) string {
	var blocks []string
	for _, s := range d.Stages {
		blocks = append(blocks, stageOutline(s, false))
	}
	out := strings.Join(blocks, "\n")
	if maxLen <= 0 || utf8.RuneCountInString(out) <= maxLen {
		return out
	}
	blocks = blocks[:0]
	for _, s := range d.Stages {
		blocks = append(blocks, stageOutline(s, true))
	}
	return strings.Join(blocks, "\n")
}

// OutlineParts is Outline cut at stage lines into parts of at most maxLen
// runes each, for inputs that hold that much; joined with line breaks they
// read back as the whole. Only a single stage longer than maxLen makes a
// longer part.
func OutlineParts(d journey.Definition, maxLen int) []string {
	if whole := Outline(d, maxLen); maxLen <= 0 || utf8.RuneCountInString(whole) <= maxLen {
		return []string{whole}
	}
	var parts []string
	cur := ""
	for _, s := range d.Stages {
		b := stageOutline(s, false)
		if utf8.RuneCountInString(b) > maxLen {
			b = stageOutline(s, true)
		}
		switch {
		case cur == "":
			cur = b
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(b) <= maxLen:
			cur += "\n" + b
		default:
			parts = append(parts, cur)
			cur = b
		}
	}
	if cur != "" {
		parts = append(parts, cur)
	}
	return parts
}

// stageOutline writes one stage and its milestones; short leaves out the
// milestone keys that their names give back.
func stageOutline(s journey.Stage, short bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s | %s | %s", s.Name, s.OwnerTeam, s.Key)
	for _, m := range s.Milestones {
		req := "optional"
		if m.Required {
			req = "required"
		}
		if short && slug(m.Name) == m.Key {
			fmt.Fprintf(&b, "\n- %s | | %s", m.Name, req)
		} else {
			fmt.Fprintf(&b, "\n- %s | %s | %s", m.Name, m.Key, req)
		}
	}
	return b.String()
}

// ApplyOutline rebuilds base from an edited outline: stages and milestones
// in the order written, renamed, added (a line without a key, or with a
// new one) and removed (a line deleted). A line with a known key keeps
// everything else of its stage or milestone (criteria, CRM stages,
// evidence), wherever it moves. It returns the problems with their line
// numbers; with none the definition also passes Validate, or those
// problems are returned.
func ApplyOutline(base journey.Definition, text string) (journey.Definition, []string) {
	d := base
	d.Stages = nil
	var problems []string
	baseStages := map[string]journey.Stage{}
	baseMilestones := map[string]journey.Milestone{}
	for _, s := range base.Stages {
		baseStages[s.Key] = s
		for _, m := range s.Milestones {
			baseMilestones[m.Key] = m
		}
	}
	byName := func(name string) (journey.Stage, bool) {
		for _, s := range base.Stages {
			if strings.EqualFold(s.Name, name) {
				return s, true
			}
		}
		return journey.Stage{}, false
	}
	msByName := func(name string) (journey.Milestone, bool) {
		for _, s := range base.Stages {
			for _, m := range s.Milestones {
				if strings.EqualFold(m.Name, name) {
					return m, true
				}
			}
		}
		return journey.Milestone{}, false
	}
	stageKeys := map[string]int{}
	msKeys := map[string]int{}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		n := i + 1
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := cutBullet(line); ok {
			if len(d.Stages) == 0 {
				problems = append(problems, fmt.Sprintf("line %d: the milestone %q comes before any stage; put a stage line above it", n, rest))
				continue
			}
			f := fields(rest, 3)
			name, key, req := f[0], f[1], strings.ToLower(f[2])
			if name == "" {
				problems = append(problems, fmt.Sprintf("line %d: a milestone needs a name", n))
				continue
			}
			var m journey.Milestone
			if bm, ok := baseMilestones[key]; ok && key != "" {
				m = bm
			} else if bm, ok := msByName(name); ok && key == "" {
				m = bm
			} else {
				m = journey.Milestone{Key: key}
				if m.Key == "" {
					m.Key = slug(name)
				}
			}
			m = m.Clone()
			m.Name = name
			switch req {
			case "required", "yes", "true", "*":
				m.Required = true
			case "optional", "no", "false":
				m.Required = false
			case "":
			default:
				problems = append(problems, fmt.Sprintf("line %d: %q should be required or optional", n, f[2]))
			}
			if prev, dup := msKeys[m.Key]; dup {
				problems = append(problems, fmt.Sprintf("line %d: the milestone key %q is already used on line %d; give one of them another key", n, m.Key, prev))
				continue
			}
			msKeys[m.Key] = n
			st := &d.Stages[len(d.Stages)-1]
			st.Milestones = append(st.Milestones, m)
			continue
		}
		f := fields(line, 3)
		name, owner, key := f[0], f[1], f[2]
		if name == "" {
			problems = append(problems, fmt.Sprintf("line %d: a stage needs a name", n))
			continue
		}
		var st journey.Stage
		if bs, ok := baseStages[key]; ok && key != "" {
			st = bs.Clone()
		} else if bs, ok := byName(name); ok && key == "" {
			st = bs.Clone()
		} else {
			st = journey.Stage{Key: key}
			if st.Key == "" {
				st.Key = slug(name)
			}
		}
		st.Name = name
		if owner != "" || key != "" {
			st.OwnerTeam = owner
		}
		st.Milestones = nil
		if prev, dup := stageKeys[st.Key]; dup {
			problems = append(problems, fmt.Sprintf("line %d: the stage key %q is already used on line %d; give one of them another key", n, st.Key, prev))
			continue
		}
		stageKeys[st.Key] = n
		d.Stages = append(d.Stages, st)
	}
	if len(d.Stages) == 0 && len(problems) == 0 {
		problems = append(problems, "the outline has no stages: write one stage a line")
	}
	if len(problems) > 0 {
		return d, problems
	}
	// a stage dropped hands its CRM stages to no one: deals in them show no
	// stage, which Validate accepts; the re-entry point must stay single.
	for _, p := range d.Validate() {
		problems = append(problems, p.String())
	}
	return d, problems
}

func cutBullet(line string) (string, bool) {
	for _, p := range []string{"- ", "• ", "* ", "-\t"} {
		if rest, ok := strings.CutPrefix(line, p); ok {
			return strings.TrimSpace(rest), true
		}
	}
	if line == "-" {
		return "", true
	}
	return "", false
}

// fields splits "a | b | c" into exactly n trimmed fields.
func fields(s string, n int) []string {
	parts := strings.SplitN(s, "|", n)
	out := make([]string, n)
	for i := range out {
		if i < len(parts) {
			out[i] = strings.TrimSpace(parts[i])
		}
	}
	return out
}
