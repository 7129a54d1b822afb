package bootstrap

import (
	"fmt"
	"strings"
)

// Comments are the proposal's evidence as notes for a YAML file: a header
// with what was read and the disagreements, and above each stage and
// milestone the messages it came from.
type Comments struct {
	Header     []string
	Stages     map[string][]string
	Milestones map[string][]string
}

// Comments writes the proposal's evidence and disagreements as text.
func (p Proposal) Comments() Comments {
	c := Comments{Stages: map[string][]string{}, Milestones: map[string][]string{}}
	c.Header = append(c.Header,
		fmt.Sprintf("Proposed by Journey from %d messages by %d people in %s.", p.Messages, p.People, channelList(p.Channels)),
		fmt.Sprintf("Mapped onto the built-in template %q: stages nobody discussed are kept from it (marked below).", p.Template),
		"Edit freely, then publish with: bot journey apply -f FILE")
	if len(p.Disagreements) > 0 {
		c.Header = append(c.Header, "", "People disagree on (decide before publishing):")
		for _, d := range p.Disagreements {
			c.Header = append(c.Header, "  - "+d.Summary())
			for _, pos := range d.Positions {
				for _, r := range pos.Refs {
					c.Header = append(c.Header, "      "+cite(r))
				}
			}
		}
	}
	for _, n := range p.Notes {
		c.Header = append(c.Header, "Note: "+n)
	}
	for _, s := range p.Stages {
		var lines []string
		switch {
		case !s.Discussed:
			lines = append(lines, "Not discussed in Slack: kept from the template.")
		case s.Template != "" && len(s.Names) > 0:
			lines = append(lines, fmt.Sprintf("Called %s in Slack; the template's %q stage.", quoteAll(s.Names), s.Template))
		case len(s.Names) > 0:
			lines = append(lines, fmt.Sprintf("Called %s in Slack; not in any template (a new stage).", quoteAll(s.Names)))
		default:
			lines = append(lines, fmt.Sprintf("Discussed in Slack; the template's %q stage.", s.Template))
		}
		if len(s.Personas) > 0 {
			lines = append(lines, "Personas mentioned: "+strings.Join(s.Personas, ", "))
		}
		for _, r := range s.Refs {
			lines = append(lines, cite(r))
		}
		c.Stages[s.Key] = lines
		for _, m := range s.Milestones {
			if !m.Discussed {
				continue
			}
			var ml []string
			if m.New {
				ml = append(ml, "New: written in Slack, not in the template.")
			}
			for _, r := range m.Refs {
				ml = append(ml, cite(r))
			}
			c.Milestones[m.Key] = ml
		}
	}
	return c
}

// cite is one citation line: who, where, the link and the words.
func cite(r Ref) string {
	link := r.Permalink
	if link == "" {
		link = r.Where() + " ts " + r.TS
	}
	return fmt.Sprintf("%s in %s: %q %s", r.Who(), r.Where(), r.Excerpt, link)
}

func quoteAll(ss []string) string {
	if len(ss) > 4 {
		ss = ss[:4]
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
